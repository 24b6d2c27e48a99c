/* SPDX-License-Identifier: MIT */
/*
 * Offsets in Linux's struct boot_params ("zero page") and its setup header
 * (Documentation/arch/x86/boot.rst, zero-page.rst). The builder writes the
 * page byte by byte at these offsets rather than through a packed struct.
 */
#ifndef DOMAIN_BUILDER_BOOTPARAM_H
#define DOMAIN_BUILDER_BOOTPARAM_H

#define BP_ACPI_RSDP_ADDR    0x070 /* u64, protocol 2.14+ */
#define BP_EXT_RAMDISK_IMAGE 0x0C0
#define BP_EXT_RAMDISK_SIZE  0x0C4
#define BP_EXT_CMD_LINE_PTR  0x0C8
#define BP_E820_ENTRIES      0x1E8 /* u8 */
#define BP_SETUP_SECTS       0x1F1 /* the setup header starts here */
#define BP_VID_MODE          0x1FA
#define BP_BOOT_FLAG         0x1FE /* 0xAA55 */
#define BP_JUMP              0x200 /* 0xEB <len>: header ends at 0x202 + len */
#define BP_HEADER            0x202 /* "HdrS" */
#define BP_VERSION           0x206
#define BP_TYPE_OF_LOADER    0x210
#define BP_LOADFLAGS         0x211
#define BP_CODE32_START      0x214
#define BP_RAMDISK_IMAGE     0x218
#define BP_RAMDISK_SIZE      0x21C
#define BP_HEAP_END_PTR      0x224
#define BP_CMD_LINE_PTR      0x228
#define BP_INITRD_ADDR_MAX   0x22C
#define BP_KERNEL_ALIGNMENT  0x230
#define BP_RELOCATABLE       0x234
#define BP_MIN_ALIGNMENT     0x235
#define BP_XLOADFLAGS        0x236
#define BP_CMDLINE_SIZE      0x238
#define BP_PAYLOAD_OFFSET    0x248
#define BP_PAYLOAD_LENGTH    0x24C
#define BP_PREF_ADDRESS      0x258
#define BP_INIT_SIZE         0x260
#define BP_HEADER_MIN_END    0x264 /* through init_size: what 2.12 guarantees */
#define BP_E820_TABLE        0x2D0 /* 20-byte entries */
#define BP_E820_MAX          128
#define BP_SIZE              4096

#define BP_HDRS_MAGIC                 0x53726448u /* "HdrS" */
#define BP_LOADED_HIGH                (1u << 0)
#define BP_XLF_KERNEL_64              (1u << 0)
#define BP_XLF_CAN_BE_LOADED_ABOVE_4G (1u << 1)
#define BP_LOADER_UNDEFINED           0xFF

/* The 64-bit entry point is this far into the protected-mode kernel. */
#define BP_ENTRY64_OFFSET 0x200

#endif
