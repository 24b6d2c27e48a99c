// SPDX-License-Identifier: MIT
/*
 * The hypervisor's 4-level page tables. Built once at boot from the memory
 * map; afterwards changed only by ioremap(), paging_map_identity() and
 * guard-page unmapping, all at boot.
 */
#include <string.h>
#include <boot/bootinfo.h>
#include <hv/page_alloc.h>
#include <hv/panic.h>
#include <hv/printk.h>
#include <hv/spinlock.h>
#include <asm/cpu.h>
#include <asm/paging.h>

#define PTE_P    (1ull << 0)
#define PTE_RW   (1ull << 1)
#define PTE_PWT  (1ull << 3)
#define PTE_PCD  (1ull << 4)
#define PTE_PS   (1ull << 7)
#define PTE_NX   (1ull << 63)
#define PTE_ADDR 0x000FFFFFFFFFF000ull

#define PT_ENTRIES 512
/* The upper half of a 4-level address space: the most the direct map can hold. */
#define DIRECTMAP_SPAN (1ull << 47)

/* Levels: 4 = PML4, 3 = PDPT (1 GiB leaves), 2 = PD (2 MiB leaves), 1 = PT. */
#define LEVEL_SIZE(l) (1ull << (PAGE_SHIFT + 9 * ((l)-1)))

extern const char __image_start[], __text_end[], __rodata_end[], __image_end[];

static paddr_t root;
static uint64_t nx;                 /* PTE_NX if the CPU has NX, else 0 (the bit is reserved) */
static int max_leaf_level;          /* 3 with 1 GiB pages, else 2 */
static bool live;                   /* tables reachable through the direct map */
static paddr_t pool_next, pool_end; /* boot-time table pages (page_alloc_early) */
static spinlock_t paging_lock = SPINLOCK_INIT;

void *phys_to_virt(paddr_t pa)
{
    return (void *)(DIRECTMAP_BASE + paddr_val(pa));
}

paddr_t virt_to_phys(const void *va)
{
    uint64_t v = (uint64_t)va;

    /* The image is identity-mapped; everything else lives in the direct map. */
    return mk_paddr(v >= DIRECTMAP_BASE ? v - DIRECTMAP_BASE : v);
}

paddr_t paging_root(void)
{
    return root;
}

static uint64_t *table_va(paddr_t pa)
{
    return live ? phys_to_virt(pa) : (uint64_t *)paddr_val(pa);
}

static paddr_t table_alloc(void)
{
    paddr_t pa;

    if (paddr_val(pool_next) < paddr_val(pool_end)) {
        pa = pool_next;
        pool_next = paddr_add(pool_next, PAGE_SIZE);
    } else {
        CHECK(live);
        pa = page_alloc(0);
        if (!paddr_val(pa))
            panic("out of memory for page tables");
    }
    memset(table_va(pa), 0, PAGE_SIZE);
    return pa;
}

static unsigned int pt_index(uint64_t va, int level)
{
    return (va >> (PAGE_SHIFT + 9 * (level - 1))) & (PT_ENTRIES - 1);
}

/*
 * Walks from the root towards `*level`, creating missing tables when asked.
 * Returns the entry where the walk stopped and sets *level to its level:
 * the requested one, or a higher one whose entry is a large page (or is not
 * present, when not creating).
 */
static uint64_t *pte_walk(uint64_t va, int *level, bool create)
{
    uint64_t *table = table_va(root);

    for (int l = 4; l > *level; l--) {
        uint64_t *e = &table[pt_index(va, l)];

        if (!(*e & PTE_P)) {
            if (!create) {
                *level = l;
                return e;
            }
            /* Non-leaf entries allow everything: the leaf decides. */
            *e = paddr_val(table_alloc()) | PTE_P | PTE_RW;
        } else if (*e & PTE_PS) {
            *level = l;
            return e;
        }
        table = table_va(mk_paddr(*e & PTE_ADDR));
    }
    return &table[pt_index(va, *level)];
}

static int leaf_level_for(uint64_t va, paddr_t pa, uint64_t size, int max_level)
{
    for (int l = max_level; l > 1; l--) {
        if (IS_ALIGNED(va | paddr_val(pa), LEVEL_SIZE(l)) && size >= LEVEL_SIZE(l))
            return l;
    }
    return 1;
}

/*
 * Maps [va, va + size) to pa with the largest leaves up to max_level. Parts
 * already mapped (by a leaf of any size) keep their mapping.
 */
static void map_range(uint64_t va, paddr_t pa, uint64_t size, uint64_t flags, int max_level)
{
    while (size) {
        int level = leaf_level_for(va, pa, size, max_level);
        uint64_t step;

        for (;;) {
            int at = level;
            uint64_t *e = pte_walk(va, &at, true);

            if (at != level) { /* inside a larger leaf: already mapped */
                step = LEVEL_SIZE(at) - (va & (LEVEL_SIZE(at) - 1));
                break;
            }
            if ((*e & PTE_P) && level > 1 && !(*e & PTE_PS)) {
                level--; /* a table is already here: map with smaller leaves */
                continue;
            }
            if (!(*e & PTE_P))
                *e = paddr_val(pa) | flags | PTE_P | (level > 1 ? PTE_PS : 0);
            step = LEVEL_SIZE(level);
            break;
        }
        step = MIN(step, size);
        va += step;
        pa = paddr_add(pa, step);
        size -= step;
    }
}

/* Replaces the large leaf *e at level by a table of leaves one level down. */
static void split_leaf(uint64_t *e, int level)
{
    paddr_t table = table_alloc();
    uint64_t *t = table_va(table);
    uint64_t base = *e & PTE_ADDR & ~(LEVEL_SIZE(level) - 1);
    uint64_t flags = *e & ~PTE_ADDR;

    if (level - 1 == 1)
        flags &= ~PTE_PS;
    for (unsigned int i = 0; i < PT_ENTRIES; i++)
        t[i] = (base + i * LEVEL_SIZE(level - 1)) | flags;
    *e = paddr_val(table) | PTE_P | PTE_RW;
}

void paging_unmap_page(const void *va)
{
    unsigned long irq = spin_lock_irqsave(&paging_lock);

    for (;;) {
        int level = 1;
        uint64_t *e = pte_walk((uint64_t)va, &level, false);

        if (!(*e & PTE_P))
            break;
        if (level == 1) {
            *e = 0;
            break;
        }
        split_leaf(e, level);
    }
    /* Local flush: other CPUs never touched a page that is only now becoming a guard. */
    invlpg(va);
    spin_unlock_irqrestore(&paging_lock, irq);
}

void *ioremap(paddr_t pa, uint64_t size)
{
    paddr_t start = paddr_page(pa);
    uint64_t len = ALIGN_UP(paddr_val(pa) + size, PAGE_SIZE) - paddr_val(start);
    unsigned long irq;

    if (paddr_val(pa) + size > DIRECTMAP_SPAN || paddr_val(pa) + size < paddr_val(pa))
        panic("ioremap(%#llx, %#llx): beyond the direct map", (unsigned long long)paddr_val(pa),
              (unsigned long long)size);
    irq = spin_lock_irqsave(&paging_lock);
    map_range(DIRECTMAP_BASE + paddr_val(start), start, len, PTE_RW | PTE_PCD | PTE_PWT | nx, 1);
    spin_unlock_irqrestore(&paging_lock, irq);
    return phys_to_virt(pa);
}

void paging_map_identity(paddr_t pa, uint64_t size, unsigned int flags)
{
    paddr_t start = paddr_page(pa);
    uint64_t len = ALIGN_UP(paddr_val(pa) + size, PAGE_SIZE) - paddr_val(start);
    uint64_t pte = ((flags & PAGING_WRITE) ? PTE_RW : 0) | ((flags & PAGING_EXEC) ? 0 : nx);
    unsigned long irq = spin_lock_irqsave(&paging_lock);

    CHECK(paddr_val(start) != 0); /* page 0 stays unmapped: NULL dereferences fault */
    map_range(paddr_val(start), start, len, pte, 1);
    spin_unlock_irqrestore(&paging_lock, irq);
}

/*
 * Direct-map attributes of a memory-map range: MMIO and firmware-uncacheable
 * ranges UC; the hypervisor image read-only, so its code is not writable
 * through this alias either.
 */
static uint64_t range_flags(const struct tessera_mem_range *r)
{
    uint64_t flags = nx;

    if (r->type != TESSERA_MEM_HV_IMAGE)
        flags |= PTE_RW;
    if (r->type == TESSERA_MEM_MMIO || (r->flags & TESSERA_MEMF_UNCACHEABLE))
        flags |= PTE_PCD | PTE_PWT;
    return flags;
}

static const struct tessera_mem_range *map_entry(const struct tessera_bootinfo *bi, uint32_t i)
{
    return (const struct tessera_mem_range *)(bi->memmap_paddr +
                                              (uint64_t)i * bi->memmap_entry_size);
}

/*
 * Upper bound on the table pages paging_init() needs: per 512 GiB slot a PDPT,
 * per 1 GiB a PD when there are no 1 GiB pages, and for each run of the map
 * the partial tables at its two unaligned ends; plus the image's tables.
 */
static uint64_t tables_needed(const struct tessera_bootinfo *bi)
{
    uint64_t top = 0;
    uint64_t n = 1;

    for (uint32_t i = 0; i < bi->memmap_entries; i++) {
        const struct tessera_mem_range *r = map_entry(bi, i);

        top = MAX(top, r->base + r->size);
    }
    if (top > DIRECTMAP_SPAN)
        panic("the memory map reaches %#llx: the direct map ends at 128 TiB",
              (unsigned long long)top);
    n += top / LEVEL_SIZE(4) + 1;
    if (max_leaf_level < 3)
        n += top / LEVEL_SIZE(3) + 1;
    n += (uint64_t)bi->memmap_entries * 6;
    n += 3 + ((uint64_t)(__image_end - __image_start) >> 21) + 1;
    return n;
}

static void map_image(void)
{
    uint64_t text = (uint64_t)__image_start, rodata = (uint64_t)__text_end;
    uint64_t data = (uint64_t)__rodata_end, end = (uint64_t)__image_end;

    /* Identity-mapped: each section's virtual address is its physical one. */
    map_range(text, mk_paddr(text), rodata - text, 0, 1);
    map_range(rodata, mk_paddr(rodata), data - rodata, nx, 1);
    map_range(data, mk_paddr(data), end - data, PTE_RW | nx, 1);
}

static void map_memory_ranges(const struct tessera_bootinfo *bi)
{
    for (uint32_t i = 0; i < bi->memmap_entries; i++) {
        const struct tessera_mem_range *r = map_entry(bi, i);
        uint64_t start = ALIGN_DOWN(r->base, PAGE_SIZE);
        uint64_t end = ALIGN_UP(r->base + r->size, PAGE_SIZE);
        uint64_t flags = range_flags(r);

        if (r->type == TESSERA_MEM_UNUSABLE || end <= start)
            continue;
        /* Extend over the next ranges while contiguous and alike: bigger leaves. */
        while (i + 1 < bi->memmap_entries) {
            const struct tessera_mem_range *next = map_entry(bi, i + 1);

            if (next->base != end || next->type == TESSERA_MEM_UNUSABLE ||
                range_flags(next) != flags)
                break;
            end = ALIGN_UP(next->base + next->size, PAGE_SIZE);
            i++;
        }
        map_range(DIRECTMAP_BASE + start, mk_paddr(start), end - start, flags, max_leaf_level);
    }
}

void paging_init(const struct tessera_bootinfo *bi)
{
    uint64_t cr4 = read_cr4();

    if (cr4 & X86_CR4_LA57)
        panic("the firmware runs 5-level paging; this hypervisor builds 4-level tables");
    nx = cpu_has_nx() ? PTE_NX : 0;
    max_leaf_level = cpu_has_1g_pages() ? 3 : 2;

    uint64_t pages = tables_needed(bi);

    pool_next = page_alloc_early(bi, pages);
    pool_end = paddr_add(pool_next, pages * PAGE_SIZE);
    root = table_alloc();
    map_image();
    map_memory_ranges(bi);

    write_cr3(paddr_val(root));
    /* The firmware's global mappings survive a CR3 write: toggling PGE drops them. */
    if (cr4 & X86_CR4_PGE) {
        write_cr4(cr4 & ~X86_CR4_PGE);
        write_cr4(cr4);
    }
    live = true;
    printk("tessera: paging: direct map at %#llx, %s leaves, NX %s, %llu table pages\n",
           DIRECTMAP_BASE, max_leaf_level == 3 ? "1 GiB" : "2 MiB", nx ? "on" : "off",
           (unsigned long long)((paddr_val(pool_next) - (paddr_val(pool_end) - pages * PAGE_SIZE)) /
                                PAGE_SIZE));
}
