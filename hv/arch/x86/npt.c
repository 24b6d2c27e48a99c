// SPDX-License-Identifier: MIT
/*
 * Nested page tables (AMD NPT): 4-level, the same format as long-mode page
 * tables, every entry user-accessible (the hardware treats nested walks as
 * user accesses). Table pages come from the domain's own pool, reserved at
 * creation; guest RAM from the page allocator, in 2 MiB leaves when a
 * naturally aligned 2 MiB block is free, else 4 KiB leaves. RAM the P2M
 * allocated is marked in a software bit and freed with the tables; a reset
 * (domain restart) keeps it, zeroed, and gives every other page back.
 */
#include <string.h>
#include <public/errno.h>
#include <hv/p2m.h>
#include <hv/page_alloc.h>
#include <hv/panic.h>
#include <hv/spinlock.h>

#define NPT_P      (1ull << 0)
#define NPT_RW     (1ull << 1)
#define NPT_US     (1ull << 2)
#define NPT_PS     (1ull << 7)
#define NPT_OWNED  (1ull << 9)    /* software: RAM allocated for the domain */
#define NPT_NX     (1ull << 63)
#define NPT_ADDR_MASK 0x000FFFFFFFFFF000ull
#define NPT_TABLE  (NPT_P | NPT_RW | NPT_US)

#define NPT_LEVELS 4
#define NPT_GPA_LIMIT (1ull << 48)
#define POOL_MAX_CHUNKS 200

struct pool_chunk {
    paddr_t pa;
    unsigned int order;
};

struct p2m {
    spinlock_t lock;
    paddr_t root;
    paddr_t free_head;            /* free pool pages, linked through their first word */
    uint64_t pool_total, pool_free;
    unsigned int nr_chunks;
    struct pool_chunk chunks[POOL_MAX_CHUNKS];
};

_Static_assert(sizeof(struct p2m) <= PAGE_SIZE, "struct p2m fits a page");

uint64_t p2m_default_pool_bytes(unsigned int nr_vcpus, uint64_t ram_bytes)
{
    return MiB(1) * nr_vcpus + KiB(4) * (ALIGN_UP(ram_bytes, MiB(1)) >> 20) + KiB(512);
}

/*
 * Zeroes whole pages with REP STOSQ: guest RAM is zeroed before a domain sees
 * it, megabytes per domain, and the byte loop of the freestanding memset()
 * makes that the longest step of building a domain.
 */
static void zero_pages(paddr_t pa, uint64_t pages)
{
    void *dst = phys_to_virt(pa);
    uint64_t count = pages * (PAGE_SIZE / 8);

    __asm__ volatile("rep stosq" : "+D"(dst), "+c"(count) : "a"(0ull) : "memory");
}

static paddr_t pool_take(struct p2m *p)
{
    paddr_t pa = p->free_head;

    if (!pa)
        return 0;
    p->free_head = *(paddr_t *)phys_to_virt(pa);
    p->pool_free--;
    zero_pages(pa, 1);
    return pa;
}

static void pool_put(struct p2m *p, paddr_t pa)
{
    *(paddr_t *)phys_to_virt(pa) = p->free_head;
    p->free_head = pa;
    p->pool_free++;
}

struct p2m *p2m_create(uint64_t pool_bytes)
{
    uint64_t pages = ALIGN_UP(pool_bytes, PAGE_SIZE) >> PAGE_SHIFT;
    struct p2m *p = page_alloc_zeroed_virt();
    unsigned int order = 9;

    if (!p)
        return NULL;
    p->lock = (spinlock_t)SPINLOCK_INIT;
    if (pages < 1)
        pages = 1;
    /* Largest blocks first, smaller ones when memory is fragmented. */
    while (p->pool_total < pages) {
        uint64_t need = pages - p->pool_total, i;
        paddr_t pa;

        while (order && (1ull << order) > need)
            order--;
        pa = p->nr_chunks < POOL_MAX_CHUNKS ? page_alloc(order) : 0;
        if (!pa) {
            if (order && p->nr_chunks < POOL_MAX_CHUNKS) {
                order--;
                continue;
            }
            p2m_destroy(p);
            return NULL;
        }
        p->chunks[p->nr_chunks++] = (struct pool_chunk){ pa, order };
        for (i = 0; i < (1ull << order); i++)
            pool_put(p, pa + i * PAGE_SIZE);
        p->pool_total += 1ull << order;
    }
    p->root = pool_take(p);
    return p;
}

static void free_owned(paddr_t table, unsigned int level)
{
    uint64_t *e = phys_to_virt(table);
    unsigned int i;

    for (i = 0; i < 512; i++) {
        if (!(e[i] & NPT_P))
            continue;
        if (level == 1 || (e[i] & NPT_PS)) {
            if (e[i] & NPT_OWNED)
                page_free(e[i] & NPT_ADDR_MASK, level == 2 ? 9 : 0);
        } else {
            free_owned(e[i] & NPT_ADDR_MASK, level - 1);
        }
    }
}

void p2m_destroy(struct p2m *p)
{
    unsigned int i;

    if (!p)
        return;
    if (p->root)
        free_owned(p->root, NPT_LEVELS);
    for (i = 0; i < p->nr_chunks; i++)
        page_free(p->chunks[i].pa, p->chunks[i].order);
    page_free(virt_to_phys(p), 0);
}

/*
 * Zeroes the owned RAM under table and unmaps everything else, returning
 * tables left empty to the pool; whether table still maps anything.
 */
static bool reset_table(struct p2m *p, paddr_t table, unsigned int level)
{
    uint64_t *e = phys_to_virt(table);
    bool used = false;
    unsigned int i;

    for (i = 0; i < 512; i++) {
        if (!(e[i] & NPT_P))
            continue;
        if (level == 1 || (e[i] & NPT_PS)) {
            if (e[i] & NPT_OWNED) {
                zero_pages(e[i] & NPT_ADDR_MASK, level == 2 ? 512 : 1);
                used = true;
            } else {
                e[i] = 0;
            }
        } else if (reset_table(p, e[i] & NPT_ADDR_MASK, level - 1)) {
            used = true;
        } else {
            pool_put(p, e[i] & NPT_ADDR_MASK);
            e[i] = 0;
        }
    }
    return used;
}

void p2m_reset(struct p2m *p)
{
    spin_lock(&p->lock);
    reset_table(p, p->root, NPT_LEVELS);
    spin_unlock(&p->lock);
}

/* The entry for gpa at leaf_level, creating tables from the pool; NULL if the pool is empty. */
static uint64_t *npt_slot(struct p2m *p, gpaddr_t gpa, unsigned int leaf_level, bool create)
{
    paddr_t table = p->root;
    unsigned int level;

    for (level = NPT_LEVELS; level > leaf_level; level--) {
        uint64_t *e = (uint64_t *)phys_to_virt(table) + ((gpa >> (12 + 9 * (level - 1))) & 0x1FF);

        if (!(*e & NPT_P)) {
            paddr_t t;

            if (!create || !(t = pool_take(p)))
                return NULL;
            *e = t | NPT_TABLE;
        } else if (*e & NPT_PS) {
            return NULL;    /* covered by a larger leaf */
        }
        table = *e & NPT_ADDR_MASK;
    }
    return (uint64_t *)phys_to_virt(table) + ((gpa >> (12 + 9 * (leaf_level - 1))) & 0x1FF);
}

static uint64_t npt_leaf_bits(unsigned int perms)
{
    uint64_t bits = NPT_P | NPT_US;

    if (perms & P2M_WRITE)
        bits |= NPT_RW;
    if (!(perms & P2M_EXEC))
        bits |= NPT_NX;
    return bits;
}

/* Maps one freshly allocated, zeroed block (order 0 or 9) at gpa. */
static int npt_map_block(struct p2m *p, gpaddr_t gpa, paddr_t pa, unsigned int order,
                         unsigned int perms)
{
    unsigned int level = order == 9 ? 2 : 1;
    uint64_t *slot;

    slot = npt_slot(p, gpa, level, true);
    if (!slot)
        return -XEN_ENOMEM;
    if (*slot & NPT_P)
        return -XEN_EINVAL;
    *slot = pa | npt_leaf_bits(perms) | NPT_OWNED | (level == 2 ? NPT_PS : 0);
    return 0;
}

static bool range_is_free(const struct p2m *p, gpaddr_t gpa, uint64_t size)
{
    uint64_t off;

    for (off = 0; off < size; off += PAGE_SIZE)
        if (p2m_lookup(p, gpa + off, NULL) != INVALID_PADDR)
            return false;
    return true;
}

