/* SPDX-License-Identifier: MIT */
/* A CPU's pending timers, earliest deadline first (pure list logic, host-tested). */
#ifndef HV_COMMON_TIMER_QUEUE_H
#define HV_COMMON_TIMER_QUEUE_H

#include <hv/timer.h>

struct timer_queue {
    struct timer *head;
};

/* Timers with equal deadlines fire in the order they were inserted. */
void timer_queue_insert(struct timer_queue *q, struct timer *t);
/* False if t was not in q. */
bool timer_queue_remove(struct timer_queue *q, struct timer *t);
/* Removes and returns the earliest timer due at now_ns, or NULL. */
struct timer *timer_queue_pop_expired(struct timer_queue *q, uint64_t now_ns);
/* Earliest deadline, UINT64_MAX when empty. */
uint64_t timer_queue_next_deadline(const struct timer_queue *q);

#endif
