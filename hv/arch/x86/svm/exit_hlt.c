// SPDX-License-Identifier: MIT
/* HLT: the vCPU blocks until an event wakes it (sched_unblock), unless one is already pending. */
#include <hv/evtchn.h>
#include <hv/sched.h>
#include "svm.h"

struct svm_exit_outcome svm_exit_hlt(struct vcpu *v, struct svm_vcpu *s)
{
    static const struct svm_opcode op = { 1, { 0xF4 } };
    struct svm_exit_outcome o = svm_advance_over(v, &op, "HLT");

    (void)s;
    if (o.action == SVM_EXIT_ADVANCE) {
        sched_block(v);
        /* An event that arrived before the block must not be slept through. */
        if (evtchn_upcall_pending(v))
            sched_unblock(v);
    }
    return o;
}
