// SPDX-License-Identifier: MIT
/*
 * vcpu_op: Xen's secondary-vCPU bring-up. A domain starts with vCPU 0 up;
 * each other vCPU is down and has no state until a vCPU of its domain gives
 * it one (VCPUOP_initialise, once) and brings it up (VCPUOP_up). VCPUOP_down
 * stops a vCPU at its next exit, keeping its state for a later up; the last
 * vCPU going down powers the domain off, as in Xen.
 *
 * The domain's lock serialises initialise, up and down, so the set of vCPUs
 * that are up changes only under it (plus domain start and destruction,
 * which make no vCPU up that was down).
 */
#include <public/errno.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/xen.h>
#include <domain-builder/vcpu.h>
#include <hv/arch_vcpu.h>
#include <hv/compat_xlat.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/guest_time.h>
#include <hv/hypercall.h>
#include <hv/runstate_area.h>
#include <hv/sched.h>
#include <hv/vcpu_info.h>
#include <hv/vcpu_timer.h>

static bool vcpu_is_up(const struct vcpu *v)
{
    return v->state == VCPU_RUNNABLE || v->state == VCPU_BLOCKED;
}

/* Xen's arch_initialise_vcpu: -EEXIST once it has a state, whatever the context. */
static int64_t vcpu_initialise(struct vcpu *v, struct vcpu *target, uint64_t arg)
{
    struct domain *d = v->domain;
    struct db_vcpu_state st;
    unsigned long flags;
    int64_t rc;

    /* As Xen: a vCPU beyond the shared info's vcpu_info[] needs one registered first. */
    if (!target->ev.info)
        return -XEN_EINVAL;
    /* The context's form is the domain type's (HVM: vcpu_hvm_context). */
    rc = arch_virt->vcpu_context_read(v, target, arg, &st);
    if (rc == -XEN_EFAULT)
        return rc;
    flags = spin_lock_irqsave(&d->lock);
    if (target->initialised)
        rc = -XEN_EEXIST;
    if (!rc && arch_virt->vcpu_set_start_state(target, &st))
        rc = -XEN_EINVAL;
    if (!rc) {
        /* As Xen: a secondary vCPU's TSC is vCPU 0's. */
        arch_virt->vcpu_set_tsc_offset(target, arch_virt->vcpu_tsc_offset(d->vcpus[0]));
        target->initialised = true;
    }
    spin_unlock_irqrestore(&d->lock, flags);
    return rc;
}

static int64_t vcpu_up(struct vcpu *target)
{
    struct domain *d = target->domain;
    unsigned long flags = spin_lock_irqsave(&d->lock);
    int64_t rc = 0;

    if (target->initialised)
        sched_up(target);
    else
        rc = -XEN_EINVAL;
    spin_unlock_irqrestore(&d->lock, flags);
    return rc;
}

/* Any vCPU of the domain may bring any down, itself included (Linux's CPU hot-unplug). */
int64_t vcpu_down(struct vcpu *target)
{
    struct domain *d = target->domain;
    unsigned long flags = spin_lock_irqsave(&d->lock);
    bool others_up = false;
    unsigned int i;

    for (i = 0; i < d->nr_vcpus; i++)
        others_up |= d->vcpus[i] != target && vcpu_is_up(d->vcpus[i]);
    if (others_up)
        sched_down(target);
    spin_unlock_irqrestore(&d->lock, flags);
    if (!others_up)
        domain_shutdown(d, SHUTDOWN_poweroff);
    return 0;
}

static int64_t vcpu_get_runstate(struct vcpu *v, struct vcpu *target, uint64_t arg)
{
    struct vcpu_runstate_info info;

    sched_runstate(target, &info, true);
    return runstate_to_guest(v, mk_gvaddr(arg), &info, hypercall_compat(v)) ? -XEN_EFAULT : 0;
}

int64_t do_vcpu_op(struct vcpu *v, const uint64_t *args)
{
    struct domain *d = v->domain;
    uint64_t cmd = args[0], id = args[1], arg = args[2];
    struct vcpu *target;

    if (id >= d->nr_vcpus)
        return -XEN_ENOENT;
    target = d->vcpus[id];
    switch (cmd) {
    case VCPUOP_initialise: return vcpu_initialise(v, target, arg);
    case VCPUOP_up: return vcpu_up(target);
    case VCPUOP_down: return vcpu_down(target);
    case VCPUOP_is_up: return vcpu_is_up(target);
    case VCPUOP_get_runstate_info: return vcpu_get_runstate(v, target, arg);
    case VCPUOP_register_runstate_memory_area: return runstate_area_register(v, target, arg);
    case VCPUOP_register_vcpu_info: return vcpu_info_register(v, target, arg);
    case VCPUOP_register_vcpu_time_memory_area: return guest_time_area_register(v, target, arg);
    case VCPUOP_set_periodic_timer:
    case VCPUOP_stop_periodic_timer:
    case VCPUOP_set_singleshot_timer:
    case VCPUOP_stop_singleshot_timer: return vcpu_timer_op(v, target, (unsigned int)cmd, arg);
    default: return -XEN_ENOSYS;
    }
}
