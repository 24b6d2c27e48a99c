// SPDX-License-Identifier: MIT
/*
 * The shared info page and vcpu_info areas in guest frames (vcpu_info.h).
 * The guest may rewrite them at any moment: the hypervisor only sets and
 * clears bits atomically there and never trusts what it reads.
 */
#include <string.h>
#include <public/arch-x86/shared_info.h>
#include <public/errno.h>
#include <public/vcpu.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/guest_time.h>
#include <hv/p2m.h>
#include <hv/page_alloc.h>
#include <hv/vcpu_info.h>

paddr_t guest_area_frame(const struct domain *d, uint64_t gfn)
{
    unsigned int perms;
    paddr_t pa;

    if (gfn > (~0ull >> PAGE_SHIFT) || (d->console.ring && gfn == d->console.ring_gfn))
        return INVALID_PADDR;
    if (p2m_query(d->p2m, mk_gpaddr(gfn << PAGE_SHIFT), &pa, &perms) != P2M_RAM ||
        !(perms & P2M_WRITE))
        return INVALID_PADDR;
    return pa;
}

/* Host pointer to guest frame gfn for the shared info or a vcpu_info, or NULL. */
static void *guest_frame_rw(struct domain *d, uint64_t gfn)
{
    paddr_t pa = guest_area_frame(d, gfn);

    return paddr_eq(pa, INVALID_PADDR) ? NULL : phys_to_virt(pa);
}

int64_t shared_info_map(struct vcpu *v, uint64_t gfn)
{
    struct domain *d = v->domain;
    struct shared_info *sh = guest_frame_rw(d, gfn);
    unsigned long flags;
    unsigned int i;

    if (!sh)
        return -XEN_EINVAL;
    flags = spin_lock_irqsave(&d->events.lock);
    /* What is pending so far moves with it; the rest of the frame is the page's. */
    if (sh != d->events.shared) {
        memset(sh, 0, PAGE_SIZE);
        memcpy(sh, d->events.shared, sizeof(*sh));
    }
    d->events.shared = sh;
    for (i = 0; i < d->nr_vcpus; i++) {
        struct vcpu *w = d->vcpus[i];

        if (!w->ev.info_registered)
            w->ev.info = i < XEN_LEGACY_MAX_VCPUS ? &sh->vcpu_info[i] : NULL;
        guest_time_update(w);
    }
    spin_unlock_irqrestore(&d->events.lock, flags);
    return 0;
}

int64_t vcpu_info_register(struct vcpu *v, struct vcpu *target, uint64_t arg)
{
    struct domain *d = v->domain;
    struct vcpu_register_vcpu_info r;
    struct vcpu_info *vi, *old;
    unsigned long flags;
    uint8_t *frame;

    if (copy_from_guest(v, &r, mk_gvaddr(arg), sizeof(r)))
        return -XEN_EFAULT;
    if (r.offset > PAGE_SIZE - sizeof(struct vcpu_info) || (r.offset & 7))
        return -XEN_EINVAL;
    frame = guest_frame_rw(d, r.mfn);
    if (!frame)
        return -XEN_EINVAL;
    vi = (struct vcpu_info *)(frame + r.offset);
    flags = spin_lock_irqsave(&d->events.lock);
    if (target->ev.info_registered) {
        spin_unlock_irqrestore(&d->events.lock, flags);
        return -XEN_EINVAL; /* as Xen: once per vCPU */
    }
    old = target->ev.info;
    if (old)
        memcpy(vi, old, sizeof(*vi));
    else
        memset(vi, 0, sizeof(*vi));
    /* As Xen: every selector set, so the guest rescans what is pending. */
    __atomic_store_n(&vi->evtchn_pending_sel, ~0ull, __ATOMIC_SEQ_CST);
    __atomic_store_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
    target->ev.info = vi;
    target->ev.info_registered = true;
    guest_time_update(target);
    spin_unlock_irqrestore(&d->events.lock, flags);
    return 0;
}
