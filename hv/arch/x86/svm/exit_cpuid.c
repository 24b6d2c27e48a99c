// SPDX-License-Identifier: MIT
/*
 * CPUID: Xen's hypervisor leaves (hypercall.h), else the guest CPUID model
 * (asm/guest_cpuid.h): the host's values less what guests are not offered,
 * then the domain's hide/force policy.
 */
#include <asm/guest_cpuid.h>
#include <hv/hypercall.h>
#include "svm.h"

struct svm_exit_outcome svm_exit_cpuid(struct vcpu *v, struct svm_vcpu *s)
{
    static const struct svm_opcode op = { 2, { 0x0F, 0xA2 } };
    struct svm_exit_outcome o = svm_advance_over(v, &op, "CPUID");
    uint32_t leaf = (uint32_t)s->vmcb->save.rax, subleaf = (uint32_t)s->gprs.rcx;
    uint32_t r[4] = { 0, 0, 0, 0 };

    if (o.action != SVM_EXIT_ADVANCE)
        return o;
    if (!xen_cpuid_leaf(v, leaf, subleaf, r)) {
        struct guest_cpuid_ctx ctx = { cpuid_host, &v->domain->policy.cpuid,
                                       v->domain->nr_vcpus, v->id };

        guest_cpuid(&ctx, leaf, subleaf, r);
    }
    /* CPUID writes the low halves and zeroes the high halves. */
    s->vmcb->save.rax = r[0];
    s->gprs.rbx = r[1];
    s->gprs.rcx = r[2];
    s->gprs.rdx = r[3];
    return o;
}
