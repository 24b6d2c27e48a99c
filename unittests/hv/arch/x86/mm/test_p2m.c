// SPDX-License-Identifier: MIT
/*
 * The P2M core (hv/arch/x86/mm/p2m.c) over the NPT encoder and host memory:
 * the page allocator is faked here (aligned host allocations, phys == virt),
 * so the tests see every page the P2M takes and gives back. Each entry keeps
 * its type and permissions; overlaps are refused; an exhausted pool fails
 * cleanly; and a reset (domain restart) zeroes the domain's RAM where it is,
 * undoes every other mapping, returns emptied tables to the pool and
 * allocates nothing. RAM backed lazily stays hidden from the hardware until
 * it is zeroed, whichever way comes first, and never reads stale.
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
#include <public/errno.h>
#include <hv/page_alloc.h>
#include "fake_hv.h"

#define PAGE 4096ull
#define MIB  (1ull << 20)

static unsigned int allocs, frees;
/* When set, every page handed out holds this byte: what an earlier user left. */
static int stale_byte = -1;

/*
 * Blocks handed out, so that a 2 MiB block the P2M split and gives back page
 * by page is freed (and counted) once, when its last page comes back.
 */
#define MAX_BLOCKS 4096
static struct block {
    uint8_t *base;
    uint64_t bytes, live;
} blocks[MAX_BLOCKS];

paddr_t page_alloc(unsigned int order)
{
    void *p = aligned_alloc(PAGE << order, PAGE << order);
    unsigned int i;

    if (!p)
        return mk_paddr(0);
    for (i = 0; blocks[i].base; i++)
        assert_true(i + 1 < MAX_BLOCKS);
    blocks[i] = (struct block){ p, PAGE << order, PAGE << order };
    if (stale_byte >= 0)
        memset(p, stale_byte, PAGE << order);
    allocs++;
    return virt_to_phys(p);
}

void page_free(paddr_t pa, unsigned int order)
{
    uint8_t *p = phys_to_virt(pa);
    unsigned int i;

    for (i = 0; i < MAX_BLOCKS; i++) {
        struct block *b = &blocks[i];

        if (!b->base || p < b->base || p >= b->base + b->bytes)
            continue;
        assert_true(b->live >= PAGE << order);
        b->live -= PAGE << order;
        if (!b->live) {
            free(b->base);
            *b = (struct block){ 0 };
            frees++;
        }
        return;
    }
    fail_msg("page_free of a page never allocated");
}

/* The fake allocator manages what it handed out and has not taken back. */
bool page_alloc_manages(paddr_t pa)
{
    const uint8_t *p = phys_to_virt(pa);

    for (unsigned int i = 0; i < MAX_BLOCKS; i++)
        if (blocks[i].base && p >= blocks[i].base && p < blocks[i].base + blocks[i].bytes)
            return true;
    return false;
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

/*
 * A restart's scrub leaves the frames the builder fills whole (in a 2 MiB
 * leaf and in 4 KiB leaves, across a leaf's edge) as they are and zeroes
 * every other byte of the domain's RAM.
 */
static void test_scrub_leaves_only_the_kept_frames(void **state)
{
    static uint8_t shared[PAGE] __attribute__((aligned(PAGE)));
    const struct frame_range keep[] = {
        { (2 * MIB) / PAGE + 1, 3 }, /* inside the 2 MiB leaf at 2 MiB */
        { (3 * MIB) / PAGE - 1, 2 }, /* across the 2 MiB leaf's first page */
        { (5 * MIB) / PAGE + 1, 1 }, /* the last 4 KiB leaf */
        { (64 * MIB) / PAGE, 16 },   /* no RAM there: nothing to do */
    };
    uint64_t used_by_ram;
    struct p2m *p;

    (void)state;
    p = make_domain(shared, &used_by_ram);
    for (uint64_t g = 1 * MIB; g < 5 * MIB + 2 * PAGE; g += PAGE)
        memset(guest(p, mk_gpaddr(g)), 0xAA, PAGE);
    p2m_reset(p);
    while (!p2m_scrub_step(p, 7, keep, 4))
        ;
    for (uint64_t g = 1 * MIB; g < 5 * MIB + 2 * PAGE; g += PAGE) {
        const uint8_t *b = guest(p, mk_gpaddr(g));
        bool kept = false;

        for (unsigned int i = 0; i < 4; i++)
            kept |= g / PAGE >= keep[i].gfn && g / PAGE < keep[i].gfn + keep[i].nr;
        for (unsigned int i = 0; i < PAGE; i++)
            if (b[i] != (kept ? 0xAA : 0))
                fail_msg("gpa %#lx byte %u: %#x (%s)", (unsigned long)g, i, b[i],
                         kept ? "kept" : "scrubbed");
    }
    p2m_destroy(p);
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
    assert_false(p2m_scrub_step(p, 1, NULL, 0));
    assert_int_equal(guest(p, mk_gpaddr(2 * MIB))[0], 0xAA);
    assert_int_equal(guest(p, mk_gpaddr(5 * MIB + PAGE))[100], 0x55);
    while (!p2m_scrub_step(p, 1, NULL, 0))
        ;
    assert_true(p2m_scrub_step(p, 1, NULL, 0));
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

/*
 * Ballooning within the budget: a page given back leaves the map (its 2 MiB
 * leaf split, the rest of it where it was) for the P2M's own list, comes
 * back zeroed only where nothing is mapped, can be held by
 * increase_reservation, and fills the holes again at a restart; never an
 * allocation, and cached translations marked stale only when a mapping goes.
 */
static void test_release_and_populate_within_budget(void **state)
{
    static uint8_t shared[PAGE] __attribute__((aligned(PAGE)));
    uint64_t used_by_ram, released, held, gen;
    unsigned int allocs_before;
    paddr_t leaf_base, gone;
    struct p2m *p;

    (void)state;
    p = make_domain(shared, &used_by_ram);
    allocs_before = allocs;
    leaf_base = p2m_lookup(p, mk_gpaddr(2 * MIB), NULL);
    gone = p2m_lookup(p, mk_gpaddr(3 * MIB + PAGE), NULL);
    gen = p2m_unmap_gen(p);

    assert_int_equal(p2m_release_ram(p, mk_gpaddr(3 * MIB + PAGE), PAGE), 0);
    assert_int_equal(p2m_query(p, mk_gpaddr(3 * MIB + PAGE), NULL, NULL), P2M_NONE);
    assert_true(paddr_eq(p2m_lookup(p, mk_gpaddr(3 * MIB), NULL), paddr_add(leaf_base, MIB)));
    assert_true(paddr_eq(p2m_lookup(p, mk_gpaddr(3 * MIB + 2 * PAGE), NULL),
                         paddr_add(leaf_base, MIB + 2 * PAGE)));
    assert_true(p2m_unmap_gen(p) != gen);
    p2m_reservation(p, &released, &held);
    assert_int_equal(released, 1);
    assert_int_equal(held, 0);

    /* Refused, nothing released: not all RAM, already gone, bad ranges. */
    gen = p2m_unmap_gen(p);
    assert_int_equal(p2m_release_ram(p, mk_gpaddr(3 * MIB), 2 * PAGE), -22);
    assert_int_equal(p2m_release_ram(p, mk_gpaddr(1ull << 30), PAGE), -22);
    assert_int_equal(p2m_release_ram(p, mk_gpaddr(0xFEE00000ull), PAGE), -22);
    assert_int_equal(p2m_release_ram(p, mk_gpaddr(2 * MIB + 1), PAGE), -22);
    assert_int_equal(p2m_release_ram(p, mk_gpaddr(1ull << 48), PAGE), -22);
    assert_int_equal(p2m_query(p, mk_gpaddr(3 * MIB), NULL, NULL), P2M_RAM);
    assert_int_equal(p2m_query(p, mk_gpaddr(1ull << 30), NULL, NULL), P2M_SHARED_RW);
    p2m_reservation(p, &released, &held);
    assert_int_equal(released, 1);
    assert_true(p2m_unmap_gen(p) == gen);

    /* Populating: only where nothing is mapped, only as many as were released. */
    memset(phys_to_virt(gone), 0xEE, PAGE);
    assert_int_equal(p2m_populate_released(p, mk_gpaddr(3 * MIB + PAGE), 2 * PAGE), -22);
    assert_int_equal(p2m_populate_released(p, mk_gpaddr(16 * MIB), 2 * PAGE), -12);
    assert_int_equal(p2m_query(p, mk_gpaddr(16 * MIB), NULL, NULL), P2M_NONE);
    assert_int_equal(p2m_populate_released(p, mk_gpaddr(16 * MIB), PAGE), 0);
    assert_true(paddr_eq(p2m_lookup(p, mk_gpaddr(16 * MIB), NULL), gone));
    assert_int_equal(guest(p, mk_gpaddr(16 * MIB))[0], 0);
    assert_int_equal(guest(p, mk_gpaddr(16 * MIB))[PAGE - 1], 0);
    assert_true(p2m_unmap_gen(p) == gen);
    p2m_reservation(p, &released, &held);
    assert_int_equal(released, 0);
    assert_int_equal(p2m_populate_released(p, mk_gpaddr(3 * MIB + PAGE), PAGE), -12);

    /* Held pages are the domain's but not for populating. */
    assert_int_equal(p2m_release_ram(p, mk_gpaddr(16 * MIB), PAGE), 0);
    assert_int_equal(p2m_release_ram(p, mk_gpaddr(1 * MIB), PAGE), 0);
    assert_int_equal(p2m_claim_released(p, 3), -12);
    assert_int_equal(p2m_claim_released(p, 1), 0);
    assert_int_equal(p2m_populate_released(p, mk_gpaddr(16 * MIB), 2 * PAGE), -12);
    p2m_reservation(p, &released, &held);
    assert_int_equal(released, 2);
    assert_int_equal(held, 1);

    /* A restart maps them into the holes of the RAM range, zeroed; 16 MiB is no RAM of it. */
    memset(phys_to_virt(gone), 0xEE, PAGE);
    p2m_refill_ram(p, mk_gpaddr(1 * MIB), 4 * MIB + 2 * PAGE);
    assert_true(p2m_owns_range(p, mk_gpaddr(1 * MIB), 4 * MIB + 2 * PAGE));
    assert_int_equal(guest(p, mk_gpaddr(1 * MIB))[0], 0);
    assert_int_equal(guest(p, mk_gpaddr(3 * MIB + PAGE))[0], 0);
    assert_int_equal(p2m_query(p, mk_gpaddr(16 * MIB), NULL, NULL), P2M_NONE);
    p2m_reservation(p, &released, &held);
    assert_int_equal(released, 0);
    assert_int_equal(held, 0);
    assert_int_equal(allocs, allocs_before);
    p2m_destroy(p);
}

/* Released pages go back to the allocator with the domain, split 2 MiB blocks included. */
static void test_destroy_frees_released_pages(void **state)
{
    static uint8_t shared[PAGE] __attribute__((aligned(PAGE)));
    unsigned int allocs_before = allocs, frees_before = frees;
    uint64_t used_by_ram;
    struct p2m *p;

    (void)state;
    p = make_domain(shared, &used_by_ram);
    assert_int_equal(p2m_release_ram(p, mk_gpaddr(2 * MIB), 2 * MIB), 0);
    assert_int_equal(p2m_release_ram(p, mk_gpaddr(5 * MIB), PAGE), 0);
    assert_int_equal(p2m_populate_released(p, mk_gpaddr(64 * MIB), PAGE), 0);
    p2m_destroy(p);
    assert_int_equal(allocs - allocs_before, frees - frees_before);
}

/* A split needs a table page: with the pool empty, nothing is released. */
static void test_release_without_pool_page(void **state)
{
    uint64_t used, total, released, held;
    struct p2m *p = p2m_create(3 * PAGE); /* the root and the tables down to a 2 MiB leaf */

    (void)state;
    assert_non_null(p);
    assert_int_equal(p2m_populate_ram(p, mk_gpaddr(0), 2 * MIB, P2M_RWX), 0);
    p2m_pool_usage(p, &used, &total);
    assert_int_equal(used, total);
    assert_int_equal(p2m_release_ram(p, mk_gpaddr(PAGE), PAGE), -12);
    assert_int_equal(p2m_query(p, mk_gpaddr(PAGE), NULL, NULL), P2M_RAM);
    p2m_reservation(p, &released, &held);
    assert_int_equal(released, 0);
    p2m_destroy(p);
}

/*
 * A module's pages mapped as the domain's RAM (p2m_map_boot_ram): 2 MiB
 * leaves where both sides are aligned, 4 KiB leaves elsewhere, the bytes in
 * place (no copy), scrubbed at a reset like any RAM, and never handed to
 * the allocator: destroying the domain frees no page of it (the fake
 * allocator fails a free of a page it never gave).
 */
static void test_boot_ram_mapped_in_place_and_kept_from_the_allocator(void **state)
{
    unsigned int allocs_before = allocs, frees_before = frees;
    uint8_t *module = aligned_alloc(2 * MIB, 4 * MIB);
    paddr_t pa;
    struct p2m *p;

    (void)state;
    assert_non_null(module);
    for (uint64_t i = 0; i < 4 * MIB; i++)
        module[i] = (uint8_t)(i * 7 + 1);
    p = p2m_create(64 * PAGE);
    assert_non_null(p);
    /* 2 MiB + 3 pages from a 2 MiB boundary on both sides, then 4 KiB pages from an odd page. */
    assert_int_equal(
        p2m_map_boot_ram(p, mk_gpaddr(8 * MIB), virt_to_phys(module), 2 * MIB + 3 * PAGE), 0);
    assert_int_equal(p2m_map_boot_ram(p, mk_gpaddr(16 * MIB + PAGE),
                                      virt_to_phys(module + 3 * MIB + PAGE), 2 * PAGE),
                     0);
    assert_int_equal(p2m_query(p, mk_gpaddr(8 * MIB + 5), &pa, NULL), P2M_RAM);
    assert_ptr_equal(phys_to_virt(pa), module + 5);
    assert_ptr_equal(guest(p, mk_gpaddr(10 * MIB + 2 * PAGE + 9)), module + 2 * MIB + 2 * PAGE + 9);
    assert_ptr_equal(guest(p, mk_gpaddr(16 * MIB + 3 * PAGE - 1)), module + 3 * MIB + 3 * PAGE - 1);
    assert_true(p2m_owns_range(p, mk_gpaddr(8 * MIB), 2 * MIB + 3 * PAGE));
    assert_int_equal(*guest(p, mk_gpaddr(8 * MIB + 100)), (uint8_t)(100 * 7 + 1));
    /* Only the P2M's own pages came from the allocator (no 2 MiB block, no RAM page). */
    assert_int_equal(allocs - allocs_before, 2); /* its struct, its pool (one 64-page block) */
    /* Overlaps, unaligned ranges and the allocator's own pages are refused. */
    assert_int_equal(p2m_map_boot_ram(p, mk_gpaddr(8 * MIB + PAGE), virt_to_phys(module), PAGE),
                     -XEN_EINVAL);
    assert_int_equal(p2m_map_boot_ram(p, mk_gpaddr(32 * MIB),
                                      mk_paddr(paddr_val(virt_to_phys(module)) + 1), PAGE),
                     -XEN_EINVAL);
    assert_int_equal(p2m_map_boot_ram(p, mk_gpaddr(32 * MIB), virt_to_phys(p), PAGE), -XEN_EINVAL);

    p2m_reset(p);
    while (!p2m_scrub_step(p, 512, NULL, 0))
        ;
    assert_int_equal(module[0], 0);
    assert_int_equal(module[2 * MIB + 3 * PAGE - 1], 0);
    assert_int_equal(module[2 * MIB + 3 * PAGE],
                     (uint8_t)((2 * MIB + 3 * PAGE) * 7 + 1)); /* not mapped */
    p2m_destroy(p);
    assert_int_equal(allocs - allocs_before, frees - frees_before);
    free(module);
}

/* The leaf the hardware walks to for gpa (0 if none) and its level, read without the P2M. */
static uint64_t hw_leaf(struct p2m *p, uint64_t gpa, unsigned int *level)
{
    const struct p2m_format *f = &p2m_npt_format;
    paddr_t table = p2m_root(p);

    for (unsigned int l = f->levels; l >= 1; l--) {
        uint64_t e = ((const uint64_t *)phys_to_virt(table))[(gpa >> (12 + 9 * (l - 1))) & 511];

        if (!e || !f->is_table(e, l)) {
            *level = l;
            return e;
        }
        table = f->addr(e, l);
    }
    return 0;
}

/* Whether the hardware would fault on gpa (no present leaf). */
static bool hw_faults(struct p2m *p, uint64_t gpa)
{
    unsigned int level;

    return !(hw_leaf(p, gpa, &level) & 1);
}

/* The host bytes behind gpa's page, found without the P2M (no clearing on the way). */
static const uint8_t *host_page(struct p2m *p, uint64_t gpa)
{
    unsigned int level;
    uint64_t e = hw_leaf(p, gpa, &level);

    assert_true(e != 0);
    return (const uint8_t *)phys_to_virt(p2m_npt_format.addr(e, level)) +
           (gpa & ((PAGE << (9 * (level - 1))) - 1) & ~(PAGE - 1));
}

static bool page_is(struct p2m *p, uint64_t gpa, uint8_t byte)
{
    const uint8_t *b = host_page(p, gpa);

    for (unsigned int i = 0; i < PAGE; i++)
        if (b[i] != byte)
            return false;
    return true;
}

/* 8 MiB at 0 (four 2 MiB leaves) over stale pages, frame 0x101 kept (in the first leaf). */
static struct p2m *make_lazy(const struct frame_range *keep)
{
    struct p2m *p = p2m_create(64 * PAGE);

    assert_non_null(p);
    stale_byte = 0xAA;
    assert_int_equal(p2m_populate_ram_lazy(p, mk_gpaddr(0), 8 * MIB, P2M_RWX, keep, 1), 0);
    stale_byte = -1;
    return p;
}

/*
 * Lazy backing: the leaf that holds a kept frame is zeroed at once, less that
 * frame; the others are hidden from the hardware, still stale, until a fault
 * or a lookup zeroes the whole leaf first.
 */
static void test_lazy_ram_hidden_until_zeroed(void **state)
{
    const struct frame_range keep = { 0x101, 1 };
    struct p2m *p = make_lazy(&keep);
    unsigned int perms;
    paddr_t pa;

    (void)state;
    assert_true(p2m_any_hidden());
    assert_int_equal(p2m_hidden_bytes(p), 6 * MIB);
    assert_false(hw_faults(p, 0));
    assert_true(page_is(p, 0x100000, 0) && page_is(p, 0x102000, 0) && page_is(p, 0, 0));
    assert_true(page_is(p, 0x101000, 0xAA)); /* kept: the builder fills it */
    for (uint64_t g = 2 * MIB; g < 8 * MIB; g += MIB) {
        assert_true(hw_faults(p, g));
        assert_true(page_is(p, g, 0xAA));
    }
    /* The hypervisor's lookup: the whole leaf zeroed and shown before the answer. */
    assert_int_equal(p2m_query(p, mk_gpaddr(3 * MIB + 5), &pa, &perms), P2M_RAM);
    assert_int_equal(perms, P2M_RWX);
    assert_ptr_equal(phys_to_virt(pa), host_page(p, 3 * MIB) + 5);
    for (uint64_t g = 2 * MIB; g < 4 * MIB; g += PAGE)
        assert_true(page_is(p, g, 0));
    assert_false(hw_faults(p, 2 * MIB));
    assert_int_equal(p2m_hidden_bytes(p), 4 * MIB);
    /* The guest's first access. */
    assert_true(p2m_clear_on_fault(p, mk_gpaddr(6 * MIB + 0x1234)));
    for (uint64_t g = 6 * MIB; g < 8 * MIB; g += PAGE)
        assert_true(page_is(p, g, 0));
    assert_false(hw_faults(p, 7 * MIB));
    assert_int_equal(p2m_hidden_bytes(p), 2 * MIB);
    /* Again (another vCPU's fault on the same leaf): nothing left to do, retry. */
    assert_true(p2m_clear_on_fault(p, mk_gpaddr(6 * MIB)));
    assert_int_equal(p2m_hidden_bytes(p), 2 * MIB);
    /* Not RAM: not this fault's business. */
    assert_false(p2m_clear_on_fault(p, mk_gpaddr(64 * MIB)));
    assert_true(page_is(p, 4 * MIB, 0xAA));
    p2m_destroy(p);
    assert_false(p2m_any_hidden());
}

/*
 * The idle clearing: a piece at a time, the leaf shown only once it is all
 * zero; a lookup that zeroes the leaf it works on meanwhile leaves no wrong
 * progress behind; false once nothing is hidden.
 */
static void test_lazy_idle_clearing_in_pieces(void **state)
{
    const struct frame_range keep = { 0x101, 1 };
    struct p2m *p = make_lazy(&keep);
    unsigned int steps = 0;

    (void)state;
    for (unsigned int i = 0; i < 7; i++)
        assert_true(p2m_clear_idle_step(p, 256 * 1024));
    assert_true(hw_faults(p, 2 * MIB)); /* 7 of 8 pieces: still hidden */
    assert_true(page_is(p, 2 * MIB, 0) && page_is(p, 4 * MIB - PAGE, 0xAA));
    assert_true(p2m_clear_idle_step(p, 256 * 1024));
    assert_false(hw_faults(p, 2 * MIB));
    assert_true(page_is(p, 4 * MIB - PAGE, 0));
    assert_int_equal(p2m_hidden_bytes(p), 4 * MIB);
    /* Half the next leaf, then a lookup clears it whole, then the idle CPU goes on. */
    assert_true(p2m_clear_idle_step(p, MIB));
    memset((uint8_t *)host_page(p, 4 * MIB), 0x55, PAGE); /* the zeroed half made stale again */
    p2m_lookup(p, mk_gpaddr(5 * MIB), NULL);
    assert_true(page_is(p, 4 * MIB, 0));
    while (p2m_clear_idle_step(p, 256 * 1024))
        steps++;
    assert_int_equal(steps, 8);
    for (uint64_t g = 0; g < 8 * MIB; g += PAGE) {
        assert_false(hw_faults(p, g));
        if (g != 0x101000)
            assert_true(page_is(p, g, 0));
    }
    assert_int_equal(p2m_hidden_bytes(p), 0);
    assert_false(p2m_any_hidden());
    p2m_destroy(p);
}

/*
 * Hidden RAM given back (a split 2 MiB leaf) leaves the count, comes back
 * zeroed, and is freed with the rest; a reset's scrub zeroes and shows what
 * is still hidden.
 */
static void test_lazy_release_reset_and_destroy(void **state)
{
    const struct frame_range keep = { 0x101, 1 };
    unsigned int allocs_before = allocs, frees_before = frees;
    struct p2m *p = make_lazy(&keep);

    (void)state;
    /* The idle CPU halfway through the leaf that is then split. */
    assert_true(p2m_clear_idle_step(p, MIB));
    assert_int_equal(p2m_release_ram(p, mk_gpaddr(2 * MIB + PAGE), 2 * PAGE), 0);
    assert_int_equal(p2m_hidden_bytes(p), 6 * MIB - 2 * PAGE);
    assert_true(hw_faults(p, 2 * MIB) && hw_faults(p, 3 * MIB + 3 * PAGE));
    assert_true(page_is(p, 3 * MIB + 3 * PAGE, 0xAA)); /* split: still hidden, still stale */
    assert_int_equal(p2m_populate_released(p, mk_gpaddr(2 * MIB + PAGE), PAGE), 0);
    assert_false(hw_faults(p, 2 * MIB + PAGE));
    assert_true(page_is(p, 2 * MIB + PAGE, 0));
    /* 4 KiB leaves: the fault zeroes one page. */
    assert_true(p2m_clear_on_fault(p, mk_gpaddr(3 * MIB + 3 * PAGE)));
    assert_true(page_is(p, 3 * MIB + 3 * PAGE, 0) && page_is(p, 3 * MIB + 4 * PAGE, 0xAA));
    assert_false(hw_faults(p, 3 * MIB + 3 * PAGE));
    assert_true(hw_faults(p, 3 * MIB + 4 * PAGE));
    assert_int_equal(p2m_hidden_bytes(p), 6 * MIB - 3 * PAGE);
    /* The idle CPU goes on from the split leaf's first hidden page, a page at a time. */
    assert_true(p2m_clear_idle_step(p, MIB));
    assert_false(hw_faults(p, 2 * MIB));
    assert_true(hw_faults(p, 2 * MIB + 3 * PAGE));
    assert_int_equal(p2m_hidden_bytes(p), 6 * MIB - 4 * PAGE);
    p2m_reset(p);
    while (!p2m_scrub_step(p, 100, &keep, 1))
        ;
    assert_int_equal(p2m_hidden_bytes(p), 0);
    assert_false(p2m_any_hidden());
    for (uint64_t g = 0; g < 8 * MIB; g += PAGE) {
        if (g == 2 * MIB + 2 * PAGE)
            continue; /* released, not mapped */
        assert_false(hw_faults(p, g));
        assert_true(page_is(p, g, g == 0x101000 ? 0xAA : 0));
    }
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
        cmocka_unit_test(test_scrub_leaves_only_the_kept_frames),
        cmocka_unit_test(test_owns_range_only_for_domain_ram),
        cmocka_unit_test(test_destroy_frees_everything),
        cmocka_unit_test(test_query_types_and_perms),
        cmocka_unit_test(test_overlap_and_bad_requests_refused),
        cmocka_unit_test(test_pool_exhaustion),
        cmocka_unit_test(test_release_and_populate_within_budget),
        cmocka_unit_test(test_destroy_frees_released_pages),
        cmocka_unit_test(test_release_without_pool_page),
        cmocka_unit_test(test_boot_ram_mapped_in_place_and_kept_from_the_allocator),
        cmocka_unit_test(test_lazy_ram_hidden_until_zeroed),
        cmocka_unit_test(test_lazy_idle_clearing_in_pieces),
        cmocka_unit_test(test_lazy_release_reset_and_destroy),
    };

    return cmocka_run_group_tests(tests, use_npt, NULL);
}
