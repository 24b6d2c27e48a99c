// SPDX-License-Identifier: MIT
/*
 * Guest memory maps.
 *
 * HVM (PVH, Linux): the first MiB is backed entirely but only [0, 0x9FC00)
 * is RAM; [0x9FC00, 0xE0000) is reported reserved (EBDA, VGA, option ROMs)
 * and [0xE0000, 1 MiB), the BIOS area, holds the guest's ACPI tables and is
 * reported ACPI (type 3), as Xen's toolstack reports its ACPI pages (acpi.c).
 * The rest of the memory follows from 1 MiB up to the MMIO hole at 3 GiB and
 * continues at 4 GiB. The IOAPIC and LAPIC pages are reserved. memory_bytes
 * counts every backed frame, the first MiB included.
 *
 * HVM domains also get the page of Xen's PV console ring: the highest frame
 * of RAM below the hole, backed and zeroed but reported reserved, so the
 * guest maps it (HVM_PARAM_CONSOLE_PFN) without ever using it as RAM. Xen's
 * toolstack puts it among its "special pages" in the MMIO hole (0xFEFFF000);
 * inside the populated range it costs no extra frame or P2M table, and guests
 * that identity-map only their low memory can reach it.
 *
 * PV: a pseudo-physical map has no holes: RAM [0, memory_bytes).
 *
 * Static shared memory and the spec's other extra ranges are added reserved
 * (or as typed); they may not overlap anything else.
 */

#include "internal.h"

#define LOW_RAM_END 0x9FC00ull
#define HOLE_START  0xC0000000ull
#define HIGH_START  DB_GiB(4)
#define IOAPIC_BASE 0xFEC00000ull
#define LAPIC_BASE  0xFEE00000ull

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
                           addr, addr + size, l->e820[i].addr, l->e820[i].addr + l->e820[i].size,
                           l->e820[i].type);
    /* Keep the table sorted by address. */
    for (i = l->nr_e820; i > 0 && l->e820[i - 1].addr > addr; i--)
        l->e820[i] = l->e820[i - 1];
    l->e820[i] = (struct db_e820_entry){ addr, size, type };
    l->nr_e820++;
    return 0;
}

static void populate(struct db_layout *l, uint64_t gpa, uint64_t size)
{
    l->populate[l->nr_populate++] =
        (struct db_frame_range){ gpa >> DB_PAGE_SHIFT, size >> DB_PAGE_SHIFT };
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

        l->console = (struct db_region){ DB_MiB(1) + low - DB_PAGE_SIZE, DB_PAGE_SIZE };
        l->acpi = (struct db_region){ DB_ACPI_BASE, DB_MiB(1) - DB_ACPI_BASE };
        if (add(l, 0, LOW_RAM_END, DB_E820_RAM, diag) ||
            add(l, LOW_RAM_END, DB_ACPI_BASE - LOW_RAM_END, DB_E820_RESERVED, diag) ||
            add(l, DB_ACPI_BASE, DB_MiB(1) - DB_ACPI_BASE, DB_E820_ACPI, diag) ||
            add(l, DB_MiB(1), low - DB_PAGE_SIZE, DB_E820_RAM, diag) ||
            add(l, l->console.gpa, DB_PAGE_SIZE, DB_E820_RESERVED, diag) ||
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
    for (uint32_t i = 0; i < spec->nr_shm; i++)
        if (add(l, spec->shm[i].gpa, spec->shm[i].size, DB_E820_RESERVED, diag))
            return -1;
    return 0;
}

/* Takes [gpa, gpa + size) (page aligned, inside one range) out of l->populate. */
static int populate_remove(struct db_layout *l, uint64_t gpa, uint64_t size, struct db_diag *diag)
{
    uint64_t gfn = gpa >> DB_PAGE_SHIFT, nr = size >> DB_PAGE_SHIFT;

    if ((gpa | size) % DB_PAGE_SIZE || !nr)
        return db_fail(diag, DB_ERR_SPEC, "range 0x%lx + 0x%lx to map: empty or not page aligned",
                       gpa, size);
    for (uint32_t i = 0; i < l->nr_populate; i++) {
        struct db_frame_range *r = &l->populate[i];
        uint64_t after;

        if (gfn < r->gfn || gfn - r->gfn > r->nr || nr > r->nr - (gfn - r->gfn))
            continue;
        after = r->nr - (gfn - r->gfn) - nr;
        if (gfn > r->gfn && after && l->nr_populate == DB_MAX_POPULATE)
            return db_fail(diag, DB_ERR_UNSUPPORTED, "more than %u ranges of frames to back",
                           DB_MAX_POPULATE);
        r->nr = gfn - r->gfn;
        if (!r->nr) { /* nothing before: the range becomes what is after, or goes */
            *r = (struct db_frame_range){ gfn + nr, after };
            if (!after)
                *r = l->populate[--l->nr_populate];
        } else if (after) {
            l->populate[l->nr_populate++] = (struct db_frame_range){ gfn + nr, after };
        }
        return 0;
    }
    return db_fail(diag, DB_ERR_SPEC,
                   "frames [0x%lx, 0x%lx) to map are not inside one backed range", gfn, gfn + nr);
}

int db_add_mapped(struct db_layout *l, uint64_t gpa, uint64_t host, uint64_t size,
                  struct db_diag *diag)
{
    if (l->nr_mapped == DB_MAX_MAPPED)
        return db_fail(diag, DB_ERR_UNSUPPORTED, "more than %u ranges to map", DB_MAX_MAPPED);
    if (host % DB_PAGE_SIZE)
        return db_fail(diag, DB_ERR_SPEC, "host 0x%lx to map: not page aligned", host);
    if (populate_remove(l, gpa, size, diag))
        return -1;
    l->mapped[l->nr_mapped++] = (struct db_mapped_range){ gpa, host, size };
    return 0;
}
