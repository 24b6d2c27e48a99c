/* SPDX-License-Identifier: MIT */
/*
 * A domain's CPUID policy in the hypervisor's own form: for each CPUID output
 * register the tree changes, the bits hidden and the bits forced. Built from
 * the plan (domains.c), applied by the back-end's CPUID model, which decides
 * what can be forced (asm/guest_cpuid.h).
 */
#ifndef HV_CPUID_POLICY_H
#define HV_CPUID_POLICY_H

#include <hv/types.h>

enum cpuid_reg {
    CPUID_EAX,
    CPUID_EBX,
    CPUID_ECX,
    CPUID_EDX
};

struct cpuid_reg_policy {
    uint32_t leaf, subleaf;
    uint8_t reg; /* enum cpuid_reg */
    uint32_t hide, force;
};

/* Registers one policy can change: the launch tree's features sit in six. */
#define CPUID_POLICY_MAX_REGS 8

struct cpuid_policy {
    unsigned int nr;
    struct cpuid_reg_policy regs[CPUID_POLICY_MAX_REGS];
};

/* Adds bit to the hidden (force false) or forced bits; false when the policy is full. */
bool cpuid_policy_add(struct cpuid_policy *p, uint32_t leaf, uint32_t subleaf, enum cpuid_reg reg,
                      unsigned int bit, bool force);
/* r[] (EAX..EDX of leaf.subleaf): hidden bits cleared, then forced bits set. */
void cpuid_policy_apply(const struct cpuid_policy *p, uint32_t leaf, uint32_t subleaf,
                        uint32_t r[4]);
/* Whether the policy forces that bit. */
bool cpuid_policy_forces(const struct cpuid_policy *p, uint32_t leaf, uint32_t subleaf,
                         enum cpuid_reg reg, unsigned int bit);

/* The architecture's answer: whether a policy may force that bit on this machine. */
enum cpuid_force {
    CPUID_FORCE_OK,
    CPUID_FORCE_HOST_LACKS,      /* the CPU does not have it */
    CPUID_FORCE_NOT_VIRTUALIZED, /* the CPU has it, the hypervisor does not offer it */
};
enum cpuid_force arch_cpuid_can_force(uint32_t leaf, uint32_t subleaf, enum cpuid_reg reg,
                                      unsigned int bit);

#endif
