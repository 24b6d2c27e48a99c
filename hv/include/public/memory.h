/* SPDX-License-Identifier: MIT */
/* memory_op, from Xen's xen/include/public/memory.h. */
#ifndef TESSERA_PUBLIC_MEMORY_H
#define TESSERA_PUBLIC_MEMORY_H

#include <stdint.h>

#define XENMEM_add_to_physmap 7
#define XENMEM_memory_map     9

#define XENMAPSPACE_shared_info 0
#define XENMAPSPACE_grant_table 1

struct xen_add_to_physmap {
    uint16_t domid;
    uint16_t size;
    uint32_t space; /* XENMAPSPACE_* */
    uint64_t idx;
    uint64_t gpfn;
};

/* XENMEM_memory_map: the guest's e820 (struct hvm_memmap_table_entry form). */
struct xen_memory_map {
    uint32_t nr_entries; /* IN: room, OUT: entries written */
    uint32_t pad;
    uint64_t buffer; /* guest pointer */
};

#endif
