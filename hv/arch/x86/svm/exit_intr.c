// SPDX-License-Identifier: MIT
/*
 * Physical interrupts and NMIs that arrived while a guest ran: nothing to do
 * here, the run loop enables interrupts after every exit and the host's own
 * handler takes the interrupt (NMIs are taken at STGI). VINTR: the guest can
 * take the upcall the run loop asked a window for; the next entry injects it.
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

struct svm_exit_outcome svm_exit_vintr(struct vcpu *v, struct svm_vcpu *s)
{
    (void)v;
    s->vmcb->control.vintr &= ~VMCB_VINTR_IRQ;
    s->vmcb->control.intercept_misc1 &= ~VMCB_INTERCEPT_VINTR;
    return svm_resume();
}
