/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer: the ACPI parser (RSDP, XSDT/RSDT, MADT, FADT, HPET, \_S5_) on
 * arbitrary tables. Any physical address maps into one buffer (modulo its
 * size) with room behind it for the longest table allowed, so AddressSanitizer
 * catches any read the parser's own bounds checks should have stopped.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <asm/acpi.h>
#include <hv/page_alloc.h>
#include <hv/printk.h>
#include "fuzz_acpi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t mem[FUZZ_ACPI_MEM + FUZZ_ACPI_MAX_TABLE];

void *phys_to_virt(paddr_t pa)
{
    return mem + (paddr_val(pa) - FUZZ_ACPI_BASE) % FUZZ_ACPI_MEM;
}

void printk(const char *fmt, ...)
{
    char line[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
}

static uint8_t sum(const uint8_t *p, size_t len)
{
    uint8_t s = 0;

    while (len--)
        s = (uint8_t)(s + *p++);
    return s;
}

static void fix_checksums(void)
{
    struct acpi_rsdp *rsdp = (struct acpi_rsdp *)mem;

    /* Last chunk first: a long table's sum covers the chunks after it. */
    for (unsigned int i = FUZZ_ACPI_CHUNKS - 1; i > 0; i--) {
        struct acpi_header *h = (struct acpi_header *)(mem + FUZZ_ACPI_CHUNK * i);

        if (h->length >= sizeof(*h) && h->length <= FUZZ_ACPI_MAX_TABLE) {
            h->checksum = 0;
            h->checksum = (uint8_t)-sum((const uint8_t *)h, h->length);
        }
    }
    rsdp->checksum = 0;
    rsdp->checksum = (uint8_t)-sum(mem, 20);
    if (rsdp->length >= sizeof(*rsdp) && rsdp->length <= FUZZ_ACPI_CHUNK) {
        rsdp->ext_checksum = 0;
        rsdp->ext_checksum = (uint8_t)-sum(mem, rsdp->length);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct acpi_root root;
    struct acpi_info info;

    if (size < 1)
        return 0;
    memset(mem, 0, sizeof(mem));
    memcpy(mem, data + 1, size - 1 < FUZZ_ACPI_MEM ? size - 1 : FUZZ_ACPI_MEM);
    if (!(data[0] & FUZZ_ACPI_NO_FIXUP))
        fix_checksums();

    acpi_parse_all(mk_paddr(FUZZ_ACPI_BASE), &root, &info);
    if (info.nr_cpus > HV_MAX_CPUS || info.nr_ioapics > ACPI_MAX_IOAPICS ||
        info.nr_overrides > ACPI_MAX_OVERRIDES || info.s5_slp_typ_a > 7 || info.s5_slp_typ_b > 7)
        abort();
    for (unsigned int i = 0; i < info.nr_cpus; i++)
        for (unsigned int j = 0; j < i; j++)
            if (info.cpu_apic_id[i] == info.cpu_apic_id[j])
                abort();
    acpi_root_find(&root, "SSDT");
    return 0;
}
