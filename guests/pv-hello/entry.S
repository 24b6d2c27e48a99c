/* SPDX-License-Identifier: MIT */
/*
 * PV entry of the pv-hello guest (x86-64 PV ABI): entered in 64-bit mode at
 * XEN_ELFNOTE_ENTRY with RSI = start_info (virtual), RSP = the builder's
 * bootstrap stack, the initial page tables mapping [VIRT_BASE, ...) onto the
 * domain's first frames.
 */
#include "xen-note.S.h"

#define VIRT_BASE 0xffffffff80000000

xen_note XEN_ELFNOTE_ENTRY, .quad, _start
xen_note XEN_ELFNOTE_HYPERCALL_PAGE, .quad, hypercall_page
xen_note XEN_ELFNOTE_VIRT_BASE, .quad, VIRT_BASE
xen_note XEN_ELFNOTE_PADDR_OFFSET, .quad, 0
xen_note_str XEN_ELFNOTE_FEATURES, "!writable_page_tables|pae_pgdir_above_4gb"
xen_note_str XEN_ELFNOTE_GUEST_OS, "tessera-pv-hello"
xen_note_str XEN_ELFNOTE_XEN_VERSION, "xen-3.0"
xen_note_str XEN_ELFNOTE_LOADER, "generic"
xen_note_str XEN_ELFNOTE_PAE_MODE, "yes"

    .section .text.entry, "ax"
    .globl _start
_start:
    cld
    mov %rsi, %rdi                  /* start_info */
    lea stack_top(%rip), %rsp
    call pv_hello_main
1:  pause                           /* a PV kernel cannot hlt; pv_hello_main shut down */
    jmp 1b

    /* Filled by the domain builder with 32-byte stubs, one per hypercall. */
    .section .text.hypercall_page, "ax"
    .balign 4096
    .globl hypercall_page
hypercall_page:
    .skip 4096

    .section .bss
    .balign 4096
stack:  .skip 16384
stack_top:
