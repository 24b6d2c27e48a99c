/* SPDX-License-Identifier: MIT */
/*
 * The modules the loader placed, as the boot information lists them: the
 * only memory the hypervisor takes module bytes from (a tree's reg may point
 * anywhere: at the hypervisor, at memory that is not RAM).
 */
#ifndef HV_BOOT_MODULES_H
#define HV_BOOT_MODULES_H

#include <boot/bootinfo.h>
#include <hyperlaunch/hyperlaunch.h>
#include <hv/types.h>

/* Whether [base, base + size) lies inside one module the loader placed (bi in the direct map). */
bool boot_module_placed(const struct tessera_bootinfo *bi, uint64_t base, uint64_t size);

/*
 * Whether the pages of [base, base + size) (base page aligned) may become a
 * domain's own: inside one listed module's pages, overlapping no other
 * listed module's pages, and module memory (TESSERA_MEM_MODULE) in the
 * memory map throughout, so that the page allocator never had them.
 */
bool boot_module_exclusive(const struct tessera_bootinfo *bi, uint64_t base, uint64_t size);

/*
 * The list the launch tree's module-index values count in: the multiboot2
 * loader's modules, in its order (the tree is module 0). NULL with *nr = 0 on
 * the UEFI path, where module-index is refused (docs/launch-control.md).
 */
const struct hl_boot_module *boot_modules_indexed(const struct tessera_bootinfo *bi, uint32_t *nr);

/* Module index of the multiboot2 list; false on the UEFI path or out of range. */
bool boot_module_at(const struct tessera_bootinfo *bi, uint32_t index, uint64_t *base,
                    uint64_t *size);

#endif
