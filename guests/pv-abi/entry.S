/* SPDX-License-Identifier: MIT */
/*
 * pv-abi's kernel entry points (include/pv-entry.S.h), vCPU 1's entry, and
 * the instructions that fault for the handlers. Each exception handler
 * hands the frame to pv_abi_trap(), which records it and sets its RIP to
 * where the faulting trigger asked to resume (trap_resume[vector]).
 */
#include "pv-entry.S.h"

    .text
    pv_entry_point trap_ud, pv_abi_trap, 6
    pv_entry_point trap_np, pv_abi_trap, 11, 8
    pv_entry_point trap_gp, pv_abi_trap, 13, 8
    pv_entry_point trap_pf, pv_abi_trap, 14, 8

    /* vCPU 1's callbacks (its context's): the syscall and failsafe ones leave by pv_iret_leave(). */
    pv_entry_point ap_event_callback, pv_abi_ap_event
    pv_entry_point ap_syscall_callback, pv_abi_ap_syscall
    pv_entry_point ap_failsafe_callback, pv_abi_ap_failsafe, 0, 32

/* vCPU 1, started by VCPUOP_initialise: RSP and RDI from its context. */
    .globl ap_entry
ap_entry:
    cld
    call pv_abi_ap
1:  pause
    jmp 1b

/* Where pv_iret_enter()'s iret to the kernel resumes: back to its caller. */
    .globl ap_continue
ap_continue:
    jmp pv_iret_leave

/* vCPU 1 in guest user mode: %gs:0 (its user GS base's) in RAX, then SYSCALL. */
    .globl ap_user
ap_user:
    mov %gs:0, %rax
    syscall
    ud2                             /* the syscall callback never returns here */

/* Each trigger records where it faults and its RSP there, then faults once. */
.macro trigger name, vector
    .globl \name
\name:
    lea 1f(%rip), %rax
    mov %rax, trap_resume + 8 * \vector(%rip)
    lea 0f(%rip), %rax
    mov %rax, trap_expect_rip + 8 * \vector(%rip)
    mov %rsp, trap_expect_rsp + 8 * \vector(%rip)
.endm

    trigger trigger_ud, 6
0:  ud2
1:  ret

    trigger trigger_gp, 13
0:  movabs 0x8000000000000000, %rax /* non-canonical: #GP(0), nothing to emulate */
1:  ret

    trigger trigger_pf, 14
0:  movq 0x1000, %rax               /* not mapped: #PF, user read of a non-present page */
1:  ret

    trigger trigger_pf_m2p, 14
0:  movabs %rax, 0xFFFF800000000000 /* the read-only M2P: #PF, user write, present */
1:  ret

/*
 * Loads selector %di into the segment register named by the probe, the
 * exception it may raise (vector %esi) resuming after the load.
 */
.macro seg_probe name, sreg
    .globl \name
\name:
    lea 1f(%rip), %rax
    mov %rax, trap_resume(,%rsi,8)
    lea 0f(%rip), %rax
    mov %rax, trap_expect_rip(,%rsi,8)
    mov %rsp, trap_expect_rsp(,%rsi,8)
0:  mov %edi, \sreg
1:  ret
.endm

    seg_probe load_ds, %ds
    seg_probe load_es, %es
    seg_probe load_ss, %ss

    .section .bss
    .balign 8
    .globl trap_resume, trap_expect_rip, trap_expect_rsp
trap_resume:     .skip 8 * 32
trap_expect_rip: .skip 8 * 32
trap_expect_rsp: .skip 8 * 32
