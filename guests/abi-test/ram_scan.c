// SPDX-License-Identifier: MIT
/*
 * The domain's RAM reads zero when it starts: however the hypervisor clears
 * a domain's memory (at the build, at the first touch, by idle CPUs, at a
 * restart), no page it gives may still hold earlier bytes (another domain's,
 * the firmware's, its own, an earlier run's). Before anything else writes
 * memory or maps a page, every 8-byte word of every page the memory map of
 * hvm_start_info calls RAM is read (never written) and must be 0, except in
 * the pages the domain builder wrote for the guest, page-rounded: the image
 * (abi-test.ld's __image_start..__image_end: code, data, the stack and page
 * tables in .bss), the start info, the memory map, the command line, the
 * module list, each module and its command line, and the GDT the vCPU was
 * started with (its GDTR at entry, lib/trap-entry.S). The guest maps only
 * its first GiB: RAM above that is a failure of its own, never skipped.
 */
#include <stdbool.h>
#include <stdint.h>

#include <public/arch-x86/hvm/start_info.h>

#include "abi-test.h"
#include "guest.h"

#define PAGE        4096ull
#define MAPPED_END  0x40000000ull /* lib/pvh-entry.S.h identity-maps the first GiB */
#define MAX_MODULES 8
#define MAX_SPANS   (6 + 2 * MAX_MODULES) /* 6 structures, 2 per module (check_ram_zeroed()) */

extern const uint8_t __image_start[], __image_end[];
extern const struct {
    uint16_t limit;
    uint32_t base;
} __attribute__((packed)) entry_gdtr;

struct span {
    uint64_t base, size;
};

struct written {
    struct span span[MAX_SPANS];
    unsigned int nr;
};

static void add(struct written *w, uint64_t base, uint64_t size)
{
    if (size)
        w->span[w->nr++] = (struct span){ base, size };
}

static void add_string(struct written *w, uint64_t paddr)
{
    if (paddr)
        add(w, paddr, guest_strlen((const char *)(uintptr_t)paddr) + 1);
}

/* Whether page gpa holds a byte of one of w's spans (no sum can wrap). */
static bool written_page(const struct written *w, uint64_t gpa)
{
    for (unsigned int i = 0; i < w->nr; i++) {
        const struct span *s = &w->span[i];

        if (s->base <= gpa ? gpa - s->base < s->size : s->base - gpa < PAGE)
            return true;
    }
    return false;
}

/* [from, to), 8-byte aligned, OR-ed a word at a time: reads only. */
static bool reads_zero(uint64_t from, uint64_t to)
{
    const uint64_t *p = (const uint64_t *)(uintptr_t)from, *end = (const uint64_t *)(uintptr_t)to;
    uint64_t any = 0;

    for (; p < end; p++)
        any |= *p;
    return !any;
}

static bool say_fail(const char *what)
{
    guest_puts("abi-test: FAIL: ");
    guest_puts(what);
    guest_puts("\n");
    return false;
}

bool check_ram_zeroed(const struct hvm_start_info *si)
{
    const struct hvm_memmap_table_entry *map;
    const struct hvm_modlist_entry *mods;
    struct written w = { .nr = 0 };
    uint64_t scanned = 0, bad = 0, first_bad = 0;

    if (!si || si->magic != XEN_HVM_START_MAGIC_VALUE || si->version < 1 || !si->memmap_paddr)
        return say_fail("no start info with a memory map: RAM not scanned");
    if (si->nr_modules > MAX_MODULES)
        return say_fail("more than 8 modules: RAM not scanned");
    map = (const struct hvm_memmap_table_entry *)(uintptr_t)si->memmap_paddr;
    mods = (const struct hvm_modlist_entry *)(uintptr_t)si->modlist_paddr;
    add(&w, (uintptr_t)__image_start, (uint64_t)(__image_end - __image_start));
    add(&w, (uintptr_t)si, sizeof(*si));
    add(&w, si->memmap_paddr, si->memmap_entries * sizeof(*map));
    add_string(&w, si->cmdline_paddr);
    add(&w, entry_gdtr.base, entry_gdtr.base ? entry_gdtr.limit + 1ull : 0);
    if (si->modlist_paddr)
        add(&w, si->modlist_paddr, si->nr_modules * sizeof(*mods));
    for (uint32_t i = 0; si->modlist_paddr && i < si->nr_modules; i++) {
        add(&w, mods[i].paddr, mods[i].size);
        add_string(&w, mods[i].cmdline_paddr);
    }

    for (uint32_t i = 0; i < si->memmap_entries; i++) {
        /* Words wholly inside the range (the builder's ranges are 8-byte aligned). */
        uint64_t lo = (map[i].addr + 7) & ~7ull, end = map[i].addr + map[i].size;
        uint64_t hi = (end < map[i].addr ? ~0ull : end) & ~7ull;

        if (map[i].type != XEN_HVM_MEMMAP_TYPE_RAM || lo >= hi)
            continue;
        if (hi > MAPPED_END)
            return say_fail("RAM above 1 GiB, which this guest does not map: not scanned");
        for (uint64_t page = lo & ~(PAGE - 1); page < hi; page += PAGE) {
            uint64_t from = page > lo ? page : lo, to = page + PAGE < hi ? page + PAGE : hi;

            if (written_page(&w, page))
                continue;
            scanned++;
            if (!reads_zero(from, to) && !bad++)
                first_bad = page;
        }
    }
    if (bad) {
        guest_puts("abi-test: FAIL: RAM not zeroed at guest-physical ");
        guest_put_hex(first_bad);
        guest_puts(" (");
        guest_put_dec(bad);
        guest_puts(" of ");
        guest_put_dec(scanned);
        guest_puts(" pages)\n");
        return false;
    }
    guest_puts("abi-test: RAM outside the image and start info reads zero (");
    guest_put_dec(scanned);
    guest_puts(" pages): PASS\n");
    return true;
}
