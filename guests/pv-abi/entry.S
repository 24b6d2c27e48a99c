/* SPDX-License-Identifier: MIT */
/*
 * PV entry of the pv-abi guest (x86-64 PV ABI, as pv-hello's), its
 * exception handlers and the instructions that fault for them.
 *
 * Each handler is entered as Xen enters a PV kernel's: RSP at the frame
 * { RCX, R11, [error code,] RIP, CS, RFLAGS, RSP, SS }. It hands the frame
 * to pv_abi_trap() (C), sets the frame's RIP to where the faulting trigger
 * asked to resume (trap_resume[vector]), and returns as a PV kernel does:
 * RCX and R11 back from the frame, the error code dropped, flags 0 pushed,
 * then a jump to the hypercall page's iret stub.
 */
#include "xen-note.S.h"

#define VIRT_BASE 0xffffffff80000000
#define IRET_STUB (23 * 32)

xen_note XEN_ELFNOTE_ENTRY, .quad, _start
xen_note XEN_ELFNOTE_HYPERCALL_PAGE, .quad, hypercall_page
xen_note XEN_ELFNOTE_VIRT_BASE, .quad, VIRT_BASE
xen_note XEN_ELFNOTE_PADDR_OFFSET, .quad, 0
xen_note_str XEN_ELFNOTE_FEATURES, "!writable_page_tables|pae_pgdir_above_4gb"
xen_note_str XEN_ELFNOTE_GUEST_OS, "tessera-pv-abi"
xen_note_str XEN_ELFNOTE_XEN_VERSION, "xen-3.0"
xen_note_str XEN_ELFNOTE_LOADER, "generic"
xen_note_str XEN_ELFNOTE_PAE_MODE, "yes"

    .section .text.entry, "ax"
    .globl _start
_start:
    cld
    mov %rsi, %rdi                  /* start_info */
    lea stack_top(%rip), %rsp
    call pv_abi_main
1:  pause                           /* pv_abi_main shut down */
    jmp 1b

/* vCPU 1, started by VCPUOP_initialise: RSP and RDI from its context. */
    .globl ap_entry
ap_entry:
    cld
    call pv_abi_ap
1:  pause
    jmp 1b

.macro trap_entry name, vector, has_error
    .globl \name
\name:
    push %rbx
    lea 8(%rsp), %rbx               /* the frame */
    mov %rbx, %rdi
    mov $\vector, %esi
    mov $\has_error, %edx
    and $-16, %rsp
    call pv_abi_trap
    lea -8(%rbx), %rsp
    pop %rbx
    mov trap_resume + 8 * \vector(%rip), %rax
    mov %rax, (16 + 8 * \has_error)(%rsp)
    mov (%rsp), %rcx
    mov 8(%rsp), %r11
    add $(16 + 8 * \has_error), %rsp
    pushq $0                        /* iret flags: not from a system call */
    jmp hypercall_page + IRET_STUB
.endm

    .text
    trap_entry trap_ud, 6, 0
    trap_entry trap_np, 11, 1
    trap_entry trap_gp, 13, 1
    trap_entry trap_pf, 14, 1

/* Each trigger records where it faults and its RSP there, then faults once. */
.macro trigger name, vector
    .globl \name
\name:
    lea 1f(%rip), %rax
    mov %rax, trap_resume + 8 * \vector(%rip)
    lea 0f(%rip), %rax
    mov %rax, trap_expect_rip + 8 * \vector(%rip)
    mov %rsp, trap_expect_rsp + 8 * \vector(%rip)
.endm

    trigger trigger_ud, 6
0:  ud2
1:  ret

    trigger trigger_gp, 13
0:  movabs 0x8000000000000000, %rax /* non-canonical: #GP(0), nothing to emulate */
1:  ret

    trigger trigger_pf, 14
0:  movq 0x1000, %rax               /* not mapped: #PF, user read of a non-present page */
1:  ret

    trigger trigger_pf_m2p, 14
0:  movabs %rax, 0xFFFF800000000000 /* the read-only M2P: #PF, user write, present */
1:  ret

/*
 * Loads selector %di into the segment register named by the probe, the
 * exception it may raise (vector %esi) resuming after the load.
 */
.macro seg_probe name, sreg
    .globl \name
\name:
    lea 1f(%rip), %rax
    mov %rax, trap_resume(,%rsi,8)
    lea 0f(%rip), %rax
    mov %rax, trap_expect_rip(,%rsi,8)
    mov %rsp, trap_expect_rsp(,%rsi,8)
0:  mov %edi, \sreg
1:  ret
.endm

    seg_probe load_ds, %ds
    seg_probe load_es, %es
    seg_probe load_ss, %ss

    /* A hypercall page the hypervisor fills with 32-byte stubs, one per hypercall. */
    .section .text.hypercall_page, "ax"
    .balign 4096
    .globl hypercall_page
hypercall_page:
    .skip 4096

    .section .bss
    .balign 8
    .globl trap_resume, trap_expect_rip, trap_expect_rsp
trap_resume:     .skip 8 * 32
trap_expect_rip: .skip 8 * 32
trap_expect_rsp: .skip 8 * 32
    .balign 4096
stack:  .skip 16384
stack_top:
