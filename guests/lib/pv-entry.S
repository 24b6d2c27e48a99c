/* SPDX-License-Identifier: MIT */
/*
 * The entry of the 64-bit PV test guests (tessera_guest(... PV_GUEST_OS
 * name), linked by lib/pv.ld at VIRT_BASE with ELF physical addresses from
 * 0): Xen's PV ELF notes, _start calling guest_pv_main(start_info) on its
 * own stack, the hypercall page the hypervisor fills, and pv_iret_enter()
 * and pv_iret_leave() (include/pv-guest.h). PV_GUEST_OS, the
 * XEN_ELFNOTE_GUEST_OS string, comes from the build.
 */
#include "pv-entry.S.h"
#include "xen-note.S.h"

#define VIRT_BASE 0xffffffff80000000

xen_note XEN_ELFNOTE_ENTRY, .quad, _start
xen_note XEN_ELFNOTE_HYPERCALL_PAGE, .quad, hypercall_page
xen_note XEN_ELFNOTE_VIRT_BASE, .quad, VIRT_BASE
xen_note XEN_ELFNOTE_PADDR_OFFSET, .quad, 0
xen_note_str XEN_ELFNOTE_FEATURES, "!writable_page_tables|pae_pgdir_above_4gb"
xen_note_str XEN_ELFNOTE_GUEST_OS, PV_GUEST_OS
xen_note_str XEN_ELFNOTE_XEN_VERSION, "xen-3.0"
xen_note_str XEN_ELFNOTE_LOADER, "generic"
xen_note_str XEN_ELFNOTE_PAE_MODE, "yes"

    .section .text.entry, "ax"
    .globl _start
_start:
    cld
    mov %rsi, %rdi                  /* start_info */
    lea stack_top(%rip), %rsp
    call guest_pv_main
1:  pause                           /* a PV kernel cannot hlt; guest_pv_main shut down */
    jmp 1b

/*
 * pv_iret_enter(frame): HYPERVISOR_iret with the frame { flags, RIP, CS,
 * RFLAGS, RSP, SS } (copied first: the iret stub pushes RCX, R11 and RAX
 * below it); an entry point's pv_iret_leave() returns from it, the
 * callee-saved registers kept.
 */
    .text
    .globl pv_iret_enter, pv_iret_leave
pv_iret_enter:
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, iret_resume_rsp(%rip)
    mov %rdi, %rsi
    lea iret_frame(%rip), %rdi
    mov %rdi, %rsp
    mov $6, %ecx
    rep movsq
    jmp hypercall_page + PV_IRET_STUB
pv_iret_leave:
    mov iret_resume_rsp(%rip), %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    ret

    /* Filled by the hypervisor with 32-byte stubs, one per hypercall. */
    .section .text.hypercall_page, "ax"
    .balign 4096
    .globl hypercall_page
hypercall_page:
    .skip 4096

    .section .bss
    .balign 16
iret_resume_rsp: .skip 8
    .skip 8 * 9                     /* the iret stub's pushes */
iret_frame:      .skip 8 * 6
    .balign 4096
stack:  .skip 16384
stack_top:
