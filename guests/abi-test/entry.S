/* SPDX-License-Identifier: MIT */
/*
 * PVH entry of the abi-test guest: like hello's, plus an IDT whose #UD and #GP
 * handlers record the vector and skip the faulting instruction (fault_skip
 * bytes), so the C code can check which instructions the hypervisor faults,
 * an event-channel upcall gate (ABI_TEST_UPCALL_VECTOR),
 * and a 2 MiB mapping of guest-virtual 1 GiB to guest-physical 1 GiB, which
 * lies outside the domain's RAM.
 */
#include "xen-note.S.h"
#include "abi-test.h"

xen_note XEN_ELFNOTE_PHYS32_ENTRY, .long, _start32
xen_note_str XEN_ELFNOTE_GUEST_OS, "tessera-abi-test"
xen_note_str XEN_ELFNOTE_XEN_VERSION, "xen-3.0"
xen_note_str XEN_ELFNOTE_LOADER, "generic"

#define OUTSIDE_GPA 0x40000000

    .section .text.entry, "ax"
    .code32
    .globl _start32
_start32:
    cli
    cld
    mov %ebx, %edi
    mov $stack_top, %esp

    /* PML4[0] -> PDPT; PDPT[0] -> PD (first GiB, identity); PDPT[1] -> PD1. */
    mov $pdpt, %eax
    or $0x3, %eax
    mov %eax, pml4
    mov $pd, %eax
    or $0x3, %eax
    mov %eax, pdpt
    mov $pd1, %eax
    or $0x3, %eax
    mov %eax, pdpt + 8
    xor %ecx, %ecx
1:  mov %ecx, %eax
    shl $21, %eax
    or $0x83, %eax
    mov %eax, pd(, %ecx, 8)
    movl $0, pd + 4(, %ecx, 8)
    inc %ecx
    cmp $512, %ecx
    jb 1b
    movl $(OUTSIDE_GPA | 0x83), pd1

    mov %cr4, %eax
    or $(1 << 5), %eax
    mov %eax, %cr4
    mov $pml4, %eax
    mov %eax, %cr3
    mov $0xc0000080, %ecx
    rdmsr
    or $(1 << 8), %eax
    wrmsr
    mov %cr0, %eax
    or $0x80000001, %eax
    mov %eax, %cr0
    lgdt gdt_ptr
    ljmp $0x08, $start64

    .code64
start64:
    mov $0x10, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    mov %eax, %fs
    mov %eax, %gs
    mov $stack_top, %esp
    mov %edi, %edi

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
gdt:
    .quad 0
    .quad 0x00af9a000000ffff
    .quad 0x00cf92000000ffff
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
    .balign 4096
pml4:   .skip 4096
pdpt:   .skip 4096
pd:     .skip 4096
pd1:    .skip 4096
idt:    .skip 4096
stack:  .skip 16384
stack_top:
