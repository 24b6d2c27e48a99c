/* SPDX-License-Identifier: MIT */
/*
 * Xen's vcpu_hvm_context (VCPUOP_initialise) checked and translated into the
 * builder's start-state form, which every back-end loads
 * (arch_virt_ops.vcpu_set_start_state). Pure: what the CPU offers comes in
 * as limits, so the checks run in host tests too.
 */
#ifndef ASM_HVM_CONTEXT_H
#define ASM_HVM_CONTEXT_H

#include <hv/types.h>

struct vcpu_hvm_context;
struct db_vcpu_state;

struct hvm_context_limits {
    uint64_t cr4_valid;     /* CR4 bits a guest may start with */
    uint64_t efer_valid;    /* EFER bits a guest may start with */
    unsigned int phys_bits; /* guest-physical address width (CR3) */
};

/* What this CPU lets guests start with. */
void hvm_context_host_limits(struct hvm_context_limits *lim);

/*
 * 0 and *st, or -XEN_EINVAL for a context Xen's arch_set_info_hvm_guest
 * refuses or that the CPU could not enter (VMRUN/VM-entry consistency).
 */
int hvm_context_check(const struct vcpu_hvm_context *ctx, const struct hvm_context_limits *lim,
                      struct db_vcpu_state *st);

#endif
