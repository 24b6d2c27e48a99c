// SPDX-License-Identifier: MIT
/*
 * The P2M core (hv/arch/x86/mm/p2m.c) over the NPT encoder and host memory:
 * the page allocator is faked here (aligned host allocations, phys == virt),
 * so the tests see every page the P2M takes and gives back. Each entry keeps
 * its type and permissions; overlaps are refused; an exhausted pool fails
 * cleanly; and a reset (domain restart) zeroes the domain's RAM where it is,
 * undoes every other mapping, returns emptied tables to the pool and
 * allocates nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <asm/p2m_format.h>
#include <hv/p2m.h>
#include <hv/page_alloc.h>
#include "fake_hv.h"

#define PAGE 4096ull
#define MIB  (1ull << 20)

static unsigned int allocs, frees;

paddr_t page_alloc(unsigned int order)
{
    void *p = aligned_alloc(PAGE << order, PAGE << order);

    if (!p)
        return mk_paddr(0);
    allocs++;
    return virt_to_phys(p);
}

void page_free(paddr_t pa, unsigned int order)
{
    (void)order;
    frees++;
    free(phys_to_virt(pa));
}

void *page_alloc_zeroed_virt(void)
{
    paddr_t pa = page_alloc(0);

    if (!paddr_val(pa))
        return NULL;
    memset(phys_to_virt(pa), 0, PAGE);
    return phys_to_virt(pa);
}

static uint8_t *guest(struct p2m *p, gpaddr_t gpa)
{
    paddr_t pa = p2m_lookup(p, gpa, NULL);

    assert_false(paddr_eq(pa, INVALID_PADDR));
    return phys_to_virt(pa);
}

/* 4 MiB + 8 KiB of RAM at 1 MiB (2 MiB and 4 KiB leaves), one shared page at 1 GiB. */
static struct p2m *make_domain(uint8_t *shared, uint64_t *used_by_ram)
{
    struct p2m *p = p2m_create(64 * PAGE);
    uint64_t total;

    assert_non_null(p);
    assert_int_equal(p2m_populate_ram(p, mk_gpaddr(1 * MIB), 4 * MIB + 2 * PAGE, P2M_RWX), 0);
    p2m_pool_usage(p, used_by_ram, &total);
    assert_int_equal(p2m_map(p, mk_gpaddr(1ull << 30), virt_to_phys(shared), PAGE, P2M_SHARED_RW,
                             P2M_READ | P2M_WRITE),
                     0);
    assert_int_equal(p2m_map(p, mk_gpaddr(0xFEE00000ull), mk_paddr(0), PAGE, P2M_MMIO_EMUL, 0), 0);
    return p;
}

static void test_reset_keeps_zeroed_ram_and_undoes_the_rest(void **state)
{
    static uint8_t shared[PAGE] __attribute__((aligned(PAGE)));
    uint64_t used_by_ram, used, total;
    paddr_t ram_2m, ram_4k;
    unsigned int allocs_before;
    struct p2m *p;

    (void)state;
    p = make_domain(shared, &used_by_ram);
    ram_2m = p2m_lookup(p, mk_gpaddr(2 * MIB), NULL);
    ram_4k = p2m_lookup(p, mk_gpaddr(5 * MIB + PAGE), NULL);
    memset(guest(p, mk_gpaddr(2 * MIB)), 0xAA, PAGE);
    guest(p, mk_gpaddr(5 * MIB + PAGE))[100] = 0x55;
    shared[7] = 0x77;

    allocs_before = allocs;
    p2m_reset(p);
    /* The scrub goes in steps: one page (the one at 1 MiB), not yet the rest. */
    assert_false(p2m_scrub_step(p, 1));
    assert_int_equal(guest(p, mk_gpaddr(2 * MIB))[0], 0xAA);
    assert_int_equal(guest(p, mk_gpaddr(5 * MIB + PAGE))[100], 0x55);
    while (!p2m_scrub_step(p, 1))
        ;
    assert_true(p2m_scrub_step(p, 1));
    assert_int_equal(allocs, allocs_before);

    /* The same frames at the same addresses, zeroed. */
    assert_true(paddr_eq(p2m_lookup(p, mk_gpaddr(2 * MIB), NULL), ram_2m));
    assert_true(paddr_eq(p2m_lookup(p, mk_gpaddr(5 * MIB + PAGE), NULL), ram_4k));
    assert_int_equal(guest(p, mk_gpaddr(2 * MIB))[0], 0);
    assert_int_equal(guest(p, mk_gpaddr(2 * MIB))[PAGE - 1], 0);
    assert_int_equal(guest(p, mk_gpaddr(5 * MIB + PAGE))[100], 0);
    assert_true(p2m_owns_range(p, mk_gpaddr(1 * MIB), 4 * MIB + 2 * PAGE));

    /* The shared page is unmapped, left as it was, its tables back in the pool. */
    assert_true(paddr_eq(p2m_lookup(p, mk_gpaddr(1ull << 30), NULL), INVALID_PADDR));
    assert_int_equal(p2m_query(p, mk_gpaddr(1ull << 30), NULL, NULL), P2M_NONE);
    assert_int_equal(p2m_query(p, mk_gpaddr(0xFEE00000ull), NULL, NULL), P2M_NONE);
    assert_int_equal(p2m_query(p, mk_gpaddr(2 * MIB), NULL, NULL), P2M_RAM);
    assert_int_equal(shared[7], 0x77);
    p2m_pool_usage(p, &used, &total);
    assert_int_equal(used, used_by_ram);

    /* And it maps again from the pool. */
    assert_int_equal(p2m_map(p, mk_gpaddr(1ull << 30), virt_to_phys(shared), PAGE, P2M_SHARED_RW,
                             P2M_READ | P2M_WRITE),
                     0);
    assert_int_equal(allocs, allocs_before);
    assert_int_equal(guest(p, mk_gpaddr(1ull << 30))[7], 0x77);
    p2m_destroy(p);
}

static void test_owns_range_only_for_domain_ram(void **state)
{
    static uint8_t shared[PAGE] __attribute__((aligned(PAGE)));
    uint64_t used_by_ram;
    struct p2m *p;

    (void)state;
    p = make_domain(shared, &used_by_ram);
    assert_true(p2m_owns_range(p, mk_gpaddr(1 * MIB), 4 * MIB + 2 * PAGE));
    assert_true(p2m_owns_range(p, mk_gpaddr(3 * MIB), PAGE));
    assert_false(p2m_owns_range(p, mk_gpaddr(1 * MIB), 4 * MIB + 3 * PAGE)); /* one page past */
    assert_false(p2m_owns_range(p, mk_gpaddr(0), PAGE));
    assert_false(p2m_owns_range(p, mk_gpaddr(1ull << 30), PAGE));    /* shared, not owned */
    assert_false(p2m_owns_range(p, mk_gpaddr(0xFEE00000ull), PAGE)); /* emulated, no page */
    assert_false(p2m_owns_range(p, mk_gpaddr(1ull << 48), PAGE));    /* beyond the limit */
    p2m_destroy(p);
}

static void test_destroy_frees_everything(void **state)
{
    static uint8_t shared[PAGE] __attribute__((aligned(PAGE)));
    unsigned int allocs_before = allocs, frees_before = frees;
    uint64_t used_by_ram;
    struct p2m *p;

    (void)state;
    p = make_domain(shared, &used_by_ram);
    p2m_reset(p);
    p2m_destroy(p);
    assert_int_equal(allocs - allocs_before, frees - frees_before);
}

/* Every type reads back with its host address and permissions; RAM in 2 MiB and 4 KiB leaves. */
static void test_query_types_and_perms(void **state)
{
    static uint8_t pages[4][PAGE] __attribute__((aligned(PAGE)));
    unsigned int perms;
    paddr_t pa;
    struct p2m *p = p2m_create(64 * PAGE);

    (void)state;
    assert_non_null(p);
    assert_int_equal(p2m_populate_ram(p, mk_gpaddr(2 * MIB), 2 * MIB + PAGE, P2M_RWX), 0);
    assert_int_equal(
        p2m_map(p, mk_gpaddr(1ull << 30), virt_to_phys(pages[0]), PAGE, P2M_SHARED_RO, P2M_READ),
        0);
    assert_int_equal(p2m_map(p, mk_gpaddr((1ull << 30) + PAGE), virt_to_phys(pages[1]), PAGE,
                             P2M_SHARED_RW, P2M_READ | P2M_WRITE),
                     0);
    assert_int_equal(p2m_map(p, mk_gpaddr(2ull << 30), virt_to_phys(pages[2]), PAGE, P2M_GRANT,
                             P2M_READ | P2M_WRITE),
                     0);
    assert_int_equal(p2m_map(p, mk_gpaddr(3ull << 30), virt_to_phys(pages[3]), PAGE,
                             P2M_PASSTHROUGH, P2M_READ | P2M_WRITE),
                     0);
    assert_int_equal(p2m_map(p, mk_gpaddr(0xFEE00000ull), mk_paddr(0), 2 * PAGE, P2M_MMIO_EMUL, 0),
                     0);

    /* RAM: the 2 MiB leaf keeps the offset inside it; the 4 KiB one after it. */
    assert_int_equal(p2m_query(p, mk_gpaddr(2 * MIB + 0x12345), &pa, &perms), P2M_RAM);
    assert_true(paddr_eq(pa, paddr_add(p2m_lookup(p, mk_gpaddr(2 * MIB), NULL), 0x12345)));
    assert_int_equal(perms, P2M_RWX);
    assert_int_equal(p2m_query(p, mk_gpaddr(4 * MIB + 8), &pa, &perms), P2M_RAM);
    assert_true(!paddr_eq(pa, INVALID_PADDR) && paddr_offset(pa) == 8);

    assert_int_equal(p2m_query(p, mk_gpaddr((1ull << 30) + 5), &pa, &perms), P2M_SHARED_RO);
    assert_true(paddr_eq(pa, paddr_add(virt_to_phys(pages[0]), 5)));
    assert_int_equal(perms, P2M_READ);
    assert_int_equal(p2m_query(p, mk_gpaddr((1ull << 30) + PAGE), &pa, &perms), P2M_SHARED_RW);
    assert_true(paddr_eq(pa, virt_to_phys(pages[1])));
    assert_int_equal(perms, P2M_READ | P2M_WRITE);
    assert_int_equal(p2m_query(p, mk_gpaddr(2ull << 30), &pa, NULL), P2M_GRANT);
    assert_true(paddr_eq(pa, virt_to_phys(pages[2])));
    assert_int_equal(p2m_query(p, mk_gpaddr(3ull << 30), &pa, NULL), P2M_PASSTHROUGH);
    assert_true(paddr_eq(pa, virt_to_phys(pages[3])));

    /* Emulated MMIO: typed, but no page and no access. */
    assert_int_equal(p2m_query(p, mk_gpaddr(0xFEE01000ull), &pa, &perms), P2M_MMIO_EMUL);
    assert_true(paddr_eq(pa, INVALID_PADDR));
    assert_int_equal(perms, 0);
    assert_true(paddr_eq(p2m_lookup(p, mk_gpaddr(0xFEE00000ull), NULL), INVALID_PADDR));

    /* Nothing: just past each mapping, and beyond what the format maps. */
    assert_int_equal(p2m_query(p, mk_gpaddr(4 * MIB + PAGE), &pa, &perms), P2M_NONE);
    assert_true(paddr_eq(pa, INVALID_PADDR));
    assert_int_equal(p2m_query(p, mk_gpaddr(0xFEE02000ull), NULL, NULL), P2M_NONE);
    assert_int_equal(p2m_query(p, mk_gpaddr(1ull << 48), NULL, NULL), P2M_NONE);
    p2m_destroy(p);
}

