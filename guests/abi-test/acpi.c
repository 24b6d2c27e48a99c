// SPDX-License-Identifier: MIT
/*
 * The ACPI tables the domain builder gives a PVH domain, as a guest finds
 * them: RSDP at hvm_start_info.rsdp_paddr inside an ACPI range of the memory
 * map, checksums right, XSDT -> MADT with one enabled local APIC per vCPU
 * (APIC id 2 x vCPU id), as many as the domain has vCPUs.
 */
#include <stdbool.h>
#include <stdint.h>

#include <public/arch-x86/hvm/start_info.h>

#include "abi-test.h"

#define MAPPED_END 0x40000000ull /* lib/trap-entry.S identity-maps the first GiB */

static bool sums_to_zero(uint64_t gpa, uint32_t len)
{
    const uint8_t *p = (const uint8_t *)(uintptr_t)gpa;
    uint8_t sum = 0;

    for (uint32_t i = 0; i < len; i++)
        sum = (uint8_t)(sum + p[i]);
    return sum == 0;
}

static uint32_t rd32(uint64_t gpa)
{
    return *(const volatile uint32_t *)(uintptr_t)gpa;
}

static uint64_t rd64(uint64_t gpa)
{
    return rd32(gpa) | (uint64_t)rd32(gpa + 4) << 32;
}

static bool sig_is(uint64_t gpa, const char *sig)
{
    const char *p = (const char *)(uintptr_t)gpa;

    for (int i = 0; sig[i]; i++)
        if (p[i] != sig[i])
            return false;
    return true;
}

/* A table with a header at gpa, inside the mapped low memory, summing to 0. */
static bool table_ok(uint64_t gpa)
{
    return gpa && gpa < MAPPED_END - 36 && rd32(gpa + 4) >= 36 &&
           rd32(gpa + 4) <= MAPPED_END - gpa && sums_to_zero(gpa, rd32(gpa + 4));
}

static bool in_acpi_range(const struct hvm_start_info *si, uint64_t gpa, uint64_t len)
{
    const struct hvm_memmap_table_entry *mm =
        (const struct hvm_memmap_table_entry *)(uintptr_t)si->memmap_paddr;

    for (uint32_t i = 0; i < si->memmap_entries; i++)
        if (mm[i].type == XEN_HVM_MEMMAP_TYPE_ACPI && mm[i].addr <= gpa &&
            mm[i].addr + mm[i].size >= gpa + len)
            return true;
    return false;
}

void check_acpi(const struct hvm_start_info *si, uint32_t nr)
{
    uint64_t rsdp = si->rsdp_paddr, xsdt, madt = 0;
    uint32_t lapics = 0, others = 0, len;
    bool ids_ok = true;

    check(rsdp && rsdp < MAPPED_END - 36 && sig_is(rsdp, "RSD PTR "),
          "hvm_start_info rsdp_paddr: an RSDP");
    if (!rsdp || rsdp >= MAPPED_END - 36 || !sig_is(rsdp, "RSD PTR "))
        return;
    check(sums_to_zero(rsdp, 20) && sums_to_zero(rsdp, 36), "RSDP checksums");
    check(in_acpi_range(si, rsdp, 36), "memory map: the RSDP is in an ACPI range");
    xsdt = rd64(rsdp + 24);
    check(table_ok(xsdt) && sig_is(xsdt, "XSDT"), "XSDT: signature, length, checksum");
    if (!table_ok(xsdt))
        return;
    for (uint32_t off = 36; off + 8 <= rd32(xsdt + 4); off += 8) {
        uint64_t t = rd64(xsdt + off);

        check(table_ok(t), "XSDT entry: a table with a good checksum");
        if (table_ok(t) && sig_is(t, "APIC"))
            madt = t;
    }
    check(madt != 0, "XSDT lists a MADT");
    if (!madt)
        return;
    len = rd32(madt + 4);
    for (uint32_t off = 44; off + 2 <= len;) {
        const uint8_t *e = (const uint8_t *)(uintptr_t)(madt + off);

        if (e[1] < 2)
            break;
        if (e[0] == 0 && e[1] == 8) {
            ids_ok &= e[2] == lapics && e[3] == 2 * lapics && (rd32(madt + off + 4) & 1);
            lapics++;
        } else {
            others++;
        }
        off += e[1];
    }
    check(nr > 0 && lapics == nr, "MADT: one local APIC per vCPU");
    check(ids_ok, "MADT: enabled, APIC id 2 x vCPU id");
    check(others == 0, "MADT: no IOAPIC or other entries");
}
