// SPDX-License-Identifier: MIT
/*
 * Guest user mode. Kernel and user space both run at CPL 3 in the
 * container (docs/decisions.md item 27); what tells them apart is the
 * vCPU's kernel-mode flag and what goes with it, as on Xen x86-64: the
 * page tables (NEW_BASEPTR's for the kernel, NEW_USER_BASEPTR's for user
 * space) and the GS base (each mode has its own, exchanged as SWAPGS does).
 * iret switches to user mode; every exception, event and system call from
 * user mode switches back before its bounce, onto the kernel stack the
 * kernel gave with stack_switch.
 */
#include "pv.h"

void pv_toggle_mode(struct vcpu *v)
{
    struct pv_vcpu *pv = to_pv(v);
    uint64_t gs = hvm_be->get_reg(v, GREG_GS_BASE);

    hvm_be->set_reg(v, GREG_GS_BASE, hvm_be->get_reg(v, GREG_SHADOW_GS_BASE));
    hvm_be->set_reg(v, GREG_SHADOW_GS_BASE, gs);
    if (pv->kernel_mode) {
        pv->kernel_baseptr = hvm_be->get_reg(v, GREG_CR3);
        hvm_be->set_reg(v, GREG_CR3, pv->user_baseptr);
    } else {
        hvm_be->set_reg(v, GREG_CR3, pv->kernel_baseptr);
    }
    /* No tag per mode yet: nothing cached for one mode's tables may serve the other's. */
    hvm_be->flush_guest_tlb(v);
    pv->kernel_mode = !pv->kernel_mode;
}

/*
 * As Xen, the kernel stack is taken as given: a bad one makes the next
 * transition from user mode fail to write its frame, which crashes the
 * domain. The stack segment is always FLAT_KERNEL_SS on x86-64.
 */
int64_t pv_stack_switch(struct vcpu *v, uint64_t ss, uint64_t sp)
{
    (void)ss;
    to_pv(v)->kernel_sp = sp;
    return 0;
}
