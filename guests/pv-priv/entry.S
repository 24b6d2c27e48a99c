/* SPDX-License-Identifier: MIT */
/*
 * pv-priv's exception handlers (include/pv-entry.S.h: every register but
 * RCX and R11, the frame's, survives, as the inline probes need): each
 * records the exception and resumes after the probe (pv_probe_trap(),
 * include/pv-guest.h). And the pages its probes write instruction streams into.
 */
#include "pv-entry.S.h"

    .text
    pv_entry_point trap_bp, pv_probe_trap, 3
    pv_entry_point trap_of, pv_probe_trap, 4
    pv_entry_point trap_ud, pv_probe_trap, 6
    pv_entry_point trap_gp, pv_probe_trap, 13, 8
    pv_entry_point trap_pf, pv_probe_trap, 14, 8
    pv_entry_point trap_int81, pv_probe_trap, 0x81
    pv_entry_point trap_int82, pv_probe_trap, 0x82

    /*
     * Two pages for instruction streams written at run time: the first
     * ends with a probe's bytes, the second is unmapped by the probe.
     */
    .balign 4096
    .globl probe_pages
probe_pages:
    .skip 8192
