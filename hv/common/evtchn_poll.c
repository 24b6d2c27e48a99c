// SPDX-License-Identifier: MIT
/*
 * SCHEDOP_poll (evtchn.h): a vCPU blocks until one of the given ports is
 * pending, masked or not, or until its timeout (a vCPU timer).
 */
#include <public/errno.h>
#include <public/sched.h>
#include <hv/domain.h>
#include <hv/evtchn.h>
#include <hv/guest_access.h>
#include <hv/sched.h>
#include <hv/time.h>
#include <hv/vcpu_timer.h>

/* Xen's limit on the ports one SCHEDOP_poll may wait for. */
#define POLL_MAX_PORTS 128

/* SCHEDOP_poll from a 32-bit guest: the ports handle is 32 bits wide (Xen's compat). */
struct compat_sched_poll {
    uint32_t ports;
    uint32_t nr_ports;
    uint64_t timeout;
} __attribute__((packed, aligned(4)));

int64_t evtchn_poll(struct vcpu *v, uint64_t arg)
{
    struct domain *d = v->domain;
    struct sched_poll p;
    struct compat_sched_poll c;
    uint32_t ports[POLL_MAX_PORTS];
    unsigned int i;
    bool pending = false;

    if (v->hypercall_64bit) {
        if (copy_from_guest(v, &p, arg, sizeof(p)))
            return -XEN_EFAULT;
    } else {
        if (copy_from_guest(v, &c, arg, sizeof(c)))
            return -XEN_EFAULT;
        p = (struct sched_poll){ .ports = c.ports, .nr_ports = c.nr_ports,
                                 .timeout = c.timeout };
    }
    if (p.nr_ports > POLL_MAX_PORTS)
        return -XEN_EINVAL;
    if (copy_from_guest(v, ports, p.ports, p.nr_ports * sizeof(ports[0])))
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
