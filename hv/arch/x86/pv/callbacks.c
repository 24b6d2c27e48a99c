// SPDX-License-Identifier: MIT
/*
 * A PV kernel's callbacks (set_callbacks, callback_op) and the event
 * upcall. Events come through the event callback, never as a vector
 * through the container's IDT: before every entry, with an upcall pending
 * in the vCPU's vcpu_info and not masked, the vCPU is bounced to it with
 * Xen's frame and the mask set; the kernel's iret (or its own write of the
 * mask, then any hypercall) unmasks, and the next entry looks again.
 */
#include <public/callback.h>
#include <public/errno.h>
#include <hv/guest_access.h>
#include "pv.h"

int64_t pv_register_callback(struct vcpu *v, const struct callback_register *r)
{
    struct pv_vcpu *pv = to_pv(v);
    bool mask = (r->flags & CALLBACKF_mask_events) != 0;

    if (!pv_canonical(r->address))
        return -XEN_EINVAL;
    switch (r->type) {
    case CALLBACKTYPE_event: pv->event_callback = r->address; return 0;
    case CALLBACKTYPE_failsafe:
        pv->failsafe_callback = r->address;
        pv->failsafe_masks_events = mask;
        return 0;
    case CALLBACKTYPE_syscall:
        pv->syscall_callback = r->address;
        pv->syscall_masks_events = mask;
        return 0;
    /* As Xen, the NMI callback is the trap table's vector 2, an interrupt gate. */
    case CALLBACKTYPE_nmi:
        pv->traps[X86_EXC_NMI] = (struct pv_trap){ .address = r->address, .mask_events = true };
        return 0;
    /* For 32-bit user space, which a 64-bit-only PV guest here has not. */
    case CALLBACKTYPE_syscall32:
    case CALLBACKTYPE_sysenter: return -XEN_EINVAL;
    }
    return -XEN_ENOSYS;
}

/* Xen lets only the NMI callback go; the others can only be replaced. */
static int64_t unregister_callback(struct vcpu *v, const struct callback_unregister *u)
{
    switch (u->type) {
    case CALLBACKTYPE_event:
    case CALLBACKTYPE_failsafe:
    case CALLBACKTYPE_syscall:
    case CALLBACKTYPE_syscall32:
    case CALLBACKTYPE_sysenter: return -XEN_EINVAL;
    case CALLBACKTYPE_nmi: to_pv(v)->traps[X86_EXC_NMI] = (struct pv_trap){ 0 }; return 0;
    }
    return -XEN_ENOSYS;
}

int64_t pv_callback_op(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
    struct callback_register r;
    struct callback_unregister u;

    switch (cmd) {
    case CALLBACKOP_register:
        if (copy_from_guest(v, &r, mk_gvaddr(arg), sizeof(r)))
            return -XEN_EFAULT;
        return pv_register_callback(v, &r);
    case CALLBACKOP_unregister:
        if (copy_from_guest(v, &u, mk_gvaddr(arg), sizeof(u)))
            return -XEN_EFAULT;
        return unregister_callback(v, &u);
    }
    return -XEN_ENOSYS;
}

/*
 * As Xen: each one registered with no flags; one that is refused (a
 * non-canonical address) is left as it was, and the call answers 0.
 */
int64_t pv_set_callbacks(struct vcpu *v, uint64_t event, uint64_t failsafe, uint64_t syscall)
{
    pv_register_callback(
        v, &(struct callback_register){ .type = CALLBACKTYPE_event, .address = event });
    pv_register_callback(
        v, &(struct callback_register){ .type = CALLBACKTYPE_failsafe, .address = failsafe });
    pv_register_callback(
        v, &(struct callback_register){ .type = CALLBACKTYPE_syscall, .address = syscall });
    return 0;
}

/*
 * Called before every entry (hvm_pending_interrupt). Xen would crash a
 * domain whose events are unmasked with none registered; here they wait
 * for the callback, since a PV vCPU's first vcpu_info starts unmasked
 * here where Xen's builders mask it. A frame that cannot be written
 * crashes the domain, as on Xen; the run loop stops at the vCPU's next exit.
 */
void pv_deliver_events(struct vcpu *v)
{
    struct pv_vcpu *pv = to_pv(v);
    struct vcpu_info *vi = v->ev.info;
    struct pv_bounce b = { .handler = pv->event_callback, .mask_events = true };
    const char *why;

    if (!vi || !pv->event_callback || hvm_be->event_pending(v) ||
        __atomic_load_n(&vi->evtchn_upcall_mask, __ATOMIC_SEQ_CST) ||
        !__atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_SEQ_CST))
        return;
    pv_bounce_selectors(v, &b);
    why = pv_bounce(v, &b);
    if (why)
        domain_crash(v->domain, "event upcall: %s", why);
}
