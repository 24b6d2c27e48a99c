/* SPDX-License-Identifier: MIT */
/*
 * vCPU timers: Xen's singleshot and periodic timers (VCPUOP_*_timer), which
 * raise VIRQ_TIMER, and the timeout of SCHEDOP_poll. Each runs on its vCPU's
 * CPU.
 */
#ifndef HV_VCPU_TIMER_H
#define HV_VCPU_TIMER_H

#include <hv/types.h>
#include <hv/timer.h>

struct vcpu;
struct domain;

struct vcpu_timers {
    struct timer singleshot;
    struct timer periodic;
    uint64_t period_ns;        /* 0: no periodic timer (under the event lock) */
    struct timer poll_timeout; /* SCHEDOP_poll with a timeout */
};

/* v's timers as new, none armed (at creation and at a restart). */
void vcpu_timer_init(struct vcpu *v);
/* VCPUOP_{set,stop}_{singleshot,periodic}_timer (vcpu_op.c dispatches); else -ENOSYS. */
int64_t vcpu_timer_op(struct vcpu *v, struct vcpu *target, unsigned int cmd, uint64_t arg);
/* v went down (VCPUOP_down) and is off its CPU: its timers and poll stop. */
void vcpu_timer_down(struct vcpu *v);
/* Ends a SCHEDOP_poll of v at deadline_ns (its CPU's clock). */
void vcpu_timer_poll_arm(struct vcpu *v, uint64_t deadline_ns);
void vcpu_timer_poll_cancel(struct vcpu *v);
/*
 * d dies or restarts: stops its vCPUs' timers for good and waits for one
 * running on another CPU, so the vCPUs may be freed or reset. For a domain
 * that has run since it was built, that waits for every other CPU to take an
 * interrupt: call it with no spinlock held.
 */
void vcpu_timer_domain_stop(struct domain *d);

#endif
