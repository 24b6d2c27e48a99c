// SPDX-License-Identifier: MIT
/*
 * Intercepted exceptions and instructions guests are not offered.
 *
 * #DB and #AC are intercepted only so that a guest cannot hang its CPU with an
 * endless chain of them raised during their own delivery (the exit gives the
 * hypervisor its CPU back each time); they are reflected into the guest
 * unchanged.
 */
#include "svm.h"

struct svm_exit_outcome svm_exit_exception(struct vcpu *v, struct svm_vcpu *s)
{
    unsigned int vector = (unsigned int)(s->vmcb->control.exitcode - VMEXIT_EXCEPTION_BASE);

    (void)v;
    return svm_exception_error(vector, (uint32_t)s->vmcb->control.exitinfo1);
}

struct svm_exit_outcome svm_exit_undefined(struct vcpu *v, struct svm_vcpu *s)
{
    (void)v;
    (void)s;
    return svm_exception(X86_EXC_UD);
}

/* INVD and WBINVD: caches are coherent for guests under nested paging; skip them. */
struct svm_exit_outcome svm_exit_cache_flush(struct vcpu *v, struct svm_vcpu *s)
{
    static const struct svm_opcode ops[] = {
        { 2, { 0x0F, 0x08 } },  /* INVD */
        { 2, { 0x0F, 0x09 } },  /* WBINVD */
    };
    unsigned int len = svm_insn_length(v, ops, ARRAY_SIZE(ops));

    (void)s;
    return len ? svm_advance(len) : svm_crash("INVD/WBINVD exit without the instruction at RIP");
}

struct svm_exit_outcome svm_exit_shutdown(struct vcpu *v, struct svm_vcpu *s)
{
    (void)v;
    (void)s;
    return svm_crash("triple fault");
}
