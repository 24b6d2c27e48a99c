/* SPDX-License-Identifier: MIT */
/*
 * pv-boot's exception handlers (include/pv-entry.S.h: every register but
 * RCX and R11, the frame's, survives, as the inline probes need). Each
 * probe in pv-boot.c stores where to resume (trap_resume) before its
 * instruction; pv_boot_trap() records the frame and resumes there.
 */
#include "pv-entry.S.h"

    .text
    pv_entry_point trap_ud, pv_boot_trap, 6
    pv_entry_point trap_gp, pv_boot_trap, 13, 8
    pv_entry_point trap_pf, pv_boot_trap, 14, 8

    .section .bss
    .balign 8
    .globl trap_resume
trap_resume: .skip 8
