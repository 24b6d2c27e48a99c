/* SPDX-License-Identifier: MIT */
/*
 * Initial vCPU state of each entry ABI, arch-neutral but laid out so an SVM
 * VMCB save area can be filled from it field by field: segment attributes are
 * in the VMCB's 12-bit packed form (type 3:0, S 4, DPL 6:5, P 7, AVL 8, L 9,
 * D/B 10, G 11).
 */
#ifndef DOMAIN_BUILDER_VCPU_H
#define DOMAIN_BUILDER_VCPU_H

#include <stdint.h>

#include <arch/x86-defs.h> /* segment attributes, CR0/CR4/EFER/RFLAGS bits */

enum db_cpu_mode {
    DB_CPU_PROT32 = 1, /* PVH: 32-bit protected mode, paging off */
    DB_CPU_LONG64,     /* Linux 64-bit boot protocol: long mode, identity map */
    DB_CPU_PV64,       /* x86-64 PV: ring-3 kernel on Xen's flat selectors */
    DB_CPU_REAL16,     /* real mode: an AP started by INIT/STARTUP (hv's vLAPIC) */
};

struct db_segment {
    uint16_t selector;
    uint16_t attrib;
    uint32_t limit;
    uint64_t base;
};

struct db_dtable {
    uint64_t base;
    uint32_t limit;
};

struct db_vcpu_state {
    enum db_cpu_mode mode;
    uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rip, rflags;
    uint64_t cr0, cr3, cr4, efer;
    struct db_segment cs, ds, es, fs, gs, ss, tr, ldtr;
    struct db_dtable gdtr, idtr;
    uint64_t shadow_gs_base; /* KERNEL_GS_BASE, what SWAPGS exchanges with GS's base */
};

#endif
