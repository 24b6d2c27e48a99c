/* SPDX-License-Identifier: MIT */
/*
 * PVH entry shared by the PVH test guests (tessera_guest(... PVH_GUEST_OS name)).
 * Entered at XEN_ELFNOTE_PHYS32_ENTRY in 32-bit protected mode, paging off,
 * EBX = struct hvm_start_info (physical). Builds an identity map of the first
 * GiB with 2 MiB pages, enters long mode and calls guest_main(start_info).
 * PVH_GUEST_OS, the XEN_ELFNOTE_GUEST_OS string, comes from the build.
 */
#include "pvh-entry.S.h"

    pvh_start32 PVH_GUEST_OS
    pvh_identity_map
    pvh_long_mode
    call guest_main
2:  cli
    hlt
    jmp 2b

    .section .rodata
    .balign 8
    pvh_gdt
gdt_end:
gdt_ptr:
    .word gdt_end - gdt - 1
    .long gdt

    .section .bss
    pvh_page_tables
stack:  .skip 16384
stack_top:
