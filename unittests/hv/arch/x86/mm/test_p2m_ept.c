// SPDX-License-Identifier: MIT
/*
 * The EPT encoder (hv/arch/x86/mm/p2m_ept.c) bit by bit, against the Intel
 * SDM's EPT entry formats (vol. 3C, 29.3.2): permissions, memory types
 * (from the host's MTRRs for memory, UC for devices, IPAT clear), large
 * pages, the software type bits, and that the core reads back the type and
 * permissions it wrote.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <asm/mtrr.h>
#include <asm/p2m_format.h>
#include "hidden_leaf_check.h"

#define R       (1ull << 0)
#define W       (1ull << 1)
#define X       (1ull << 2)
#define MT_UC   (0ull << 3)
#define MT_WC   (1ull << 3)
#define MT_WT   (4ull << 3)
#define MT_WB   (6ull << 3)
#define MT_MASK (7ull << 3)
#define IPAT    (1ull << 6)
#define LARGE   (1ull << 7)
#define SW(t)   ((uint64_t)(t) << 52)

static const struct p2m_format *f = &p2m_ept_format;

/*
 * The host's MTRRs the encoder is given: default WB, a WC frame buffer at
 * 3 GiB (256 MiB) and a 1 MiB WT range at 0x10100000 (a 2 MiB page over it
 * and WB memory is WT).
 */
static const struct mtrr_state host_mtrrs = {
    .present = true,
    .enabled = true,
    .default_type = MTRR_TYPE_WB,
    .nr_var = 2,
    .var_cap = 8,
    .var = {
        { 0xC0000000ull, 0xFF0000000ull, MTRR_TYPE_WC },
        { 0x10100000ull, 0xFFFF00000ull, MTRR_TYPE_WT },
    },
};

static int use_host_mtrrs(void **state)
{
    (void)state;
    p2m_ept_use_host_mtrrs(&host_mtrrs);
    return 0;
}

static void test_geometry(void **state)
{
    (void)state;
    assert_int_equal(f->levels, 4);
    assert_true(f->gpa_limit == 1ull << 48);
}

/* Tables grant everything; the leaves decide. No memory type in a table entry. */
static void test_table_entries(void **state)
{
    uint64_t e = f->table(mk_paddr(0x123456000ull));

    (void)state;
    assert_true(e == (0x123456000ull | R | W | X));
    for (unsigned int level = 2; level <= 4; level++) {
        assert_true(f->is_table(e, level));
        assert_true(paddr_val(f->addr(e, level)) == 0x123456000ull);
    }
    assert_false(f->is_table(e, 1));
}

/* RAM in the MTRRs' default WB range. */
static void test_ram_leaves_are_write_back(void **state)
{
    uint64_t e4k = f->leaf(mk_paddr(0xABCDE000ull), 1, P2M_RAM, P2M_RWX);
    uint64_t e2m = f->leaf(mk_paddr(0x40000000ull), 2, P2M_RAM, P2M_READ);

    (void)state;
    assert_true(e4k == (0xABCDE000ull | R | W | X | MT_WB | SW(P2M_RAM)));
    assert_int_equal(f->type(e4k), P2M_RAM);
    assert_int_equal(f->perms(e4k), P2M_RWX);
    assert_false(f->is_table(e4k, 1));
    /* A 2 MiB leaf: bit 7, read-only, not executable; the guest's PAT is not ignored. */
    assert_true(e2m == (0x40000000ull | R | LARGE | MT_WB | SW(P2M_RAM)));
    assert_false(e2m & IPAT);
    assert_false(f->is_table(e2m, 2));
    assert_int_equal(f->perms(e2m), P2M_READ);
    /* Bits 12-20 of a 2 MiB leaf are reserved, not address. */
    assert_true(paddr_val(f->addr(e2m | 0x1FF000ull, 2)) == 0x40000000ull);
    assert_true(paddr_val(f->addr(e4k, 1)) == 0xABCDE000ull);
    /* A 1 GiB leaf at level 3, as a CPU with 1 GiB pages would read it. */
    assert_true(paddr_val(f->addr(0x80000000ull | R | LARGE | 0x3FFFF000ull, 3)) == 0x80000000ull);
}

