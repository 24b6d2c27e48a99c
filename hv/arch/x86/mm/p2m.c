// SPDX-License-Identifier: MIT
/*
 * The P2M core, independent of the page-table format (asm/p2m_format.h says
 * how entries are encoded; mm/p2m_npt.c for AMD NPT). Table pages come from
 * the domain's own pool, reserved at creation; guest RAM from the page
 * allocator, in 2 MiB leaves when a naturally aligned 2 MiB block is free,
 * else 4 KiB leaves. Every leaf keeps its type (enum p2m_type) in bits the
 * hardware ignores: RAM (P2M_RAM) is the domain's, freed with the tables; a
 * reset (domain restart) keeps it and unmaps every other type, and the scrub
 * that follows zeroes it in steps (p2m_scrub_step), so a large domain's
 * restart never holds its CPU for long. RAM backed lazily at boot
 * (p2m_populate_ram_lazy) sits in hidden leaves until it is zeroed: on the
 * hardware's first access (p2m_clear_on_fault), on the hypervisor's first
 * lookup (p2m_query), or by an idle CPU (p2m_clear_idle_step), whichever
 * comes first; the lock makes the three one.
 */
#include <string.h>
#include <public/errno.h>
#include <asm/p2m_format.h>
#include <hv/page_alloc.h>
#include <hv/panic.h>
#include <hv/ram_zero.h>
#include <hv/spinlock.h>

#define POOL_MAX_CHUNKS 200

struct pool_chunk {
    paddr_t pa;
    unsigned int order;
};

struct p2m {
    spinlock_t lock;
    const struct p2m_format *fmt;
    paddr_t root;
    paddr_t free_head; /* free pool pages, linked through their first word */
    uint64_t pool_total, pool_free;
    gpaddr_t scrub_next; /* the scrub after a reset zeroes RAM from here up */
    /*
     * RAM the guest gave back (p2m_release_ram): still the domain's, unmapped,
     * its addresses on a stack of pool pages (never in the pages themselves,
     * which another vCPU's stale translation may still write); held of them
     * are claimed by increase_reservation, not for populating.
     */
    paddr_t released_top;
    uint64_t released, held;
    uint64_t unmap_gen; /* bumped whenever a mapping goes: cached translations are stale */
    /*
     * Bytes of RAM in hidden leaves, not zeroed yet; the idle clearing's
     * place: the leaf it works on starts at or above idle_next, and when
     * idle_done is not 0 it is the hidden leaf at idle_next, zeroed that far
     * (whatever else changes a hidden leaf sets idle_done to 0).
     */
    uint64_t hidden_bytes;
    gpaddr_t idle_next;
    uint64_t idle_done;
    unsigned int nr_chunks;
    struct pool_chunk chunks[POOL_MAX_CHUNKS];
};

_Static_assert(sizeof(struct p2m) <= PAGE_SIZE, "struct p2m fits a page");

static const struct p2m_format *format;
/* Bytes hidden in every P2M: an idle CPU's first look (p2m_any_hidden()). */
static uint64_t hidden_total;

static void account_hidden(struct p2m *p, int64_t bytes)
{
    p->hidden_bytes += (uint64_t)bytes;
    __atomic_fetch_add(&hidden_total, (uint64_t)bytes, __ATOMIC_RELAXED);
}

bool p2m_any_hidden(void)
{
    return __atomic_load_n(&hidden_total, __ATOMIC_RELAXED) != 0;
}

void p2m_use_format(const struct p2m_format *fmt)
{
    format = fmt;
}

uint64_t p2m_default_pool_bytes(unsigned int nr_vcpus, uint64_t ram_bytes)
{
    return MiB(1) * nr_vcpus + KiB(4) * (ALIGN_UP(ram_bytes, MiB(1)) >> 20) + KiB(512);
}

/* Index of gpa's entry in a table at level. */
static unsigned int slot_index(gpaddr_t gpa, unsigned int level)
{
    return (gpaddr_val(gpa) >> (PAGE_SHIFT + 9 * (level - 1))) & 0x1FF;
}

/* Bytes a leaf at level maps. */
static uint64_t leaf_bytes(unsigned int level)
{
    return PAGE_SIZE << (9 * (level - 1));
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

    if (!paddr_val(pa))
        return pa;
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
    struct p2m *p;
    unsigned int order = 9;

    CHECK(format);
    p = page_alloc_zeroed_virt();
    if (!p)
        return NULL;
    p->lock = (spinlock_t)SPINLOCK_INIT;
    p->fmt = format;
    p->scrub_next = mk_gpaddr(format->gpa_limit); /* no scrub pending */
    if (pages < 1)
        pages = 1;
    /* Largest blocks first, smaller ones when memory is fragmented. */
    while (p->pool_total < pages) {
        uint64_t need = pages - p->pool_total, i;
        paddr_t pa;

        while (order && (1ull << order) > need)
            order--;
        pa = p->nr_chunks < POOL_MAX_CHUNKS ? page_alloc(order) : mk_paddr(0);
        if (!paddr_val(pa)) {
            if (order && p->nr_chunks < POOL_MAX_CHUNKS) {
                order--;
                continue;
            }
            p2m_destroy(p);
            return NULL;
        }
        p->chunks[p->nr_chunks++] = (struct pool_chunk){ pa, order };
        for (i = 0; i < (1ull << order); i++)
            pool_put(p, paddr_add(pa, i * PAGE_SIZE));
        p->pool_total += 1ull << order;
    }
    p->root = pool_take(p);
    return p;
}

static void free_owned(const struct p2m_format *f, paddr_t table, unsigned int level)
{
    uint64_t *e = phys_to_virt(table);
    unsigned int i;

    for (i = 0; i < 512; i++) {
        if (!e[i])
            continue;
        if (f->is_table(e[i], level))
            free_owned(f, f->addr(e[i], level), level - 1);
        else if (f->type(e[i]) == P2M_RAM && page_alloc_manages(f->addr(e[i], level)))
            page_free(f->addr(e[i], level), level == 2 ? 9 : 0); /* not a module's pages */
    }
}

/*
 * A page of the released stack: the next (older) stack page, how many
 * addresses this one holds, the addresses.
 */
#define STACK_SLOTS (PAGE_SIZE / 8 - 2)
struct released_page {
    paddr_t next;
    uint64_t count;
    paddr_t pa[STACK_SLOTS];
};

/* Pool pages pushing n more addresses takes. */
static uint64_t released_pages_needed(const struct p2m *p, uint64_t n)
{
    const struct released_page *top =
        paddr_val(p->released_top) ? phys_to_virt(p->released_top) : NULL;
    uint64_t room = top ? STACK_SLOTS - top->count : 0;

    return n <= room ? 0 : (n - room + STACK_SLOTS - 1) / STACK_SLOTS;
}

/* Pushes pa; the caller made sure the pool has the page this may take. */
static void released_push(struct p2m *p, paddr_t pa)
{
    struct released_page *top = paddr_val(p->released_top) ? phys_to_virt(p->released_top) : NULL;

    if (!top || top->count == STACK_SLOTS) {
        paddr_t t = pool_take(p);

        top = phys_to_virt(t);
        top->next = p->released_top;
        p->released_top = t;
    }
    top->pa[top->count++] = pa;
    p->released++;
}

/* The last released page, or 0; an emptied stack page goes back to the pool. */
static paddr_t released_take(struct p2m *p)
{
    struct released_page *top;
    paddr_t pa;

    if (!paddr_val(p->released_top))
        return mk_paddr(0);
    top = phys_to_virt(p->released_top);
    pa = top->pa[--top->count];
    if (!top->count) {
        paddr_t t = p->released_top;

        p->released_top = top->next;
        pool_put(p, t);
    }
    p->released--;
    return pa;
}

void p2m_destroy(struct p2m *p)
{
    unsigned int i;
    paddr_t pa;

    if (!p)
        return;
    account_hidden(p, -(int64_t)p->hidden_bytes);
    if (paddr_val(p->root))
        free_owned(p->fmt, p->root, p->fmt->levels);
    while (paddr_val(pa = released_take(p)))
        if (page_alloc_manages(pa))
            page_free(pa, 0);
    for (i = 0; i < p->nr_chunks; i++)
        page_free(p->chunks[i].pa, p->chunks[i].order);
    page_free(virt_to_phys(p), 0);
}

/*
 * Unmaps everything under table but the domain's RAM, returning tables left
 * empty to the pool; whether table still maps anything.
 */
static bool reset_table(struct p2m *p, paddr_t table, unsigned int level)
{
    const struct p2m_format *f = p->fmt;
    uint64_t *e = phys_to_virt(table);
    bool used = false;
    unsigned int i;

    for (i = 0; i < 512; i++) {
        if (!e[i])
            continue;
        if (!f->is_table(e[i], level)) {
            if (f->type(e[i]) == P2M_RAM)
                used = true;
            else
                e[i] = 0;
        } else if (reset_table(p, f->addr(e[i], level), level - 1)) {
            used = true;
        } else {
            pool_put(p, f->addr(e[i], level));
            e[i] = 0;
        }
    }
    return used;
}

void p2m_reset(struct p2m *p)
{
    spin_lock(&p->lock);
    reset_table(p, p->root, p->fmt->levels);
    p->scrub_next = mk_gpaddr(0);
    p->idle_done = 0;
    p->held = 0;
    __atomic_fetch_add(&p->unmap_gen, 1, __ATOMIC_RELEASE);
    spin_unlock(&p->lock);
}

/* What a scrub leaves as it is: frames the domain builder fills whole. */
struct scrub_keep {
    const struct frame_range *ranges;
    unsigned int nr;
};

/*
 * Zeroes the pages of the leaf at host pa mapping span bytes from gpa start,
 * less keep's, by checking (ram_zero(): pages nobody wrote are only read).
 */
static void zero_leaf(paddr_t pa, gpaddr_t start, uint64_t span, const struct scrub_keep *keep)
{
    uint64_t first = gpaddr_frame(start), n = span >> PAGE_SHIFT, f = 0;

    while (f < n) {
        uint64_t stop = n;
        bool kept = false;

        for (unsigned int i = 0; i < keep->nr && !kept; i++) {
            const struct frame_range *r = &keep->ranges[i];

            if (first + f >= r->gfn && first + f < r->gfn + r->nr) {
                kept = true;
                stop = MIN(n, r->gfn + r->nr - first);
            } else if (r->gfn > first + f) {
                stop = MIN(stop, r->gfn - first);
            }
        }
        if (!kept)
            ram_zero(phys_to_virt(paddr_add(pa, f << PAGE_SHIFT)), (stop - f) << PAGE_SHIFT);
        f = stop;
    }
}

/*
 * Zeroes the RAM leaves of table (which maps from base) at or above
 * p->scrub_next while *budget pages remain, moving scrub_next past each;
 * whether the whole table is done.
 */
static bool scrub_table(struct p2m *p, paddr_t table, unsigned int level, gpaddr_t base,
                        uint64_t *budget, const struct scrub_keep *keep)
{
    const struct p2m_format *f = p->fmt;
    uint64_t *e = phys_to_virt(table);
    uint64_t span = leaf_bytes(level);
    unsigned int i;

    for (i = 0; i < 512; i++) {
        gpaddr_t start = gpaddr_add(base, i * span), end = gpaddr_add(start, span);

        if (!e[i] || gpaddr_val(end) <= gpaddr_val(p->scrub_next))
            continue;
        if (f->is_table(e[i], level)) {
            if (!scrub_table(p, f->addr(e[i], level), level - 1, start, budget, keep))
                return false;
            continue;
        }
        if (!*budget)
            return false;
        if (f->type(e[i]) == P2M_RAM) {
            zero_leaf(f->addr(e[i], level), start, span, keep);
            *budget -= MIN(*budget, span >> PAGE_SHIFT);
            if (f->hidden(e[i])) {
                e[i] = f->show(e[i]);
                account_hidden(p, -(int64_t)span);
                p->idle_done = 0;
            }
        }
        p->scrub_next = end;
    }
    return true;
}

