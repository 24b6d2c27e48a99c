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

/*
 * vCPU 1's event callback (its context's): may interrupt any code, so it
 * saves what C may clobber, calls pv_abi_ap_event(frame at RIP), and
 * returns with iret (RCX and R11 back from the frame).
 */
    .globl ap_event_callback
ap_event_callback:
    push %rax
    push %rdx
    push %rsi
    push %rdi
    push %r8
    push %r9
    push %r10
    push %rbx
    lea (8 * 8 + 16)(%rsp), %rdi
    mov %rsp, %rbx
    and $-16, %rsp
    call pv_abi_ap_event
    mov %rbx, %rsp
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
    add $16, %rsp
    pushq $0                        /* iret flags: not from a system call */
    jmp hypercall_page + IRET_STUB

/*
 * vCPU 1's syscall and failsafe callbacks (its context's): \fn(frame at
 * RIP, RAX) records them and leaves with ap_leave() to ap_enter()'s caller.
 */
.macro ap_callback name, fn, skip
    .globl \name
\name:
    lea (16 + \skip)(%rsp), %rdi
    mov %rax, %rsi
    and $-16, %rsp
    call \fn
    ud2                             /* \fn does not return */
.endm
    ap_callback ap_syscall_callback, pv_abi_ap_syscall, 0
    ap_callback ap_failsafe_callback, pv_abi_ap_failsafe, 32

/*
 * ap_enter(frame): HYPERVISOR_iret with the frame { flags, RIP, CS, RFLAGS,
 * RSP, SS } (copied to ap_iret_frame: the iret stub pushes below it); a
 * callback's ap_leave() returns from it (callee-saved kept).
 */
    .globl ap_enter, ap_leave
ap_enter:
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, ap_resume_rsp(%rip)
    mov %rdi, %rsi
    lea ap_iret_frame(%rip), %rdi
    mov %rdi, %rsp
    mov $6, %ecx
    rep movsq
    jmp hypercall_page + IRET_STUB
ap_leave:
    mov ap_resume_rsp(%rip), %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    ret

/* Where ap_enter()'s iret to the kernel resumes: back to its caller. */
    .globl ap_continue
ap_continue:
    jmp ap_leave

/* vCPU 1 in guest user mode: %gs:0 (its user GS base's) in RAX, then SYSCALL. */
    .globl ap_user
ap_user:
    mov %gs:0, %rax
    syscall
    ud2                             /* the syscall callback never returns here */

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
ap_resume_rsp:   .skip 8
    .skip 8 * 8                     /* the iret stub's pushes */
ap_iret_frame:   .skip 8 * 6
    .balign 4096
stack:  .skip 16384
stack_top:
