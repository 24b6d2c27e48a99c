// SPDX-License-Identifier: MIT
/*
 * Buddy allocator over the boot memory map's RAM ranges, per zone (a run of
 * contiguous RAM ranges), handing out the free block at the lowest address.
 * Its bookkeeping is a state byte per 2 MiB chunk, so that making the
 * allocator ready writes metadata in proportion to the ranges and the
 * chunks, never into the free memory itself (whose first touch is slow
 * under an emulator: performance.md) and never a byte per page. A chunk is
 * split into pages only when a block smaller than 2 MiB is carved from it or
 * freed into it: then its pages get a state byte each. The metadata comes
 * from RAM itself, so holes and terabytes above 4 GiB cost nothing extra.
 *
 * Lowest first: UEFI allocates from the top down, so the pages its code ran
 * in are handed out last, and under an emulator every store into a page it
 * holds translated code for is slow (performance.md, decision 32). There
 * are no free lists: the lowest free block is found from the states, by a
 * scan upwards from two per-zone cursors below which nothing is free (a
 * chunk for blocks of 2 MiB and more, a page for any block). Allocations happen at
 * boot (page_alloc_seal()), in a mostly unfragmented allocator, and go
 * upwards, so each scan is short. Inside, addresses are plain host-physical
 * numbers (buddy arithmetic, zone offsets); the interface takes and gives
 * paddr_t.
 */
#include <string.h>
#include <boot/bootinfo.h>
#include <hv/page_alloc.h>
#include <hv/panic.h>
#include <hv/printk.h>
#include <hv/spinlock.h>
#include <hv/timeline.h>

#define MAX_ORDER      18 /* 1 GiB blocks */
#define CHUNK_ORDER    9  /* 2 MiB: the unit of the bookkeeping */
#define CHUNK_PAGES    (1u << CHUNK_ORDER)
#define CHUNK_SHIFT    (PAGE_SHIFT + CHUNK_ORDER)
#define CHUNK_SIZE     (1ull << CHUNK_SHIFT)
#define LOW_MEMORY_END MiB(1) /* real-mode area, trampoline: never handed out */
#define EARLY_LIMIT    GiB(4) /* the firmware identity-maps at least this */
#define MAX_EXCLUDED   (TESSERA_BOOT_MAX_MODULES + 16) /* the modules and the boot's own ranges */
#define STATE_FREE     0x80                            /* heads a free block; low bits: its order */
#define STATE_ORDER    0x1f
#define STATE_RESERVED 0x40 /* never handed to the allocator (until it heads a block) */
#define STATE_SPLIT    0x20 /* chunk only: its pages' own state bytes hold */

struct range {
    uint64_t start, end;
};

/* Where the boot data is reachable: identity (early) or direct map (init). */
struct boot_view {
    const struct tessera_bootinfo *bi;
    uint64_t bi_paddr;
    const uint8_t *map;
    const uint8_t *modules;
};

/*
 * A block's state: STATE_FREE | order at its head when free, STATE_RESERVED,
 * else 0 (allocated, or inside a block). Kept per chunk (chunk_state) for
 * blocks of 2 MiB and more; per page (page_state, from chunk_base) in the
 * chunks marked STATE_SPLIT, and only there.
 */
struct zone {
    uint64_t base;
    uint64_t pages;
    uint64_t chunk_base; /* base rounded down to 2 MiB */
    uint64_t chunks;
    uint8_t *chunk_state;
    uint8_t *page_state;
    uint64_t low_head; /* no chunk below heads a free block of order >= 9 */
    uint64_t low_free; /* no page below (its index from chunk_base) is free */
};

static struct range excluded[MAX_EXCLUDED];
static unsigned int nr_excluded;
static struct range early_pool;

static struct zone *zones;
static uint32_t nr_zones;
static uint64_t free_pages, total_pages, alloc_count;
static uint64_t after_boot;
static bool sealed;
static spinlock_t alloc_lock = SPINLOCK_INIT;

static const struct tessera_mem_range *mem_range(const struct boot_view *v, uint32_t i)
{
    return (const struct tessera_mem_range *)(v->map + (uint64_t)i * v->bi->memmap_entry_size);
}

static void exclude(uint64_t start, uint64_t size)
{
    if (size == 0)
        return;
    if (nr_excluded == MAX_EXCLUDED)
        panic("page allocator: more than %d boot ranges to keep out", MAX_EXCLUDED);
    excluded[nr_excluded++] =
        (struct range){ ALIGN_DOWN(start, PAGE_SIZE), ALIGN_UP(start + size, PAGE_SIZE) };
    for (unsigned int i = nr_excluded - 1; i > 0 && excluded[i].start < excluded[i - 1].start;
         i--) {
        struct range t = excluded[i];

        excluded[i] = excluded[i - 1];
        excluded[i - 1] = t;
    }
}

/*
 * Everything the loader handed over. The memory map already types these as
 * not RAM; excluding them again costs nothing and survives a loader bug.
 */
static void collect_exclusions(const struct boot_view *v)
{
    const struct tessera_bootinfo *bi = v->bi;

    nr_excluded = 0;
    exclude(0, LOW_MEMORY_END);
    exclude(bi->hv_image_paddr, bi->hv_image_size);
    exclude(v->bi_paddr, sizeof(*bi));
    exclude(bi->memmap_paddr, (uint64_t)bi->memmap_entries * bi->memmap_entry_size);
    if (bi->cmdline_paddr)
        exclude(bi->cmdline_paddr, (uint64_t)bi->cmdline_len + 1);
    exclude(bi->launch_tree_paddr, bi->launch_tree_size);
    exclude(bi->trampoline_paddr, bi->trampoline_size);
    exclude(early_pool.start, early_pool.end - early_pool.start);
    exclude(bi->modules_paddr, (uint64_t)bi->nr_modules * bi->module_entry_size);
    for (uint32_t i = 0; i < bi->nr_modules; i++) {
        const struct tessera_module *m =
            (const void *)(v->modules + (uint64_t)i * bi->module_entry_size);

        exclude(m->base, m->size);
    }
}

/* Calls fn on each page-aligned piece of RAM outside the excluded ranges, ascending. */
static void for_each_free_extent(const struct boot_view *v,
                                 void (*fn)(uint64_t start, uint64_t end, void *ctx), void *ctx)
{
    for (uint32_t i = 0; i < v->bi->memmap_entries; i++) {
        const struct tessera_mem_range *r = mem_range(v, i);

        if (r->type != TESSERA_MEM_RAM)
            continue;
        uint64_t s = ALIGN_UP(r->base, PAGE_SIZE);
        uint64_t e = ALIGN_DOWN(r->base + r->size, PAGE_SIZE);

        for (unsigned int j = 0; j < nr_excluded && s < e; j++) {
            if (excluded[j].end <= s)
                continue;
            if (excluded[j].start >= e)
                break;
            if (excluded[j].start > s)
                fn(s, excluded[j].start, ctx);
            s = MAX(s, excluded[j].end);
        }
        if (s < e)
            fn(s, e, ctx);
    }
}

struct extent_search {
    uint64_t bytes;
    uint64_t limit;
    uint64_t found; /* 0: none (page 0 is never free) */
};

/* Keeps the highest fit: low memory stays for whatever needs it. */
static void extent_fits(uint64_t start, uint64_t end, void *ctx)
{
    struct extent_search *s = ctx;

    end = MIN(end, s->limit);
    if (end > start && end - start >= s->bytes)
        s->found = end - s->bytes;
}

paddr_t page_alloc_early(const struct tessera_bootinfo *bi, uint64_t pages)
{
    const struct boot_view v = {
        .bi = bi,
        .bi_paddr = (uint64_t)bi, /* identity-mapped while early */
        .map = (const uint8_t *)bi->memmap_paddr,
        .modules = (const uint8_t *)bi->modules_paddr,
    };
    struct extent_search s = { pages * PAGE_SIZE, EARLY_LIMIT, 0 };

    CHECK(early_pool.end == 0);
    collect_exclusions(&v);
    for_each_free_extent(&v, extent_fits, &s);
    if (!s.found)
        panic("no %llu KiB of RAM below 4 GiB for the page tables",
              (unsigned long long)(pages * PAGE_SIZE >> 10));
    early_pool = (struct range){ s.found, s.found + pages * PAGE_SIZE };
    return mk_paddr(s.found);
}

static struct zone *zone_of(uint64_t pa)
{
    uint32_t lo = 0, hi = nr_zones;

    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        struct zone *z = &zones[mid];

        if (pa < z->base)
            hi = mid;
        else if (pa >= z->base + z->pages * PAGE_SIZE)
            lo = mid + 1;
        else
            return z;
    }
    return NULL;
}

static uint8_t block_state(const struct zone *z, uint64_t pa, unsigned int order)
{
    uint64_t c = (pa - z->chunk_base) >> CHUNK_SHIFT;

    if (z->chunk_state[c] != STATE_SPLIT)
        return z->chunk_state[c]; /* never STATE_FREE | order below 9 */
    return order < CHUNK_ORDER ? z->page_state[(pa - z->chunk_base) >> PAGE_SHIFT] : STATE_SPLIT;
}

static void set_block_state(struct zone *z, uint64_t pa, unsigned int order, uint8_t state)
{
    uint64_t c = (pa - z->chunk_base) >> CHUNK_SHIFT;

    if (order >= CHUNK_ORDER) {
        z->chunk_state[c] = state; /* the chunk is whole again, if it was split */
        return;
    }
    if (z->chunk_state[c] != STATE_SPLIT) {
        /* Its pages: reserved, or allocated (inside a block, free or not, heading none). */
        memset(z->page_state + (c << CHUNK_ORDER),
               z->chunk_state[c] == STATE_RESERVED ? STATE_RESERVED : 0, CHUNK_PAGES);
        z->chunk_state[c] = STATE_SPLIT;
    }
    z->page_state[(pa - z->chunk_base) >> PAGE_SHIFT] = state;
}

/* Marks a block free; the cursors go down to it. */
static void mark_free(struct zone *z, uint64_t pa, unsigned int order)
{
    uint64_t c = (pa - z->chunk_base) >> CHUNK_SHIFT;

    set_block_state(z, pa, order, (uint8_t)(STATE_FREE | order));
    if (order >= CHUNK_ORDER)
        z->low_head = MIN(z->low_head, c);
    z->low_free = MIN(z->low_free, (pa - z->chunk_base) >> PAGE_SHIFT);
}

/* Frees a naturally aligned block inside z, merging with free buddies. */
static void free_block(struct zone *z, uint64_t pa, unsigned int order)
{
    uint64_t zone_end = z->base + z->pages * PAGE_SIZE;

    while (order < MAX_ORDER) {
        uint64_t buddy = pa ^ (PAGE_SIZE << order);

        if (buddy < z->base || buddy + (PAGE_SIZE << order) > zone_end ||
            block_state(z, buddy, order) != (STATE_FREE | order))
            break;
        set_block_state(z, buddy, order, 0);
        pa = MIN(pa, buddy);
        order++;
    }
    mark_free(z, pa, order);
}

/* The first allocation after the seal is reported, with its caller. */
static void count_after_boot(unsigned int order, const void *caller)
{
    if (sealed && after_boot++ == 0)
        printk("tessera: page allocation after boot: order %u from %p\n", order, caller);
}

/* Takes the free block of order o at pa for one of order: its upper parts stay free. */
static uint64_t take_block(struct zone *z, uint64_t pa, unsigned int o, unsigned int order)
{
    set_block_state(z, pa, o, 0);
    while (o > order) { /* return the upper halves */
        o--;
        mark_free(z, pa + (PAGE_SIZE << o), o);
    }
    free_pages -= 1ull << order;
    alloc_count++;
    return pa;
}

/*
 * The lowest free block of z of order 9 or more that is at least order:
 * chunk states from low_head up, stepping over each free block too small.
 * Sets *found to its order; 0 if none.
 */
static uint64_t lowest_large(struct zone *z, unsigned int order, unsigned int *found)
{
    bool seen = false;
    uint64_t c = z->low_head;

    while (c < z->chunks) {
        uint8_t s = z->chunk_state[c];

        if (!(s & STATE_FREE)) {
            c++;
            continue;
        }
        if (!seen)
            z->low_head = c;
        seen = true;
        *found = s & STATE_ORDER;
        if (*found >= order)
            return z->chunk_base + (c << CHUNK_SHIFT);
        c += 1ull << (*found - CHUNK_ORDER);
    }
    if (!seen)
        z->low_head = z->chunks;
    return 0;
}

/*
 * The lowest free block of z that is at least order (below 9): a free chunk,
 * or a block inside a split chunk, from the page low_free up. Sets *found to
 * its order; 0 if none.
 */
static uint64_t lowest_small(struct zone *z, unsigned int order, unsigned int *found)
{
    bool seen = false;
    uint64_t first = z->low_free;

    for (uint64_t c = first >> CHUNK_ORDER; c < z->chunks; c++) {
        uint8_t s = z->chunk_state[c];
        const uint8_t *page = z->page_state + (c << CHUNK_ORDER);

        if (s & STATE_FREE) {
            if (!seen)
                z->low_free = c << CHUNK_ORDER;
            *found = s & STATE_ORDER;
            return z->chunk_base + (c << CHUNK_SHIFT);
        }
        if (s != STATE_SPLIT)
            continue;
        /* Below the cursor nothing is free, so no free block starts there. */
        for (uint64_t i = c == first >> CHUNK_ORDER ? first & (CHUNK_PAGES - 1) : 0;
             i < CHUNK_PAGES;) {
            if (!(page[i] & STATE_FREE)) {
                i++;
                continue;
            }
            if (!seen)
                z->low_free = (c << CHUNK_ORDER) + i;
            seen = true;
            *found = page[i] & STATE_ORDER;
            if (*found >= order)
                return z->chunk_base + (c << CHUNK_SHIFT) + (i << PAGE_SHIFT);
            i += 1u << *found;
        }
    }
    if (!seen)
        z->low_free = z->chunks << CHUNK_ORDER;
    return 0;
}

paddr_t page_alloc(unsigned int order)
{
    unsigned long irq;
    uint64_t pa = 0;

    irq = spin_lock_irqsave(&alloc_lock);
    count_after_boot(order, __builtin_return_address(0));
    for (uint32_t i = 0; i < nr_zones && order <= MAX_ORDER; i++) {
        struct zone *z = &zones[i];
        unsigned int o;
        uint64_t at =
            order >= CHUNK_ORDER ? lowest_large(z, order, &o) : lowest_small(z, order, &o);

        if (at) {
            pa = take_block(z, at, o, order);
            break;
        }
    }
    spin_unlock_irqrestore(&alloc_lock, irq);
    return mk_paddr(pa);
}

/* Takes the free page pa out of the free block holding it; false if it is not free. */
static bool claim_page(uint64_t pa)
{
    struct zone *z = zone_of(pa);

    if (!z)
        return false;
    for (unsigned int o = 0; o <= MAX_ORDER; o++) {
        uint64_t head = ALIGN_DOWN(pa, PAGE_SIZE << o);

        if (head < z->base || block_state(z, head, o) != (STATE_FREE | o))
            continue;
        set_block_state(z, head, o, 0);
        while (o > 0) { /* give back the half without pa */
            o--;
            uint64_t other = (pa & (PAGE_SIZE << o)) ? head : head + (PAGE_SIZE << o);

            if (other == head)
                head += PAGE_SIZE << o;
            mark_free(z, other, o);
            set_block_state(z, head, o, 0);
        }
        free_pages--;
        return true;
    }
    return false;
}

bool page_alloc_claim(paddr_t start, uint64_t size)
{
    uint64_t pa = paddr_val(start);
    unsigned long irq;
    uint64_t off;

    if (!IS_ALIGNED(pa, PAGE_SIZE) || !IS_ALIGNED(size, PAGE_SIZE) || pa + size < pa)
        return false;
    irq = spin_lock_irqsave(&alloc_lock);
    if (sealed && after_boot++ == 0)
        printk("tessera: page allocation after boot: claim of %#llx from %p\n",
               (unsigned long long)pa, __builtin_return_address(0));
    for (off = 0; off < size; off += PAGE_SIZE) {
        if (!claim_page(pa + off)) {
            while (off) {
                off -= PAGE_SIZE;
                free_block(zone_of(pa + off), pa + off, 0);
                free_pages++;
            }
            spin_unlock_irqrestore(&alloc_lock, irq);
            return false;
        }
    }
    alloc_count++;
    spin_unlock_irqrestore(&alloc_lock, irq);
    return true;
}

void page_free(paddr_t block, unsigned int order)
{
    uint64_t pa = paddr_val(block);
    unsigned long irq = spin_lock_irqsave(&alloc_lock);
    struct zone *z = zone_of(pa);

    CHECK(order <= MAX_ORDER && IS_ALIGNED(pa, PAGE_SIZE << order));
    CHECK(z && pa + (PAGE_SIZE << order) <= z->base + z->pages * PAGE_SIZE);
    CHECK(block_state(z, pa, order) == 0); /* double free, or never ours */
    free_block(z, pa, order);
    free_pages += 1ull << order;
    spin_unlock_irqrestore(&alloc_lock, irq);
}

void *page_alloc_zeroed_virt(void)
{
    paddr_t pa = page_alloc(0);

    if (!paddr_val(pa))
        return NULL;
    memset(phys_to_virt(pa), 0, PAGE_SIZE);
    return phys_to_virt(pa);
}

bool page_alloc_manages(paddr_t pa)
{
    return zone_of(paddr_val(pa)) != NULL;
}

uint64_t page_alloc_free_pages(void)
{
    return __atomic_load_n(&free_pages, __ATOMIC_RELAXED);
}

uint64_t page_alloc_total_pages(void)
{
    return total_pages;
}

uint64_t page_alloc_count(void)
{
    return __atomic_load_n(&alloc_count, __ATOMIC_RELAXED);
}

void page_alloc_seal(void)
{
    unsigned long irq = spin_lock_irqsave(&alloc_lock);

    sealed = true;
    spin_unlock_irqrestore(&alloc_lock, irq);
}

uint64_t page_alloc_after_boot(void)
{
    return __atomic_load_n(&after_boot, __ATOMIC_RELAXED);
}

/* Calls fn(base, end) for each maximal run of contiguous RAM ranges. */
static void for_each_ram_run(const struct boot_view *v, void (*fn)(uint64_t, uint64_t, void *),
                             void *ctx)
{
    uint64_t run_start = 0, run_end = 0;

    for (uint32_t i = 0; i < v->bi->memmap_entries; i++) {
        const struct tessera_mem_range *r = mem_range(v, i);
        uint64_t s = ALIGN_UP(r->base, PAGE_SIZE);
        uint64_t e = ALIGN_DOWN(r->base + r->size, PAGE_SIZE);

        if (r->type != TESSERA_MEM_RAM || e <= s)
            continue;
        if (run_end != 0 && s == run_end) {
            run_end = e;
            continue;
        }
        if (run_end != 0)
            fn(run_start, run_end, ctx);
        run_start = s;
        run_end = e;
    }
    if (run_end != 0)
        fn(run_start, run_end, ctx);
}

