// SPDX-License-Identifier: MIT
/*
 * The NPT encoder (hv/arch/x86/mm/p2m_npt.c) bit by bit, against the AMD
 * manual's long-mode page-table format: what the hardware sees in each entry
 * the P2M core writes, and that the core reads back the type and
 * permissions it wrote.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <asm/p2m_format.h>
#include "hidden_leaf_check.h"

#define P         (1ull << 0)
#define RW        (1ull << 1)
#define US        (1ull << 2)
#define PS        (1ull << 7)
#define PAT       (1ull << 7) /* at level 1 */
#define PAT_LARGE (1ull << 12)
#define NX        (1ull << 63)
#define AVL(t)    ((uint64_t)(t) << 9)

static const struct p2m_format *f = &p2m_npt_format;

static void test_geometry(void **state)
{
    (void)state;
    assert_int_equal(f->levels, 4);
    assert_true(f->gpa_limit == 1ull << 48);
}

static void test_table_entries(void **state)
{
    uint64_t e = f->table(mk_paddr(0x123456000ull));

    (void)state;
    assert_true(e == (0x123456000ull | P | RW | US));
    for (unsigned int level = 2; level <= 4; level++) {
        assert_true(f->is_table(e, level));
        assert_true(paddr_val(f->addr(e, level)) == 0x123456000ull);
    }
    assert_false(f->is_table(e, 1)); /* level 1 holds only leaves */
}

static void test_ram_leaves(void **state)
{
    uint64_t e4k = f->leaf(mk_paddr(0xABCDE000ull), 1, P2M_RAM, P2M_RWX);
    uint64_t e2m = f->leaf(mk_paddr(0x40000000ull), 2, P2M_RAM, P2M_READ);

    (void)state;
    /* Present, user (nested walks are user accesses), writable, executable, type RAM. */
    assert_true(e4k == (0xABCDE000ull | P | US | RW | AVL(P2M_RAM)));
    assert_false(f->is_table(e4k, 1));
    assert_int_equal(f->type(e4k), P2M_RAM);
    assert_int_equal(f->perms(e4k), P2M_RWX);

    /* A 2 MiB leaf: PS, read-only, never executable. */
    assert_true(e2m == (0x40000000ull | P | US | PS | NX | AVL(P2M_RAM)));
    assert_false(f->is_table(e2m, 2));
    assert_int_equal(f->perms(e2m), P2M_READ);
    /* Bit 12 of a large leaf is PAT, not address; bit 7 of a 4 KiB leaf is PAT, not PS. */
    assert_true(paddr_val(f->addr(e2m | PAT_LARGE, 2)) == 0x40000000ull);
    assert_true(paddr_val(f->addr(e4k | PAT, 1)) == 0xABCDE000ull);
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
        assert_true(e & P);
        assert_true((e & ~(AVL(7))) == (0x5000 | P | US | RW | NX));
        assert_int_equal(f->perms(e), P2M_READ | P2M_WRITE);
    }
}

/* Emulated MMIO maps no page: not present, so every access faults, but typed and non-zero. */
static void test_mmio_emul_is_not_present(void **state)
{
    uint64_t e = f->leaf(mk_paddr(0xFEE00000ull), 1, P2M_MMIO_EMUL, P2M_RWX);

    (void)state;
    assert_true(e != 0);
    assert_false(e & P);
    assert_true(e == AVL(P2M_MMIO_EMUL));
    assert_int_equal(f->type(e), P2M_MMIO_EMUL);
    assert_int_equal(f->perms(e), 0);
    assert_false(f->is_table(e, 2));
}

/* A hidden leaf has no the present bit, and shows again unchanged. */
static void test_hidden_leaf_round_trips(void **state)
{
    (void)state;
    check_hidden_leaves(f, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_geometry),
        cmocka_unit_test(test_table_entries),
        cmocka_unit_test(test_ram_leaves),
        cmocka_unit_test(test_every_type_round_trips),
        cmocka_unit_test(test_mmio_emul_is_not_present),
        cmocka_unit_test(test_hidden_leaf_round_trips),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
