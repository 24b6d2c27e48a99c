/* SPDX-License-Identifier: MIT */
/*
 * PVH entry of the guests that probe the hypervisor with instructions that
 * may fault (abi-test, campaign: tessera_guest(... TRAP_ENTRY PVH_GUEST_OS
 * name)). The shared way into long mode (pvh-entry.S.h), then:
 *   - a GDT with a 16-bit code segment at 0x18 (a null descriptor the C code
 *     fills) and a 32-bit code segment at 0x20 (compatibility mode, for Xen's
 *     32-bit hypercall ABI);
 *   - a 2 MiB mapping of guest-virtual 1 GiB to guest-physical 1 GiB, outside
 *     the domain's RAM, through pd1 (global: the C code may remap it);
 *   - an IDT (global: idt) with a handler on every vector. An exception
 *     (vectors 0-31) is recorded in fault_vector and fault_count[vector] and
 *     skips the faulting instruction: fault_skip bytes, set by the C code
 *     before each instruction that may fault. Any other vector (an
 *     event-channel upcall) calls guest_interrupt(vector), caller-saved
 *     registers kept;
 *   - the GDTR the vCPU was started with, stored by SGDT before our own GDT
 *     replaces it (global: entry_gdtr, 6 bytes: limit, 32-bit base), so the
 *     C code knows the page the domain builder wrote that GDT into;
 * and calls guest_main(start_info). PVH_GUEST_OS, the XEN_ELFNOTE_GUEST_OS
 * string, comes from the build.
 */
#include "pvh-entry.S.h"

#define OUTSIDE_GPA 0x40000000

    pvh_start32 PVH_GUEST_OS
    sgdt entry_gdtr
    pvh_identity_map
    /* PDPT[1] -> PD1: guest-virtual 1 GiB -> OUTSIDE_GPA. */
    mov $pd1, %eax
    or $0x3, %eax
    mov %eax, pdpt + 8
    movl $(OUTSIDE_GPA | 0x83), pd1
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

/* One 16-byte stub per vector: a dummy error code where the CPU pushes none, the vector. */
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
vector = 32
.rept 224
    .balign 16
    pushq $0
    pushq $vector
    jmp interrupt
    vector = vector + 1
.endr

/* Stack: vector, error code, RIP, CS, RFLAGS, RSP, SS. */
exception:
    push %rax
    push %rcx
    mov 16(%rsp), %rcx              /* vector */
    mov %ecx, fault_vector(%rip)
    lea fault_count(%rip), %rax
    incq (%rax, %rcx, 8)
    mov fault_skip(%rip), %rax
    add %rax, 32(%rsp)              /* saved RIP */
    pop %rcx
    pop %rax
    add $16, %rsp
    iretq

/* The stack is 16-byte aligned at the call: 7 words pushed since the CPU aligned it, 9 here. */
interrupt:
    push %rax
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %r8
    push %r9
    push %r10
    push %r11
    mov 72(%rsp), %rdi              /* vector */
    call guest_interrupt
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rax
    add $16, %rsp
    iretq

    .section .rodata
    .balign 8
    pvh_gdt
    .quad 0                         /* 0x18: the C code's 16-bit code segment */
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
    .globl idt, pd1, fault_vector, fault_count, fault_skip, entry_gdtr
idt:    .skip 256 * 16
    pvh_page_tables
pd1:    .skip 4096
fault_count:  .skip 32 * 8
fault_skip:   .skip 8
fault_vector: .skip 4
entry_gdtr:   .skip 8
    .balign 16
stack:  .skip 16384
stack_top:
