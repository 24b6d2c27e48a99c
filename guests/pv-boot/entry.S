/* SPDX-License-Identifier: MIT */
/*
 * PV entry of the pv-boot guest (x86-64 PV ABI, as pv-priv's) and its
 * exception handlers. Each probe in pv-boot.c stores where to resume
 * (trap_resume) before its instruction; a handler records the frame
 * through pv_boot_trap() (C), sets the frame's RIP to trap_resume and
 * returns as a PV kernel does, through the hypercall page's iret stub,
 * with every register as the probe left it (RCX and R11 from the frame).
 */
#include "xen-note.S.h"

#define VIRT_BASE 0xffffffff80000000
#define IRET_STUB (23 * 32)

xen_note XEN_ELFNOTE_ENTRY, .quad, _start
xen_note XEN_ELFNOTE_HYPERCALL_PAGE, .quad, hypercall_page
xen_note XEN_ELFNOTE_VIRT_BASE, .quad, VIRT_BASE
xen_note XEN_ELFNOTE_PADDR_OFFSET, .quad, 0
xen_note_str XEN_ELFNOTE_FEATURES, "!writable_page_tables|pae_pgdir_above_4gb"
xen_note_str XEN_ELFNOTE_GUEST_OS, "tessera-pv-boot"
xen_note_str XEN_ELFNOTE_XEN_VERSION, "xen-3.0"
xen_note_str XEN_ELFNOTE_LOADER, "generic"
xen_note_str XEN_ELFNOTE_PAE_MODE, "yes"

    .section .text.entry, "ax"
    .globl _start
_start:
    cld
    mov %rsi, %rdi                  /* start_info */
    lea stack_top(%rip), %rsp
    call pv_boot_main
1:  pause                           /* pv_boot_main shut down */
    jmp 1b

.macro trap_entry name, vector, has_error
    .globl \name
\name:
    /* The probes are inline: every register but RCX and R11 (the frame's) survives. */
    push %rax
    push %rdx
    push %rsi
    push %rdi
    push %r8
    push %r9
    push %r10
    push %rbx
    lea 64(%rsp), %rbx              /* the frame */
    mov %rbx, %rdi
    mov $\vector, %esi
    mov $\has_error, %edx
    and $-16, %rsp
    call pv_boot_trap
    lea -64(%rbx), %rsp
    mov trap_resume(%rip), %rax
    mov %rax, (64 + 16 + 8 * \has_error)(%rsp)
    pop %rbx
    pop %r10
    pop %r9
    pop %r8
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rax
    mov (%rsp), %rcx
    mov 8(%rsp), %r11
    add $(16 + 8 * \has_error), %rsp
    pushq $0                        /* iret flags: not from a system call */
    jmp hypercall_page + IRET_STUB
.endm

    .text
    trap_entry trap_ud, 6, 0
    trap_entry trap_gp, 13, 1
    trap_entry trap_pf, 14, 1


    /* A hypercall page the hypervisor fills with 32-byte stubs, one per hypercall. */
    .section .text.hypercall_page, "ax"
    .balign 4096
    .globl hypercall_page
hypercall_page:
    .skip 4096

    .section .bss
    .balign 8
    .globl trap_resume
trap_resume: .skip 8
    .balign 4096
stack:  .skip 16384
stack_top:
