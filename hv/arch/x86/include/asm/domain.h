/* SPDX-License-Identifier: MIT */
/*
 * The x86 parts of struct vcpu and struct domain (hv/domain.h embeds them).
 * A domain's type (asm/domain_type.h) says how its vCPUs run: HVM/PVH or PV,
 * both in a hardware back-end's container. Every vCPU has hvm/'s
 * vendor-neutral state and a typed pointer to its back-end's; a PV vCPU also
 * has pv/'s.
 */
#ifndef ASM_DOMAIN_H
#define ASM_DOMAIN_H

#include <asm/hvm/vcpu.h>
#include <asm/pv/domain.h>
#include <asm/pv/vcpu.h>

struct domain_type_ops;
struct svm_vcpu;
struct vmx_vcpu;

struct arch_vcpu {
    struct hvm_vcpu hvm;
    struct pv_vcpu pv; /* PV domains only */
    /* The back-end's per-vCPU state, in its own pages; the one hvm_backend chose. */
    union {
        struct svm_vcpu *svm;
        struct vmx_vcpu *vmx;
    } vendor;
};

struct arch_domain {
    const struct domain_type_ops *type;
    /* The back-end reported an entry the emulator set up wrongly (once per domain). */
    bool emulator_entry_said;
    /* Pages of ignored unmapped accesses already logged (hvm/npf.c), and how many. */
    gpaddr_t unmapped_logged[16];
    unsigned int nr_unmapped_logged;
    struct pv_domain pv; /* PV domains only */
};

#endif
