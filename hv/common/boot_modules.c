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
