/* SPDX-License-Identifier: MIT */
/*
 * Entry stubs for all 256 IDT vectors, 16 bytes apart starting at trap_stubs.
 * Each pushes a zero error code where the CPU pushes none, then its vector,
 * and joins trap_common, which completes struct cpu_regs (asm/idt.h) and calls
 * trap_dispatch(). Everything runs in ring 0: no SWAPGS.
 */
#define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
                           (v) == 21 || (v) == 29 || (v) == 30)

    .section .text
    .balign 16
    .globl trap_stubs
trap_stubs:
    vector = 0
    .rept 256
    .balign 16
    .if !HAS_ERROR_CODE(vector)
    pushq   $0
    .endif
    pushq   $vector
    jmp     trap_common
    vector = vector + 1
    .endr

trap_common:
    pushq   %rax
    pushq   %rbx
    pushq   %rcx
    pushq   %rdx
    pushq   %rsi
    pushq   %rdi
    pushq   %rbp
    pushq   %r8
    pushq   %r9
    pushq   %r10
    pushq   %r11
    pushq   %r12
    pushq   %r13
    pushq   %r14
    pushq   %r15
    cld
    mov     %rsp, %rdi              /* 16-byte aligned: the CPU aligned it, 22 words pushed */
    call    trap_dispatch
    popq    %r15
    popq    %r14
    popq    %r13
    popq    %r12
    popq    %r11
    popq    %r10
    popq    %r9
    popq    %r8
    popq    %rbp
    popq    %rdi
    popq    %rsi
    popq    %rdx
    popq    %rcx
    popq    %rbx
    popq    %rax
    add     $16, %rsp               /* vector, error code */
    iretq

    .section .note.GNU-stack, "", @progbits
