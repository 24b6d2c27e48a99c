/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU one-shot timers. Each CPU keeps its pending timers in a sorted list
 * and programs its LAPIC timer for the earliest; the interrupt runs every timer
 * that is due and re-arms for the next. timer_set() acts on the calling CPU;
 * timer_cancel() may be called from any CPU.
 */
#include <asm/timer.h>
#include <hv/smp.h>
#include <hv/spinlock.h>
#include <hv/time.h>
#include "timer_queue.h"

static struct cpu_timers {
    spinlock_t lock;
    struct timer_queue queue;
} cpu_timers[HV_MAX_CPUS];

void timer_init_cpu(void)
{
    arch_timer_init_cpu();
}

void timer_cancel(struct timer *t)
{
    struct cpu_timers *ct;
    unsigned long flags;

    if (!t->armed)
        return;
    ct = &cpu_timers[t->cpu];
    flags = spin_lock_irqsave(&ct->lock);
    if (t->armed) {
        timer_queue_remove(&ct->queue, t);
        t->armed = false;
    }
    spin_unlock_irqrestore(&ct->lock, flags);
}

void timer_set(struct timer *t, uint64_t deadline_ns)
{
    unsigned int cpu = smp_processor_id();
    struct cpu_timers *ct = &cpu_timers[cpu];
    unsigned long flags;

    timer_cancel(t);
    flags = spin_lock_irqsave(&ct->lock);
    t->cpu = cpu;
    t->deadline_ns = deadline_ns;
    t->armed = true;
    timer_queue_insert(&ct->queue, t);
    if (ct->queue.head == t)
        arch_timer_program(deadline_ns);
    spin_unlock_irqrestore(&ct->lock, flags);
}

void timer_interrupt(void)
{
    struct cpu_timers *ct = &cpu_timers[smp_processor_id()];
    struct timer *t;

    spin_lock(&ct->lock);
    while ((t = timer_queue_pop_expired(&ct->queue, now_ns())) != NULL) {
        t->armed = false;
        spin_unlock(&ct->lock);
        t->fn(t);
        spin_lock(&ct->lock);
    }
    arch_timer_program(timer_queue_next_deadline(&ct->queue));
    spin_unlock(&ct->lock);
}
