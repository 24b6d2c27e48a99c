/* SPDX-License-Identifier: MIT */
#include "timer_queue.h"

void timer_queue_insert(struct timer_queue *q, struct timer *t)
{
    struct timer **link = &q->head;

    ASSERT_LOCKED(&q->lock);
    while (*link && (*link)->deadline_ns <= t->deadline_ns)
        link = &(*link)->next;
    t->next = *link;
    *link = t;
}

bool timer_queue_remove(struct timer_queue *q, struct timer *t)
{
    ASSERT_LOCKED(&q->lock);
    for (struct timer **link = &q->head; *link; link = &(*link)->next) {
        if (*link == t) {
            *link = t->next;
            t->next = NULL;
            return true;
        }
    }
    return false;
}

struct timer *timer_queue_pop_expired(struct timer_queue *q, uint64_t now_ns)
{
    struct timer *t = q->head;

    ASSERT_LOCKED(&q->lock);
    if (!t || t->deadline_ns > now_ns)
        return NULL;
    q->head = t->next;
    t->next = NULL;
    return t;
}

uint64_t timer_queue_next_deadline(const struct timer_queue *q)
{
    ASSERT_LOCKED(&q->lock);
    return q->head ? q->head->deadline_ns : UINT64_MAX;
}
