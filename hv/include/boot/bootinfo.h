/* SPDX-License-Identifier: MIT */
/*
 * Boot protocol between the UEFI loader (efi-loader/) and the hypervisor.
 *
 * The loader enters the hypervisor's ELF entry point in 64-bit mode with
 * RDI = physical address of a struct tessera_bootinfo, interrupts disabled,
 * boot services exited, paging on with the firmware's identity map of all
 * memory below 4 GiB still active (the hypervisor replaces it at once).
 *
 * Every address in this structure is a physical address; nothing points into
 * memory the hypervisor may reuse. Everything the loader hands over (this
 * structure, the memory map, the command line, the launch tree, the modules,
 * the hypervisor image, the CPU start-up trampoline) lives in pages the loader
 * allocated with one of the TESSERA_MEM_* OEM memory types below, so it shows
 * up as not-free in the memory map itself. See docs/boot-protocol.md.
 *
 * This header is shared by the loader and the hypervisor and must stay
 * self-contained: fixed-width types only, no pointers, explicit padding.
 */
#ifndef TESSERA_BOOT_BOOTINFO_H
#define TESSERA_BOOT_BOOTINFO_H

#include <stdint.h>

#define TESSERA_BOOTINFO_MAGIC   0x4F464E49544F4F42ull /* "BOOTINFO" */
#define TESSERA_BOOTINFO_VERSION 3u

/*
 * At most this many modules are handed over: what the launch-control binding
 * allows (hyperlaunch/plan.h HL_MAX_MODULES), so the hypervisor never needs a
 * smaller table.
 */
#define TESSERA_BOOT_MAX_MODULES 2064u

/* Memory map entry types, as converted by the loader from the UEFI map. */
enum tessera_mem_type {
    TESSERA_MEM_RAM = 1,          /* free for the hypervisor to use */
    TESSERA_MEM_RESERVED = 2,     /* firmware, runtime services, unusable */
    TESSERA_MEM_ACPI_RECLAIM = 3, /* ACPI tables */
    TESSERA_MEM_ACPI_NVS = 4,
    TESSERA_MEM_MMIO = 5,
    TESSERA_MEM_UNUSABLE = 6, /* reported bad */
    TESSERA_MEM_PERSISTENT = 7,
    /* Ranges the loader handed over; never free for the allocator. */
    TESSERA_MEM_HV_IMAGE = 16,
    TESSERA_MEM_BOOTINFO = 17, /* this struct, memory map, command line */
    TESSERA_MEM_LAUNCH_TREE = 18,
    TESSERA_MEM_MODULE = 19,
    TESSERA_MEM_TRAMPOLINE = 20,
};

/*
 * UEFI OEM memory types (0x80000000 and up are OS-defined) the loader uses
 * for its allocations, so the firmware's own map marks them.
 */
#define TESSERA_EFI_MEMTYPE_BASE 0x80000000u
#define TESSERA_EFI_MEMTYPE(t)   (TESSERA_EFI_MEMTYPE_BASE + (uint32_t)(t))

struct tessera_mem_range {
    uint64_t base;  /* bytes, page aligned */
    uint64_t size;  /* bytes, page multiple */
    uint32_t type;  /* enum tessera_mem_type */
    uint32_t flags; /* TESSERA_MEMF_* */
};

#define TESSERA_MEMF_UNCACHEABLE (1u << 0) /* firmware said UC only */
#define TESSERA_MEMF_RUNTIME     (1u << 1) /* EFI runtime services range */

/* A module the loader placed (a xen,uefi-binary file): the node's reg says the same. */
struct tessera_module {
    uint64_t base;     /* bytes, page aligned */
    uint64_t size;     /* bytes of the file (its pages are the loader's up to a page multiple) */
    uint64_t read_tsc; /* TSC when the loader had read it (version 3) */
};

/*
 * Which path started the hypervisor. The UEFI loader leaves 0; the
 * hypervisor's own multiboot2 entry builds this structure from the loader's
 * tags (docs/boot-protocol.md) and sets MULTIBOOT2, which also makes the
 * module list the one the launch tree's module-index values count in.
 */
enum tessera_boot_path {
    TESSERA_BOOT_UEFI = 0,
    TESSERA_BOOT_MULTIBOOT2 = 1,
};

/* GOP pixel formats (matching the meaning of EFI_GRAPHICS_PIXEL_FORMAT). */
enum tessera_fb_format {
    TESSERA_FB_NONE = 0,
    TESSERA_FB_RGBX8888 = 1,
    TESSERA_FB_BGRX8888 = 2,
    TESSERA_FB_BITMASK = 3,
};

struct tessera_framebuffer {
    uint64_t base;
    uint64_t size;
    uint32_t width;
    uint32_t height;
    uint32_t pixels_per_line;
    uint32_t format;                                         /* enum tessera_fb_format */
    uint32_t red_mask, green_mask, blue_mask, reserved_mask; /* BITMASK only */
};

/*
 * Boot timeline stamps recorded by the loader, as raw TSC values. The loader
 * also measures the TSC rate against the firmware's Stall() so early stamps
 * can be converted before the hypervisor calibrates; the hypervisor's own
 * calibration (PM timer or HPET) takes precedence.
 */
struct tessera_boot_stamps {
    uint64_t loader_start_tsc;
    uint64_t exit_boot_services_tsc;
    uint64_t loader_tsc_khz; /* 0 if the loader could not measure */
    uint64_t tree_read_tsc;  /* the launch tree read and checked (version 3) */
    uint64_t hv_read_tsc;    /* the hypervisor's segments read (version 3) */
};

struct tessera_bootinfo {
    uint64_t magic;   /* TESSERA_BOOTINFO_MAGIC */
    uint32_t version; /* TESSERA_BOOTINFO_VERSION */
    uint32_t size;    /* sizeof(struct tessera_bootinfo) */

    uint64_t memmap_paddr; /* array of struct tessera_mem_range, sorted by base */
    uint32_t memmap_entries;
    uint32_t memmap_entry_size; /* sizeof(struct tessera_mem_range) */

    uint64_t launch_tree_paddr; /* flattened device tree, modules' reg filled in */
    uint64_t launch_tree_size;  /* bytes allocated for it (>= fdt totalsize) */

    uint64_t hv_image_paddr; /* lowest PT_LOAD address */
    uint64_t hv_image_size;  /* bytes, up to the end of the last PT_LOAD */

    uint64_t cmdline_paddr; /* NUL-terminated ASCII: loader options less launch= */
    uint32_t cmdline_len;   /* without the NUL */
    uint32_t pad0;

    uint64_t rsdp_paddr; /* ACPI RSDP (2.0+ preferred), 0 if none */

    uint64_t trampoline_paddr; /* page-aligned, below 1 MiB, for AP start-up */
    uint32_t trampoline_size;  /* bytes */
    uint32_t boot_path;        /* enum tessera_boot_path: who filled this in */

    struct tessera_framebuffer framebuffer; /* format NONE if no GOP */
    struct tessera_boot_stamps stamps;

    char loader_tree_path[128]; /* volume path the tree was read from, for reports */

    uint64_t modules_paddr;     /* array of struct tessera_module, in tree order */
    uint32_t nr_modules;        /* at most TESSERA_BOOT_MAX_MODULES */
    uint32_t module_entry_size; /* sizeof(struct tessera_module) */
};

#endif
