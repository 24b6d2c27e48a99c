// SPDX-License-Identifier: MIT
/*
 * Guest memory maps.
 *
 * HVM (PVH, Linux): the first MiB is backed entirely but only [0, 0x9FC00)
 * is RAM; [0x9FC00, 1 MiB) is reported reserved (EBDA, VGA, BIOS area) so
 * the platform code may put MP or ACPI tables there. The rest of the memory
 * follows from 1 MiB up to the MMIO hole at 3 GiB and continues at 4 GiB.
 * The IOAPIC and LAPIC pages are reserved. memory_bytes counts every backed
 * frame, the first MiB included.
 *
 * PV: a pseudo-physical map has no holes: RAM [0, memory_bytes).
 *
 * The spec's extra ranges (static shared memory ...) are added as given; they
 * may not overlap anything else.
 */
#include <string.h>

#include "internal.h"

#define LOW_RAM_END   0x9FC00ull
#define HOLE_START    0xC0000000ull
#define HIGH_START    DB_GiB(4)
#define IOAPIC_BASE   0xFEC00000ull
#define LAPIC_BASE    0xFEE00000ull

static int add(struct db_layout *l, uint64_t addr, uint64_t size, uint32_t type,
               struct db_diag *diag)
{
    uint32_t i;

    if (l->nr_e820 == DB_E820_MAX)
        return db_fail(diag, DB_ERR_SPEC, "memory map: more than %u entries", DB_E820_MAX);
    for (i = 0; i < l->nr_e820; i++)
        if (db_overlaps(addr, size, l->e820[i].addr, l->e820[i].size))
            return db_fail(diag, DB_ERR_OVERLAP,
                           "memory map: range [0x%lx, 0x%lx) overlaps [0x%lx, 0x%lx) (type %u)",
                           addr, addr + size, l->e820[i].addr,
                           l->e820[i].addr + l->e820[i].size, l->e820[i].type);
    /* Keep the table sorted by address. */
    for (i = l->nr_e820; i > 0 && l->e820[i - 1].addr > addr; i--)
        l->e820[i] = l->e820[i - 1];
    l->e820[i] = (struct db_e820_entry){ addr, size, type };
    l->nr_e820++;
    return 0;
}

static void populate(struct db_layout *l, uint64_t gpa, uint64_t size)
{
    l->populate[l->nr_populate++] = (struct db_frame_range){ gpa >> DB_PAGE_SHIFT,
                                                             size >> DB_PAGE_SHIFT };
    if ((gpa + size) >> DB_PAGE_SHIFT > l->nr_frames)
        l->nr_frames = (gpa + size) >> DB_PAGE_SHIFT;
}

int db_e820_build(const struct db_domain_spec *spec, bool pv, struct db_layout *l,
                  struct db_diag *diag)
{
    uint64_t mem = spec->memory_bytes;

    l->nr_e820 = 0;
    l->nr_populate = 0;
    l->nr_frames = 0;
    if (mem % DB_PAGE_SIZE || mem < DB_MiB(2) || mem > DB_GiB(1) * 1024)
        return db_fail(diag, DB_ERR_SPEC,
                       "memory 0x%lx bytes: must be a multiple of 4 KiB in [2 MiB, 1 TiB]", mem);
    if (pv) {
        if (add(l, 0, mem, DB_E820_RAM, diag))
            return -1;
        populate(l, 0, mem);
    } else {
        uint64_t above = mem - DB_MiB(1);
        uint64_t low = above < HOLE_START - DB_MiB(1) ? above : HOLE_START - DB_MiB(1);

        if (add(l, 0, LOW_RAM_END, DB_E820_RAM, diag) ||
            add(l, LOW_RAM_END, DB_MiB(1) - LOW_RAM_END, DB_E820_RESERVED, diag) ||
            add(l, DB_MiB(1), low, DB_E820_RAM, diag) ||
            (above > low && add(l, HIGH_START, above - low, DB_E820_RAM, diag)) ||
            add(l, IOAPIC_BASE, DB_PAGE_SIZE, DB_E820_RESERVED, diag) ||
            add(l, LAPIC_BASE, DB_PAGE_SIZE, DB_E820_RESERVED, diag))
            return -1;
        populate(l, 0, DB_MiB(1));
        populate(l, DB_MiB(1), low);
        if (above > low)
            populate(l, HIGH_START, above - low);
    }
    if (spec->nr_reserved > DB_MAX_RESERVED)
        return db_fail(diag, DB_ERR_SPEC, "%u reserved ranges, at most %u", spec->nr_reserved,
                       DB_MAX_RESERVED);
    for (uint32_t i = 0; i < spec->nr_reserved; i++) {
        const struct db_guest_range *r = &spec->reserved[i];

        if (!r->size || r->base + r->size < r->base || r->type > 7)
            return db_fail(diag, DB_ERR_SPEC,
                           "reserved range %u [0x%lx + 0x%lx) type %u: empty, wrapping or bad type",
                           i, r->base, r->size, r->type);
        if (add(l, r->base, r->size, r->type ? r->type : DB_E820_RESERVED, diag))
            return -1;
    }
    return 0;
}

