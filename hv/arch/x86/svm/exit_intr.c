// SPDX-License-Identifier: MIT
/*
 * Physical interrupts and NMIs that arrived while a guest ran. Nothing to do
 * here: the run loop enables interrupts after every exit and the host's own
 * handler takes the interrupt (NMIs are taken at STGI).
 */
#include "svm.h"

struct svm_exit_outcome svm_exit_intr(struct vcpu *v, struct svm_vcpu *s)
{
    (void)v;
    (void)s;
    return svm_resume();
}

struct svm_exit_outcome svm_exit_nmi(struct vcpu *v, struct svm_vcpu *s)
{
    (void)v;
    (void)s;
    return svm_resume();
}
