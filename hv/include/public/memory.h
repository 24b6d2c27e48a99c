/* SPDX-License-Identifier: MIT */
/* memory_op, from Xen's xen/include/public/memory.h. */
#ifndef TESSERA_PUBLIC_MEMORY_H
#define TESSERA_PUBLIC_MEMORY_H

#include <stdint.h>

#define XENMEM_increase_reservation 0
#define XENMEM_decrease_reservation 1
#define XENMEM_current_reservation  3
#define XENMEM_maximum_reservation  4
#define XENMEM_populate_physmap     6
#define XENMEM_add_to_physmap       7
#define XENMEM_memory_map           9
#define XENMEM_machphys_mfn_list    5  /* PV: the M2P's 2 MiB extents */
#define XENMEM_machphys_mapping     12 /* PV: where the read-only M2P is */

/* memory_op's command bits; the rest (cmd >> MEMOP_EXTENT_SHIFT) is the first extent to do. */
#define MEMOP_EXTENT_SHIFT 6
#define MEMOP_CMD_MASK     ((1u << MEMOP_EXTENT_SHIFT) - 1)

/* xen_memory_reservation.mem_flags */
#define XENMEMF_populate_on_demand (1u << 16)

/*
 * XENMEM_increase/decrease_reservation and XENMEM_populate_physmap; the
 * call returns how many extents were done (or -errno before the first).
 */
struct xen_memory_reservation {
    uint64_t extent_start; /* guest handle of xen_pfn_t[nr_extents] */
    uint64_t nr_extents;   /* xen_ulong_t */
    uint32_t extent_order; /* each extent is 2^extent_order pages */
    uint32_t mem_flags;    /* XENMEMF_* (address bits in 7:0) */
    uint16_t domid;
};

#define XENMAPSPACE_shared_info 0
#define XENMAPSPACE_grant_table 1

struct xen_add_to_physmap {
    uint16_t domid;
    uint16_t size;
    uint32_t space; /* XENMAPSPACE_* */
    uint64_t idx;
    uint64_t gpfn;
};

/* XENMEM_machphys_mapping: the M2P's guest-virtual range and the last frame it covers. */
struct xen_machphys_mapping {
    uint64_t v_start, v_end;
    uint64_t max_mfn;
};

/* XENMEM_machphys_mfn_list: the first frame of each 2 MiB of the M2P, up to max_extents. */
struct xen_machphys_mfn_list {
    uint32_t max_extents;
    uint64_t extent_start; /* guest address of an array of frame numbers */
    uint32_t nr_extents;   /* out */
};

/* XENMEM_memory_map: the guest's e820 (struct hvm_memmap_table_entry form). */
struct xen_memory_map {
    uint32_t nr_entries; /* IN: room, OUT: entries written */
    uint32_t pad;
    uint64_t buffer; /* guest pointer */
};

#endif
