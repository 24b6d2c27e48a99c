/* SPDX-License-Identifier: MIT */
/*
 * pv-boot's exception handlers (include/pv-entry.S.h: every register but
 * RCX and R11, the frame's, survives, as the inline probes need): each
 * records the exception and resumes after the probe (pv_probe_trap(),
 * include/pv-guest.h).
 */
#include "pv-entry.S.h"

    .text
    pv_entry_point trap_ud, pv_probe_trap, 6
    pv_entry_point trap_gp, pv_probe_trap, 13, 8
    pv_entry_point trap_pf, pv_probe_trap, 14, 8
