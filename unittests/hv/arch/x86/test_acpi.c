/* SPDX-License-Identifier: MIT */
/* ACPI table parsing on synthetic tables, good and malformed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <asm/acpi.h>
#include "fake_phys.h"

enum {
    PA_RSDP = 0x1000,
    PA_XSDT = 0x2000,
    PA_RSDT = 0x3000,
    PA_MADT = 0x4000,
    PA_FADT = 0x5000,
    PA_DSDT = 0x6000,
    PA_HPET = 0x7000,
};

static struct acpi_info info;
static struct acpi_root root;

static uint8_t sum_bytes(const void *p, size_t len)
{
    const uint8_t *b = p;
    uint8_t s = 0;

    while (len--)
        s = (uint8_t)(s + *b++);
    return s;
}

static struct acpi_header *table_at(uint64_t pa)
{
    return (struct acpi_header *)(fake_mem + pa);
}

static void seal(uint64_t pa)
{
    struct acpi_header *h = table_at(pa);

    h->checksum = 0;
    h->checksum = (uint8_t)-sum_bytes(h, h->length);
}

/* Header plus body; sealed with a correct checksum. */
static void put_table(uint64_t pa, const char *sig, const void *body, uint32_t body_len)
{
    struct acpi_header *h = table_at(pa);

    memcpy(h->signature, sig, 4);
    h->length = (uint32_t)sizeof(*h) + body_len;
    h->revision = 1;
    memcpy(h + 1, body, body_len);
    seal(pa);
}

static void put_rsdp(uint8_t revision, uint32_t rsdt, uint64_t xsdt)
{
    struct acpi_rsdp *r = (struct acpi_rsdp *)(fake_mem + PA_RSDP);

    memcpy(r->signature, "RSD PTR ", 8);
    r->revision = revision;
    r->rsdt_paddr = rsdt;
    r->length = sizeof(*r);
    r->xsdt_paddr = xsdt;
    r->checksum = r->ext_checksum = 0;
    r->checksum = (uint8_t)-sum_bytes(r, 20);
    r->ext_checksum = (uint8_t)-sum_bytes(r, sizeof(*r));
}

static void put_roots(const char *const *sigs, const uint64_t *pas, unsigned int n)
{
    uint64_t x[16];
    uint32_t r[16];

    (void)sigs;
    for (unsigned int i = 0; i < n; i++) {
        x[i] = pas[i];
        r[i] = (uint32_t)pas[i];
    }
    put_table(PA_XSDT, "XSDT", x, n * 8);
    put_table(PA_RSDT, "RSDT", r, n * 4);
}

/* MADT body builder. */
static uint8_t madt[512];
static uint32_t madt_len;

static void madt_begin(uint32_t lapic, uint32_t flags)
{
    memcpy(madt, &lapic, 4);
    memcpy(madt + 4, &flags, 4);
    madt_len = 8;
}

static void madt_add(const void *entry, uint8_t len)
{
    memcpy(madt + madt_len, entry, len);
    madt_len += len;
}

static void madt_lapic(uint8_t apic_id, uint32_t flags)
{
    uint8_t e[8] = { 0, 8, apic_id, apic_id };

    memcpy(e + 4, &flags, 4);
    madt_add(e, 8);
}

static void madt_x2apic(uint32_t id, uint32_t flags)
{
    uint8_t e[16] = { 9, 16 };

    memcpy(e + 4, &id, 4);
    memcpy(e + 8, &flags, 4);
    madt_add(e, 16);
}

static void madt_ioapic(uint8_t id, uint32_t addr, uint32_t gsi)
{
    uint8_t e[12] = { 1, 12, id, 0 };

    memcpy(e + 4, &addr, 4);
    memcpy(e + 8, &gsi, 4);
    madt_add(e, 12);
}

static void madt_override(uint8_t irq, uint32_t gsi, uint16_t flags)
{
    uint8_t e[10] = { 2, 10, 0, irq };

    memcpy(e + 4, &gsi, 4);
    memcpy(e + 8, &flags, 2);
    madt_add(e, 10);
}

/* FADT body (offsets are from the table start, the body starts at 36). */
static uint8_t fadt[276 - 36];

static void fadt_put(size_t off, const void *v, size_t len)
{
    memcpy(fadt + off - 36, v, len);
}

static void fadt_put32(size_t off, uint32_t v)
{
    fadt_put(off, &v, 4);
}

static void fadt_put_gas(size_t off, uint8_t space, uint64_t address)
{
    struct acpi_gas g = { .space_id = space, .bit_width = 32, .address = address };

    fadt_put(off, &g, sizeof(g));
}

static void fadt_q35(void)
{
    uint8_t pm_tmr_len = 4, pm1_cnt_len = 2, reset_value = 6;

    memset(fadt, 0, sizeof(fadt));
    fadt_put32(40, PA_DSDT);
    fadt_put32(64, 0x604);
    fadt_put32(76, 0x608);
    fadt_put(89, &pm1_cnt_len, 1);
    fadt_put(91, &pm_tmr_len, 1);
    fadt_put32(112, (1u << 8) | (1u << 10));
    fadt_put_gas(116, ACPI_GAS_IO, 0xCF9);
    fadt_put(128, &reset_value, 1);
    fadt_put_gas(172, ACPI_GAS_IO, 0x604);
    fadt_put_gas(208, ACPI_GAS_IO, 0x608);
}

/* DSDT: some AML, then Name(_S5_, Package(4){0x05, One, Zero, Zero}). */
static const uint8_t dsdt_s5[] = {
    0x10, 0x05, '_', 'S', 'B', '_',  0x00, /* Scope(_SB) {} */
    0x08, '_',  'S', '5', '_', 0x12, 0x07, 0x04, 0x0A, 0x05, 0x01, 0x00, 0x00,
};

static void platform(void)
{
    static const char *const sigs[] = { "APIC", "FACP", "HPET" };
    static const uint64_t pas[] = { PA_MADT, PA_FADT, PA_HPET };
    struct acpi_gas hpet_gas = { .space_id = ACPI_GAS_MEMORY, .address = 0xFED00000 };
    uint8_t hpet[20] = { 0 };

    fake_reset();
    madt_begin(0xFEE00000, 1);
    madt_lapic(0, 1);
    madt_lapic(1, 1);
    madt_lapic(2, 0); /* disabled: not a CPU to start */
    madt_lapic(3, 1);
    madt_ioapic(0, 0xFEC00000, 0);
    madt_override(0, 2, 0);
    madt_override(9, 9, 0xD);
    put_table(PA_MADT, "APIC", madt, madt_len);
    fadt_q35();
    put_table(PA_FADT, "FACP", fadt, sizeof(fadt));
    put_table(PA_DSDT, "DSDT", dsdt_s5, sizeof(dsdt_s5));
    memcpy(hpet + 4, &hpet_gas, sizeof(hpet_gas));
    put_table(PA_HPET, "HPET", hpet, sizeof(hpet));
    put_roots(sigs, pas, 3);
    put_rsdp(2, PA_RSDT, PA_XSDT);
}

static void parse(void)
{
    acpi_parse_all(mk_paddr(PA_RSDP), &root, &info);
}

static void test_q35_like_platform(void **state)
{
    (void)state;
    platform();
    parse();
    assert_true(info.present);
    assert_true(info.xsdt);
    assert_int_equal(info.rsdp_revision, 2);
    assert_true(info.have_madt);
    assert_int_equal(paddr_val(info.lapic_paddr), 0xFEE00000);
    assert_true(info.pcat_compat);
    assert_int_equal(info.nr_cpus, 3);
    assert_int_equal(info.cpu_apic_id[0], 0);
    assert_int_equal(info.cpu_apic_id[1], 1);
    assert_int_equal(info.cpu_apic_id[2], 3);
    assert_int_equal(info.nr_ioapics, 1);
    assert_int_equal(paddr_val(info.ioapic[0].paddr), 0xFEC00000);
    assert_int_equal(info.nr_overrides, 2);
    assert_int_equal(info.override[0].source, 0);
    assert_int_equal(info.override[0].gsi, 2);
    assert_int_equal(info.override[1].flags, 0xD);
    assert_true(info.have_fadt);
    assert_int_equal(info.pm_tmr_port, 0x608);
    assert_true(info.pm_tmr_32bit);
    assert_int_equal(info.pm1a_cnt_port, 0x604);
    assert_int_equal(info.pm1b_cnt_port, 0);
    assert_true(info.have_reset_reg);
    assert_int_equal(info.reset_reg.space_id, ACPI_GAS_IO);
    assert_int_equal(info.reset_reg.address, 0xCF9);
    assert_int_equal(info.reset_value, 6);
    assert_true(info.have_s5);
    assert_int_equal(info.s5_slp_typ_a, 5);
    assert_int_equal(info.s5_slp_typ_b, 1);
    assert_int_equal(paddr_val(info.hpet_paddr), 0xFED00000);
    assert_non_null(acpi_root_find(&root, "FACP"));
    assert_null(acpi_root_find(&root, "MCFG"));
    assert_string_equal(fake_log(), "");
}

static void test_rsdp_bad_checksum(void **state)
{
    (void)state;
    platform();
    fake_mem[PA_RSDP + 9] ^= 0x40; /* OEM id byte */
    parse();
    assert_false(info.present);
    assert_int_equal(info.nr_cpus, 0);
    assert_true(fake_log_has("RSDP at 0x1000: bad signature or checksum"));
}

static void test_rsdp_missing(void **state)
{
    (void)state;
    fake_reset();
    acpi_parse_all(mk_paddr(0), &root, &info);
    assert_false(info.present);
    assert_true(fake_log_has("no RSDP"));
}

static void test_rsdp_v1_uses_rsdt(void **state)
{
    (void)state;
    platform();
    put_rsdp(0, PA_RSDT, 0);
    fake_mem[PA_XSDT] = 'Q'; /* must not be looked at */
    parse();
    assert_true(info.present);
    assert_false(info.xsdt);
    assert_int_equal(info.nr_cpus, 3);
    assert_int_equal(info.pm_tmr_port, 0x608);
}

static void test_bad_xsdt_falls_back_to_rsdt(void **state)
{
    (void)state;
    platform();
    table_at(PA_XSDT)->oem_id[0] ^= 1;
    parse();
    assert_true(info.present);
    assert_false(info.xsdt);
    assert_int_equal(info.nr_cpus, 3);
    assert_true(fake_log_has("XSDT at 0x2000: bad checksum"));
    assert_true(fake_log_has("using the RSDT"));
}

static void test_rsdp_bad_extended_checksum(void **state)
{
    (void)state;
    platform();
    ((struct acpi_rsdp *)(fake_mem + PA_RSDP))->ext_checksum ^= 1;
    parse();
    assert_true(info.present);
    assert_false(info.xsdt);
    assert_true(fake_log_has("extended checksum"));
}

static void test_table_bad_checksum_is_ignored(void **state)
{
    (void)state;
    platform();
    table_at(PA_MADT)->oem_revision ^= 1;
    parse();
    assert_false(info.have_madt);
    assert_int_equal(info.nr_cpus, 0);
    assert_true(fake_log_has("APIC at 0x4000: bad checksum"));
    assert_true(fake_log_has("no valid MADT"));
    assert_true(info.have_fadt);
}

static void test_table_bad_lengths(void **state)
{
    (void)state;
    platform();
    table_at(PA_FADT)->length = 8;
    table_at(PA_MADT)->length = 0xFFFFFFF0u;
    parse();
    assert_false(info.have_fadt);
    assert_false(info.have_madt);
    assert_true(fake_log_has("FACP at 0x5000: bad length 8"));
    assert_true(fake_log_has("APIC at 0x4000: bad length 4294967280"));
    assert_int_equal(paddr_val(info.hpet_paddr), 0xFED00000);
}

static void test_root_with_bad_length(void **state)
{
    (void)state;
    platform();
    put_rsdp(0, PA_RSDT, 0);
    table_at(PA_RSDT)->length = 3;
    parse();
    assert_false(info.present);
    assert_true(fake_log_has("RSDT at 0x3000: bad length 3"));
}

static void reparse_madt(void)
{
    put_table(PA_MADT, "APIC", madt, madt_len);
    memset(&info, 0, sizeof(info));
    acpi_parse_madt(table_at(PA_MADT), &info);
}

static void test_madt_entry_overruns_table(void **state)
{
    uint8_t overrun[8] = { 0, 40, 7, 7, 1, 0, 0, 0 };

    (void)state;
    fake_reset();
    madt_begin(0xFEE00000, 0);
    madt_lapic(0, 1);
    madt_add(overrun, 8);
    madt_lapic(5, 1);
    reparse_madt();
    assert_int_equal(info.nr_cpus, 1);
    assert_true(fake_log_has("MADT entry type 0 at offset 52: bad length 40"));
}

static void test_madt_zero_length_entry_stops(void **state)
{
    uint8_t zero[4] = { 1, 0, 0, 0 };

    (void)state;
    fake_reset();
    madt_begin(0xFEE00000, 0);
    madt_lapic(0, 1);
    madt_add(zero, 4);
    reparse_madt();
    assert_int_equal(info.nr_cpus, 1);
    assert_true(info.have_madt);
    assert_true(fake_log_has("bad length 0"));
}

static void test_madt_short_entry_skipped(void **state)
{
    uint8_t short_lapic[4] = { 0, 4, 9, 9 };

    (void)state;
    fake_reset();
    madt_begin(0xFEE00000, 0);
    madt_add(short_lapic, 4);
    madt_lapic(1, 1);
    reparse_madt();
    assert_int_equal(info.nr_cpus, 1);
    assert_int_equal(info.cpu_apic_id[0], 1);
    assert_true(fake_log_has("length 4 < 8; skipped"));
}

static void test_madt_x2apic_duplicates_and_override(void **state)
{
    uint8_t lapic_addr[12] = { 5, 12 };
    uint64_t addr = 0xFEE10000;

    (void)state;
    fake_reset();
    memcpy(lapic_addr + 4, &addr, 8);
    madt_begin(0xFEE00000, 0);
    madt_lapic(0, 1);
    madt_x2apic(0, 1); /* same CPU as above */
    madt_x2apic(300, 1);
    madt_x2apic(301, 0);
    madt_add(lapic_addr, 12);
    reparse_madt();
    assert_int_equal(info.nr_cpus, 2);
    assert_int_equal(info.cpu_apic_id[1], 300);
    assert_int_equal(paddr_val(info.lapic_paddr), 0xFEE10000);
    assert_false(info.pcat_compat);
    assert_true(fake_log_has("APIC id 0 twice"));
}

static void test_madt_too_short(void **state)
{
    (void)state;
    fake_reset();
    put_table(PA_MADT, "APIC", madt, 4);
    memset(&info, 0, sizeof(info));
    acpi_parse_madt(table_at(PA_MADT), &info);
    assert_false(info.have_madt);
    assert_true(fake_log_has("MADT too short (40 bytes)"));
}

static void test_fadt_revision1_legacy_fields(void **state)
{
    (void)state;
    fake_reset();
    fadt_q35();
    put_table(PA_FADT, "FACP", fadt, 116 - 36);
    memset(&info, 0, sizeof(info));
    acpi_parse_fadt(table_at(PA_FADT), &info);
    assert_true(info.have_fadt);
    assert_int_equal(info.pm_tmr_port, 0x608);
    assert_int_equal(info.pm1a_cnt_port, 0x604);
    assert_false(info.have_reset_reg);
    assert_int_equal(paddr_val(info.dsdt_paddr), PA_DSDT);
}

static void test_fadt_x_fields_win(void **state)
{
    uint64_t x_dsdt = 0x8000;

    (void)state;
    fake_reset();
    fadt_q35();
    fadt_put_gas(208, ACPI_GAS_IO, 0xB008);
    fadt_put_gas(184, ACPI_GAS_IO, 0xB104);
    fadt_put(140, &x_dsdt, 8);
    put_table(PA_FADT, "FACP", fadt, sizeof(fadt));
    memset(&info, 0, sizeof(info));
    acpi_parse_fadt(table_at(PA_FADT), &info);
    assert_int_equal(info.pm_tmr_port, 0xB008);
    assert_int_equal(info.pm1b_cnt_port, 0xB104);
    assert_int_equal(paddr_val(info.dsdt_paddr), 0x8000);
}

static void test_fadt_unusable_blocks(void **state)
{
    uint8_t zero = 0;

    (void)state;
    fake_reset();
    fadt_q35();
    fadt_put_gas(208, ACPI_GAS_MEMORY, 0xFED00000); /* MMIO PM timer: use PM_TMR_BLK */
    fadt_put32(76, 0x12345678);                     /* not a port */
    fadt_put_gas(116, 2, 0xCF9);                    /* PCI config space reset */
    fadt_put(91, &zero, 1);
    put_table(PA_FADT, "FACP", fadt, sizeof(fadt));
    memset(&info, 0, sizeof(info));
    acpi_parse_fadt(table_at(PA_FADT), &info);
    assert_int_equal(info.pm_tmr_port, 0);
    assert_false(info.have_reset_reg);
    assert_true(fake_log_has("reset register (space 2, address 0xcf9) unsupported"));
}

static bool s5(const uint8_t *aml, uint32_t len, uint8_t *a, uint8_t *b)
{
    put_table(PA_DSDT, "DSDT", aml, len);
    return acpi_find_s5(table_at(PA_DSDT), a, b);
}

static void test_s5_forms(void **state)
{
    /* Root prefix, two-byte PkgLength, dword and word elements. */
    static const uint8_t rooted[] = {
        0x08, '\\', '_',  'S', '5', '_', 0x12, 0x4B, 0x00,
        0x02, 0x0C, 0x07, 0,   0,   0,   0x0B, 0x03, 0x00,
    };
    /* One element only. */
    static const uint8_t single[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x01, 0x0A, 0x02 };
    uint8_t a = 0xFF, b = 0xFF;

    (void)state;
    fake_reset();
    assert_true(s5(rooted, sizeof(rooted), &a, &b));
    assert_int_equal(a, 7);
    assert_int_equal(b, 3);
    assert_true(s5(single, sizeof(single), &a, &b));
    assert_int_equal(a, 2);
    assert_int_equal(b, 0);
}

