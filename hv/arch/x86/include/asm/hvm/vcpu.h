/* SPDX-License-Identifier: MIT */
/*
 * An HVM vCPU's vendor-neutral state (struct arch_vcpu, asm/domain.h): what
 * hvm/ keeps for every back-end. The back-end's own state (VMCB ...) sits
 * beside it in arch_vcpu.vendor.
 */
#ifndef ASM_HVM_VCPU_H
#define ASM_HVM_VCPU_H

#include <hv/types.h>
#include <asm/guest_cpuid.h>
#include <asm/hvm/vlapic.h>
#include <hv/spinlock.h>
#include <hv/timer.h>

struct hvm_vcpu {
    /* FPU/SSE/AVX state, XCR0 and DR0-3 while the vCPU is off its CPU (hvm/xstate.c). */
    uint64_t xcr0;
    void *fpu_area; /* XSAVE/FXSAVE image */
    unsigned int fpu_order;
    uint64_t dr[4];
    /* The MSR model (hvm/msr.c). */
    struct guest_msr_features msrs; /* what the domain's CPUID says exists */
    uint64_t spec_ctrl;             /* guest MSR_SPEC_CTRL */
    uint64_t virt_spec_ctrl;        /* guest MSR_VIRT_SPEC_CTRL (emulated) */
    uint32_t tsc_aux;               /* guest MSR_TSC_AUX: the vCPU id until it writes one */
    bool cpuid_faulting;            /* MISC_FEATURES_ENABLES: CPUID at CPL > 0 is #GP */
    /* The emulated local APIC (hvm/vlapic_vcpu.c); the lock: vlapic, its timer's arming. */
    struct vlapic vlapic;
    spinlock_t vlapic_lock;
    struct timer vlapic_timer;
    bool wait_for_sipi; /* INIT received while down: STARTUP starts it (d->lock) */
};

#endif
