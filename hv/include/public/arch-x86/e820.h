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
    uint32_t type;          /* XEN_HVM_MEMMAP_TYPE_* (e820 types) */
} __attribute__((packed));

/* XENMEM_memory_map from a 32-bit guest: the buffer handle is 32 bits wide. */
struct compat_memory_map {
    uint32_t nr_entries;
    uint32_t buffer;
};

#endif
