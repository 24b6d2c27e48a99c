/* SPDX-License-Identifier: MIT */
/*
 * How the P2M core (hv/arch/x86/mm/p2m.c) writes and reads the entries of
 * one hardware page-table format: AMD NPT (mm/p2m_npt.c) and Intel EPT
 * (mm/p2m_ept.c), without a change to the core. Both are radix trees of
 * 512-entry tables, 4 KiB leaves at level 1 and 2 MiB leaves at level 2.
 * An entry of 0 is empty in every format; any other value is a table, a
 * leaf that maps a page, or a leaf that maps none (P2M_MMIO_EMUL: every
 * access faults) but still keeps its type. A leaf that maps a page can be
 * hidden: every access to it faults, as to no page, while the entry keeps
 * its page, type and permissions for the P2M (domain RAM not cleared yet).
 */
#ifndef ASM_P2M_FORMAT_H
#define ASM_P2M_FORMAT_H

#include <hv/p2m.h>

struct p2m_format {
    unsigned int levels; /* of the walk; the root is level `levels` */
    uint64_t gpa_limit;  /* guest-physical addresses the format can map */
    /* An entry pointing at the next level's table at host address table. */
    uint64_t (*table)(paddr_t table);
    /*
     * A leaf at level 1 or 2 for type t with perms (pa is ignored for a type
     * that maps no page). Never 0.
     */
    uint64_t (*leaf)(paddr_t pa, unsigned int level, enum p2m_type t, unsigned int perms);
    /* Whether non-zero entry e at level points at a table. */
    bool (*is_table)(uint64_t e, unsigned int level);
    /* The host address non-zero entry e at level holds: its table's, or its leaf's first byte's. */
    paddr_t (*addr)(uint64_t e, unsigned int level);
    /* A leaf's type and permissions (0 for a type that maps no page). */
    enum p2m_type (*type)(uint64_t e);
    unsigned int (*perms)(uint64_t e);
    /*
     * Leaf e of a page hidden from the hardware and shown again (perms() of a
     * hidden leaf is 0, addr() and type() are unchanged), and whether it is
     * hidden.
     */
    uint64_t (*hide)(uint64_t e);
    uint64_t (*show)(uint64_t e);
    bool (*hidden)(uint64_t e);
};

/* Nested page tables of AMD SVM (mm/p2m_npt.c) and extended page tables of Intel VMX (mm/p2m_ept.c). */
extern const struct p2m_format p2m_npt_format;
extern const struct p2m_format p2m_ept_format;
struct mtrr_state;
/* The host MTRRs EPT leaves of memory take their type from (asm/mtrr.h); set before any leaf. */
void p2m_ept_use_host_mtrrs(const struct mtrr_state *mtrrs);

/* The format every P2M created from now on uses; the virtualization back-end sets it. */
void p2m_use_format(const struct p2m_format *fmt);

#endif
