// SPDX-License-Identifier: MIT
/*
 * Nested page faults. A domain's P2M maps exactly its own RAM, built before
 * it starts and never changed, so a nested fault is always an access outside
 * the domain's memory (another domain's, the hypervisor's, an address with no
 * device): it is reported and the domain crashes, per its on_crash policy.
 * MMIO emulation will start here.
 */
#include <hv/printk.h>
#include "svm.h"

#define NPF_PRESENT (1ull << 0)
#define NPF_WRITE   (1ull << 1)
#define NPF_FETCH   (1ull << 4)
#define NPF_IN_WALK (1ull << 33)

struct svm_exit_outcome svm_exit_npf(struct vcpu *v, struct svm_vcpu *s)
{
    uint64_t err = s->vmcb->control.exitinfo1, gpa = s->vmcb->control.exitinfo2;

    printk("%s: vCPU %u: %s of guest-physical 0x%llx outside the domain's memory%s "
           "(rip 0x%llx)\n", v->domain->name, v->id,
           (err & NPF_FETCH) ? "instruction fetch" : (err & NPF_WRITE) ? "write" : "read",
           (unsigned long long)gpa,
           (err & NPF_IN_WALK) ? ", during a page-table walk" :
           (err & NPF_PRESENT) ? ", not permitted" : "",
           (unsigned long long)s->vmcb->save.rip);
    return svm_crash("access outside the domain's memory");
}
