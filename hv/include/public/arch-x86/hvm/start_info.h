/* SPDX-License-Identifier: MIT */
/*
 * PVH start of day, from Xen's xen/include/public/arch-x86/hvm/start_info.h.
 *
 * The guest enters at XEN_ELFNOTE_PHYS32_ENTRY in 32-bit protected mode:
 * paging off, CR0 = PE | ET, CS a flat 32-bit read/execute segment, DS/ES/SS
 * flat 32-bit read/write, TR a 32-bit TSS (base 0, limit 0x67), EFLAGS.IF
 * clear, EBX the physical address of struct hvm_start_info. Everything the
 * structure points to is physical and, for Linux, below 1 GiB (a convention
 * this project keeps for every PVH guest).
 */
#ifndef TESSERA_PUBLIC_ARCH_X86_HVM_START_INFO_H
#define TESSERA_PUBLIC_ARCH_X86_HVM_START_INFO_H

#include <stdint.h>

#define XEN_HVM_START_MAGIC_VALUE 0x336ec578u

/* flags: the same meaning as the PV start_info flags. */
#define XEN_HVM_START_SIF_PRIVILEGED (1u << 0)
#define XEN_HVM_START_SIF_INITDOMAIN (1u << 1)

/* Memory map entry types: the e820 types. */
#define XEN_HVM_MEMMAP_TYPE_RAM      1
#define XEN_HVM_MEMMAP_TYPE_RESERVED 2
#define XEN_HVM_MEMMAP_TYPE_ACPI     3
#define XEN_HVM_MEMMAP_TYPE_NVS      4
#define XEN_HVM_MEMMAP_TYPE_UNUSABLE 5
#define XEN_HVM_MEMMAP_TYPE_DISABLED 6
#define XEN_HVM_MEMMAP_TYPE_PMEM     7

struct hvm_start_info {
    uint32_t magic;   /* XEN_HVM_START_MAGIC_VALUE */
    uint32_t version; /* 0 or 1; memmap_* are valid from 1 */
    uint32_t flags;   /* XEN_HVM_START_SIF_* */
    uint32_t nr_modules;
    uint64_t modlist_paddr; /* struct hvm_modlist_entry[nr_modules] */
    uint64_t cmdline_paddr; /* NUL-terminated, 0 if none */
    uint64_t rsdp_paddr;    /* ACPI RSDP, 0 if none */
    uint64_t memmap_paddr;  /* struct hvm_memmap_table_entry[memmap_entries] */
    uint32_t memmap_entries;
    uint32_t reserved;
};

struct hvm_modlist_entry {
    uint64_t paddr;
    uint64_t size;
    uint64_t cmdline_paddr;
    uint64_t reserved;
};

struct hvm_memmap_table_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type; /* XEN_HVM_MEMMAP_TYPE_* */
    uint32_t reserved;
};

#endif
