// SPDX-License-Identifier: MIT
/* The launch-control device tree: read, checked, and given room to grow. */
#include <libfdt.h>
#include <hyperlaunch/fdt_check.h>

#include "loader.h"

/*
 * Room for what the loader adds: per module a reg property (12-byte header,
 * at most 4 cells), and "reg" in the strings block once; plus a page spare.
 */
#define TREE_ROOM_PER_MODULE 28
#define TREE_SLACK           4096

static EFI_STATUS tree_copy(struct loader *ld, const void *from, uint64_t new_size)
{
    uint64_t addr = HANDOVER_MAX_ADDR;
    int err;

    if (EFI_ERROR(pages_alloc(AllocateMaxAddress, TESSERA_EFI_MEMTYPE(TESSERA_MEM_LAUNCH_TREE),
                              new_size, &addr))) {
        con_error("%s: out of memory for the launch tree (%lu bytes)", ld->tree_path,
                  (unsigned long)new_size);
        return EFI_OUT_OF_RESOURCES;
    }
    err = fdt_open_into(from, (void *)(uintptr_t)addr, (int)new_size);
    if (err) {
        con_error("%s: cannot copy the launch tree: %s", ld->tree_path, fdt_strerror(err));
        pages_free(addr);
        return EFI_LOAD_ERROR;
    }
    ld->tree = (void *)(uintptr_t)addr;
    ld->tree_alloc = new_size;
    return EFI_SUCCESS;
}

EFI_STATUS tree_load(struct loader *ld)
{
    uint64_t addr, size;
    const void *file;
    unsigned modules;
    EFI_STATUS s;
    char why[160];
    int err;

    s = file_load(ld, ld->tree_path, EfiLoaderData, 0, PAGE_SIZE, NULL, &addr, &size);
    if (EFI_ERROR(s))
        return s;
    file = (const void *)(uintptr_t)addr;

    err = size < sizeof(struct fdt_header) ? -FDT_ERR_TRUNCATED : fdt_check_header(file);
    if (!err && fdt_totalsize(file) > size)
        err = -FDT_ERR_TRUNCATED;
    /* The bounded check first: libfdt's full check loops forever on some blobs. */
    if (!err && hl_fdt_check(file, size, why, sizeof(why)) != 0) {
        con_error("%s: not a valid device tree: %s", ld->tree_path, why);
        pages_free(addr);
        return EFI_LOAD_ERROR;
    }
    if (!err)
        err = fdt_check_full(file, size);
    if (err) {
        con_error("%s: not a valid device tree: %s", ld->tree_path, fdt_strerror(err));
        pages_free(addr);
        return EFI_LOAD_ERROR;
    }
    con_info("launch tree %s (%lu bytes)", ld->tree_path, (unsigned long)size);

    modules = modules_count(file);
    if (modules > MAX_MODULES) {
        con_error("%s: %u nodes with xen,uefi-binary; the loader takes at most %u", ld->tree_path,
                  modules, MAX_MODULES);
        pages_free(addr);
        return EFI_LOAD_ERROR;
    }
    s = tree_copy(ld, file,
                  page_round_up(fdt_totalsize(file) + modules * TREE_ROOM_PER_MODULE + TREE_SLACK));
    pages_free(addr);
    return s;
}
