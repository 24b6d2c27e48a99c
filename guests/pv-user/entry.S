/* SPDX-License-Identifier: MIT */
/*
 * PV entry of the pv-user guest, its kernel entry points (trap handlers,
 * the event, syscall and failsafe callbacks), the way into guest user mode
 * and back, and probes that may fault.
 *
 * Every entry point is entered as Xen enters a PV kernel: RSP at the frame
 * { RCX, R11, [DS, ES, FS, GS,] [error code,] RIP, CS, RFLAGS, RSP, SS }.
 * It saves the other registers (an exception may interrupt any code, user
 * mode's included), hands the frame and the saved registers to C, and
 * returns as a PV kernel does: RCX and R11 back from the frame, the rest
 * dropped, the iret flags pushed, then the hypercall page's iret stub.
 */
#include "xen-note.S.h"

#define VIRT_BASE 0xffffffff80000000
#define IRET_STUB (23 * 32)
#define VGCF_IN_SYSCALL 0x100

xen_note XEN_ELFNOTE_ENTRY, .quad, _start
xen_note XEN_ELFNOTE_HYPERCALL_PAGE, .quad, hypercall_page
xen_note XEN_ELFNOTE_VIRT_BASE, .quad, VIRT_BASE
xen_note XEN_ELFNOTE_PADDR_OFFSET, .quad, 0
xen_note_str XEN_ELFNOTE_FEATURES, "!writable_page_tables|pae_pgdir_above_4gb"
xen_note_str XEN_ELFNOTE_GUEST_OS, "tessera-pv-user"
xen_note_str XEN_ELFNOTE_XEN_VERSION, "xen-3.0"
xen_note_str XEN_ELFNOTE_LOADER, "generic"
xen_note_str XEN_ELFNOTE_PAE_MODE, "yes"

    .section .text.entry, "ax"
    .globl _start
_start:
    cld
    mov %rsi, %rdi                  /* start_info */
    lea stack_top(%rip), %rsp
    call pv_user_main
1:  pause                           /* pv_user_main shut down */
    jmp 1b

/*
 * \name: calls \fn(frame, regs) with frame the address of RIP in the frame
 * (after \skip bytes of error code or selectors) and regs the saved
 * registers (struct saved_regs, pv-user.c); returns with iret flags \flags.
 */
.macro entry_point name, fn, skip, flags
    .globl \name
\name:
    push %rax
    push %rbx
    push %rdx
    push %rsi
    push %rdi
    push %rbp
    push %r8
    push %r9
    push %r10
    push %r12
    push %r13
    push %r14
    push %r15
    lea (13 * 8 + 16 + \skip)(%rsp), %rdi
    mov %rsp, %rsi
    mov %rsp, %rbx
    and $-16, %rsp
    call \fn
    mov %rbx, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %r10
    pop %r9
    pop %r8
    pop %rbp
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rbx
    pop %rax
    mov (%rsp), %rcx
    mov 8(%rsp), %r11
.if \flags
    /* With VGCF_in_syscall the hypervisor sets them as SYSRET does: poison to see it. */
    mov $0xdead, %ecx
    mov $0xdead, %r11d
.endif
    add $(16 + \skip), %rsp
    pushq $\flags
    jmp hypercall_page + IRET_STUB
.endm

    .text
    entry_point trap_bp, pv_user_trap_soft, 0, 0
    entry_point trap_int81, pv_user_trap_soft, 0, 0
    entry_point trap_ud, pv_user_trap_ud, 0, 0
    entry_point trap_nm, pv_user_trap_nm, 0, 0
    entry_point trap_gp, pv_user_trap_gp, 8, 0
    entry_point trap_pf, pv_user_trap_pf, 8, 0
    entry_point event_callback, pv_user_event, 0, 0
    entry_point syscall_callback, pv_user_syscall, 0, VGCF_IN_SYSCALL
    entry_point failsafe_callback, pv_user_failsafe, 32, 0

/*
 * enter_user(frame): runs guest user mode from the iret frame { flags, RIP,
 * CS, RFLAGS, RSP, SS } until back_to_kernel() (from the kernel side of a
 * callback) returns here; the callee-saved registers survive.
 */
    .globl enter_user
enter_user:
    push %rbx
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, kernel_resume_rsp(%rip)
    mov %rdi, %rsp
    jmp hypercall_page + IRET_STUB

    .globl back_to_kernel
back_to_kernel:
    mov kernel_resume_rsp(%rip), %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbp
    pop %rbx
    ret

/* probe_read(addr): the quadword at addr, or -1 when reading it faults (#PF resumes at 1). */
    .globl probe_read
probe_read:
    lea 1f(%rip), %rax
    mov %rax, probe_resume(%rip)
    mov (%rdi), %rax
    movq $0, probe_resume(%rip)
    ret
1:  mov $-1, %rax
    ret

/* probe_gs0(): %gs:0, or -1 when reading it faults. */
    .globl probe_gs0
probe_gs0:
    lea 1f(%rip), %rax
    mov %rax, probe_resume(%rip)
    mov %gs:0, %rax
    movq $0, probe_resume(%rip)
    ret
1:  mov $-1, %rax
    ret

/*
 * user_syscall(nr, out): SYSCALL from user mode; out[0] = RCX and out[1] =
 * R11 after it, out[2] = the address after the instruction, out[3] = the
 * RFLAGS it ran with, out[4] = its RSP. Returns RAX.
 */
    .globl user_syscall
user_syscall:
    mov %rdi, %rax
    mov %rsi, %rdi
    pushfq
    popq 24(%rdi)
    lea 1f(%rip), %rdx
    mov %rdx, 16(%rdi)
    mov %rsp, 32(%rdi)
    syscall
1:  mov %rcx, (%rdi)
    mov %r11, 8(%rdi)
    ret

    /* A hypercall page the hypervisor fills with 32-byte stubs, one per hypercall. */
    .section .text.hypercall_page, "ax"
    .balign 4096
    .globl hypercall_page
hypercall_page:
    .skip 4096

    .section .bss
    .balign 8
    .globl probe_resume
probe_resume:       .skip 8
kernel_resume_rsp:  .skip 8
    .balign 4096
stack:  .skip 16384
stack_top:
