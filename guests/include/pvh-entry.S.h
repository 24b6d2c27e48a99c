/* SPDX-License-Identifier: MIT */
/*
 * GAS macros for a PVH guest's way from XEN_ELFNOTE_PHYS32_ENTRY (32-bit
 * protected mode, paging off, EBX = struct hvm_start_info) into long mode,
 * shared by lib/pvh-entry.S and lib/trap-entry.S. The user provides the
 * symbols pml4, pdpt, pd (pvh_page_tables), gdt_ptr (to a GDT starting with
 * pvh_gdt) and stack_top. pvh_long_mode ends in 64-bit code with EDI
 * zero-extended into RDI = the start info.
 */
#ifndef GUESTS_PVH_ENTRY_S_H
#define GUESTS_PVH_ENTRY_S_H

#include "xen-note.S.h"

/*
 * The Xen notes of a PVH kernel and its entry point _start32 in .text.entry
 * (32-bit): interrupts off, start info kept in EDI, our stack.
 */
.macro pvh_start32 guest_os
xen_note XEN_ELFNOTE_PHYS32_ENTRY, .long, _start32
xen_note_str XEN_ELFNOTE_GUEST_OS, "\guest_os"
xen_note_str XEN_ELFNOTE_XEN_VERSION, "xen-3.0"
xen_note_str XEN_ELFNOTE_LOADER, "generic"

    .section .text.entry, "ax"
    .code32
    .globl _start32
_start32:
    cli
    cld
    mov %ebx, %edi                  /* hvm_start_info, kept for the C entry */
    mov $stack_top, %esp
.endm

/* 32-bit: PML4[0] -> PDPT, PDPT[0] -> PD, PD[i] -> i * 2 MiB (PS | RW | P). */
.macro pvh_identity_map
    mov $pdpt, %eax
    or $0x3, %eax
    mov %eax, pml4
    mov $pd, %eax
    or $0x3, %eax
    mov %eax, pdpt
    xor %ecx, %ecx
1:  mov %ecx, %eax
    shl $21, %eax
    or $0x83, %eax
    mov %eax, pd(, %ecx, 8)
    movl $0, pd + 4(, %ecx, 8)
    inc %ecx
    cmp $512, %ecx
    jb 1b
.endm

/* 32-bit -> 64-bit: PAE, CR3 = pml4, EFER.LME, paging; flat data segments. */
.macro pvh_long_mode
    mov %cr4, %eax
    or $(1 << 5), %eax              /* PAE */
    mov %eax, %cr4
    mov $pml4, %eax
    mov %eax, %cr3
    mov $0xc0000080, %ecx           /* EFER */
    rdmsr
    or $(1 << 8), %eax              /* LME */
    wrmsr
    mov %cr0, %eax
    or $0x80000001, %eax            /* PG | PE */
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
    mov %edi, %edi                  /* upper halves are undefined after the switch */
.endm

/* The GDT's first entries: null, 0x08 64-bit code, 0x10 flat data. */
.macro pvh_gdt
gdt:
    .quad 0
    .quad 0x00af9a000000ffff        /* 0x08: 64-bit code */
    .quad 0x00cf92000000ffff        /* 0x10: flat data */
.endm

/* The page tables pvh_identity_map fills (in .bss, page-aligned). */
.macro pvh_page_tables
    .balign 4096
pml4:   .skip 4096
pdpt:   .skip 4096
pd:     .skip 4096
.endm

#endif
