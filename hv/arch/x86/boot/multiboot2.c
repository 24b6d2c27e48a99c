// SPDX-License-Identifier: MIT
/*
 * The multiboot2 tags turned into the boot information the UEFI loader gives
 * (docs/boot-protocol.md, "The multiboot2 path"): one struct, one consumer.
 * Runs on the entry's early stack before .bss is cleared: no globals.
 */
#include <stdbool.h>
#include <string.h>
#include "multiboot2.h"

#define PAGE      4096ull
#define LOW_1MIB  0x100000ull
#define FDT_MAGIC 0xd00dfeedu

#define TRAMPOLINE_BYTES (4 * PAGE)

static uint64_t page_down(uint64_t v)
{
    return v & ~(PAGE - 1);
}

static uint64_t page_up(uint64_t v)
{
    return (v + PAGE - 1) & ~(PAGE - 1);
}

/* The converted memory map while it is painted: sorted, never overlapping. */
struct range_map {
    struct tessera_mem_range *r;
    uint32_t n;
};

static void insert_at(struct range_map *m, uint32_t i, uint64_t base, uint64_t size, uint32_t type)
{
    memmove(&m->r[i + 1], &m->r[i], (m->n - i) * sizeof(*m->r));
    m->r[i] = (struct tessera_mem_range){ base, size, type, 0 };
    m->n++;
}

/* Splits the range that has addr strictly inside it, so a range starts at addr. */
static void split_at(struct range_map *m, uint64_t addr)
{
    for (uint32_t i = 0; i < m->n; i++) {
        struct tessera_mem_range *r = &m->r[i];

        if (r->base < addr && addr < r->base + r->size) {
            uint64_t tail = r->base + r->size - addr;

            r->size = addr - r->base;
            insert_at(m, i + 1, addr, tail, r->type);
            return;
        }
    }
}

/*
 * [base, end) becomes type, whatever it was: later paints win. A full map
 * drops the paint (MB2_MAX_RANGES is far above what firmware reports).
 */
static void paint(struct range_map *m, uint64_t base, uint64_t end, uint32_t type)
{
    uint32_t i = 0, j;

    if (base >= end || m->n + 3 > MB2_MAX_RANGES)
        return;
    split_at(m, base);
    split_at(m, end);
    while (i < m->n && m->r[i].base < base)
        i++;
    for (j = i; j < m->n && m->r[j].base < end; j++)
        ;
    memmove(&m->r[i], &m->r[j], (m->n - j) * sizeof(*m->r));
    m->n -= j - i;
    insert_at(m, i, base, end - base, type);
}

/* Neighbours of one type become one range. */
static void merge(struct range_map *m)
{
    uint32_t out = 0;

    for (uint32_t i = 0; i < m->n; i++) {
        struct tessera_mem_range *prev = out ? &m->r[out - 1] : NULL;

        if (prev && prev->type == m->r[i].type && prev->base + prev->size == m->r[i].base)
            prev->size += m->r[i].size;
        else
            m->r[out++] = m->r[i];
    }
    m->n = out;
}

static uint32_t mem_type(uint32_t mb2_type)
{
    switch (mb2_type) {
    case MB2_MEM_AVAILABLE: return TESSERA_MEM_RAM;
    case MB2_MEM_ACPI_RECLAIMABLE: return TESSERA_MEM_ACPI_RECLAIM;
    case MB2_MEM_NVS: return TESSERA_MEM_ACPI_NVS;
    case MB2_MEM_BADRAM: return TESSERA_MEM_UNUSABLE;
    default: return TESSERA_MEM_RESERVED;
    }
}

/* RAM shrinks to whole pages first; everything else then grows to whole pages over it. */
static void paint_firmware_map(struct range_map *m, const struct mb2_tag_mmap *t)
{
    const uint8_t *end = (const uint8_t *)t + t->tag.size;

    if (t->entry_size < sizeof(struct mb2_mmap_entry))
        return;
    for (int ram = 1; ram >= 0; ram--) {
        for (const uint8_t *p = (const uint8_t *)(t + 1); p + t->entry_size <= end;
             p += t->entry_size) {
            const struct mb2_mmap_entry *e = (const void *)p;
            uint32_t type = mem_type(e->type);

            if (e->addr + e->len < e->addr || (type == TESSERA_MEM_RAM) != ram)
                continue;
            if (ram)
                paint(m, page_up(e->addr), page_down(e->addr + e->len), type);
            else
                paint(m, page_down(e->addr), page_up(e->addr + e->len), type);
        }
    }
}

