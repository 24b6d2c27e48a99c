/* SPDX-License-Identifier: MIT */
/* Per-CPU one-shot timers driven by the local APIC timer (TSC-deadline if present). */
#ifndef HV_TIMER_H
#define HV_TIMER_H

#include <hv/types.h>
#include <hv/spinlock.h>

struct timer {
    uint64_t deadline_ns;        /* now_ns() time at which it fires */
    void (*fn)(struct timer *t); /* runs in interrupt context on its CPU */
    void *data;
    struct timer *next;
    unsigned int cpu;
    bool armed;
};

/*
 * A CPU's pending timers, earliest deadline first: struct percpu's timers
 * member, used by timer.c and timer_queue.c only.
 */
struct timer_queue {
    struct timer *head;
    spinlock_t lock;       /* the list and its timers' armed, cpu, next */
    uint64_t armed_for_ns; /* the deadline the timer hardware is set for; this CPU only */
};

void timer_init_cpu(void);
void timer_set(struct timer *t, uint64_t deadline_ns); /* on this CPU */
/*
 * Whether this CPU's timer hardware was set for a deadline more than
 * slack_ns ago and its interrupt has not run yet (interrupts off).
 */
bool timer_interrupt_overdue(uint64_t slack_ns);
void timer_cancel(struct timer *t);

#endif
