/* SPDX-License-Identifier: MIT */
/*
 * Hypervisor entry from the loader: 64-bit mode, firmware identity map,
 * interrupts off, RDI = physical address of struct tessera_bootinfo.
 * Clears .bss (which holds the boot CPU's stacks), moves onto the boot CPU's
 * main stack and calls hv_main(bootinfo).
 */
#include <asm/stack.h>

    .section .text.entry, "ax", @progbits
    .globl _start
    .type _start, @function
_start:
    cli
    cld
    mov     %rdi, %r12              /* callee-saved across the clear */
    lea     __bss_start(%rip), %rdi
    lea     __bss_end(%rip), %rcx
    sub     %rdi, %rcx
    xor     %eax, %eax
    rep stosb
    lea     cpu0_block + MAIN_STACK_TOP(%rip), %rsp
    xor     %ebp, %ebp              /* terminates stack traces */
    mov     %r12, %rdi
    call    hv_main
1:  hlt
    jmp     1b
    .size _start, . - _start

    .section .note.GNU-stack, "", @progbits
