// SPDX-License-Identifier: MIT
/*
 * Placement in guest-physical memory: every object claimed must lie inside
 * one RAM entry of the memory map and overlap no other claim. db_place()
 * searches for a free aligned spot bottom-up or top-down.
 */
#include <string.h>

#include "internal.h"

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
        return db_fail(diag, DB_ERR_NO_MEMORY, "%s [0x%lx, 0x%lx) is not inside the domain's RAM",
                       what, base, base + size);
    c = collides(p, base, size);
    if (c)
        return db_fail(diag, DB_ERR_OVERLAP, "%s [0x%lx, 0x%lx) overlaps %s [0x%lx, 0x%lx)", what,
                       base, base + size, c->what, c->base, c->base + c->size);
    if (p->nr == DB_MAX_CLAIMS)
        return db_fail(diag, DB_ERR_UNSUPPORTED, "more than %u placed objects", DB_MAX_CLAIMS);
    p->claims[p->nr++] = (struct db_claim){ base, size, what };
    return 0;
}

/* The lowest address >= x that is phase modulo align. */
static uint64_t phase_up(uint64_t x, uint64_t align, uint64_t phase)
{
    return x <= phase ? phase : DB_ALIGN_UP(x - phase, align) + phase;
}

/* The highest address <= x that is phase modulo align; false if there is none. */
static bool phase_down(uint64_t x, uint64_t align, uint64_t phase, uint64_t *at)
{
    if (x < phase)
        return false;
    *at = DB_ALIGN_DOWN(x - phase, align) + phase;
    return true;
}

/* Tries RAM entry [lo, hi) (already clipped); returns 1 and *gpa on success. */
static int fit(const struct db_placer *p, uint64_t lo, uint64_t hi, uint64_t size, uint64_t align,
               uint64_t phase, bool top_down, uint64_t *gpa)
{
    const struct db_claim *c;
    uint64_t at;

    if (hi <= lo || hi - lo < size)
        return 0;
    if (!top_down) {
        for (at = phase_up(lo, align, phase); at >= lo && at <= hi - size;
             at = phase_up(c->base + c->size, align, phase)) {
            c = collides(p, at, size);
            if (!c) {
                *gpa = at;
                return 1;
            }
        }
    } else {
        if (!phase_down(hi - size, align, phase, &at))
            return 0;
        while (at >= lo) {
            c = collides(p, at, size);
            if (!c) {
                *gpa = at;
                return 1;
            }
            if (c->base < lo + size || !phase_down(c->base - size, align, phase, &at))
                break;
        }
    }
    return 0;
}

int db_place_phase(struct db_placer *p, uint64_t size, uint64_t align, uint64_t phase, uint64_t lo,
                   uint64_t hi, bool top_down, const char *what, uint64_t *gpa,
                   struct db_diag *diag)
{
    const struct db_layout *l = p->layout;

    for (uint32_t n = 0; n < l->nr_e820; n++) {
        const struct db_e820_entry *e = &l->e820[top_down ? l->nr_e820 - 1 - n : n];
        uint64_t elo = e->addr > lo ? e->addr : lo;
        uint64_t ehi = e->addr + e->size < hi ? e->addr + e->size : hi;

        if (e->type == DB_E820_RAM && fit(p, elo, ehi, size, align, phase, top_down, gpa))
            return db_claim(p, *gpa, size, what, diag);
    }
    return db_fail(diag, DB_ERR_NO_MEMORY,
                   "no room for %s (0x%lx bytes, aligned 0x%lx) in [0x%lx, 0x%lx) of guest RAM",
                   what, size, align, lo, hi);
}

int db_place(struct db_placer *p, uint64_t size, uint64_t align, uint64_t lo, uint64_t hi,
             bool top_down, const char *what, uint64_t *gpa, struct db_diag *diag)
{
    return db_place_phase(p, size, align, 0, lo, hi, top_down, what, gpa, diag);
}