/* Four pages of RAM below 1 MiB for the APs' start-up code, as high as possible; 0 if none. */
static uint64_t find_trampoline(const struct range_map *m)
{
    for (uint32_t i = m->n; i-- > 0;) {
        const struct tessera_mem_range *r = &m->r[i];
        uint64_t end = r->base + r->size < LOW_1MIB ? r->base + r->size : LOW_1MIB;

        if (r->type == TESSERA_MEM_RAM && r->base < LOW_1MIB && end - r->base >= TRAMPOLINE_BYTES)
            return end - TRAMPOLINE_BYTES;
    }
    return 0;
}

static void convert_framebuffer(struct tessera_framebuffer *fb, const struct mb2_tag_framebuffer *t)
{
    uint32_t red, green, blue;

    /* Only 32-bit direct colour is drawn on; text and palette modes are no framebuffer. */
    if (t->tag.size < sizeof(*t) || t->type != MB2_FB_TYPE_RGB || t->bpp != 32)
        return;
    red = ((1u << t->red_size) - 1) << t->red_pos;
    green = ((1u << t->green_size) - 1) << t->green_pos;
    blue = ((1u << t->blue_size) - 1) << t->blue_pos;
    fb->base = t->addr;
    fb->size = (uint64_t)t->pitch * t->height;
    fb->width = t->width;
    fb->height = t->height;
    fb->pixels_per_line = t->pitch / 4;
    if (red == 0xFFu && green == 0xFF00u && blue == 0xFF0000u) {
        fb->format = TESSERA_FB_RGBX8888;
    } else if (red == 0xFF0000u && green == 0xFF00u && blue == 0xFFu) {
        fb->format = TESSERA_FB_BGRX8888;
    } else {
        fb->format = TESSERA_FB_BITMASK;
        fb->red_mask = red;
        fb->green_mask = green;
        fb->blue_mask = blue;
        fb->reserved_mask = ~(red | green | blue);
    }
}

/* Where each part of the boot information goes in the scratch area. */
struct layout {
    struct tessera_bootinfo *bi;
    char *cmdline;
    uint8_t *rsdp;
    struct tessera_module *modules;
    struct range_map map;
};

static uint64_t pa_of(const struct mb2_boot *b, const void *p)
{
    return b->scratch_pa + (uint64_t)((const uint8_t *)p - (const uint8_t *)b->scratch);
}

static void take_module(const struct layout *l, const struct mb2_tag_module *t)
{
    struct tessera_bootinfo *bi = l->bi;
    uint64_t base = t->mod_start, size = t->mod_end > t->mod_start ? t->mod_end - t->mod_start : 0;
    const uint32_t *first = (const void *)(uintptr_t)base;

    if (bi->nr_modules == TESSERA_BOOT_MAX_MODULES)
        return; /* the binding's limit: a module-index beyond it is refused as missing */
    /* Xen's convention: the launch tree is the first module, known by its FDT magic. */
    if (bi->nr_modules == 0 && size >= 4 && __builtin_bswap32(*first) == FDT_MAGIC) {
        bi->launch_tree_paddr = base;
        bi->launch_tree_size = size;
    }
    l->modules[bi->nr_modules++] = (struct tessera_module){ base, size, 0 };
}

static void take_tags(const struct mb2_boot *b, const struct layout *l, const uint8_t **mmap)
{
    const uint8_t *mbi = b->mbi, *acpi_old = NULL, *acpi_new = NULL;
    uint32_t total = *(const uint32_t *)mbi, off = 8;
    struct tessera_bootinfo *bi = l->bi;

    while (off + sizeof(struct mb2_tag) <= total) {
        const struct mb2_tag *t = (const void *)(mbi + off);

        if (t->type == MB2_TAG_END || t->size < sizeof(*t) || t->size > total - off)
            break;
        switch (t->type) {
        case MB2_TAG_CMDLINE: {
            uint32_t room = t->size - sizeof(*t);

            /* Longer than the UEFI loader's limit: cut, as it would be. */
            bi->cmdline_len = (uint32_t)strnlen(
                (const char *)(t + 1), room < MB2_CMDLINE_MAX ? room : MB2_CMDLINE_MAX - 1);
            memcpy(l->cmdline, t + 1, bi->cmdline_len);
            break;
        }
        case MB2_TAG_MODULE:
            if (t->size >= sizeof(struct mb2_tag_module))
                take_module(l, (const void *)t);
            break;
        case MB2_TAG_MMAP:
            if (t->size >= sizeof(struct mb2_tag_mmap))
                *mmap = (const uint8_t *)t;
            break;
        case MB2_TAG_FRAMEBUFFER: convert_framebuffer(&bi->framebuffer, (const void *)t); break;
        case MB2_TAG_ACPI_OLD: acpi_old = (const uint8_t *)t; break;
        case MB2_TAG_ACPI_NEW: acpi_new = (const uint8_t *)t; break;
        }
        off += (t->size + 7) & ~7u;
    }
    /* The tags hold a copy of the RSDP, not its address: keep the copy. */
    if (acpi_new || acpi_old) {
        const struct mb2_tag *t = (const void *)(acpi_new ? acpi_new : acpi_old);
        uint32_t len = t->size - sizeof(*t);

        memcpy(l->rsdp, t + 1, len < MB2_RSDP_MAX ? len : MB2_RSDP_MAX);
        bi->rsdp_paddr = pa_of(b, l->rsdp);
    }
}

static void build_map(const struct mb2_boot *b, struct layout *l, const uint8_t *mmap)
{
    struct tessera_bootinfo *bi = l->bi;

    if (!mmap)
        return; /* hv_main() halts: empty memory map */
    paint_firmware_map(&l->map, (const void *)mmap);
    paint(&l->map, page_down(b->hv_image_base), page_up(b->hv_image_base + b->hv_image_size),
          TESSERA_MEM_HV_IMAGE);
    for (uint32_t i = 0; i < bi->nr_modules; i++) {
        const struct tessera_module *m = &l->modules[i];
        bool tree = m->base == bi->launch_tree_paddr && bi->launch_tree_size;

        paint(&l->map, page_down(m->base), page_up(m->base + m->size),
              tree ? TESSERA_MEM_LAUNCH_TREE : TESSERA_MEM_MODULE);
    }
    bi->trampoline_paddr = find_trampoline(&l->map);
    if (bi->trampoline_paddr) {
        bi->trampoline_size = TRAMPOLINE_BYTES;
        paint(&l->map, bi->trampoline_paddr, bi->trampoline_paddr + TRAMPOLINE_BYTES,
              TESSERA_MEM_TRAMPOLINE);
    }
    merge(&l->map);
    bi->memmap_entries = l->map.n;
}

struct tessera_bootinfo *multiboot2_bootinfo(const struct mb2_boot *b)
{
    uint8_t *at = b->scratch;
    struct layout l;
    const uint8_t *mmap = NULL;
    struct tessera_bootinfo *bi;

    memset(b->scratch, 0, MB2_SCRATCH_SIZE);
    l.bi = bi = (void *)at;
    at += sizeof(*bi);
    l.cmdline = (char *)at;
    at += MB2_CMDLINE_MAX;
    l.rsdp = at;
    at += MB2_RSDP_MAX;
    l.modules = (void *)at;
    at += TESSERA_BOOT_MAX_MODULES * sizeof(struct tessera_module);
    l.map = (struct range_map){ (void *)at, 0 };

    bi->magic = TESSERA_BOOTINFO_MAGIC;
    bi->version = TESSERA_BOOTINFO_VERSION;
    bi->size = sizeof(*bi);
    bi->boot_path = TESSERA_BOOT_MULTIBOOT2;
    bi->memmap_entry_size = sizeof(struct tessera_mem_range);
    bi->module_entry_size = sizeof(struct tessera_module);
    bi->hv_image_paddr = b->hv_image_base;
    bi->hv_image_size = b->hv_image_size;
    bi->stamps.loader_start_tsc = b->entry_tsc;
    memcpy(bi->loader_tree_path, "multiboot2 module 0", sizeof("multiboot2 module 0"));

    take_tags(b, &l, &mmap);
    build_map(b, &l, mmap);
    bi->cmdline_paddr = pa_of(b, l.cmdline);
    bi->modules_paddr = pa_of(b, l.modules);
    bi->memmap_paddr = pa_of(b, l.map.r);
    return bi;
}
