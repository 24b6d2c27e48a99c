/* SPDX-License-Identifier: MIT */
/*
 * pv-user's kernel entry points (include/pv-entry.S.h: trap handlers, the
 * event, syscall and failsafe callbacks, each calling its C function with
 * the frame and the saved registers), and probes that may fault. Guest
 * user mode is entered with pv_iret_enter() and left, from the kernel side
 * of a callback, with pv_iret_leave() (lib/pv-entry.S).
 */
#include "pv-entry.S.h"

    .text
    pv_entry_point trap_bp, pv_user_trap_soft
    pv_entry_point trap_int81, pv_user_trap_soft
    pv_entry_point trap_ud, pv_user_trap_ud
    pv_entry_point trap_nm, pv_user_trap_nm
    pv_entry_point trap_gp, pv_user_trap_gp, 13, 8
    pv_entry_point trap_pf, pv_user_trap_pf, 14, 8
    pv_entry_point event_callback, pv_user_event
    pv_entry_point syscall_callback, pv_user_syscall, 0, 0, VGCF_IN_SYSCALL
    pv_entry_point failsafe_callback, pv_user_failsafe, 0, 32

/* probe_read(addr): the quadword at addr, or -1 when reading it faults (#PF resumes at 1). */
    .globl probe_read
probe_read:
    lea 1f(%rip), %rax
    mov %rax, probe_resume(%rip)
    mov (%rdi), %rax
    movq $0, probe_resume(%rip)
    ret
1:  mov $-1, %rax
    ret

/* probe_gs0(): %gs:0, or -1 when reading it faults. */
    .globl probe_gs0
probe_gs0:
    lea 1f(%rip), %rax
    mov %rax, probe_resume(%rip)
    mov %gs:0, %rax
    movq $0, probe_resume(%rip)
    ret
1:  mov $-1, %rax
    ret

/*
 * user_syscall(nr, out): SYSCALL from user mode; out[0] = RCX and out[1] =
 * R11 after it, out[2] = the address after the instruction, out[3] = the
 * RFLAGS it ran with, out[4] = its RSP. Returns RAX.
 */
    .globl user_syscall
user_syscall:
    mov %rdi, %rax
    mov %rsi, %rdi
    pushfq
    popq 24(%rdi)
    lea 1f(%rip), %rdx
    mov %rdx, 16(%rdi)
    mov %rsp, 32(%rdi)
    syscall
1:  mov %rcx, (%rdi)
    mov %r11, 8(%rdi)
    ret

    .section .bss
    .balign 8
    .globl probe_resume
probe_resume:       .skip 8
