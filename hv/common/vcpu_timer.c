// SPDX-License-Identifier: MIT
/*
 * vCPU timers (vcpu_timer.h): the singleshot and periodic timers that raise
 * VIRQ_TIMER, and the timeout of SCHEDOP_poll. Only the vCPU itself sets
 * them, so they run on its CPU; the periodic one re-arms from its own expiry.
 */
#include <string.h>
#include <public/errno.h>
#include <public/event_channel.h>
#include <public/vcpu.h>
#include <public/xen.h>
#include <hv/compat_xlat.h>
#include <hv/domain.h>
#include <hv/evtchn.h>
#include <hv/guest_access.h>
#include <hv/sched.h>
#include <hv/smp.h>
#include <hv/time.h>
#include <hv/vcpu_timer.h>

#define MIN_PERIOD_NS 1000000ull   /* Xen's floor for periodic timers */
#define MAX_PERIOD_NS (1ull << 62) /* ~146 years: deadline + period cannot wrap */

static void singleshot_fired(struct timer *t)
{
    evtchn_send_virq(t->data, VIRQ_TIMER);
}

static void periodic_fired(struct timer *t)
{
    struct vcpu *v = t->data;
    struct domain *d = v->domain;
    uint64_t period = v->timers.period_ns, next = t->deadline_ns + period, now = now_ns();
    unsigned long flags;

    evtchn_send_virq(v, VIRQ_TIMER);
    /* Ticks missed (a late interrupt, a stopped CPU) are dropped, not replayed. */
    if (next <= now)
        next = now + period;
    /*
     * Under the lock, against dead (see vcpu_timer_domain_stop()) and against
     * a period cleared meanwhile by another CPU (vcpu_timer_down()).
     */
    flags = spin_lock_irqsave(&d->events.lock);
    if (v->timers.period_ns && !d->events.dead && d->state == DOMAIN_RUNNING)
        timer_set(t, next);
    spin_unlock_irqrestore(&d->events.lock, flags);
}

static void poll_timed_out(struct timer *t)
{
    struct vcpu *v = t->data;

    v->ev.polling = false;
    sched_unblock(v);
}

void vcpu_timer_init(struct vcpu *v)
{
    memset(&v->timers, 0, sizeof(v->timers));
    v->timers.singleshot.fn = singleshot_fired;
    v->timers.singleshot.data = v;
    v->timers.periodic.fn = periodic_fired;
    v->timers.periodic.data = v;
    v->timers.poll_timeout.fn = poll_timed_out;
    v->timers.poll_timeout.data = v;
}

void vcpu_timer_poll_arm(struct vcpu *v, uint64_t deadline_ns)
{
    timer_set(&v->timers.poll_timeout, deadline_ns);
}

void vcpu_timer_poll_cancel(struct vcpu *v)
{
    timer_cancel(&v->timers.poll_timeout);
}

void vcpu_timer_down(struct vcpu *v)
{
    struct domain *d = v->domain;
    unsigned long flags = spin_lock_irqsave(&d->events.lock);

    v->timers.period_ns = 0;
    spin_unlock_irqrestore(&d->events.lock, flags);
    timer_cancel(&v->timers.periodic);
    timer_cancel(&v->timers.singleshot);
    v->ev.polling = false;
    timer_cancel(&v->timers.poll_timeout);
}

static void timers_quiesced(void *unused)
{
    (void)unused;
}

void vcpu_timer_domain_stop(struct domain *d)
{
    unsigned long flags;
    unsigned int i;

    /* Only a running vCPU arms its timers: none has run since the (re)build. */
    if (d->state == DOMAIN_BUILT)
        return;

    /*
     * The periodic timer re-arms itself from its own expiry, possibly on
     * another CPU right now; it does so under the event lock and only while
     * the domain is not dead. Once dead is set under that lock, a re-arm has
     * either happened already (and is cancelled below) or never will.
     */
    flags = spin_lock_irqsave(&d->events.lock);
    d->events.dead = true;
    spin_unlock_irqrestore(&d->events.lock, flags);

    for (i = 0; i < d->nr_vcpus; i++) {
        timer_cancel(&d->vcpus[i]->timers.singleshot);
        timer_cancel(&d->vcpus[i]->timers.periodic);
        timer_cancel(&d->vcpus[i]->timers.poll_timeout);
    }
    /*
     * A timer function may be running on another CPU right now. It runs in
     * an interrupt, so once every other CPU has taken one more interrupt it
     * has finished and the vCPUs can be freed.
     */
    smp_call_others(timers_quiesced, NULL, true);
}

int64_t vcpu_timer_op(struct vcpu *v, struct vcpu *target, unsigned int cmd, uint64_t arg)
{
    struct vcpu_set_singleshot_timer ss;
    struct vcpu_set_periodic_timer per;

    /* Timers run on their vCPU's CPU: only the calling vCPU's own. */
    if (target != v)
        return -XEN_EINVAL;
    switch (cmd) {
    case VCPUOP_set_singleshot_timer:
        if (copy_from_guest_xlat(v, &ss, mk_gvaddr(arg), &compat_vcpu_set_singleshot_timer_layout))
            return -XEN_EFAULT;
        if ((ss.flags & VCPU_SSHOTTMR_future) && ss.timeout_abs_ns < now_ns())
            return -XEN_ETIME;
        timer_set(&v->timers.singleshot, ss.timeout_abs_ns);
        return 0;
    case VCPUOP_stop_singleshot_timer: timer_cancel(&v->timers.singleshot); return 0;
    case VCPUOP_set_periodic_timer:
        if (copy_from_guest(v, &per, mk_gvaddr(arg), sizeof(per)))
            return -XEN_EFAULT;
        if (per.period_ns < MIN_PERIOD_NS || per.period_ns > MAX_PERIOD_NS)
            return -XEN_EINVAL;
        v->timers.period_ns = per.period_ns;
        timer_set(&v->timers.periodic, now_ns() + per.period_ns);
        return 0;
    case VCPUOP_stop_periodic_timer:
        v->timers.period_ns = 0;
        timer_cancel(&v->timers.periodic);
        return 0;
    default: return -XEN_ENOSYS;
    }
}