/* ---- placement ---------------------------------------------------------- */

void db_placer_init(struct db_placer *p, const struct db_layout *layout)
{
    memset(p, 0, sizeof(*p));
    p->layout = layout;
}

static const struct db_claim *collides(const struct db_placer *p, uint64_t base, uint64_t size)
{
    for (uint32_t i = 0; i < p->nr; i++)
        if (db_overlaps(base, size, p->claims[i].base, p->claims[i].size))
            return &p->claims[i];
    return NULL;
}

static bool in_ram(const struct db_layout *l, uint64_t base, uint64_t size)
{
    for (uint32_t i = 0; i < l->nr_e820; i++)
        if (l->e820[i].type == DB_E820_RAM && base >= l->e820[i].addr &&
            base - l->e820[i].addr <= l->e820[i].size &&
            size <= l->e820[i].size - (base - l->e820[i].addr))
            return true;
    return false;
}

int db_claim(struct db_placer *p, uint64_t base, uint64_t size, const char *what,
             struct db_diag *diag)
{
    const struct db_claim *c;

    if (!size)
        return 0;
    if (base + size < base || !in_ram(p->layout, base, size))
        return db_fail(diag, DB_ERR_NO_MEMORY,
                       "%s [0x%lx, 0x%lx) is not inside the domain's RAM", what, base,
                       base + size);
    c = collides(p, base, size);
    if (c)
        return db_fail(diag, DB_ERR_OVERLAP, "%s [0x%lx, 0x%lx) overlaps %s [0x%lx, 0x%lx)", what,
                       base, base + size, c->what, c->base, c->base + c->size);
    if (p->nr == DB_MAX_CLAIMS)
        return db_fail(diag, DB_ERR_UNSUPPORTED, "more than %u placed objects", DB_MAX_CLAIMS);
    p->claims[p->nr++] = (struct db_claim){ base, size, what };
    return 0;
}

/* Tries RAM entry [lo, hi) (already clipped); returns 1 and *gpa on success. */
static int fit(const struct db_placer *p, uint64_t lo, uint64_t hi, uint64_t size,
               uint64_t align, bool top_down, uint64_t *gpa)
{
    const struct db_claim *c;
    uint64_t at;

    if (hi <= lo || hi - lo < size)
        return 0;
    if (!top_down) {
        for (at = DB_ALIGN_UP(lo, align); at >= lo && at <= hi - size;
             at = DB_ALIGN_UP(c->base + c->size, align)) {
            c = collides(p, at, size);
            if (!c) {
                *gpa = at;
                return 1;
            }
        }
    } else {
        for (at = DB_ALIGN_DOWN(hi - size, align); at >= lo && at <= hi - size;) {
            c = collides(p, at, size);
            if (!c) {
                *gpa = at;
                return 1;
            }
            if (c->base < lo + size)
                break;
            at = DB_ALIGN_DOWN(c->base - size, align);
        }
    }
    return 0;
}

int db_place(struct db_placer *p, uint64_t size, uint64_t align, uint64_t lo, uint64_t hi,
             bool top_down, const char *what, uint64_t *gpa, struct db_diag *diag)
{
    const struct db_layout *l = p->layout;

    for (uint32_t n = 0; n < l->nr_e820; n++) {
        const struct db_e820_entry *e = &l->e820[top_down ? l->nr_e820 - 1 - n : n];
        uint64_t elo = e->addr > lo ? e->addr : lo;
        uint64_t ehi = e->addr + e->size < hi ? e->addr + e->size : hi;

        if (e->type == DB_E820_RAM && fit(p, elo, ehi, size, align, top_down, gpa))
            return db_claim(p, *gpa, size, what, diag);
    }
    return db_fail(diag, DB_ERR_NO_MEMORY,
                   "no room for %s (0x%lx bytes, aligned 0x%lx) in [0x%lx, 0x%lx) of guest RAM",
                   what, size, align, lo, hi);
}