bool p2m_scrub_step(struct p2m *p, uint64_t max_pages, const struct frame_range *keep,
                    unsigned int nr_keep)
{
    const struct scrub_keep k = { keep, nr_keep };
    uint64_t budget = MAX(max_pages, 1ull);
    bool done;

    spin_lock(&p->lock);
    done = gpaddr_val(p->scrub_next) >= p->fmt->gpa_limit ||
           scrub_table(p, p->root, p->fmt->levels, mk_gpaddr(0), &budget, &k);
    if (done)
        p->scrub_next = mk_gpaddr(p->fmt->gpa_limit);
    spin_unlock(&p->lock);
    return done;
}

/* The entry for gpa at leaf_level, creating tables from the pool; NULL if the pool is empty. */
static uint64_t *slot_of(struct p2m *p, gpaddr_t gpa, unsigned int leaf_level)
{
    const struct p2m_format *f = p->fmt;
    paddr_t table = p->root;
    unsigned int level;

    for (level = f->levels; level > leaf_level; level--) {
        uint64_t *e = (uint64_t *)phys_to_virt(table) + slot_index(gpa, level);

        if (!*e) {
            paddr_t t = pool_take(p);

            if (!paddr_val(t))
                return NULL;
            *e = f->table(t);
        } else if (!f->is_table(*e, level)) {
            return NULL; /* covered by a larger leaf */
        }
        table = f->addr(*e, level);
    }
    return (uint64_t *)phys_to_virt(table) + slot_index(gpa, leaf_level);
}

/* The non-empty leaf's entry for gpa and its level, or NULL. */
static uint64_t *leaf_slot(const struct p2m *p, gpaddr_t gpa, unsigned int *leaf_level)
{
    const struct p2m_format *f = p->fmt;
    paddr_t table = p->root;
    unsigned int level;

    if (gpaddr_val(gpa) >= f->gpa_limit)
        return NULL;
    for (level = f->levels; level >= 1; level--) {
        uint64_t *slot = (uint64_t *)phys_to_virt(table) + slot_index(gpa, level);
        uint64_t e = __atomic_load_n(slot, __ATOMIC_ACQUIRE);

        if (!e)
            return NULL;
        if (!f->is_table(e, level)) {
            *leaf_level = level;
            return slot;
        }
        table = f->addr(e, level);
    }
    return NULL;
}

/* The non-empty leaf for gpa and its level, or 0. */
static uint64_t leaf_of(const struct p2m *p, gpaddr_t gpa, unsigned int *leaf_level)
{
    const uint64_t *slot = leaf_slot(p, gpa, leaf_level);

    return slot ? __atomic_load_n(slot, __ATOMIC_ACQUIRE) : 0;
}

/* Whether leaf e is the domain's RAM, hidden until it is zeroed. */
static bool hidden_ram(const struct p2m_format *f, uint64_t e)
{
    return f->type(e) == P2M_RAM && f->hidden(e);
}

/*
 * Zeroes the hidden RAM leaf *slot (at level, mapping gpa) whole and shows
 * it; lock held. The zeros are in memory before the hardware can see the
 * page.
 */
static void clear_hidden(struct p2m *p, uint64_t *slot, unsigned int level, gpaddr_t gpa)
{
    uint64_t span = leaf_bytes(level);

    ram_zero(phys_to_virt(p->fmt->addr(*slot, level)), span);
    __atomic_store_n(slot, p->fmt->show(*slot), __ATOMIC_RELEASE);
    account_hidden(p, -(int64_t)span);
    if (gpaddr_val(p->idle_next) == ALIGN_DOWN(gpaddr_val(gpa), span))
        p->idle_done = 0;
}

/* gpa's leaf, if it is hidden RAM, zeroed and shown (by this CPU, or by another meanwhile). */
static void clear_on_demand(struct p2m *p, gpaddr_t gpa)
{
    unsigned int level;
    uint64_t *slot;

    spin_lock(&p->lock);
    slot = leaf_slot(p, gpa, &level);
    if (slot && hidden_ram(p->fmt, *slot))
        clear_hidden(p, slot, level, gpa);
    spin_unlock(&p->lock);
}

static bool range_ok(const struct p2m *p, gpaddr_t gpa, uint64_t size)
{
    uint64_t start = gpaddr_val(gpa);

    return IS_ALIGNED(start | size, PAGE_SIZE) && size && start + size > start &&
           start + size <= p->fmt->gpa_limit;
}

