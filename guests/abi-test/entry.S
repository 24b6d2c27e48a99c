/* SPDX-License-Identifier: MIT */
/*
 * PVH entry of the abi-test guest: the shared way into long mode
 * (pvh-entry.S.h), plus an IDT whose #UD and #GP handlers record the vector
 * and skip the faulting instruction (fault_skip bytes), so the C code can
 * check which instructions the hypervisor faults, an event-channel upcall
 * gate (ABI_TEST_UPCALL_VECTOR), 16- and 32-bit code segments, and a 2 MiB
 * mapping of guest-virtual 1 GiB to guest-physical 1 GiB, which
 * lies outside the domain's RAM.
 */
#include "abi-test.h"
#include "pvh-entry.S.h"

#define OUTSIDE_GPA 0x40000000

    pvh_start32 "tessera-abi-test"
    pvh_identity_map
    /* PDPT[1] -> PD1: guest-virtual 1 GiB -> OUTSIDE_GPA. */
    mov $pd1, %eax
    or $0x3, %eax
    mov %eax, pdpt + 8
    movl $(OUTSIDE_GPA | 0x83), pd1
    pvh_long_mode

    /* IDT: #UD (6) and #GP (13). */
    lea ud_handler(%rip), %rax
    mov $6, %ecx
    call set_gate
    lea gp_handler(%rip), %rax
    mov $13, %ecx
    call set_gate
    lea upcall_entry(%rip), %rax
    mov $ABI_TEST_UPCALL_VECTOR, %ecx
    call set_gate
    lidt idt_ptr(%rip)

    call abi_test_main
2:  cli
    hlt
    jmp 2b

/* Interrupt gate for vector %ecx to handler %rax (CS 0x08, present, DPL 0). */
set_gate:
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
    ret

gp_handler:
    add $8, %rsp                    /* error code */
    movl $13, fault_vector(%rip)
    jmp skip_insn
ud_handler:
    movl $6, fault_vector(%rip)
skip_insn:
    push %rax
    mov fault_skip(%rip), %rax
    add %rax, 8(%rsp)               /* saved RIP */
    pop %rax
    iretq

/* The event-channel upcall: caller-saved registers around upcall_handler(). */
upcall_entry:
    push %rax
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %r8
    push %r9
    push %r10
    push %r11
    call upcall_handler
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rax
    iretq

    .section .rodata
    .balign 8
    pvh_gdt
    .quad 0                         /* 0x18: abi-test.c's 16-bit code segment */
    .quad 0x00cf9a000000ffff        /* 0x20: 32-bit code (compatibility mode) */
gdt_end:
gdt_ptr:
    .word gdt_end - gdt - 1
    .long gdt
idt_ptr:
    .word 256 * 16 - 1
    .quad idt

    .section .bss
    pvh_page_tables
    .globl pd1                      /* abi-test.c remaps guest-virtual 1 GiB */
pd1:    .skip 4096
idt:    .skip 4096
stack:  .skip 16384
stack_top:
