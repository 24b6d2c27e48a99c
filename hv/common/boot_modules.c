// SPDX-License-Identifier: MIT
/* The boot information's module list (hv/boot_modules.h). */
#include <hv/boot_modules.h>
#include <hv/page_alloc.h>

bool boot_module_placed(const struct tessera_bootinfo *bi, uint64_t base, uint64_t size)
{
    const uint8_t *list = phys_to_virt(mk_paddr(bi->modules_paddr));
    uint32_t i;

    for (i = 0; i < bi->nr_modules; i++) {
        const struct tessera_module *m = (const void *)(list + (uint64_t)i * bi->module_entry_size);

        if (base >= m->base && size <= m->size && base - m->base <= m->size - size)
            return true;
    }
    return false;
}

/* Whether the memory map calls all of [start, end) module memory (neighbours are merged). */
static bool module_memory(const struct tessera_bootinfo *bi, uint64_t start, uint64_t end)
{
    const uint8_t *map = phys_to_virt(mk_paddr(bi->memmap_paddr));
    uint32_t i;

    for (i = 0; i < bi->memmap_entries; i++) {
        const struct tessera_mem_range *r =
            (const void *)(map + (uint64_t)i * bi->memmap_entry_size);

        if (r->type == TESSERA_MEM_MODULE && start >= r->base && end <= r->base + r->size)
            return true;
    }
    return false;
}

bool boot_module_exclusive(const struct tessera_bootinfo *bi, uint64_t base, uint64_t size)
{
    const uint8_t *list = phys_to_virt(mk_paddr(bi->modules_paddr));
    uint64_t end = ALIGN_UP(base + size, PAGE_SIZE);
    unsigned int inside = 0;
    uint32_t i;

    if (!size || !IS_ALIGNED(base, PAGE_SIZE) || end <= base)
        return false;
    for (i = 0; i < bi->nr_modules; i++) {
        const struct tessera_module *m = (const void *)(list + (uint64_t)i * bi->module_entry_size);
        uint64_t m_start = ALIGN_DOWN(m->base, PAGE_SIZE);
        uint64_t m_end = ALIGN_UP(m->base + m->size, PAGE_SIZE);

        if (m_end <= base || end <= m_start)
            continue;
        if (base < m_start || end > m_end)
            return false; /* part of it is outside this module: another's or nobody's */
        inside++;
    }
    return inside == 1 && module_memory(bi, base, end);
}

const struct hl_boot_module *boot_modules_indexed(const struct tessera_bootinfo *bi, uint32_t *nr)
{
    static struct hl_boot_module list[TESSERA_BOOT_MAX_MODULES];
    const uint8_t *mods = phys_to_virt(mk_paddr(bi->modules_paddr));

    *nr = 0;
    if (bi->boot_path != TESSERA_BOOT_MULTIBOOT2)
        return NULL;
    for (uint32_t i = 0; i < bi->nr_modules; i++) {
        const struct tessera_module *m = (const void *)(mods + (uint64_t)i * bi->module_entry_size);

        list[i] = (struct hl_boot_module){ m->base, m->size };
    }
    *nr = bi->nr_modules;
    return list;
}

bool boot_module_at(const struct tessera_bootinfo *bi, uint32_t index, uint64_t *base,
                    uint64_t *size)
{
    const struct tessera_module *m;

    if (bi->boot_path != TESSERA_BOOT_MULTIBOOT2 || index >= bi->nr_modules)
        return false;
    m = (const void *)((const uint8_t *)phys_to_virt(mk_paddr(bi->modules_paddr)) +
                       (uint64_t)index * bi->module_entry_size);
    *base = m->base;
    *size = m->size;
    return true;
}
