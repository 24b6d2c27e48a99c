/* SPDX-License-Identifier: MIT */
/*
 * An x86-64 PV vCPU's own state (struct arch_vcpu, asm/domain.h), beside the
 * HVM container state its vCPU runs in (docs/decisions.md item 25).
 */
#ifndef ASM_PV_VCPU_H
#define ASM_PV_VCPU_H

#include <hv/types.h>

struct pv_vcpu {
    /*
     * Whether the guest runs its kernel (true) or its user space. Both are
     * at CPL 3, as on Xen x86-64: only the hypervisor's transitions switch
     * it, and only the kernel may make hypercalls.
     */
    bool kernel_mode;
};

#endif
