/* SPDX-License-Identifier: MIT */
/* The list logic of a CPU's timer queue (hv/timer.h), host-tested. */
#ifndef HV_COMMON_TIMER_QUEUE_H
#define HV_COMMON_TIMER_QUEUE_H

#include <hv/timer.h>

/* Each call needs q->lock held. */
/* Timers with equal deadlines fire in the order they were inserted. */
void timer_queue_insert(struct timer_queue *q, struct timer *t);
/* False if t was not in q. */
bool timer_queue_remove(struct timer_queue *q, struct timer *t);
/* Removes and returns the earliest timer due at now_ns, or NULL. */
struct timer *timer_queue_pop_expired(struct timer_queue *q, uint64_t now_ns);
/* Earliest deadline, UINT64_MAX when empty. */
uint64_t timer_queue_next_deadline(const struct timer_queue *q);

#endif