/* Memory takes the MTRRs' type for its host-physical range; the guest's PAT stays effective. */
static void test_memory_types_from_host_mtrrs(void **state)
{
    static const enum p2m_type memory[] = { P2M_RAM, P2M_SHARED_RW, P2M_SHARED_RO, P2M_GRANT };

    (void)state;
    for (unsigned int i = 0; i < sizeof(memory) / sizeof(memory[0]); i++) {
        uint64_t wc = f->leaf(mk_paddr(0xC0001000ull), 1, memory[i], P2M_READ | P2M_WRITE);
        uint64_t wc2m = f->leaf(mk_paddr(0xCFE00000ull), 2, memory[i], P2M_READ);

        assert_true((wc & MT_MASK) == MT_WC);
        assert_true((wc2m & MT_MASK) == MT_WC);
        assert_false(wc & IPAT);
        assert_int_equal(f->type(wc), memory[i]);
    }
    /* A 2 MiB page half WT, half WB: WT for all of it; its 4 KiB pages each their own. */
    assert_true((f->leaf(mk_paddr(0x10000000ull), 2, P2M_RAM, P2M_RWX) & MT_MASK) == MT_WT);
    assert_true((f->leaf(mk_paddr(0x10000000ull), 1, P2M_RAM, P2M_RWX) & MT_MASK) == MT_WB);
    assert_true((f->leaf(mk_paddr(0x10100000ull), 1, P2M_RAM, P2M_RWX) & MT_MASK) == MT_WT);
}

static void test_device_memory_is_uncacheable(void **state)
{
    uint64_t e = f->leaf(mk_paddr(0xFEB00000ull), 1, P2M_PASSTHROUGH, P2M_READ | P2M_WRITE);
    /* Even where the MTRRs say otherwise (a device inside the WC range). */
    uint64_t in_wc = f->leaf(mk_paddr(0xC0000000ull), 1, P2M_PASSTHROUGH, P2M_READ | P2M_WRITE);

    (void)state;
    assert_true((e & MT_MASK) == MT_UC);
    assert_true(e == (0xFEB00000ull | R | W | MT_UC | SW(P2M_PASSTHROUGH)));
    assert_int_equal(f->type(e), P2M_PASSTHROUGH);
    assert_true((in_wc & MT_MASK) == MT_UC);
    assert_false(in_wc & IPAT);
}

static void test_every_type_round_trips(void **state)
{
    static const enum p2m_type types[] = {
        P2M_RAM, P2M_SHARED_RW, P2M_SHARED_RO, P2M_GRANT, P2M_PASSTHROUGH,
    };

    (void)state;
    for (unsigned int i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        uint64_t e = f->leaf(mk_paddr(0x5000), 1, types[i], P2M_READ | P2M_WRITE);

        assert_int_equal(f->type(e), types[i]);
        assert_true((e & (R | W | X)) == (R | W));
        assert_int_equal(f->perms(e), P2M_READ | P2M_WRITE);
        assert_true(paddr_val(f->addr(e, 1)) == 0x5000);
    }
}

/* Emulated MMIO maps no page: no permission bit, so every access is a violation, but typed. */
static void test_mmio_emul_is_not_present(void **state)
{
    uint64_t e = f->leaf(mk_paddr(0xFEE00000ull), 1, P2M_MMIO_EMUL, P2M_RWX);

    (void)state;
    assert_true(e != 0);
    assert_true(e == SW(P2M_MMIO_EMUL));
    assert_int_equal(f->type(e), P2M_MMIO_EMUL);
    assert_int_equal(f->perms(e), 0);
    assert_false(f->is_table(e, 2));
}

/* A hidden leaf has no read, write and execute, and shows again unchanged. */
static void test_hidden_leaf_round_trips(void **state)
{
    (void)state;
    check_hidden_leaves(f, 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_geometry),
        cmocka_unit_test(test_table_entries),
        cmocka_unit_test(test_ram_leaves_are_write_back),
        cmocka_unit_test(test_memory_types_from_host_mtrrs),
        cmocka_unit_test(test_device_memory_is_uncacheable),
        cmocka_unit_test(test_every_type_round_trips),
        cmocka_unit_test(test_mmio_emul_is_not_present),
        cmocka_unit_test(test_hidden_leaf_round_trips),
    };

    return cmocka_run_group_tests(tests, use_host_mtrrs, NULL);
}
