// SPDX-License-Identifier: MIT
/*
 * The ACPI tables of an HVM (PVH, Linux) domain, what Xen's toolstack gives a
 * PVH domU (tools/libs/light/libxl_x86_acpi.c, tools/libacpi): RSDP revision
 * 2 -> XSDT -> FADT (-> FACS, DSDT) and MADT. Hardware-reduced ACPI: no PM
 * blocks, no SCI, no 8259s; the FADT's IA-PC boot flags say there is neither
 * VGA nor a CMOS RTC, which is how Linux's xen_hvm_guest_late_init() tells a
 * PVH domain. The MADT lists one enabled local APIC per vCPU, APIC id 2 x
 * vCPU id, ACPI processor UID = vCPU id, and no IOAPIC (a PVH domU has none);
 * the DSDT declares one processor device (_HID "ACPI0007") per vCPU with the
 * same _UID. Everything lives in layout->acpi, in this order: RSDP, FACS
 * (64-byte aligned), XSDT, FADT, MADT, DSDT, each 16-byte aligned. Unlike
 * libxl there is no RSDT: every table is ACPI 2.0+ and reached from the XSDT.
 */
#include <string.h>

#include "aml.h"

#define RSDP_SIZE     36
#define RSDP_V1_SIZE  20
#define RSDP_REVISION 2
#define FACS_SIZE     64
#define FACS_VERSION  2
#define XSDT_REVISION 1
/*
 * ACPI 6.0's FADT (with the hypervisor vendor id, left 0): the size of
 * Linux's struct acpi_table_fadt, so it is neither truncated nor padded. A
 * revision 5 FADT of 268 bytes (ACPI 5.x) is reported by iasl 20200925 as
 * ending inside a field.
 */
#define FADT_SIZE     276
#define FADT_REVISION 6
#define FADT_MINOR    0
#define MADT_REVISION 3
#define DSDT_REVISION 2 /* 64-bit AML integers */
#define HEADER_SIZE   36

/* FADT offsets and bits. */
#define FADT_DSDT             40
#define FADT_IAPC_BOOT_ARCH   109
#define FADT_FLAGS            112
#define FADT_MINOR_VERSION    131
#define FADT_X_FIRMWARE_CTRL  132
#define FADT_X_DSDT           140
#define FADT_BOOT_NO_VGA      (1u << 2)
#define FADT_BOOT_NO_CMOS_RTC (1u << 5)
#define FADT_HW_REDUCED_ACPI  (1u << 20)

#define MADT_LAPIC_ADDRESS 0xFEE00000u
#define MADT_TYPE_LAPIC    0
#define MADT_LAPIC_SIZE    8
#define MADT_LAPIC_ENABLED 1u

struct acpi_places {
    uint64_t rsdp, facs, xsdt, fadt, madt, dsdt, end;
};

/* The DSDT's AML: Scope (\_SB) { Device (PRnn) { _HID, _UID } for each vCPU }. */
static void cpu_device_body(struct acpi_sink *s, const void *ctx)
{
    aml_name_string(s, "_HID", "ACPI0007");
    aml_name_integer(s, "_UID", *(const uint32_t *)ctx);
}

static void cpus_body(struct acpi_sink *s, const void *ctx)
{
    static const char hex[] = "0123456789ABCDEF";
    uint32_t nr = *(const uint32_t *)ctx;

    for (uint32_t i = 0; i < nr; i++) {
        char name[4] = { 'P', 'R', hex[(i >> 4) & 0xF], hex[i & 0xF] };

        aml_device(s, name, cpu_device_body, &i);
    }
}

static void dsdt_body(struct acpi_sink *s, const void *ctx)
{
    aml_scope(s, "\\_SB_", cpus_body, ctx);
}

static void madt_body(struct acpi_sink *s, const void *ctx)
{
    uint32_t nr = *(const uint32_t *)ctx;

    acpi_emit32(s, MADT_LAPIC_ADDRESS);
    acpi_emit32(s, 0); /* flags: no PCAT_COMPAT, no 8259s */
    for (uint32_t i = 0; i < nr; i++) {
        acpi_emit8(s, MADT_TYPE_LAPIC);
        acpi_emit8(s, MADT_LAPIC_SIZE);
        acpi_emit8(s, (uint8_t)i);       /* ACPI processor UID = the DSDT's _UID */
        acpi_emit8(s, (uint8_t)(2 * i)); /* APIC id, as Xen assigns them */
        acpi_emit32(s, MADT_LAPIC_ENABLED);
    }
}

