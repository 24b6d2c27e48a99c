/* SPDX-License-Identifier: MIT */
/* grant_table_op (v1 entries), from Xen's xen/include/public/grant_table.h. */
#ifndef TESSERA_PUBLIC_GRANT_TABLE_H
#define TESSERA_PUBLIC_GRANT_TABLE_H

#include <stdint.h>

#define GNTTABOP_map_grant_ref   0
#define GNTTABOP_unmap_grant_ref 1
#define GNTTABOP_setup_table     2
#define GNTTABOP_query_size      6

struct grant_entry_v1 {
    uint16_t flags; /* GTF_* */
    uint16_t domid;
    uint32_t frame;
};

#define GTF_invalid       0
#define GTF_permit_access 1
#define GTF_readonly      (1u << 2)

#endif