static void test_s5_malformed(void **state)
{
    /* _S5_ as a method name reference, not Name(): not taken. */
    static const uint8_t method[] = { 0x14, 0x08, '_', 'S', '5', '_', 0x00, 0xA4, 0x00 };
    /* Package length runs past the table. */
    static const uint8_t overrun[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x3F, 0x02, 0x0A, 0x05 };
    /* Truncated inside a word element. */
    static const uint8_t truncated[] = { 0x08, '_',  'S',  '5',  '_',  0x12,
                                         0x05, 0x02, 0x0A, 0x05, 0x0B, 0x01 };
    /* Element is a name, not a constant. */
    static const uint8_t named[] = {
        0x08, '_', 'S', '5', '_', 0x12, 0x07, 0x01, 'S', 'L', 'P', 'A'
    };
    /* "_S5_" in the last bytes of the table. */
    static const uint8_t at_end[] = { 0x08, '_', 'S', '5', '_' };
    uint8_t a, b;

    (void)state;
    fake_reset();
    assert_false(s5(method, sizeof(method), &a, &b));
    assert_false(s5(overrun, sizeof(overrun), &a, &b));
    assert_false(s5(truncated, sizeof(truncated), &a, &b));
    assert_false(s5(named, sizeof(named), &a, &b));
    assert_false(s5(at_end, sizeof(at_end), &a, &b));
    assert_false(s5(NULL, 0, &a, &b));
    assert_true(fake_log_has("\\_S5_ at offset 37 is not a constant package"));
}

static void test_missing_s5_reported(void **state)
{
    static const uint8_t no_s5[] = { 0x10, 0x05, '_', 'S', 'B', '_', 0x00 };

    (void)state;
    platform();
    put_table(PA_DSDT, "DSDT", no_s5, sizeof(no_s5));
    parse();
    assert_true(info.have_fadt);
    assert_false(info.have_s5);
    assert_true(fake_log_has("no usable \\_S5_ in the DSDT"));
}

static void test_hpet_malformed(void **state)
{
    struct acpi_gas io = { .space_id = ACPI_GAS_IO, .address = 0x40 };
    uint8_t hpet[20] = { 0 };

    (void)state;
    fake_reset();
    put_table(PA_HPET, "HPET", hpet, 8);
    memset(&info, 0, sizeof(info));
    acpi_parse_hpet(table_at(PA_HPET), &info);
    assert_int_equal(paddr_val(info.hpet_paddr), 0);
    assert_true(fake_log_has("HPET table too short (44 bytes)"));
    memcpy(hpet + 4, &io, sizeof(io));
    put_table(PA_HPET, "HPET", hpet, sizeof(hpet));
    acpi_parse_hpet(table_at(PA_HPET), &info);
    assert_int_equal(paddr_val(info.hpet_paddr), 0);
    assert_true(fake_log_has("HPET base (space 1, address 0x40) unusable"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_q35_like_platform),
        cmocka_unit_test(test_rsdp_bad_checksum),
        cmocka_unit_test(test_rsdp_missing),
        cmocka_unit_test(test_rsdp_v1_uses_rsdt),
        cmocka_unit_test(test_bad_xsdt_falls_back_to_rsdt),
        cmocka_unit_test(test_rsdp_bad_extended_checksum),
        cmocka_unit_test(test_table_bad_checksum_is_ignored),
        cmocka_unit_test(test_table_bad_lengths),
        cmocka_unit_test(test_root_with_bad_length),
        cmocka_unit_test(test_madt_entry_overruns_table),
        cmocka_unit_test(test_madt_zero_length_entry_stops),
        cmocka_unit_test(test_madt_short_entry_skipped),
        cmocka_unit_test(test_madt_x2apic_duplicates_and_override),
        cmocka_unit_test(test_madt_too_short),
        cmocka_unit_test(test_fadt_revision1_legacy_fields),
        cmocka_unit_test(test_fadt_x_fields_win),
        cmocka_unit_test(test_fadt_unusable_blocks),
        cmocka_unit_test(test_s5_forms),
        cmocka_unit_test(test_s5_malformed),
        cmocka_unit_test(test_missing_s5_reported),
        cmocka_unit_test(test_hpet_malformed),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
