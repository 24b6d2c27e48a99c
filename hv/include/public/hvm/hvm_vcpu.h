/* SPDX-License-Identifier: MIT */
/*
 * VCPUOP_initialise's argument for HVM and PVH guests, from Xen's
 * xen/include/public/hvm/hvm_vcpu.h: the register state a secondary vCPU
 * starts with, in 32-bit protected mode (segments given) or directly in long
 * mode (flat segments implied).
 */
#ifndef TESSERA_PUBLIC_HVM_HVM_VCPU_H
#define TESSERA_PUBLIC_HVM_HVM_VCPU_H

#include <stdint.h>

/*
 * Segment attributes (*_ar): type 3:0, S 4, DPL 6:5, P 7, AVL 8, L 9, D/B 10,
 * G 11; bits 15:12 must be zero.
 */
struct vcpu_hvm_x86_32 {
    uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
    uint32_t eip, eflags;
    uint32_t cr0, cr3, cr4;
    uint32_t pad1;
    /* NXE with 32-bit paging, or LME (with paging: compatibility mode). */
    uint64_t efer;
    uint32_t cs_base, ds_base, ss_base, es_base, tr_base;
    uint32_t cs_limit, ds_limit, ss_limit, es_limit, tr_limit;
    uint16_t cs_ar, ds_ar, ss_ar, es_ar, tr_ar;
    uint16_t pad2[3];
};

/* 64-bit mode: CS is a 64-bit code segment, DS/ES/SS flat data, TR a busy 64-bit TSS. */
struct vcpu_hvm_x86_64 {
    uint64_t rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi;
    uint64_t rip, rflags;
    uint64_t cr0, cr3, cr4, efer;
};

struct vcpu_hvm_context {
#define VCPU_HVM_MODE_32B 0
#define VCPU_HVM_MODE_64B 1
    uint32_t mode;
    uint32_t pad;
    union {
        struct vcpu_hvm_x86_32 x86_32;
        struct vcpu_hvm_x86_64 x86_64;
    } cpu_regs;
};

#endif
