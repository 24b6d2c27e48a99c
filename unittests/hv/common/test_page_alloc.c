// SPDX-License-Identifier: MIT
/*
 * The page allocator (hv/common/page_alloc.c) over fake physical memory: a
 * host mapping reserved with MAP_NORESERVE, so only touched pages cost RAM,
 * and the allocator reaches it through fake_hv.c's phys_to_virt().
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include <boot/bootinfo.h>
#include <hv/page_alloc.h>
#include <hv/timeline.h>
#include "fake_hv.h"

#define PAGE 4096ull
#define MIB  (1ull << 20)
#define GIB  (1ull << 30)
#define TIB  (1ull << 40)

/* Where the test puts the boot data in fake physical memory. */
#define BOOTINFO_PA (24 * MIB)
#define MEMMAP_PA   (BOOTINFO_PA + PAGE)
#define TREE_PA     (BOOTINFO_PA + 4 * PAGE)
#define TREE_SIZE   (16 * PAGE)
#define MODULES_PA  (BOOTINFO_PA + 2 * PAGE) /* the module list: up to 512 entries */
#define MODULE_PA   (18 * MIB + 3 * PAGE) /* in RAM by type: only the module list says it is taken */
#define MODULE_SIZE 5000
#define IMAGE_PA    (16 * MIB)
#define IMAGE_SIZE  (1 * MIB)

/* The timeline marks page_alloc_init() records, in order. */
static const char *marks[8];
static unsigned int nr_marks;

void timeline_mark(const char *name, int arg)
{
    (void)arg;
    if (nr_marks < sizeof(marks) / sizeof(marks[0]))
        marks[nr_marks] = name;
    nr_marks++;
}

static uint8_t *fake_mem;
static size_t fake_mem_size;

static void *pa(uint64_t addr)
{
    return fake_mem + addr;
}

/* The allocator's interface on plain numbers: the tests do arithmetic on addresses. */
static uint64_t alloc(unsigned int order)
{
    return paddr_val(page_alloc(order));
}

static void release(uint64_t addr, unsigned int order)
{
    page_free(mk_paddr(addr), order);
}

static bool try_fake_memory(size_t size)
{
    fake_mem_size = size;
    fake_mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                    -1, 0);
    if (fake_mem == MAP_FAILED) {
        fake_mem = NULL;
        return false;
    }
    fake_phys_offset = (intptr_t)fake_mem;
    return true;
}

static void fake_memory(size_t size)
{
    assert_true(try_fake_memory(size));
}

static int fake_memory_free(void **state)
{
    (void)state;
    if (fake_mem)
        munmap(fake_mem, fake_mem_size);
    return 0;
}

/* The loader's module list: n modules of size bytes, every other page from base. */
static void set_modules(struct tessera_bootinfo *bi, uint32_t n, uint64_t base, uint64_t size)
{
    struct tessera_module *m = pa(MODULES_PA);

    assert_true(n * sizeof(*m) <= 2 * PAGE);
    for (uint32_t i = 0; i < n; i++)
        m[i] = (struct tessera_module){ .base = base + 2 * i * PAGE, .size = size };
    bi->modules_paddr = MODULES_PA;
    bi->nr_modules = n;
    bi->module_entry_size = sizeof(*m);
}

static struct tessera_bootinfo *make_bootinfo(const struct tessera_mem_range *map, uint32_t n)
{
    struct tessera_bootinfo *bi = pa(BOOTINFO_PA);

    memset(bi, 0, sizeof(*bi));
    bi->magic = TESSERA_BOOTINFO_MAGIC;
    bi->version = TESSERA_BOOTINFO_VERSION;
    bi->size = sizeof(*bi);
    memcpy(pa(MEMMAP_PA), map, n * sizeof(*map));
    bi->memmap_paddr = MEMMAP_PA;
    bi->memmap_entries = n;
    bi->memmap_entry_size = sizeof(*map);
    bi->hv_image_paddr = IMAGE_PA;
    bi->hv_image_size = IMAGE_SIZE;
    bi->launch_tree_paddr = TREE_PA;
    bi->launch_tree_size = TREE_SIZE;
    bi->trampoline_paddr = 0x8000;
    bi->trampoline_size = 4 * PAGE;
    set_modules(bi, 1, MODULE_PA, MODULE_SIZE);
    return bi;
}

/* 32 MiB machine; the module and the low megabyte are RAM by type. */
static const struct tessera_mem_range small_map[] = {
    { 0, 640 * 1024, TESSERA_MEM_RAM, 0 },
    { 1 * MIB, 15 * MIB, TESSERA_MEM_RAM, 0 },
    { IMAGE_PA, IMAGE_SIZE, TESSERA_MEM_HV_IMAGE, 0 },
    { 17 * MIB, 7 * MIB, TESSERA_MEM_RAM, 0 },
    { BOOTINFO_PA, 4 * PAGE, TESSERA_MEM_BOOTINFO, 0 },
    { TREE_PA, TREE_SIZE, TESSERA_MEM_LAUNCH_TREE, 0 },
    { TREE_PA + TREE_SIZE, 32 * MIB - (TREE_PA + TREE_SIZE), TESSERA_MEM_RAM, 0 },
    { 0xFEE00000, PAGE, TESSERA_MEM_MMIO, TESSERA_MEMF_UNCACHEABLE },
};

static bool overlaps(uint64_t a, uint64_t a_len, uint64_t b, uint64_t b_len)
{
    return a < b + b_len && b < a + a_len;
}

static bool page_in_ram(uint64_t p)
{
    for (size_t i = 0; i < sizeof(small_map) / sizeof(small_map[0]); i++) {
        if (small_map[i].type == TESSERA_MEM_RAM && p >= small_map[i].base &&
            p + PAGE <= small_map[i].base + small_map[i].size)
            return true;
    }
    return false;
}

static void test_every_page_once_and_never_boot_data(void **state)
{
    (void)state;
    fake_memory(4 * GIB);
    page_alloc_init(make_bootinfo(small_map, sizeof(small_map) / sizeof(small_map[0])));

    uint64_t total = page_alloc_total_pages();
    uint64_t count_before = page_alloc_count();
    uint8_t *seen = calloc(32 * MIB / PAGE, 1);
    uint64_t *pages = calloc(total, sizeof(*pages));
    uint64_t n = 0;

    assert_true(total > 20 * MIB / PAGE && total < 31 * MIB / PAGE);
    assert_int_equal(page_alloc_free_pages(), total);
    for (uint64_t p; (p = alloc(0)) != 0; n++) {
        assert_true(n < total);
        assert_true(p % PAGE == 0 && p < 32 * MIB);
        assert_int_equal(seen[p / PAGE], 0);
        seen[p / PAGE] = 1;
        assert_true(page_in_ram(p));
        assert_true(p >= 1 * MIB);
        assert_false(overlaps(p, PAGE, IMAGE_PA, IMAGE_SIZE));
        assert_false(overlaps(p, PAGE, BOOTINFO_PA, 4 * PAGE + TREE_SIZE));
        assert_false(overlaps(p, PAGE, MODULE_PA, MODULE_SIZE));
        assert_false(overlaps(p, PAGE, 0x8000, 4 * PAGE));
        pages[n] = p;
    }
    assert_int_equal(n, total);
    assert_int_equal(page_alloc_free_pages(), 0);
    assert_int_equal(page_alloc_count() - count_before, total);

    /* Freed in a scrambled order, the buddies merge back into large blocks. */
    for (uint64_t i = 0; i < n; i++) {
        uint64_t j = (i * 7919) % n;
        uint64_t t = pages[i];

        pages[i] = pages[j];
        pages[j] = t;
    }
    for (uint64_t i = 0; i < n; i++)
        release(pages[i], 0);
    assert_int_equal(page_alloc_free_pages(), total);
    uint64_t big = alloc(9); /* 2 MiB, naturally aligned */

    assert_true(big != 0 && big % (2 * MIB) == 0 && page_in_ram(big) &&
                page_in_ram(big + 2 * MIB - PAGE));
    release(big, 9);
    free(seen);
    free(pages);
}

static void test_orders_and_alignment(void **state)
{
    (void)state;
    fake_memory(4 * GIB);
    page_alloc_init(make_bootinfo(small_map, sizeof(small_map) / sizeof(small_map[0])));

    uint64_t total = page_alloc_total_pages();

    for (unsigned int order = 0; order <= 10; order++) {
        uint64_t p = alloc(order);

        assert_true(p != 0);
        assert_true(p % (PAGE << order) == 0);
        assert_int_equal(page_alloc_free_pages(), total - (1ull << order));
        release(p, order);
    }
    assert_int_equal(alloc(19), 0); /* above the largest order */
    assert_int_equal(alloc(13), 0); /* 32 MiB: no such contiguous RAM */
    assert_int_equal(page_alloc_free_pages(), total);

    void *z = page_alloc_zeroed_virt();

    assert_non_null(z);
    for (size_t i = 0; i < PAGE; i++)
        assert_int_equal(((uint8_t *)z)[i], 0);
    page_free(virt_to_phys(z), 0);
}

static void test_double_free_is_caught(void **state)
{
    (void)state;
    fake_memory(4 * GIB);
    page_alloc_init(make_bootinfo(small_map, sizeof(small_map) / sizeof(small_map[0])));

    uint64_t p = alloc(0);

    release(p, 0);
    fake_panic_expected = 1;
    expect_assert_failure(release(p, 0));
    expect_assert_failure(release(0x8000, 0)); /* not allocator memory */
    fake_panic_expected = 0;
}

/* RAM far above 4 GiB, with holes: metadata follows the RAM, not the address span. */
static void test_huge_sparse_map(void **state)
{
    const struct tessera_mem_range map[] = {
        { 1 * MIB, 15 * MIB, TESSERA_MEM_RAM, 0 },
        { IMAGE_PA, IMAGE_SIZE, TESSERA_MEM_HV_IMAGE, 0 },
        { 17 * MIB, 7 * MIB, TESSERA_MEM_RAM, 0 },
        { BOOTINFO_PA, 4 * PAGE, TESSERA_MEM_BOOTINFO, 0 },
        { TREE_PA, TREE_SIZE, TESSERA_MEM_LAUNCH_TREE, 0 },
        { 4 * GIB, 2 * GIB, TESSERA_MEM_RAM, 0 },
        { 2 * TIB, 4 * GIB, TESSERA_MEM_RAM, 0 },
        { 2 * TIB + 4 * GIB, 4 * GIB, TESSERA_MEM_RAM, 0 }, /* adjacent: one zone */
    };

    (void)state;
    if (!try_fake_memory(2 * TIB + 9 * GIB))
        skip(); /* a host with strict overcommit refuses even MAP_NORESERVE */
    fake_console_reset();
    page_alloc_init(make_bootinfo(map, sizeof(map) / sizeof(map[0])));

    uint64_t expected = (15 + 7) * MIB + 2 * GIB + 8 * GIB - MODULE_SIZE;

    assert_true(page_alloc_total_pages() * PAGE <= expected);
    assert_true(page_alloc_total_pages() * PAGE >= expected - 4 * MIB); /* minus metadata */
    assert_non_null(strstr(fake_console, "in 4 zones"));

    /* From the bottom: the first whole 2 MiB of RAM, the first 1 GiB (above 4 GiB). */
    uint64_t m = alloc(9), g = alloc(18);

    assert_int_equal(m, 2 * MIB);
    assert_int_equal(g, 4 * GIB);
    release(g, 18);
    release(m, 9);
    /* The 1 GiB blocks below 2 TiB taken, the next ones come from the 8 GiB zone. */
    uint64_t gs[8];

    for (unsigned int i = 0; i < 8; i++) {
        gs[i] = alloc(18);
        assert_int_equal(gs[i], i < 2 ? 4 * GIB + i * GIB : 2 * TIB + (i - 2) * GIB);
    }
    for (unsigned int i = 0; i < 8; i++)
        release(gs[i], 18);
}

/* More modules than the old fixed table of 256: every one stays out, no panic. */
static void test_every_module_is_kept_out(void **state)
{
    struct tessera_bootinfo *bi;
    uint64_t total, n = 0;
    int panics = fake_panics;

    (void)state;
    fake_memory(4 * GIB);
    bi = make_bootinfo(small_map, sizeof(small_map) / sizeof(small_map[0]));
    set_modules(bi, 300, 18 * MIB, 100);
    page_alloc_init(bi);
    total = page_alloc_total_pages();
    for (uint64_t p; (p = alloc(0)) != 0; n++) {
        if (p >= 18 * MIB && p < 18 * MIB + 600 * PAGE)
            assert_int_equal((p - 18 * MIB) / PAGE % 2, 1); /* only the gaps */
    }
    assert_int_equal(n, total);
    assert_int_equal(fake_panics, panics);
}