static bool range_is_free(const struct p2m *p, gpaddr_t gpa, uint64_t size)
{
    unsigned int level;
    uint64_t off;

    for (off = 0; off < size; off += PAGE_SIZE)
        if (leaf_of(p, gpaddr_add(gpa, off), &level))
            return false;
    return true;
}

/* Maps one freshly allocated block (order 0 or 9) of RAM at gpa, hidden or not. */
static int map_ram_block(struct p2m *p, gpaddr_t gpa, paddr_t pa, unsigned int order,
                         unsigned int perms, bool hidden)
{
    unsigned int level = order == 9 ? 2 : 1;
    uint64_t *slot = slot_of(p, gpa, level);
    uint64_t e = p->fmt->leaf(pa, level, P2M_RAM, perms);

    if (!slot)
        return -XEN_ENOMEM;
    if (*slot)
        return -XEN_EINVAL;
    *slot = hidden ? p->fmt->hide(e) : e;
    if (hidden)
        account_hidden(p, (int64_t)(PAGE_SIZE << order));
    return 0;
}

/* How populate() leaves the pages it maps. */
enum backing {
    BACK_ZEROED,    /* zeroed now */
    BACK_UNCLEARED, /* as they are, for the caller to clear */
    BACK_LAZY,      /* hidden until zeroed; leaves over a kept frame zeroed now, less those */
};

/* Whether [gfn, gfn + nr) holds a frame of keep. */
static bool holds_kept(const struct scrub_keep *keep, uint64_t gfn, uint64_t nr)
{
    for (unsigned int i = 0; i < keep->nr; i++)
        if (keep->ranges[i].gfn < gfn + nr && gfn < keep->ranges[i].gfn + keep->ranges[i].nr)
            return true;
    return false;
}

static int populate(struct p2m *p, gpaddr_t gpa, uint64_t size, unsigned int perms,
                    enum backing how, const struct scrub_keep *keep)
{
    gpaddr_t end = gpaddr_add(gpa, size);
    int rc = 0;

    if (!range_ok(p, gpa, size) || !(perms & P2M_READ))
        return -XEN_EINVAL;
    spin_lock(&p->lock);
    if (!range_is_free(p, gpa, size)) {
        spin_unlock(&p->lock);
        return -XEN_EINVAL;
    }
    while (gpaddr_val(gpa) < gpaddr_val(end)) {
        unsigned int order = 0;
        paddr_t pa = mk_paddr(0);

        if (gpaddr_is_aligned(gpa, MiB(2)) && gpaddr_val(end) - gpaddr_val(gpa) >= MiB(2) &&
            paddr_val(pa = page_alloc(9)))
            order = 9;
        else
            pa = page_alloc(0);
        if (!paddr_val(pa)) {
            rc = -XEN_ENOMEM;
            break;
        }
        bool hidden = false;

        if (how == BACK_ZEROED)
            zero_pages(pa, 1ull << order);
        else if (how == BACK_LAZY && holds_kept(keep, gpaddr_frame(gpa), 1ull << order))
            zero_leaf(pa, gpa, PAGE_SIZE << order, keep);
        else
            hidden = how == BACK_LAZY;
        rc = map_ram_block(p, gpa, pa, order, perms, hidden);
        if (rc) {
            page_free(pa, order);
            break;
        }
        gpa = gpaddr_add(gpa, PAGE_SIZE << order);
    }
    spin_unlock(&p->lock);
    return rc;
}

int p2m_populate_ram(struct p2m *p, gpaddr_t gpa, uint64_t size, unsigned int perms)
{
    return populate(p, gpa, size, perms, BACK_ZEROED, &(struct scrub_keep){ NULL, 0 });
}

int p2m_populate_ram_uncleared(struct p2m *p, gpaddr_t gpa, uint64_t size, unsigned int perms)
{
    return populate(p, gpa, size, perms, BACK_UNCLEARED, &(struct scrub_keep){ NULL, 0 });
}

int p2m_populate_ram_lazy(struct p2m *p, gpaddr_t gpa, uint64_t size, unsigned int perms,
                          const struct frame_range *keep, unsigned int nr_keep)
{
    return populate(p, gpa, size, perms, BACK_LAZY, &(struct scrub_keep){ keep, nr_keep });
}

bool p2m_clear_on_fault(struct p2m *p, gpaddr_t gpa)
{
    unsigned int level = 1;
    uint64_t e = leaf_of(p, gpa, &level);

    if (!e || p->fmt->type(e) != P2M_RAM)
        return false;
    if (p->fmt->hidden(e))
        clear_on_demand(p, gpa);
    return true;
}

/*
 * The first hidden RAM leaf under table (mapping from base) that ends above
 * from: its entry, level and first address; NULL if none.
 */
static uint64_t *next_hidden(const struct p2m *p, paddr_t table, unsigned int level, gpaddr_t base,
                             gpaddr_t from, unsigned int *leaf_level, gpaddr_t *start)
{
    const struct p2m_format *f = p->fmt;
    uint64_t *e = phys_to_virt(table), span = leaf_bytes(level);

    for (unsigned int i = 0; i < 512; i++) {
        gpaddr_t at = gpaddr_add(base, i * span);
        uint64_t *found;

        if (!e[i] || gpaddr_val(at) + span <= gpaddr_val(from))
            continue;
        if (f->is_table(e[i], level)) {
            found = next_hidden(p, f->addr(e[i], level), level - 1, at, from, leaf_level, start);
            if (found)
                return found;
        } else if (hidden_ram(f, e[i])) {
            *leaf_level = level;
            *start = at;
            return &e[i];
        }
    }
    return NULL;
}

bool p2m_clear_idle_step(struct p2m *p, uint64_t max_bytes)
{
    unsigned int level = 1;
    uint64_t *slot, span, n;
    gpaddr_t start;

    if (!__atomic_load_n(&p->hidden_bytes, __ATOMIC_RELAXED))
        return false;
    spin_lock(&p->lock);
    slot = next_hidden(p, p->root, p->fmt->levels, mk_gpaddr(0), p->idle_next, &level, &start);
    if (!slot) /* the ones left lie below: leaves are hidden at build time only, in any order */
        slot = next_hidden(p, p->root, p->fmt->levels, mk_gpaddr(0), mk_gpaddr(0), &level, &start);
    if (!slot) {
        CHECK(!p->hidden_bytes);
        spin_unlock(&p->lock);
        return false;
    }
    if (!gpaddr_eq(start, p->idle_next)) {
        p->idle_next = start;
        p->idle_done = 0;
    }
    span = leaf_bytes(level);
    n = MIN(MAX(max_bytes, PAGE_SIZE), span - p->idle_done);
    ram_zero((uint8_t *)phys_to_virt(p->fmt->addr(*slot, level)) + p->idle_done, n);
    p->idle_done += n;
    if (p->idle_done == span) {
        __atomic_store_n(slot, p->fmt->show(*slot), __ATOMIC_RELEASE);
        account_hidden(p, -(int64_t)span);
        p->idle_next = gpaddr_add(start, span);
        p->idle_done = 0;
    }
    spin_unlock(&p->lock);
    return true;
}

uint64_t p2m_hidden_bytes(const struct p2m *p)
{
    return __atomic_load_n(&p->hidden_bytes, __ATOMIC_RELAXED);
}

int p2m_map_boot_ram(struct p2m *p, gpaddr_t gpa, paddr_t pa, uint64_t size)
{
    uint64_t off, step = PAGE_SIZE;
    int rc = 0;

    if (!range_ok(p, gpa, size) || !paddr_is_aligned(pa, PAGE_SIZE))
        return -XEN_EINVAL;
    for (off = 0; off < size; off += PAGE_SIZE)
        if (page_alloc_manages(paddr_add(pa, off)))
            return -XEN_EINVAL;
    spin_lock(&p->lock);
    if (!range_is_free(p, gpa, size))
        rc = -XEN_EINVAL;
    for (off = 0; off < size && !rc; off += step) {
        gpaddr_t g = gpaddr_add(gpa, off);
        unsigned int order = gpaddr_is_aligned(g, MiB(2)) &&
                                     paddr_is_aligned(paddr_add(pa, off), MiB(2)) &&
                                     size - off >= MiB(2)
                                 ? 9
                                 : 0;

        step = PAGE_SIZE << order;
        rc = map_ram_block(p, g, paddr_add(pa, off), order, P2M_RWX, false);
    }
    spin_unlock(&p->lock);
    return rc;
}

