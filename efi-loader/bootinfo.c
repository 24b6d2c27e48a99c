// SPDX-License-Identifier: MIT
/*
 * One TESSERA_MEM_BOOTINFO allocation holds struct tessera_bootinfo, the
 * command line, the module list and the converted memory map. It is sized before the final
 * GetMemoryMap because nothing can be allocated after ExitBootServices.
 */
#include <string.h>

#include "loader.h"

static uint64_t align8(uint64_t v)
{
    return (v + 7) & ~7ull;
}

static void fill(struct loader *ld, struct tessera_bootinfo *bi)
{
    memset(bi, 0, sizeof(*bi));
    bi->magic = TESSERA_BOOTINFO_MAGIC;
    bi->version = TESSERA_BOOTINFO_VERSION;
    bi->size = sizeof(*bi);
    bi->memmap_entry_size = sizeof(struct tessera_mem_range);
    bi->module_entry_size = sizeof(struct tessera_module);
    bi->nr_modules = ld->module_count;
    bi->launch_tree_paddr = (uint64_t)(uintptr_t)ld->tree;
    bi->launch_tree_size = ld->tree_alloc;
    bi->hv_image_paddr = ld->hv_base;
    bi->hv_image_size = ld->hv_size;
    bi->rsdp_paddr = ld->rsdp;
    bi->trampoline_paddr = ld->trampoline;
    bi->trampoline_size = ld->trampoline_size;
    bi->framebuffer = ld->fb;
    memcpy(bi->loader_tree_path, ld->tree_path,
           strnlen(ld->tree_path, sizeof(bi->loader_tree_path) - 1));
}

EFI_STATUS bootinfo_exit_firmware(struct loader *ld, uint64_t *bootinfo)
{
    struct memmap mm;
    struct tessera_bootinfo *bi;
    uint64_t addr = HANDOVER_MAX_ADDR, cmdline_off, modules_off, map_off, total;
    uint32_t max_ranges;
    EFI_STATUS s;

    s = memmap_prepare(ld, &mm, &max_ranges);
    if (EFI_ERROR(s))
        return s;
    cmdline_off = align8(sizeof(*bi));
    modules_off = cmdline_off + align8(ld->cmdline_len + 1);
    map_off = modules_off + (uint64_t)ld->module_count * sizeof(struct tessera_module);
    total = map_off + (uint64_t)max_ranges * sizeof(struct tessera_mem_range);
    s = pages_alloc(AllocateMaxAddress, TESSERA_EFI_MEMTYPE(TESSERA_MEM_BOOTINFO), total, &addr);
    if (EFI_ERROR(s)) {
        con_error("out of memory for the boot information (%lu bytes)", (unsigned long)total);
        ld->bs->FreePool(mm.raw);
        return s;
    }
    bi = (struct tessera_bootinfo *)(uintptr_t)addr;
    fill(ld, bi);
    bi->cmdline_paddr = addr + cmdline_off;
    bi->cmdline_len = ld->cmdline_len;
    memcpy((void *)(uintptr_t)bi->cmdline_paddr, ld->cmdline, ld->cmdline_len + 1);
    bi->modules_paddr = addr + modules_off;
    memcpy((void *)(uintptr_t)bi->modules_paddr, ld->modules,
           ld->module_count * sizeof(struct tessera_module));
    bi->memmap_paddr = addr + map_off;

    con_info("launch tree at 0x%lx (%lu bytes), command line \"%s\"",
             (unsigned long)bi->launch_tree_paddr, (unsigned long)ld->tree_alloc, ld->cmdline);
    con_info("starting hypervisor at 0x%lx (bootinfo 0x%lx)", (unsigned long)ld->hv_entry,
             (unsigned long)addr);

    s = memmap_exit_boot_services(ld, &mm);
    if (EFI_ERROR(s)) {
        ld->bs->FreePool(mm.raw);
        return s;
    }
    /* Firmware interrupt handlers live in memory that is about to be reused. */
    __asm__ volatile("cli");
    bi->stamps = ld->stamps;
    bi->memmap_entries = memmap_convert(
        ld, &mm, (struct tessera_mem_range *)(uintptr_t)bi->memmap_paddr, max_ranges);
    place_finish(ld);
    *bootinfo = addr;
    return EFI_SUCCESS;
}
