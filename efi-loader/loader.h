/* SPDX-License-Identifier: MIT */
/* The UEFI loader's shared state and the interfaces between its files. */
#ifndef TESSERA_EFI_LOADER_H
#define TESSERA_EFI_LOADER_H

#include <efi.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <boot/bootinfo.h>

#define LOADER_PATH_MAX    256
#define LOADER_CMDLINE_MAX 1024
#define PAGE_SIZE          4096ull
/* Everything handed over lies in the firmware's identity map of the low 4 GiB. */
#define HANDOVER_MAX_ADDR 0xFFFFFFFFull

#define DEFAULT_TREE_PATH "\\tessera\\launch.dtb"
#define DEFAULT_HV_PATH   "\\tessera\\tessera.elf"

#define HV_MAX_RANGES 16
#define MAX_MODULES   TESSERA_BOOT_MAX_MODULES /* as many as the binding allows */

/* A page range of the hypervisor image; staged != 0: held there until after EBS. */
struct hv_range {
    uint64_t start, end;
    uint64_t staged;
};

struct loader {
    EFI_HANDLE image;
    EFI_SYSTEM_TABLE *st;
    EFI_BOOT_SERVICES *bs;
    EFI_FILE_HANDLE root;

    char tree_path[LOADER_PATH_MAX]; /* normalised: "\dir\file" */
    char hv_path[LOADER_PATH_MAX];
    char cmdline[LOADER_CMDLINE_MAX];
    uint32_t cmdline_len;
    bool bench_blockio; /* load option bench-blockio */

    void *tree;          /* in TESSERA_MEM_LAUNCH_TREE pages */
    uint64_t tree_alloc; /* bytes allocated for it */

    struct tessera_module modules[MAX_MODULES]; /* as placed, in tree order */
    unsigned module_count;

    uint64_t hv_entry;
    uint64_t hv_base, hv_size;
    struct hv_range hv_ranges[HV_MAX_RANGES];
    unsigned hv_range_count;
    uint64_t trampoline;
    uint32_t trampoline_size;
    uint64_t rsdp;
    struct tessera_framebuffer fb;
    struct tessera_boot_stamps stamps;
};

static inline uint64_t page_round_up(uint64_t bytes)
{
    return (bytes + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

/* console.c: every line starts with "tessera-loader: ". */
void con_init(EFI_SYSTEM_TABLE *st);
__attribute__((format(printf, 1, 2))) void con_info(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void con_error(const char *fmt, ...);
const char *efi_status_text(EFI_STATUS s);

/* alloc.c: page allocations, remembered so a failed boot can free them all. */
void alloc_init(EFI_BOOT_SERVICES *bs);
EFI_STATUS pages_alloc(EFI_ALLOCATE_TYPE how, uint32_t efi_type, uint64_t bytes, uint64_t *addr);
/* The same at a multiple of align (a power of two, at least a page). */
EFI_STATUS pages_alloc_aligned(EFI_ALLOCATE_TYPE how, uint32_t efi_type, uint64_t bytes,
                               uint64_t align, uint64_t *addr);
void pages_free(uint64_t addr);
void pages_free_all(void);

/* options.c */
/* The UEFI shell passes its command line, program name first, as load options. */
EFI_STATUS options_parse(struct loader *ld, const void *opts, uint32_t size,
                         bool skip_program_name);

/* blockio.c: the volume's raw block-I/O rate, printed (load option bench-blockio). */
void blockio_bench(struct loader *ld, EFI_HANDLE device);

/* file.c */
bool path_normalise(const char *in, char *out, size_t out_size);
EFI_STATUS volume_open(struct loader *ld, EFI_HANDLE device);
void volume_close(struct loader *ld);
/* A file of at least align bytes starts at a multiple of align, smaller ones at a page. */
EFI_STATUS file_load(struct loader *ld, const char *path, uint32_t efi_type, uint64_t max_addr,
                     uint64_t align, const char *referrer, uint64_t *addr, uint64_t *size);

/* tree.c */
EFI_STATUS tree_load(struct loader *ld);

/* modules.c: each placed module is also listed in ld->modules, for the boot information. */
unsigned modules_count(const void *fdt);
EFI_STATUS modules_load(struct loader *ld);

/* elf.c */
const char *elf_check(const void *file, uint64_t size); /* NULL if usable, else why not */
EFI_STATUS hv_load(struct loader *ld);

/* place.c: the hypervisor's segments at their physical addresses. */
EFI_STATUS place_reserve(struct loader *ld, uint64_t start, uint64_t end);
void place_write(struct loader *ld, uint64_t dest, const void *src, uint64_t len);
struct memmap;
bool place_still_reclaimable(const struct loader *ld, const struct memmap *mm);
void place_finish(const struct loader *ld);

/* platform.c: what the loader records about the machine. */
void platform_capture(struct loader *ld);
EFI_STATUS trampoline_reserve(struct loader *ld);

/* memmap.c */
struct memmap {
    void *raw;          /* UEFI descriptors (LoaderData pool) */
    UINTN raw_capacity; /* bytes */
    UINTN raw_size;
    UINTN desc_size;
    UINTN key;
    uint32_t desc_version;
};
EFI_STATUS memmap_prepare(struct loader *ld, struct memmap *mm, uint32_t *max_ranges);
EFI_STATUS memmap_exit_boot_services(struct loader *ld, struct memmap *mm);
#define MEMMAP_NO_TYPE 0xFFFFFFFFu
const char *memmap_type_name(uint32_t type);
bool memmap_reclaimable(const struct memmap *mm, uint64_t start, uint64_t end, uint64_t *bad_addr,
                        uint32_t *bad_type);
bool memmap_reclaimable_now(struct loader *ld, uint64_t start, uint64_t end, uint64_t *bad_addr,
                            uint32_t *bad_type);
EFI_STATUS memmap_claim_free(struct loader *ld, uint64_t start, uint64_t end, uint32_t efi_type);
bool memmap_region_of(struct loader *ld, uint64_t addr, uint64_t *base, uint64_t *end);
uint32_t memmap_convert(const struct loader *ld, const struct memmap *mm,
                        struct tessera_mem_range *out, uint32_t max_ranges);

/* bootinfo.c: exits boot services; on success *bootinfo is ready to pass. */
EFI_STATUS bootinfo_exit_firmware(struct loader *ld, uint64_t *bootinfo);

#endif