int p2m_map(struct p2m *p, gpaddr_t gpa, paddr_t pa, uint64_t size, enum p2m_type type,
            unsigned int perms)
{
    bool page = type != P2M_MMIO_EMUL;
    uint64_t off;
    int rc = 0;

    if (!range_ok(p, gpa, size) || type == P2M_NONE || type == P2M_RAM || type > P2M_PASSTHROUGH ||
        (type == P2M_SHARED_RO && (perms & P2M_WRITE)))
        return -XEN_EINVAL;
    if (page && (!paddr_is_aligned(pa, PAGE_SIZE) || !(perms & P2M_READ)))
        return -XEN_EINVAL;
    spin_lock(&p->lock);
    if (!range_is_free(p, gpa, size))
        rc = -XEN_EINVAL;
    for (off = 0; off < size && !rc; off += PAGE_SIZE) {
        uint64_t *slot = slot_of(p, gpaddr_add(gpa, off), 1);

        if (!slot)
            rc = -XEN_ENOMEM;
        else
            *slot =
                p->fmt->leaf(page ? paddr_add(pa, off) : mk_paddr(0), 1, type, page ? perms : 0);
    }
    spin_unlock(&p->lock);
    return rc;
}

enum p2m_type p2m_query(struct p2m *p, gpaddr_t gpa, paddr_t *pa, unsigned int *perms)
{
    const struct p2m_format *f = p->fmt;
    unsigned int level = 1;
    uint64_t e = leaf_of(p, gpa, &level);
    enum p2m_type t;

    if (e && hidden_ram(f, e)) {
        clear_on_demand(p, gpa);
        e = leaf_of(p, gpa, &level);
    }
    t = e ? f->type(e) : P2M_NONE;

    if (pa)
        *pa = t == P2M_NONE || t == P2M_MMIO_EMUL
                  ? INVALID_PADDR
                  : paddr_add(f->addr(e, level), gpaddr_val(gpa) & (leaf_bytes(level) - 1));
    if (perms)
        *perms = e ? f->perms(e) : 0;
    return t;
}

paddr_t p2m_lookup(struct p2m *p, gpaddr_t gpa, unsigned int *perms)
{
    paddr_t pa;

    p2m_query(p, gpa, &pa, perms);
    return pa;
}

