/* SPDX-License-Identifier: MIT */
/*
 * The multiboot2 boot path (docs/boot-protocol.md, "The multiboot2 path"):
 * the boot information tags a multiboot2 loader (GRUB) hands over, and the
 * builder that turns them into the struct tessera_bootinfo the UEFI loader
 * would have given. Plain C over integers and pointers, no hypervisor
 * services: it runs before .bss is cleared, and the host unit tests build it.
 */
#ifndef HV_X86_BOOT_MULTIBOOT2_H
#define HV_X86_BOOT_MULTIBOOT2_H

#include <stddef.h>
#include <stdint.h>
#include <boot/bootinfo.h>

#define MB2_HEADER_MAGIC     0xE85250D6u /* in the image */
#define MB2_BOOTLOADER_MAGIC 0x36D76289u /* in EAX at entry */

/* Boot information tag types (Multiboot2 specification 3.6). */
enum mb2_tag_type {
    MB2_TAG_END = 0,
    MB2_TAG_CMDLINE = 1,
    MB2_TAG_MODULE = 3,
    MB2_TAG_MMAP = 6,
    MB2_TAG_FRAMEBUFFER = 8,
    MB2_TAG_ACPI_OLD = 14,
    MB2_TAG_ACPI_NEW = 15,
};

/* Memory map entry types. */
enum mb2_mem_type {
    MB2_MEM_AVAILABLE = 1,
    MB2_MEM_ACPI_RECLAIMABLE = 3,
    MB2_MEM_NVS = 4,
    MB2_MEM_BADRAM = 5,
};

#define MB2_FB_TYPE_RGB 1

struct mb2_tag {
    uint32_t type;
    uint32_t size; /* with this header; the next tag starts 8-byte aligned */
};

struct mb2_tag_module {
    struct mb2_tag tag;
    uint32_t mod_start;
    uint32_t mod_end; /* exclusive */
    char string[];
};

struct mb2_mmap_entry {
    uint64_t addr;
    uint64_t len;
    uint32_t type;
    uint32_t zero;
};

struct mb2_tag_mmap {
    struct mb2_tag tag;
    uint32_t entry_size;
    uint32_t entry_version;
};

struct mb2_tag_framebuffer {
    struct mb2_tag tag;
    uint64_t addr;
    uint32_t pitch;
    uint32_t width;
    uint32_t height;
    uint8_t bpp;
    uint8_t type;
    uint16_t reserved;
    /* type RGB: */
    uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

/* What the builder needs besides the tags. */
struct mb2_boot {
    const void *mbi;        /* the multiboot2 information (EBX at entry) */
    uint64_t hv_image_base; /* the hypervisor's loaded image */
    uint64_t hv_image_size;
    uint64_t entry_tsc;  /* TSC at the 32-bit entry */
    void *scratch;       /* where the boot information is built: kept memory */
    uint64_t scratch_pa; /* its physical address */
    size_t scratch_size; /* at least MB2_SCRATCH_SIZE */
};

/* Room the builder takes at most from the scratch area. */
#define MB2_MAX_RANGES  512u
#define MB2_CMDLINE_MAX 1024u
#define MB2_RSDP_MAX    64u
#define MB2_SCRATCH_SIZE                                                \
    (sizeof(struct tessera_bootinfo) + MB2_CMDLINE_MAX + MB2_RSDP_MAX + \
     TESSERA_BOOT_MAX_MODULES * sizeof(struct tessera_module) +         \
     MB2_MAX_RANGES * sizeof(struct tessera_mem_range))

/*
 * Builds the boot information in b->scratch and returns it. Never fails:
 * what is missing (no memory map, no launch tree module) is left empty for
 * hv_main() to report, as it would for a broken UEFI loader.
 */
struct tessera_bootinfo *multiboot2_bootinfo(const struct mb2_boot *b);

#endif
