// SPDX-License-Identifier: MIT
/*
 * SCHEDOP_poll (evtchn.h): a vCPU blocks until one of the given ports is
 * pending, masked or not, or until its timeout (a vCPU timer).
 */
#include <public/errno.h>
#include <public/sched.h>
#include <hv/compat_xlat.h>
#include <hv/domain.h>
#include <hv/evtchn.h>
#include <hv/guest_access.h>
#include <hv/sched.h>
#include <hv/time.h>
#include <hv/vcpu_timer.h>

/* Xen's limit on the ports one SCHEDOP_poll may wait for. */
#define POLL_MAX_PORTS 128

int64_t evtchn_poll(struct vcpu *v, uint64_t arg)
{
    struct domain *d = v->domain;
    struct sched_poll p;
    uint32_t ports[POLL_MAX_PORTS];
    unsigned int i;
    bool pending = false;

    if (copy_from_guest_xlat(v, &p, mk_gvaddr(arg), &compat_sched_poll_layout))
        return -XEN_EFAULT;
    if (p.nr_ports > POLL_MAX_PORTS)
        return -XEN_EINVAL;
    if (copy_from_guest(v, ports, mk_gvaddr(p.ports), p.nr_ports * sizeof(ports[0])))
        return -XEN_EFAULT;
    for (i = 0; i < p.nr_ports; i++)
        if (ports[i] >= EVTCHN_NR_PORTS)
            return -XEN_EINVAL;
    /* Announce the poll first, then look: a send in between wakes us. */
    vcpu_timer_poll_cancel(v);
    v->ev.polling = true;
    sched_block(v);
    for (i = 0; i < p.nr_ports && !pending; i++)
        pending = d->events.port_ops->is_pending(d, ports[i]);
    if (pending || (p.timeout && p.timeout <= now_ns())) {
        v->ev.polling = false;
        sched_unblock(v);
    } else if (p.timeout) {
        vcpu_timer_poll_arm(v, p.timeout);
    }
    return 0;
}

void evtchn_port_raised(struct vcpu *v)
{
    if (v->ev.polling) {
        v->ev.polling = false;
        vcpu_timer_poll_cancel(v);
        sched_unblock(v);
    }
}
