/* SPDX-License-Identifier: MIT */
/*
 * Application processor start-up. smp.c copies this blob to the low page the
 * loader reserved (below 1 MiB) and sends SIPI with vector = page number, so
 * the AP starts here in real mode at CS:IP = (page << 8):0. The code is
 * position independent: it finds its base from CS and patches its own GDT
 * pointer and far-jump targets. Path: real mode -> 32-bit protected mode ->
 * long mode on the CR3 smp.c provides (below 4 GiB: loaded while still in
 * 32-bit mode) -> ap_start(percpu) on that CPU's stack.
 */
#include <arch/x86-defs.h>

#define TR(sym) ((sym) - trampoline_start)

#define CODE32_SEL 0x08
#define DATA_SEL   0x10
#define CODE64_SEL 0x18

    .section .rodata.trampoline, "a"
    .code16
    .globl trampoline_start
trampoline_start:
    cli
    cld
    mov     %cs, %ax
    mov     %ax, %ds
    movzwl  %ax, %ebx
    shll    $4, %ebx                        /* ebx = linear base, kept to the end */

    leal    TR(gdt)(%ebx), %eax
    movl    %eax, TR(gdt_base)
    leal    TR(protected_mode)(%ebx), %eax
    movl    %eax, TR(jump32)
    leal    TR(long_mode)(%ebx), %eax
    movl    %eax, TR(jump64)

    lgdtl   TR(gdt_desc)
    movl    %cr0, %eax
    orl     $X86_CR0_PE, %eax
    movl    %eax, %cr0
    ljmpl   *TR(jump32)

    .code32
protected_mode:
    movw    $DATA_SEL, %ax
    movw    %ax, %ds
    movw    %ax, %es
    movw    %ax, %ss
    movl    %cr4, %eax
    orl     $X86_CR4_PAE, %eax
    movl    %eax, %cr4
    movl    TR(trampoline_params) + 0(%ebx), %eax   /* cr3 */
    movl    %eax, %cr3
    movl    $MSR_EFER, %ecx
    movl    TR(trampoline_params) + 4(%ebx), %eax   /* efer: LME, NXE, SCE */
    xorl    %edx, %edx
    wrmsr
    movl    %cr0, %eax
    orl     $X86_CR0_PG, %eax
    movl    %eax, %cr0
    ljmpl   *TR(jump64)(%ebx)

    .code64
long_mode:
    movl    %ebx, %ebx
    movq    TR(trampoline_params) + 8(%rbx), %rsp   /* stack top */
    movq    TR(trampoline_params) + 16(%rbx), %rdi  /* struct percpu * */
    movq    TR(trampoline_params) + 24(%rbx), %rax  /* ap_start */
    /* Last: once started, the boot CPU may fill the parameters for the next CPU. */
    movl    $1, TR(trampoline_params) + 32(%rbx)    /* started */
    xorl    %ebp, %ebp
    call    *%rax
1:  hlt
    jmp     1b

    .balign 8
gdt:
    .quad   0
    .quad   0x00CF9A000000FFFF              /* CODE32_SEL: 32-bit code, flat */
    .quad   0x00CF92000000FFFF              /* DATA_SEL: data, flat */
    .quad   0x00AF9A000000FFFF              /* CODE64_SEL: 64-bit code */
gdt_end:
gdt_desc:
    .word   gdt_end - gdt - 1
gdt_base:
    .long   0
jump32:
    .long   0
    .word   CODE32_SEL
jump64:
    .long   0
    .word   CODE64_SEL

    /* struct trampoline_params in smp.c */
    .balign 8
    .globl trampoline_params
trampoline_params:
    .long   0       /* cr3 */
    .long   0       /* efer */
    .quad   0       /* stack_top */
    .quad   0       /* percpu */
    .quad   0       /* entry */
    .long   0       /* started */
    .long   0
    .globl trampoline_end
trampoline_end:

    .section .note.GNU-stack, "", @progbits
