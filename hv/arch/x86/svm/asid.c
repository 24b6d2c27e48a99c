// SPDX-License-Identifier: MIT
/*
 * ASIDs, per CPU, with generations (as Xen does): a vCPU keeps its ASID while
 * it runs on the same CPU within the same generation. When a CPU runs out, it
 * starts a new generation and flushes its whole TLB once, so no stale
 * translation of an earlier owner of an ASID can survive.
 */
#include "svm.h"

void svm_asid_init_cpu(struct svm_cpu *c)
{
    c->next_asid = 1;
    c->asid_generation = 1;
}

void svm_asid_assign(struct svm_vcpu *s, struct svm_cpu *c, unsigned int cpu)
{
    struct vmcb_control *ctl = &s->vmcb->control;

    ctl->tlb_control = VMCB_TLB_FLUSH_NONE;
    if (s->asid_cpu == cpu && s->asid_generation == c->asid_generation)
        return;
    if (c->next_asid > svm_max_asid) {
        c->asid_generation++;
        c->next_asid = 1;
        ctl->tlb_control = VMCB_TLB_FLUSH_ALL;
    }
    s->asid = c->next_asid++;
    s->asid_generation = c->asid_generation;
    s->asid_cpu = cpu;
    ctl->asid = s->asid;
}
