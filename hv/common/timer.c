/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU one-shot timers. Each CPU keeps its pending timers in a sorted list
 * (struct percpu's timers) and programs its LAPIC timer for the earliest; the
 * interrupt runs every timer that is due and re-arms for the next. timer_set()
 * acts on the calling CPU; timer_cancel() may be called from any CPU.
 */
#include <asm/timer.h>
#include <hv/percpu.h>
#include <hv/spinlock.h>
#include <hv/time.h>
#include "timer_queue.h"

void timer_init_cpu(void)
{
    this_cpu()->timers.armed_for_ns = UINT64_MAX;
    arch_timer_init_cpu();
}

/* q->lock held, on q's CPU. */
static void arm_hardware(struct timer_queue *q, uint64_t deadline_ns)
{
    q->armed_for_ns = deadline_ns;
    arch_timer_program(deadline_ns);
}

bool timer_interrupt_overdue(uint64_t slack_ns)
{
    uint64_t armed = this_cpu()->timers.armed_for_ns;

    ASSERT_IRQS_OFF();
    return armed != UINT64_MAX && now_ns() > armed + slack_ns;
}

void timer_cancel(struct timer *t)
{
    struct timer_queue *q;
    unsigned long flags;

    if (!t->armed)
        return;
    q = &percpu_of(t->cpu)->timers;
    flags = spin_lock_irqsave(&q->lock);
    if (t->armed) {
        timer_queue_remove(q, t);
        t->armed = false;
    }
    spin_unlock_irqrestore(&q->lock, flags);
}

void timer_set(struct timer *t, uint64_t deadline_ns)
{
    struct percpu *pc = this_cpu();
    struct timer_queue *q = &pc->timers;
    unsigned long flags;

    timer_cancel(t);
    flags = spin_lock_irqsave(&q->lock);
    t->cpu = pc->cpu_id;
    t->deadline_ns = deadline_ns;
    t->armed = true;
    timer_queue_insert(q, t);
    if (q->head == t)
        arm_hardware(q, deadline_ns);
    spin_unlock_irqrestore(&q->lock, flags);
}

void timer_interrupt(void)
{
    struct timer_queue *q = &this_cpu()->timers;
    struct timer *t;

    ASSERT_IRQS_OFF();
    spin_lock(&q->lock);
    while ((t = timer_queue_pop_expired(q, now_ns())) != NULL) {
        t->armed = false;
        spin_unlock(&q->lock);
        t->fn(t);
        spin_lock(&q->lock);
    }
    arm_hardware(q, timer_queue_next_deadline(q));
    spin_unlock(&q->lock);
}
