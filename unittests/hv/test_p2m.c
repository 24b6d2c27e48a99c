// SPDX-License-Identifier: MIT
/*
 * The P2M (hv/arch/x86/npt.c) over host memory: the page allocator is faked
 * here (aligned host allocations, phys == virt), so the tests see every page
 * the P2M takes and gives back. Above all: a reset (domain restart) zeroes
 * the domain's RAM where it is, undoes every other mapping, returns emptied
 * tables to the pool and allocates nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <hv/p2m.h>
#include <hv/page_alloc.h>
#include "fake_hv.h"

#define PAGE 4096ull
#define MIB (1ull << 20)

static unsigned int allocs, frees;

paddr_t page_alloc(unsigned int order)
{
    void *p = aligned_alloc(PAGE << order, PAGE << order);

    if (!p)
        return 0;
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

    if (!pa)
        return NULL;
    memset(phys_to_virt(pa), 0, PAGE);
    return phys_to_virt(pa);
}

static uint8_t *guest(struct p2m *p, gpaddr_t gpa)
{
    paddr_t pa = p2m_lookup(p, gpa, NULL);

    assert_true(pa != INVALID_PADDR);
    return phys_to_virt(pa);
}

/* 4 MiB + 8 KiB of RAM at 1 MiB (2 MiB and 4 KiB leaves), one shared page at 1 GiB. */
static struct p2m *make_domain(uint8_t *shared, uint64_t *used_by_ram)
{
    struct p2m *p = p2m_create(64 * PAGE);
    uint64_t total;

    assert_non_null(p);
    assert_int_equal(p2m_populate_ram(p, 1 * MIB, 4 * MIB + 2 * PAGE, P2M_RWX), 0);
    p2m_pool_usage(p, used_by_ram, &total);
    assert_int_equal(p2m_map_static(p, 1ull << 30, virt_to_phys(shared), PAGE,
                                    P2M_READ | P2M_WRITE), 0);
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
    ram_2m = p2m_lookup(p, 2 * MIB, NULL);
    ram_4k = p2m_lookup(p, 5 * MIB + PAGE, NULL);
    memset(guest(p, 2 * MIB), 0xAA, PAGE);
    guest(p, 5 * MIB + PAGE)[100] = 0x55;
    shared[7] = 0x77;

    allocs_before = allocs;
    p2m_reset(p);
    assert_int_equal(allocs, allocs_before);

    /* The same frames at the same addresses, zeroed. */
    assert_true(p2m_lookup(p, 2 * MIB, NULL) == ram_2m);
    assert_true(p2m_lookup(p, 5 * MIB + PAGE, NULL) == ram_4k);
    assert_int_equal(guest(p, 2 * MIB)[0], 0);
    assert_int_equal(guest(p, 2 * MIB)[PAGE - 1], 0);
    assert_int_equal(guest(p, 5 * MIB + PAGE)[100], 0);
    assert_true(p2m_owns_range(p, 1 * MIB, 4 * MIB + 2 * PAGE));

    /* The shared page is unmapped, left as it was, its tables back in the pool. */
    assert_true(p2m_lookup(p, 1ull << 30, NULL) == INVALID_PADDR);
    assert_int_equal(shared[7], 0x77);
    p2m_pool_usage(p, &used, &total);
    assert_int_equal(used, used_by_ram);

    /* And it maps again from the pool. */
    assert_int_equal(p2m_map_static(p, 1ull << 30, virt_to_phys(shared), PAGE,
                                    P2M_READ | P2M_WRITE), 0);
    assert_int_equal(allocs, allocs_before);
    assert_int_equal(guest(p, 1ull << 30)[7], 0x77);
    p2m_destroy(p);
}

static void test_owns_range_only_for_domain_ram(void **state)
{
    static uint8_t shared[PAGE] __attribute__((aligned(PAGE)));
    uint64_t used_by_ram;
    struct p2m *p;

    (void)state;
    p = make_domain(shared, &used_by_ram);
    assert_true(p2m_owns_range(p, 1 * MIB, 4 * MIB + 2 * PAGE));
    assert_true(p2m_owns_range(p, 3 * MIB, PAGE));
    assert_false(p2m_owns_range(p, 1 * MIB, 4 * MIB + 3 * PAGE));  /* one page past */
    assert_false(p2m_owns_range(p, 0, PAGE));
    assert_false(p2m_owns_range(p, 1ull << 30, PAGE));              /* shared, not owned */
    assert_false(p2m_owns_range(p, 1ull << 48, PAGE));              /* beyond the limit */
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reset_keeps_zeroed_ram_and_undoes_the_rest),
        cmocka_unit_test(test_owns_range_only_for_domain_ram),
        cmocka_unit_test(test_destroy_frees_everything),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
