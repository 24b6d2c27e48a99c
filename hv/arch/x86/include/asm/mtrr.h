/* SPDX-License-Identifier: MIT */
/*
 * The host's memory-type range registers (MTRRs) as read at boot, and the
 * memory type they give a range of host-physical memory (mm/mtrr.c). EPT
 * replaces the MTRRs for guest accesses, so each EPT leaf carries the type
 * the host's MTRRs give its memory (mm/p2m_ept.c), as Xen's
 * epte_get_entry_emt() does. The type values are the MTRRs', which are also
 * EPT's and PAT's: UC 0, WC 1, WT 4, WP 5, WB 6.
 */
#ifndef ASM_MTRR_H
#define ASM_MTRR_H

#include <hv/types.h>

#define MTRR_TYPE_UC 0
#define MTRR_TYPE_WC 1
#define MTRR_TYPE_WT 4
#define MTRR_TYPE_WP 5
#define MTRR_TYPE_WB 6

/* Variable ranges kept; a CPU reporting more has the rest ignored (none known has over 32). */
#define MTRR_VAR_MAX 32
/* 11 fixed-range MSRs of 8 ranges each: 8 x 64 KiB, 16 x 16 KiB, 64 x 4 KiB below 1 MiB. */
#define MTRR_FIXED_RANGES 88

struct mtrr_range {
    uint64_t base, mask; /* PHYSBASE and PHYSMASK, address bits only */
    uint8_t type;
};

struct mtrr_state {
    bool present;       /* CPUID says the CPU has MTRRs */
    bool enabled;       /* MTRR_DEF_TYPE.E: else every address is UC */
    bool fixed_enabled; /* MTRR_DEF_TYPE.FE (and MTRRCAP.FIX) */
    uint8_t default_type;
    unsigned int nr_var;  /* valid variable ranges in var[] */
    unsigned int var_cap; /* variable ranges the CPU has (MTRRCAP.VCNT) */
    uint8_t fixed[MTRR_FIXED_RANGES];
    struct mtrr_range var[MTRR_VAR_MAX];
};

/*
 * Fills *s from the MTRR MSRs, read through read_msr (rdmsr in the
 * hypervisor, a table in the host tests); present says whether the CPU has
 * MTRRs at all (CPUID 1 EDX bit 12). Reserved type values read as UC.
 */
void mtrr_read(struct mtrr_state *s, bool present, uint64_t (*read_msr)(uint32_t msr));

/*
 * The memory type of host-physical [from, from + size), both 4 KiB
 * aligned. Where the range holds addresses of different types (a 2 MiB
 * page over a fixed-range boundary or a small variable range), the most
 * conservative type valid for all of them: UC if any is UC, WT for a mix of
 * WT and WB, UC for any other mix, as the SDM combines overlapping ranges.
 * Without MTRRs: WB (the host's PAT alone decides, as for the hypervisor).
 */
uint8_t mtrr_range_type(const struct mtrr_state *s, paddr_t from, uint64_t size);

/* "UC", "WC", "WT", "WP", "WB". */
const char *mtrr_type_name(uint8_t type);

#endif
