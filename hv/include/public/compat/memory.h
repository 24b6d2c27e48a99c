/* SPDX-License-Identifier: MIT */
/*
 * memory_op's structures as a 32-bit guest passes them (Xen's compat
 * layout): guest handles and xen_ulong_t fields are 32 bits wide.
 */
#ifndef TESSERA_PUBLIC_COMPAT_MEMORY_H
#define TESSERA_PUBLIC_COMPAT_MEMORY_H

#include <stdint.h>

/* struct xen_memory_reservation; extent_start points at 32-bit frame numbers */
struct compat_memory_reservation {
    uint32_t extent_start;
    uint32_t nr_extents;
    uint32_t extent_order;
    uint32_t mem_flags;
    uint16_t domid;
};

/* struct xen_memory_map */
struct compat_memory_map {
    uint32_t nr_entries;
    uint32_t buffer;
};

/* struct xen_add_to_physmap */
struct compat_add_to_physmap {
    uint16_t domid;
    uint16_t size;
    uint32_t space;
    uint32_t idx;
    uint32_t gpfn;
};

#endif