/* A range overlapping any mapping, a bad range or a bad type is refused and changes nothing. */
static void test_overlap_and_bad_requests_refused(void **state)
{
    static uint8_t page[PAGE] __attribute__((aligned(PAGE)));
    uint64_t used, used_after, total;
    paddr_t pa = virt_to_phys(page);
    struct p2m *p = p2m_create(64 * PAGE);

    (void)state;
    assert_non_null(p);
    assert_int_equal(p2m_populate_ram(p, mk_gpaddr(2 * MIB), 2 * MIB, P2M_RWX), 0);
    assert_int_equal(p2m_map(p, mk_gpaddr(8 * MIB), pa, PAGE, P2M_SHARED_RW, P2M_READ | P2M_WRITE),
                     0);
    p2m_pool_usage(p, &used, &total);

    /* Over RAM (a 2 MiB leaf), over shared memory, straddling either. */
    assert_int_equal(p2m_map(p, mk_gpaddr(3 * MIB), pa, PAGE, P2M_SHARED_RW, P2M_READ), -22);
    assert_int_equal(p2m_map(p, mk_gpaddr(2 * MIB - PAGE), pa, 2 * PAGE, P2M_GRANT, P2M_READ), -22);
    assert_int_equal(p2m_map(p, mk_gpaddr(8 * MIB), pa, PAGE, P2M_SHARED_RO, P2M_READ), -22);
    assert_int_equal(p2m_map(p, mk_gpaddr(8 * MIB), mk_paddr(0), PAGE, P2M_MMIO_EMUL, 0), -22);
    assert_int_equal(p2m_populate_ram(p, mk_gpaddr(8 * MIB - PAGE), 2 * PAGE, P2M_RWX), -22);
    assert_int_equal(p2m_populate_ram(p, mk_gpaddr(3 * MIB), PAGE, P2M_RWX), -22);

    /* Bad requests: unaligned, empty, wrapping, past the limit, wrong type or perms. */
    assert_int_equal(p2m_map(p, mk_gpaddr(9 * MIB + 1), pa, PAGE, P2M_SHARED_RW, P2M_READ), -22);
    assert_int_equal(
        p2m_map(p, mk_gpaddr(9 * MIB), paddr_add(pa, 1), PAGE, P2M_SHARED_RW, P2M_READ), -22);
    assert_int_equal(p2m_map(p, mk_gpaddr(9 * MIB), pa, 0, P2M_SHARED_RW, P2M_READ), -22);
    assert_int_equal(p2m_map(p, mk_gpaddr(-PAGE), pa, 2 * PAGE, P2M_SHARED_RW, P2M_READ), -22);
    assert_int_equal(p2m_map(p, mk_gpaddr(1ull << 48), pa, PAGE, P2M_SHARED_RW, P2M_READ), -22);
    assert_int_equal(p2m_map(p, mk_gpaddr(9 * MIB), pa, PAGE, P2M_RAM, P2M_READ), -22);
    assert_int_equal(p2m_map(p, mk_gpaddr(9 * MIB), pa, PAGE, P2M_NONE, P2M_READ), -22);
    assert_int_equal(p2m_map(p, mk_gpaddr(9 * MIB), pa, PAGE, P2M_SHARED_RO, P2M_READ | P2M_WRITE),
                     -22);
    assert_int_equal(p2m_map(p, mk_gpaddr(9 * MIB), pa, PAGE, P2M_SHARED_RW, P2M_WRITE), -22);
    assert_int_equal(p2m_populate_ram(p, mk_gpaddr(9 * MIB), PAGE, P2M_WRITE), -22);

    /* Nothing changed. */
    p2m_pool_usage(p, &used_after, &total);
    assert_int_equal(used_after, used);
    assert_int_equal(p2m_query(p, mk_gpaddr(3 * MIB), NULL, NULL), P2M_RAM);
    assert_int_equal(p2m_query(p, mk_gpaddr(2 * MIB - PAGE), NULL, NULL), P2M_NONE);
    assert_int_equal(p2m_query(p, mk_gpaddr(8 * MIB), NULL, NULL), P2M_SHARED_RW);
    assert_int_equal(p2m_query(p, mk_gpaddr(8 * MIB - PAGE), NULL, NULL), P2M_NONE);
    assert_int_equal(p2m_query(p, mk_gpaddr(9 * MIB), NULL, NULL), P2M_NONE);
    p2m_destroy(p);
}

/* A pool too small for the tables fails with -ENOMEM, takes nothing more, and frees cleanly. */
static void test_pool_exhaustion(void **state)
{
    static uint8_t page[PAGE] __attribute__((aligned(PAGE)));
    unsigned int allocs_before = allocs, frees_before = frees;
    uint64_t used, total;
    struct p2m *p = p2m_create(3 * PAGE); /* the root and two tables: not a whole walk */

    (void)state;
    assert_non_null(p);
    p2m_pool_usage(p, &used, &total);
    assert_int_equal(total, 3);
    assert_int_equal(used, 1);
    assert_int_equal(p2m_populate_ram(p, mk_gpaddr(0), PAGE, P2M_RWX), -12);
    p2m_pool_usage(p, &used, &total);
    assert_int_equal(used, total);
    assert_int_equal(
        p2m_map(p, mk_gpaddr(1ull << 40), virt_to_phys(page), PAGE, P2M_SHARED_RW, P2M_READ), -12);
    assert_int_equal(p2m_query(p, mk_gpaddr(0), NULL, NULL), P2M_NONE);
    assert_int_equal(p2m_query(p, mk_gpaddr(1ull << 40), NULL, NULL), P2M_NONE);
    p2m_destroy(p);
    assert_int_equal(allocs - allocs_before, frees - frees_before);
}

static int use_npt(void **state)
{
    (void)state;
    p2m_use_format(&p2m_npt_format);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reset_keeps_zeroed_ram_and_undoes_the_rest),
        cmocka_unit_test(test_owns_range_only_for_domain_ram),
        cmocka_unit_test(test_destroy_frees_everything),
        cmocka_unit_test(test_query_types_and_perms),
        cmocka_unit_test(test_overlap_and_bad_requests_refused),
        cmocka_unit_test(test_pool_exhaustion),
    };

    return cmocka_run_group_tests(tests, use_npt, NULL);
}
