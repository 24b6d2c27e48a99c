// SPDX-License-Identifier: MIT
/*
 * Nested page faults. A domain's P2M maps exactly its own RAM and its static
 * shared memory, built before it starts and never changed, so a nested fault
 * is either a write to shared memory the domain maps read-only or an access
 * outside the domain's memory (another domain's, the hypervisor's, an address
 * with no device). Either is reported and the domain crashes, per its
 * on_crash policy; the write never reaches the region. MMIO emulation will
 * start here.
 */
#include <hv/domains.h>
#include <hv/printk.h>
#include "svm.h"

#define NPF_PRESENT (1ull << 0)
#define NPF_WRITE   (1ull << 1)
#define NPF_FETCH   (1ull << 4)
#define NPF_IN_WALK (1ull << 33)

/*
 * A fault inside a region the domain maps: a write to a read-only mapping (also
 * by the page walker setting accessed/dirty bits) or an instruction fetch.
 */
static struct svm_exit_outcome shm_fault(struct vcpu *v, struct svm_vcpu *s, const char *id,
                                         bool writable)
{
    uint64_t err = s->vmcb->control.exitinfo1, gpa = s->vmcb->control.exitinfo2;
    bool write = (err & NPF_WRITE) && !writable;

    printk("%s: vCPU %u: %s shared memory '%s' at guest-physical 0x%llx%s (rip 0x%llx)\n",
           v->domain->name, v->id,
           write ? "write to read-only" : "instruction fetch from never-executable", id,
           (unsigned long long)gpa, (err & NPF_IN_WALK) ? ", during a page-table walk" : "",
           (unsigned long long)s->vmcb->save.rip);
    return svm_crash(write ? "write to read-only shared memory"
                           : "instruction fetch from shared memory");
}

struct svm_exit_outcome svm_exit_npf(struct vcpu *v, struct svm_vcpu *s)
{
    uint64_t err = s->vmcb->control.exitinfo1, gpa = s->vmcb->control.exitinfo2;
    bool writable;
    const char *shm = domains_shm_at(v->domain, gpa, &writable);

    if (shm)
        return shm_fault(v, s, shm, writable);
    printk("%s: vCPU %u: %s of guest-physical 0x%llx outside the domain's memory%s "
           "(rip 0x%llx)\n", v->domain->name, v->id,
           (err & NPF_FETCH) ? "instruction fetch" : (err & NPF_WRITE) ? "write" : "read",
           (unsigned long long)gpa,
           (err & NPF_IN_WALK) ? ", during a page-table walk" :
           (err & NPF_PRESENT) ? ", not permitted" : "",
           (unsigned long long)s->vmcb->save.rip);
    return svm_crash("access outside the domain's memory");
}
