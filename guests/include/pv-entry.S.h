/* SPDX-License-Identifier: MIT */
/*
 * A kernel entry point of the 64-bit PV test guests (exception handlers,
 * the event, syscall and failsafe callbacks), entered as Xen enters a PV
 * kernel: RSP at the frame { RCX, R11, [DS, ES, FS, GS,] [error code,]
 * RIP, CS, RFLAGS, RSP, SS }.
 *
 *   pv_entry_point name, fn, vector=0, skip=0, flags=0
 *
 * saves the registers the frame does not hold (an entry may interrupt any
 * code, user mode's included), calls fn(frame, regs, vector) with frame the
 * address of RIP in the frame (past skip bytes of selectors and error code)
 * and regs the saved registers (struct pv_saved_regs, include/pv-guest.h),
 * then returns as a PV kernel does: the registers back (RCX and R11 from
 * the frame, which fn may have changed, RIP included), the iret flags
 * pushed, then the hypercall page's iret stub. With flags VGCF_IN_SYSCALL
 * the hypervisor sets RCX and R11 as SYSRET does: poisoned here, so a test
 * sees it do so.
 */
#ifndef GUESTS_PV_ENTRY_S_H
#define GUESTS_PV_ENTRY_S_H

#define PV_IRET_STUB    (23 * 32)
#define VGCF_IN_SYSCALL 0x100

.macro pv_entry_point name, fn, vector=0, skip=0, flags=0
    .globl \name
\name:
    push %rax
    push %rbx
    push %rdx
    push %rsi
    push %rdi
    push %rbp
    push %r8
    push %r9
    push %r10
    push %r12
    push %r13
    push %r14
    push %r15
    lea (13 * 8 + 16 + \skip)(%rsp), %rdi
    mov %rsp, %rsi
    mov $\vector, %edx
    mov %rsp, %rbx
    and $-16, %rsp
    call \fn
    mov %rbx, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %r10
    pop %r9
    pop %r8
    pop %rbp
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rbx
    pop %rax
    mov (%rsp), %rcx
    mov 8(%rsp), %r11
.if \flags
    mov $0xdead, %ecx
    mov $0xdead, %r11d
.endif
    add $(16 + \skip), %rsp
    pushq $\flags
    jmp hypercall_page + PV_IRET_STUB
.endm

#endif