/* The early reservation (page tables) stays out of the allocator. */
static void test_early_pool_is_kept_out(void **state)
{
    (void)state;
    fake_memory(4 * GIB);

    struct tessera_bootinfo *bi =
        make_bootinfo(small_map, sizeof(small_map) / sizeof(small_map[0]));

    /*
     * page_alloc_early() reads the boot data through the firmware's identity
     * map: hand it host pointers where the identity map would have them.
     */
    struct tessera_bootinfo early = *bi;

    early.memmap_paddr = (uint64_t)(uintptr_t)pa(MEMMAP_PA);
    early.modules_paddr = (uint64_t)(uintptr_t)pa(MODULES_PA);
    uint64_t pool = paddr_val(page_alloc_early(&early, 16));

    /* The highest fit below 4 GiB, clear of the module the loader lists. */
    assert_int_equal(pool, 32 * MIB - 16 * PAGE);
    page_alloc_init(bi);

    uint64_t free_now = page_alloc_free_pages();
    uint64_t n = 0;

    for (uint64_t p; (p = alloc(0)) != 0; n++)
        assert_false(overlaps(p, PAGE, pool, 16 * PAGE));
    assert_int_equal(n, free_now);
}

/* A claimed range is never handed out; a range not wholly free RAM is not claimed. */
static void test_claim_takes_exactly_the_range(void **state)
{
    (void)state;
    fake_memory(4 * GIB);
    page_alloc_init(make_bootinfo(small_map, sizeof(small_map) / sizeof(small_map[0])));

    uint64_t total = page_alloc_total_pages();
    const uint64_t base = 20 * MIB + 3 * PAGE, size = 67 * PAGE;

    assert_false(page_alloc_claim(mk_paddr(IMAGE_PA), PAGE)); /* the hypervisor image */
    assert_false(
        page_alloc_claim(mk_paddr(IMAGE_PA - PAGE), 2 * PAGE)); /* half of it free: none taken */
    assert_int_equal(page_alloc_free_pages(), total);
    assert_true(page_alloc_claim(mk_paddr(base), size));
    assert_int_equal(page_alloc_free_pages(), total - size / PAGE);
    assert_false(page_alloc_claim(mk_paddr(base + size - PAGE), 2 * PAGE)); /* already taken */
    assert_int_equal(page_alloc_free_pages(), total - size / PAGE);

    uint64_t n = 0;

    for (uint64_t p; (p = alloc(0)) != 0; n++)
        assert_false(overlaps(p, PAGE, base, size));
    assert_int_equal(n, total - size / PAGE);
}

/*
 * Runs last: the seal lasts the process, as it lasts the machine. Before it
 * nothing is counted; after it every allocation is, the first one reported
 * once with its order.
 */
static void test_seal_counts_allocations_after_boot(void **state)
{
    (void)state;
    fake_memory(4 * GIB);
    page_alloc_init(make_bootinfo(small_map, sizeof(small_map) / sizeof(small_map[0])));

    uint64_t before = alloc(0);

    assert_true(before != 0);
    assert_int_equal(page_alloc_after_boot(), 0);
    page_alloc_seal();
    release(before, 0); /* freeing is not allocating */
    assert_int_equal(page_alloc_after_boot(), 0);

    fake_console_reset();
    uint64_t a = alloc(3);
    uint64_t b = alloc(0);

    assert_true(a != 0 && b != 0);
    assert_int_equal(page_alloc_after_boot(), 2);
    assert_non_null(strstr(fake_console, "tessera: page allocation after boot: order 3 from "));
    assert_null(strstr(fake_console, "order 0")); /* reported once */
    assert_int_equal(alloc(40), 0);               /* a failed attempt counts too */
    assert_int_equal(page_alloc_after_boot(), 3);
    release(a, 3);
    release(b, 0);
}

/* Boot reports where initialisation time goes: start, state array set, ready. */
static void test_init_marks_the_timeline(void **state)
{
    (void)state;
    fake_memory(4 * GIB);
    nr_marks = 0;
    page_alloc_init(make_bootinfo(small_map, sizeof(small_map) / sizeof(small_map[0])));
    assert_int_equal(nr_marks, 3);
    assert_string_equal(marks[0], "page allocator init");
    assert_string_equal(marks[1], "page allocator state set");
    assert_string_equal(marks[2], "page allocator ready");
}

/* Pages of [start, start + size) of fake memory the host has backed: those written. */
static uint64_t resident_pages(uint64_t start, uint64_t size)
{
    static unsigned char vec[(16 * GIB) / PAGE];
    uint64_t n = 0;

    assert_true(size / PAGE <= sizeof(vec));
    assert_int_equal(mincore(pa(start), size, vec), 0);
    for (uint64_t i = 0; i < size / PAGE; i++)
        n += vec[i] & 1;
    return n;
}

/*
 * Ready in time proportional to the ranges, not the pages: init writes a
 * byte per 2 MiB chunk and nothing into free memory (whose first touch is
 * what an emulator makes slow). 16 GiB of RAM in one range: the old
 * allocator wrote 4 MiB of page states and the first bytes of each free block.
 */
static void test_init_touches_no_page_of_free_memory(void **state)
{
    const struct tessera_mem_range map[] = {
        { 1 * MIB, 15 * MIB, TESSERA_MEM_RAM, 0 },
        { IMAGE_PA, IMAGE_SIZE, TESSERA_MEM_HV_IMAGE, 0 },
        { 17 * MIB, 7 * MIB, TESSERA_MEM_RAM, 0 },
        { BOOTINFO_PA, 4 * PAGE, TESSERA_MEM_BOOTINFO, 0 },
        { TREE_PA, TREE_SIZE, TESSERA_MEM_LAUNCH_TREE, 0 },
        { 4 * GIB, 16 * GIB, TESSERA_MEM_RAM, 0 },
    };

    (void)state;
    if (!try_fake_memory(20 * GIB))
        skip();
    page_alloc_init(make_bootinfo(map, sizeof(map) / sizeof(map[0])));
    /*
     * Metadata only: the chunk states (2 pages), the page states of the one
     * chunk split at the metadata's edge. The old allocator's page states
     * alone were 1024.
     */
    assert_true(resident_pages(4 * GIB, 16 * GIB) <= 48);
    /* Using memory splits only the chunks used, and touches only them. */
    uint64_t p = alloc(0);

    assert_true(p != 0);
    memset(pa(p), 0xA5, PAGE);
    release(p, 0);
    assert_true(resident_pages(4 * GIB, 16 * GIB) <= 48 + 4);
}

/*
 * Lowest first, on a fresh allocator: every free page, one at a time, in
 * ascending order; then 2 MiB blocks, ascending and aligned.
 */
static void test_pages_come_in_ascending_order(void **state)
{
    (void)state;
    fake_memory(4 * GIB);
    page_alloc_init(make_bootinfo(small_map, sizeof(small_map) / sizeof(small_map[0])));

    uint64_t total = page_alloc_total_pages(), n = 0, last = 0;
    uint64_t *pages = calloc(total, sizeof(*pages));

    for (uint64_t p; (p = alloc(0)) != 0; n++) {
        assert_true(n < total && p > last);
        assert_true(page_in_ram(p));
        pages[n] = last = p;
    }
    assert_int_equal(n, total);
    while (n)
        release(pages[--n], 0);
    free(pages);
    last = 0;
    for (uint64_t p; (p = alloc(9)) != 0; last = p) {
        assert_true(p > last && p % (2 * MIB) == 0);
        assert_true(page_in_ram(p) && page_in_ram(p + 2 * MIB - PAGE));
    }
    assert_true(last != 0);
}

/* Whether every page of the naturally aligned block at p is free in the record. */
static bool block_free(const uint8_t *free_page, uint64_t p, unsigned int order)
{
    for (uint64_t q = p / PAGE; q < p / PAGE + (1u << order); q++)
        if (!free_page[q])
            return false;
    return true;
}

/*
 * Allocations of every order, frees and claims mixed at random against a
 * record of the free pages: no page is handed out twice, every allocation is
 * the lowest naturally aligned block of its order that is free, wherever the
 * frees and claims left the cursors, and once everything is back the blocks
 * merge again (the same largest blocks as before).
 */
static void test_random_allocations_take_the_lowest_free_block(void **state)
{
    enum {
        MAX_HELD = 512
    };
    static struct {
        uint64_t pa;
        unsigned int order;
    } held[MAX_HELD];
    static uint8_t free_page[32 * MIB / PAGE];
    unsigned int nr_held = 0, allocs = 0, i;
    uint64_t seed = 777, free_at_start, p;
    uint64_t largest[4];

    (void)state;
    fake_memory(4 * GIB);
    page_alloc_init(make_bootinfo(small_map, sizeof(small_map) / sizeof(small_map[0])));
    free_at_start = page_alloc_free_pages();
    for (i = 0; i < 4; i++)
        largest[i] = alloc(12);
    for (i = 0; i < 4; i++)
        if (largest[i])
            release(largest[i], 12);
    memset(free_page, 0, sizeof(free_page));
    while ((p = alloc(0)) != 0)
        free_page[p / PAGE] = 1;
    for (p = 0; p < 32 * MIB; p += PAGE)
        if (free_page[p / PAGE])
            release(p, 0);
    for (unsigned int step = 0; step < 20000; step++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        unsigned int r = (unsigned int)(seed >> 33), order = (r >> 4) % 11;

        if (nr_held < MAX_HELD && r % 3 != 0) {
            if (r & 8) {
                p = alloc(order);
                uint64_t lowest = 0;

                for (uint64_t q = 0; q < 32 * MIB && !lowest; q += PAGE << order)
                    if (block_free(free_page, q, order))
                        lowest = q;
                assert_int_equal(p, lowest);
                allocs++;
            } else { /* a claim of one page, wherever */
                p = ((r >> 8) % (32 * MIB / PAGE)) * PAGE;
                order = 0;
                if (!page_alloc_claim(mk_paddr(p), PAGE))
                    continue;
            }
            if (!p)
                continue;
            assert_int_equal(p % (PAGE << order), 0);
            assert_true(page_in_ram(p) && page_in_ram(p + (PAGE << order) - PAGE));
            assert_true(block_free(free_page, p, order));
            for (uint64_t q = p / PAGE; q < p / PAGE + (1u << order); q++)
                free_page[q] = 0;
            held[nr_held].pa = p;
            held[nr_held++].order = order;
        } else if (nr_held) {
            unsigned int k = (r >> 4) % nr_held;

            for (uint64_t q = held[k].pa / PAGE; q < held[k].pa / PAGE + (1u << held[k].order); q++)
                free_page[q] = 1;
            release(held[k].pa, held[k].order);
            held[k] = held[--nr_held];
        }
    }
    assert_true(allocs > 5000);
    while (nr_held) {
        nr_held--;
        release(held[nr_held].pa, held[nr_held].order);
    }
    assert_int_equal(page_alloc_free_pages(), free_at_start);
    for (i = 0; i < 4; i++)
        assert_int_equal(alloc(12), largest[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_every_page_once_and_never_boot_data, fake_memory_free),
        cmocka_unit_test_teardown(test_orders_and_alignment, fake_memory_free),
        cmocka_unit_test_teardown(test_double_free_is_caught, fake_memory_free),
        cmocka_unit_test_teardown(test_huge_sparse_map, fake_memory_free),
        cmocka_unit_test_teardown(test_every_module_is_kept_out, fake_memory_free),
        cmocka_unit_test_teardown(test_early_pool_is_kept_out, fake_memory_free),
        cmocka_unit_test_teardown(test_claim_takes_exactly_the_range, fake_memory_free),
        cmocka_unit_test_teardown(test_seal_counts_allocations_after_boot, fake_memory_free),
        cmocka_unit_test_teardown(test_init_marks_the_timeline, fake_memory_free),
        cmocka_unit_test_teardown(test_init_touches_no_page_of_free_memory, fake_memory_free),
        cmocka_unit_test_teardown(test_pages_come_in_ascending_order, fake_memory_free),
        cmocka_unit_test_teardown(test_random_allocations_take_the_lowest_free_block,
                                  fake_memory_free),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