/* The 2 MiB chunks covering [start, end). */
static uint64_t chunks_of(uint64_t start, uint64_t end)
{
    return (ALIGN_UP(end, CHUNK_SIZE) - ALIGN_DOWN(start, CHUNK_SIZE)) >> CHUNK_SHIFT;
}

/* A zone's metadata: chunk states, page states (used once split). */
static uint64_t zone_meta_bytes(uint64_t chunks)
{
    return ALIGN_UP(chunks * (1 + CHUNK_PAGES), 8);
}

struct zone_count {
    uint32_t zones;
    uint64_t chunks, meta_bytes;
};

static void count_zone(uint64_t start, uint64_t end, void *ctx)
{
    struct zone_count *c = ctx;

    c->zones++;
    c->chunks += chunks_of(start, end);
    c->meta_bytes += zone_meta_bytes(chunks_of(start, end));
}

/* Only the chunk states are written: page states wait for their use. */
static void add_zone(uint64_t start, uint64_t end, void *ctx)
{
    uint8_t **meta = ctx;
    struct zone *z = &zones[nr_zones++];

    z->base = start;
    z->pages = (end - start) >> PAGE_SHIFT;
    z->chunk_base = ALIGN_DOWN(start, CHUNK_SIZE);
    z->chunks = chunks_of(start, end);
    z->chunk_state = *meta;
    z->page_state = z->chunk_state + z->chunks;
    z->low_head = z->chunks; /* nothing free yet */
    z->low_free = z->chunks << CHUNK_ORDER;
    memset(z->chunk_state, STATE_RESERVED, z->chunks);
    *meta += zone_meta_bytes(z->chunks);
}

static void free_extent(uint64_t start, uint64_t end, void *ctx)
{
    (void)ctx;
    while (start < end) {
        unsigned int order = MIN((unsigned int)__builtin_ctzll(start >> PAGE_SHIFT), MAX_ORDER);

        while (start + (PAGE_SIZE << order) > end)
            order--;
        free_block(zone_of(start), start, order);
        free_pages += 1ull << order;
        start += PAGE_SIZE << order;
    }
}

void page_alloc_init(const struct tessera_bootinfo *bi)
{
    const struct boot_view v = {
        .bi = bi,
        .bi_paddr = paddr_val(virt_to_phys(bi)),
        .map = phys_to_virt(mk_paddr(bi->memmap_paddr)),
        .modules = phys_to_virt(mk_paddr(bi->modules_paddr)),
    };
    struct zone_count count = { 0, 0, 0 };

    timeline_mark("page allocator init", TIMELINE_NO_ARG);
    collect_exclusions(&v);
    for_each_ram_run(&v, count_zone, &count);
    if (count.zones == 0)
        panic("page allocator: the memory map lists no RAM");

    uint64_t meta_bytes = ALIGN_UP(count.zones * sizeof(struct zone) + count.meta_bytes, PAGE_SIZE);
    struct extent_search s = { meta_bytes, UINT64_MAX, 0 };

    for_each_free_extent(&v, extent_fits, &s);
    if (!s.found)
        panic("page allocator: no %llu KiB of RAM for its metadata",
              (unsigned long long)(meta_bytes >> 10));
    exclude(s.found, meta_bytes);
    zones = phys_to_virt(mk_paddr(s.found));

    uint8_t *meta = (uint8_t *)(zones + count.zones);

    memset(zones, 0, count.zones * sizeof(struct zone));
    nr_zones = 0;
    for_each_ram_run(&v, add_zone, &meta);
    timeline_mark("page allocator state set", TIMELINE_NO_ARG);
    free_pages = 0;
    for_each_free_extent(&v, free_extent, NULL);
    total_pages = free_pages;
    timeline_mark("page allocator ready", TIMELINE_NO_ARG);
    printk("tessera: page allocator: %llu MiB free in %u zones (metadata %llu KiB at %#llx)\n",
           (unsigned long long)(free_pages >> (20 - PAGE_SHIFT)), nr_zones,
           (unsigned long long)(meta_bytes >> 10), (unsigned long long)s.found);
}
