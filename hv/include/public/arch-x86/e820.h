/* SPDX-License-Identifier: MIT */
/*
 * The memory map XENMEM_memory_map returns: an array of e820 entries, packed
 * (20 bytes each), as Xen's arch-x86 e820 layout and Linux's struct e820_entry.
 */
#ifndef TESSERA_PUBLIC_ARCH_X86_E820_H
#define TESSERA_PUBLIC_ARCH_X86_E820_H

#include <stdint.h>

struct e820entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type; /* XEN_HVM_MEMMAP_TYPE_* (e820 types) */
} __attribute__((packed));

#endif