static void fadt_body(struct acpi_sink *s, const void *ctx)
{
    const struct acpi_places *p = ctx;
    uint8_t b[FADT_SIZE - HEADER_SIZE];

    memset(b, 0, sizeof(b));
    /* ACPI 6: FIRMWARE_CTRL must be 0 when X_FIRMWARE_CTRL is set; DSDT may match X_DSDT. */
    db_put32(b + FADT_DSDT - HEADER_SIZE, (uint32_t)p->dsdt);
    db_put16(b + FADT_IAPC_BOOT_ARCH - HEADER_SIZE, FADT_BOOT_NO_VGA | FADT_BOOT_NO_CMOS_RTC);
    db_put32(b + FADT_FLAGS - HEADER_SIZE, FADT_HW_REDUCED_ACPI);
    b[FADT_MINOR_VERSION - HEADER_SIZE] = FADT_MINOR; /* ACPI 6.0 */
    db_put64(b + FADT_X_FIRMWARE_CTRL - HEADER_SIZE, p->facs);
    db_put64(b + FADT_X_DSDT - HEADER_SIZE, p->dsdt);
    acpi_emit(s, b, sizeof(b));
}

static void xsdt_body(struct acpi_sink *s, const void *ctx)
{
    const struct acpi_places *p = ctx;

    acpi_emit64(s, p->fadt);
    acpi_emit64(s, p->madt);
}

static void places(uint64_t base, uint32_t nr_vcpus, struct acpi_places *p)
{
    p->rsdp = base;
    p->facs = DB_ALIGN_UP(p->rsdp + RSDP_SIZE, 64);
    p->xsdt = DB_ALIGN_UP(p->facs + FACS_SIZE, 16);
    p->fadt = DB_ALIGN_UP(p->xsdt + HEADER_SIZE + 2 * 8, 16);
    p->madt = DB_ALIGN_UP(p->fadt + FADT_SIZE, 16);
    p->dsdt = DB_ALIGN_UP(p->madt + HEADER_SIZE + 8 + nr_vcpus * MADT_LAPIC_SIZE, 16);
    p->end = p->dsdt + HEADER_SIZE + acpi_measure(dsdt_body, &nr_vcpus);
}

int db_acpi_prepare(const struct db_domain_spec *spec, struct db_layout *l, struct db_diag *diag)
{
    struct acpi_places p;

    places(l->acpi.gpa, spec->nr_vcpus, &p);
    if (p.end > l->acpi.gpa + l->acpi.size)
        return db_fail(diag, DB_ERR_SPEC,
                       "ACPI tables for %u vCPUs take 0x%lx bytes, their range 0x%lx",
                       spec->nr_vcpus, p.end - p.rsdp, l->acpi.size);
    l->rsdp = p.rsdp;
    return 0;
}

static uint8_t checksum(const uint8_t *b, uint32_t n)
{
    uint8_t sum = 0;

    for (uint32_t i = 0; i < n; i++)
        sum = (uint8_t)(sum + b[i]);
    return (uint8_t)-sum;
}

static int write_rsdp(const struct db_guest_mem *mem, const struct acpi_places *p,
                      struct db_diag *diag)
{
    uint8_t b[RSDP_SIZE];

    memset(b, 0, sizeof(b));
    memcpy(b, "RSD PTR ", 8);
    memcpy(b + 9, ACPI_OEM_ID, 6);
    b[15] = RSDP_REVISION;
    db_put32(b + 16, 0); /* no RSDT */
    db_put32(b + 20, RSDP_SIZE);
    db_put64(b + 24, p->xsdt);
    b[8] = checksum(b, RSDP_V1_SIZE);
    b[32] = checksum(b, RSDP_SIZE);
    return db_mem_write(mem, p->rsdp, b, sizeof(b), diag);
}

static int write_facs(const struct db_guest_mem *mem, const struct acpi_places *p,
                      struct db_diag *diag)
{
    uint8_t b[FACS_SIZE];

    memset(b, 0, sizeof(b));
    memcpy(b, "FACS", 4);
    db_put32(b + 4, FACS_SIZE);
    b[32] = FACS_VERSION;
    return db_mem_write(mem, p->facs, b, sizeof(b), diag);
}

int db_acpi_build(const struct db_domain_spec *spec, const struct db_layout *l,
                  const struct db_guest_mem *mem, struct db_diag *diag)
{
    uint32_t nr = spec->nr_vcpus;
    struct acpi_places p;
    struct acpi_sink s = { .mem = mem, .diag = diag };

    places(l->acpi.gpa, nr, &p);
    if (db_mem_fill(mem, l->acpi.gpa, 0, l->acpi.size, diag) || write_rsdp(mem, &p, diag) ||
        write_facs(mem, &p, diag))
        return -1;
    s.gpa = p.xsdt;
    acpi_table(&s, "XSDT", XSDT_REVISION, xsdt_body, &p);
    s.gpa = p.fadt;
    acpi_table(&s, "FACP", FADT_REVISION, fadt_body, &p);
    s.gpa = p.madt;
    acpi_table(&s, "APIC", MADT_REVISION, madt_body, &nr);
    s.gpa = p.dsdt;
    acpi_table(&s, "DSDT", DSDT_REVISION, dsdt_body, &nr);
    return s.err ? -1 : 0;
}
