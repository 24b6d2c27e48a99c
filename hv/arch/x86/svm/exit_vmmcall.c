// SPDX-License-Identifier: MIT
/*
 * VMMCALL: Xen's hypercalls, from the hypercall page or issued directly.
 * 64-bit callers pass RDI, RSI, RDX, R10, R8; 32-bit callers EBX, ECX, EDX,
 * ESI, EDI. Only the guest kernel (CPL 0) may call; user space gets -EPERM,
 * as from Xen. The result goes to RAX (truncated to EAX for 32-bit callers).
 */
#include <public/errno.h>
#include <hv/hypercall.h>
#include "svm.h"

struct svm_exit_outcome svm_exit_vmmcall(struct vcpu *v, struct svm_vcpu *s)
{
    static const struct svm_opcode op = { 3, { 0x0F, 0x01, 0xD9 } };
    struct svm_exit_outcome o = svm_advance_over(v, &op, "VMMCALL");
    const struct svm_gprs *g = &s->gprs;
    uint64_t args[HYPERCALL_NR_ARGS];
    int64_t ret;

    if (o.action != SVM_EXIT_ADVANCE)
        return o;
    if (s->vmcb->save.cpl != 0) {
        s->vmcb->save.rax = (uint64_t)-XEN_EPERM;
        return o;
    }
    v->hypercall_64bit = svm_guest_64bit(s);
    if (v->hypercall_64bit) {
        args[0] = g->rdi;
        args[1] = g->rsi;
        args[2] = g->rdx;
        args[3] = g->r10;
        args[4] = g->r8;
        ret = hypercall_dispatch(v, s->vmcb->save.rax, args);
        s->vmcb->save.rax = (uint64_t)ret;
    } else {
        args[0] = (uint32_t)g->rbx;
        args[1] = (uint32_t)g->rcx;
        args[2] = (uint32_t)g->rdx;
        args[3] = (uint32_t)g->rsi;
        args[4] = (uint32_t)g->rdi;
        ret = hypercall_dispatch(v, (uint32_t)s->vmcb->save.rax, args);
        s->vmcb->save.rax = (uint32_t)ret;
    }
    return o;
}