bool p2m_owns_range(const struct p2m *p, gpaddr_t gpa, uint64_t size)
{
    uint64_t at = ALIGN_DOWN(gpaddr_val(gpa), PAGE_SIZE), end = gpaddr_val(gpa) + size;

    /* A leaf at a time: a 63 MiB image is 32 walks where its leaves are 2 MiB. */
    while (at < end) {
        unsigned int level = 1;
        uint64_t e = leaf_of(p, mk_gpaddr(at), &level);

        if (!e || p->fmt->type(e) != P2M_RAM)
            return false;
        at = ALIGN_DOWN(at, leaf_bytes(level)) + leaf_bytes(level);
    }
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

/*
 * Replaces the 2 MiB leaf *slot (level 2) by a table of 512 4 KiB leaves of
 * the same pages, type and permissions, hidden if it was; the caller made
 * sure the pool has a page.
 */
static void split_leaf(struct p2m *p, uint64_t *slot)
{
    const struct p2m_format *f = p->fmt;
    paddr_t base = f->addr(*slot, 2), t = pool_take(p);
    enum p2m_type type = f->type(*slot);
    bool hidden = hidden_ram(f, *slot);
    unsigned int perms = f->perms(hidden ? f->show(*slot) : *slot), i;
    uint64_t *e = phys_to_virt(t);

    for (i = 0; i < 512; i++) {
        e[i] = f->leaf(paddr_add(base, i * PAGE_SIZE), 1, type, perms);
        if (hidden)
            e[i] = f->hide(e[i]);
    }
    *slot = f->table(t);
}

int p2m_release_ram(struct p2m *p, gpaddr_t gpa, uint64_t size)
{
    const struct p2m_format *f = p->fmt;
    uint64_t off, splits = 0;
    int rc = 0;

    if (!range_ok(p, gpa, size))
        return -XEN_EINVAL;
    spin_lock(&p->lock);
    for (off = 0; off < size && !rc; off += PAGE_SIZE) {
        unsigned int level = 0;
        uint64_t e = leaf_of(p, gpaddr_add(gpa, off), &level);

        if (!e || f->type(e) != P2M_RAM)
            rc = -XEN_EINVAL;
        else if (level == 2 && (off == 0 || gpaddr_is_aligned(gpaddr_add(gpa, off), MiB(2))))
            splits++;
    }
    /* Every pool page it needs first: nothing is released unless all can be. */
    if (!rc && p->pool_free < splits + released_pages_needed(p, size >> PAGE_SHIFT))
        rc = -XEN_ENOMEM;
    for (off = 0; off < size && !rc; off += PAGE_SIZE) {
        unsigned int level = 0;

        leaf_of(p, gpaddr_add(gpa, off), &level);
        if (level == 2)
            split_leaf(p, slot_of(p, gpaddr_add(gpa, off), 2));
    }
    for (off = 0; off < size && !rc; off += PAGE_SIZE) {
        uint64_t *slot = slot_of(p, gpaddr_add(gpa, off), 1);

        /* A hidden page goes as it is: released pages are zeroed when mapped again. */
        if (f->hidden(*slot))
            account_hidden(p, -(int64_t)PAGE_SIZE);
        released_push(p, f->addr(*slot, 1));
        *slot = 0;
    }
    if (!rc) {
        p->idle_done = 0;
        __atomic_fetch_add(&p->unmap_gen, 1, __ATOMIC_RELEASE);
    }
    spin_unlock(&p->lock);
    return rc;
}

int p2m_populate_released(struct p2m *p, gpaddr_t gpa, uint64_t size)
{
    uint64_t off;
    int rc = 0;

    if (!range_ok(p, gpa, size))
        return -XEN_EINVAL;
    spin_lock(&p->lock);
    if (!range_is_free(p, gpa, size))
        rc = -XEN_EINVAL;
    else if (p->released - p->held < size >> PAGE_SHIFT)
        rc = -XEN_ENOMEM;
    /* Every table first, so that nothing is mapped unless all can be. */
    for (off = 0; off < size && !rc; off += PAGE_SIZE)
        if (!slot_of(p, gpaddr_add(gpa, off), 1))
            rc = -XEN_ENOMEM;
    for (off = 0; off < size && !rc; off += PAGE_SIZE) {
        paddr_t pa = released_take(p);

        zero_pages(pa, 1);
        *slot_of(p, gpaddr_add(gpa, off), 1) = p->fmt->leaf(pa, 1, P2M_RAM, P2M_RWX);
    }
    spin_unlock(&p->lock);
    return rc;
}

int p2m_claim_released(struct p2m *p, uint64_t pages)
{
    int rc = 0;

    spin_lock(&p->lock);
    if (p->released - p->held < pages)
        rc = -XEN_ENOMEM;
    else
        p->held += pages;
    spin_unlock(&p->lock);
    return rc;
}

void p2m_refill_ram(struct p2m *p, gpaddr_t gpa, uint64_t size)
{
    uint64_t off;

    if (!range_ok(p, gpa, size))
        return;
    spin_lock(&p->lock);
    for (off = 0; off < size && p->released; off += PAGE_SIZE) {
        unsigned int level;
        uint64_t *slot;
        paddr_t pa;

        if (leaf_of(p, gpaddr_add(gpa, off), &level))
            continue;
        slot = slot_of(p, gpaddr_add(gpa, off), 1);
        if (!slot)
            break; /* cannot happen: the page's table held it before its release */
        pa = released_take(p);
        zero_pages(pa, 1);
        *slot = p->fmt->leaf(pa, 1, P2M_RAM, P2M_RWX);
    }
    p->held = 0;
    spin_unlock(&p->lock);
}

void p2m_reservation(const struct p2m *p, uint64_t *released, uint64_t *held)
{
    *released = p->released;
    *held = p->held;
}

uint64_t p2m_unmap_gen(const struct p2m *p)
{
    return __atomic_load_n(&p->unmap_gen, __ATOMIC_ACQUIRE);
}
