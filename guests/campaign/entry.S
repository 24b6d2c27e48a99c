/* SPDX-License-Identifier: MIT */
/*
 * PVH entry of the campaign guest: the shared way into long mode
 * (pvh-entry.S.h), a GDT with a 32-bit code segment (compatibility mode, for
 * 32-bit hypercalls) and an IDT with a handler on every vector. An exception
 * (vectors 0-31) is counted in fault_count[vector] and skips the faulting
 * instruction (fault_skip bytes, set by the C code before each risky
 * instruction); any other vector (an event-channel upcall the campaign set
 * up by chance) is counted and returns.
 */
#include "pvh-entry.S.h"

#define COMPAT_CS 0x18

    pvh_start32 "tessera-campaign"
    pvh_identity_map
    pvh_long_mode

    xor %ecx, %ecx
1:  lea stubs(%rip), %rax
    mov %ecx, %edx
    shl $4, %edx                    /* stubs are 16 bytes apart */
    add %rdx, %rax
    call set_gate
    inc %ecx
    cmp $256, %ecx
    jb 1b
    lidt idt_ptr(%rip)

    call guest_main
2:  cli
    hlt
    jmp 2b

/* Interrupt gate for vector %ecx to handler %rax (CS 0x08, present, DPL 0). */
set_gate:
    push %rcx
    push %rax
    lea idt(%rip), %rdx
    shl $4, %ecx
    add %rcx, %rdx
    mov %ax, (%rdx)
    movw $0x08, 2(%rdx)
    movw $0x8E00, 4(%rdx)
    shr $16, %rax
    mov %ax, 6(%rdx)
    shr $16, %rax
    mov %eax, 8(%rdx)
    movl $0, 12(%rdx)
    pop %rax
    pop %rcx
    ret

/* One 16-byte stub per vector: push a dummy error code where the CPU pushes none, the vector. */
    .balign 16
stubs:
.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    .balign 16
    .if (\v == 8) || (\v >= 10 && \v <= 14) || (\v == 17) || (\v == 21) || (\v == 29) || (\v == 30)
    .else
    pushq $0
    .endif
    pushq $\v
    jmp exception
.endr
.rept 224
    .balign 16
    pushq $0
    pushq $0xFF
    jmp other
.endr

/* Stack: vector, error code, RIP, CS, RFLAGS, RSP, SS. */
exception:
    push %rax
    push %rcx
    mov 16(%rsp), %rcx              /* vector */
    lea fault_count(%rip), %rax
    incq (%rax, %rcx, 8)
    mov fault_skip(%rip), %rax
    add %rax, 32(%rsp)              /* saved RIP */
    pop %rcx
    pop %rax
    add $16, %rsp
    iretq

other:
    push %rax
    lea other_count(%rip), %rax
    incq (%rax)
    pop %rax
    add $16, %rsp
    iretq

    .section .rodata
    .balign 8
    pvh_gdt
    .quad 0x00cf9a000000ffff        /* 0x18: 32-bit code (compatibility mode) */
gdt_end:
gdt_ptr:
    .word gdt_end - gdt - 1
    .long gdt
idt_ptr:
    .word 256 * 16 - 1
    .quad idt

    .section .bss
    .balign 4096
    .globl idt
idt:    .skip 256 * 16
    .globl fault_count, other_count, fault_skip
fault_count: .skip 32 * 8
other_count: .skip 8
fault_skip:  .skip 8
    pvh_page_tables
stack:  .skip 16384
stack_top:
