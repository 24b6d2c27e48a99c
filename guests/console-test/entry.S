/* SPDX-License-Identifier: MIT */
/*
 * PVH entry of the console-test guest, as hello's: entered at
 * XEN_ELFNOTE_PHYS32_ENTRY in 32-bit protected mode, paging off; builds an
 * identity map of the first GiB with 2 MiB pages, enters long mode and calls
 * console_test_main().
 */
#include "xen-note.S.h"

xen_note XEN_ELFNOTE_PHYS32_ENTRY, .long, _start32
xen_note_str XEN_ELFNOTE_GUEST_OS, "tessera-console-test"
xen_note_str XEN_ELFNOTE_XEN_VERSION, "xen-3.0"
xen_note_str XEN_ELFNOTE_LOADER, "generic"

    .section .text.entry, "ax"
    .code32
    .globl _start32
_start32:
    cli
    cld
    mov $stack_top, %esp

    /* PML4[0] -> PDPT, PDPT[0] -> PD, PD[i] -> i * 2 MiB (PS | RW | P). */
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
    call console_test_main
2:  cli
    hlt
    jmp 2b

    .section .rodata
    .balign 8
gdt:
    .quad 0
    .quad 0x00af9a000000ffff        /* 0x08: 64-bit code */
    .quad 0x00cf92000000ffff        /* 0x10: flat data */
gdt_end:
gdt_ptr:
    .word gdt_end - gdt - 1
    .long gdt

    .section .bss
    .balign 4096
pml4:   .skip 4096
pdpt:   .skip 4096
pd:     .skip 4096
stack:  .skip 16384
stack_top:
