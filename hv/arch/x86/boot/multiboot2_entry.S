/* SPDX-License-Identifier: MIT */
/*
 * The multiboot2 entry (docs/boot-protocol.md, "The multiboot2 path"). GRUB
 * loads the ELF's segments where they are linked and jumps here in 32-bit
 * protected mode, paging off, EAX = the multiboot2 magic, EBX = the boot
 * information. This code identity-maps the low 4 GiB with 2 MiB pages, enters
 * long mode, lets multiboot2_start() build the struct tessera_bootinfo the UEFI
 * loader would have given, and goes on at _start (entry.S) like the UEFI path.
 * Everything it uses lives in .bootdata, which _start does not clear.
 */
#include <arch/x86-defs.h>

#define MB2_HEADER_MAGIC   0xE85250D6
#define MB2_ARCH_I386      0
#define MB2_HTAG_END       0
#define MB2_HTAG_ENTRY     3
#define MB2_LOADER_MAGIC   0x36D76289
#define MSR_EFER           0xC0000080
#define EARLY_STACK_BYTES  16384
#define LOW_4GIB_PDS       4
#define PDE_2MIB           (X86_PTE_P | X86_PTE_RW | X86_PTE_PS)
#define TABLE              (X86_PTE_P | X86_PTE_RW)

/* The header: within the image's first 32 KiB, 8-byte aligned (hv.ld puts it after _start). */
    .section .multiboot2, "a", @progbits
    .balign 8
mb2_header:
    .long   MB2_HEADER_MAGIC
    .long   MB2_ARCH_I386
    .long   mb2_header_end - mb2_header
    .long   -(MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
    /* Entry address: the ELF's e_entry is the UEFI loader's 64-bit entry. */
    .balign 8
    .short  MB2_HTAG_ENTRY
    .short  0
    .long   12
    .long   mb2_start32
    .balign 8
    .short  MB2_HTAG_END
    .short  0
    .long   8
mb2_header_end:

    .text
    .code32
    .globl mb2_start32
    .type mb2_start32, @function
mb2_start32:
    cli
    cld
    mov     %eax, %esi
    rdtsc
    mov     %eax, mb2_entry_tsc
    mov     %edx, mb2_entry_tsc + 4
    cmp     $MB2_LOADER_MAGIC, %esi
    jne     not_multiboot2
    mov     %ebx, mb2_info
    mov     $mb2_stack + EARLY_STACK_BYTES, %esp

    /* PML4[0] -> PDPT, PDPT[0..3] -> four page directories of 2 MiB pages. */
    movl    $mb2_pdpt + TABLE, mb2_pml4
    xor     %ecx, %ecx
1:  mov     %ecx, %eax
    shl     $12, %eax
    add     $mb2_pd + TABLE, %eax
    mov     %eax, mb2_pdpt(, %ecx, 8)
    inc     %ecx
    cmp     $LOW_4GIB_PDS, %ecx
    jne     1b
    xor     %ecx, %ecx
2:  mov     %ecx, %eax
    shl     $21, %eax
    or      $PDE_2MIB, %eax
    mov     %eax, mb2_pd(, %ecx, 8)
    mov     %ecx, %eax
    shr     $11, %eax               /* bits 32+ of the address: the GiB number */
    mov     %eax, mb2_pd + 4(, %ecx, 8)
    inc     %ecx
    cmp     $LOW_4GIB_PDS * 512, %ecx
    jne     2b

    mov     %cr4, %eax
    or      $X86_CR4_PAE, %eax
    mov     %eax, %cr4
    mov     $mb2_pml4, %eax
    mov     %eax, %cr3
    mov     $MSR_EFER, %ecx
    rdmsr
    or      $EFER_LME, %eax
    wrmsr
    /*
     * Caches on and x87 errors native: a BIOS may hand over CR0.CD/NW set and
     * NE clear (Bochs's does), and guests inherit CD/NW on SVM.
     */
    mov     %cr0, %eax
    and     $~(X86_CR0_CD | X86_CR0_NW), %eax
    or      $(X86_CR0_PG | X86_CR0_NE | X86_CR0_PE), %eax
    mov     %eax, %cr0
    lgdt    mb2_gdt_desc
    ljmp    $0x08, $mb2_start64

/* Not started by a multiboot2 loader: nothing to report with, so stop. */
not_multiboot2:
    hlt
    jmp     not_multiboot2
    .size mb2_start32, . - mb2_start32

    .code64
mb2_start64:
    mov     $0x10, %eax
    mov     %eax, %ds
    mov     %eax, %es
    mov     %eax, %ss
    xor     %eax, %eax
    mov     %eax, %fs
    mov     %eax, %gs
    mov     mb2_info, %edi
    mov     mb2_entry_tsc, %rsi
    call    multiboot2_start
    mov     %rax, %rdi
    jmp     _start

    .section .rodata
    .balign 8
mb2_gdt:
    .quad   0
    .quad   0x00AF9A000000FFFF      /* 0x08: 64-bit code */
    .quad   0x00CF92000000FFFF      /* 0x10: data */
mb2_gdt_desc:
    .short  mb2_gdt_desc - mb2_gdt - 1
    .long   mb2_gdt

    .section .bootdata, "aw", @nobits
    .balign 4096
mb2_pml4:   .skip 4096
mb2_pdpt:   .skip 4096
mb2_pd:     .skip 4096 * LOW_4GIB_PDS
mb2_stack:  .skip EARLY_STACK_BYTES
mb2_entry_tsc: .skip 8
mb2_info:   .skip 4

    .section .note.GNU-stack, "", @progbits
