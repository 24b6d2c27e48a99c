/* SPDX-License-Identifier: MIT */
/*
 * An x86-64 PV domain's own state (struct arch_domain, asm/domain.h), kept
 * across restarts in the same memory and cleared at each build.
 */
#ifndef ASM_PV_DOMAIN_H
#define ASM_PV_DOMAIN_H

#include <hv/types.h>

struct pv_domain {
    /*
     * MMUEXT_PIN_*: one bit per frame of the domain's RAM, set while the
     * frame is pinned (pv/mm.c); allocated at the first build.
     */
    uint64_t *pinned;
    uint64_t nr_frames;
    unsigned int pinned_order; /* of the bitmap's pages */
    /*
     * Xen's pages in its address space (pv/reserved.c): the first frame
     * number above its memory map they are mapped at, the slot-256 table
     * frames and the M2P, each of 2^order pages allocated at the first build.
     */
    uint64_t reserved_gfn;
    uint64_t *tables, *m2p;
    uint64_t nr_tables, nr_m2p;
    unsigned int tables_order, m2p_order;
    /* PHYSDEVOP_pirq_eoi_gmfn_v1/v2 was answered (a second call is -EBUSY). */
    bool pirq_eoi_given;
};

#endif