int p2m_populate_ram(struct p2m *p, gpaddr_t gpa, uint64_t size, unsigned int perms)
{
    uint64_t end = gpa + size;
    int rc = 0;

    if (!IS_ALIGNED(gpa, PAGE_SIZE) || !IS_ALIGNED(size, PAGE_SIZE) || !size || end < gpa ||
        end > NPT_GPA_LIMIT || !(perms & P2M_READ))
        return -XEN_EINVAL;
    spin_lock(&p->lock);
    if (!range_is_free(p, gpa, size)) {
        spin_unlock(&p->lock);
        return -XEN_EINVAL;
    }
    while (gpa < end) {
        unsigned int order = 0;
        paddr_t pa = 0;

        if (IS_ALIGNED(gpa, MiB(2)) && end - gpa >= MiB(2) && (pa = page_alloc(9)) != 0)
            order = 9;
        else
            pa = page_alloc(0);
        if (!pa) {
            rc = -XEN_ENOMEM;
            break;
        }
        zero_pages(pa, 1ull << order);
        rc = npt_map_block(p, gpa, pa, order, perms);
        if (rc) {
            page_free(pa, order);
            break;
        }
        gpa += PAGE_SIZE << order;
    }
    spin_unlock(&p->lock);
    return rc;
}

int p2m_map_static(struct p2m *p, gpaddr_t gpa, paddr_t pa, uint64_t size, unsigned int perms)
{
    uint64_t off;
    int rc = 0;

    if (!IS_ALIGNED(gpa | pa | size, PAGE_SIZE) || !size || gpa + size < gpa ||
        gpa + size > NPT_GPA_LIMIT || !(perms & P2M_READ))
        return -XEN_EINVAL;
    spin_lock(&p->lock);
    if (!range_is_free(p, gpa, size))
        rc = -XEN_EINVAL;
    for (off = 0; off < size && !rc; off += PAGE_SIZE) {
        uint64_t *slot = npt_slot(p, gpa + off, 1, true);

        if (!slot)
            rc = -XEN_ENOMEM;
        else
            *slot = (pa + off) | npt_leaf_bits(perms);
    }
    spin_unlock(&p->lock);
    return rc;
}

/* The present leaf entry mapping gpa and its level's shift, or 0. */
static uint64_t npt_leaf(const struct p2m *p, gpaddr_t gpa, unsigned int *shift)
{
    paddr_t table = p->root;
    unsigned int level;

    if (gpa >= NPT_GPA_LIMIT)
        return 0;
    for (level = NPT_LEVELS; level >= 1; level--) {
        uint64_t e = ((const uint64_t *)phys_to_virt(table))[(gpa >> (12 + 9 * (level - 1))) &
                                                             0x1FF];

        if (!(e & NPT_P))
            return 0;
        if (level == 1 || (e & NPT_PS)) {
            *shift = 12 + 9 * (level - 1);
            return e;
        }
        table = e & NPT_ADDR_MASK;
    }
    return 0;
}

paddr_t p2m_lookup(const struct p2m *p, gpaddr_t gpa, unsigned int *perms)
{
    unsigned int shift;
    uint64_t e = npt_leaf(p, gpa, &shift), size;

    if (!e)
        return INVALID_PADDR;
    size = 1ull << shift;
    if (perms)
        *perms = P2M_READ | ((e & NPT_RW) ? P2M_WRITE : 0) | ((e & NPT_NX) ? 0 : P2M_EXEC);
    return (e & NPT_ADDR_MASK & ~(size - 1)) | (gpa & (size - 1));
}

bool p2m_owns_range(const struct p2m *p, gpaddr_t gpa, uint64_t size)
{
    uint64_t off;
    unsigned int shift;

    for (off = 0; off < size; off += PAGE_SIZE)
        if (!(npt_leaf(p, gpa + off, &shift) & NPT_OWNED))
            return false;
    return true;
}

paddr_t p2m_root(const struct p2m *p)
{
    return p->root;
}

void p2m_pool_usage(const struct p2m *p, uint64_t *used, uint64_t *total)
{
    *used = p->pool_total - p->pool_free;
    *total = p->pool_total;
}
