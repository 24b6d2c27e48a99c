// SPDX-License-Identifier: MIT
/* Virtual-time arithmetic of the time-sliced scheduler (sched_vtime.h). */
#include <hv/sched_vtime.h>

/* Virtual time of ns of run time at weight. */
static uint64_t vtime_of(uint64_t ns, uint32_t weight)
{
    return ns * VTIME_WEIGHT_UNIT / weight;
}

void vtime_budget_init(struct vtime_budget *b, unsigned int percent, uint64_t now)
{
    b->budget_ns = VTIME_CAP_PERIOD_NS * percent / 100;
    b->left_ns = (int64_t)b->budget_ns;
    b->period_end = now + VTIME_CAP_PERIOD_NS;
}

/*
 * Starts the period now falls in: one budget per period passed, none saved
 * up. Debt is paid off by every period passed, however late the refill is
 * seen (a timer late by a period on a loaded host must not forgive it).
 */
static void budget_refill(struct vtime_budget *b, uint64_t now)
{
    uint64_t periods;

    if (now < b->period_end)
        return;
    periods = (now - b->period_end) / VTIME_CAP_PERIOD_NS + 1;
    b->period_end += periods * VTIME_CAP_PERIOD_NS;
    if (b->left_ns < 0 && (uint64_t)-b->left_ns > (periods - 1) * b->budget_ns)
        b->left_ns += (int64_t)(periods * b->budget_ns);
    else
        b->left_ns = (int64_t)b->budget_ns;
}

/* Run time e may have now (refilled first); UINT64_MAX without a cap, 0 when parked. */
static uint64_t budget_left(struct vtime_entity *e, uint64_t now)
{
    if (!e->budget)
        return UINT64_MAX;
    budget_refill(e->budget, now);
    return e->budget->left_ns > 0 ? (uint64_t)e->budget->left_ns : 0;
}

void vtime_entity_init(struct vtime_entity *e, const struct vtime_queue *q, uint32_t weight,
                       struct vtime_budget *budget)
{
    e->vtime = q->floor;
    e->weight = weight;
    e->budget = budget;
    e->next = NULL;
}

void vtime_enqueue(struct vtime_queue *q, struct vtime_entity *e, bool woken)
{
    struct vtime_entity **link = &q->head;

    if (woken) {
        uint64_t credit = vtime_of(VTIME_WAKE_CREDIT_NS, e->weight);
        uint64_t earliest = q->floor > credit ? q->floor - credit : 0;

        e->vtime = MAX(e->vtime, earliest);
    }
    while (*link)
        link = &(*link)->next;
    e->next = NULL;
    *link = e;
}

void vtime_dequeue(struct vtime_queue *q, struct vtime_entity *e)
{
    struct vtime_entity **link = &q->head;

    while (*link && *link != e)
        link = &(*link)->next;
    if (*link)
        *link = e->next;
    e->next = NULL;
}

void vtime_yield(struct vtime_queue *q, struct vtime_entity *e, uint64_t now)
{
    struct vtime_entity *o;

    for (o = q->head; o; o = o->next)
        if (budget_left(o, now))
            e->vtime = MAX(e->vtime, o->vtime);
}

void vtime_charge(struct vtime_entity *e, uint64_t ran_ns, uint64_t now)
{
    struct vtime_budget *b = e->budget;

    e->vtime += vtime_of(ran_ns, e->weight);
    if (!b)
        return;
    /* What ran before the period ended is that period's (a late timer may cross it). */
    if (now >= b->period_end && now - ran_ns < b->period_end) {
        uint64_t before = b->period_end - (now - ran_ns);

        b->left_ns -= (int64_t)before;
        ran_ns -= before;
    }
    budget_refill(b, now);
    b->left_ns -= (int64_t)ran_ns;
}

/* The eligible entity of q with the least virtual time; *refill_ns as for vtime_pick. */
static struct vtime_entity *least_eligible(struct vtime_queue *q, uint64_t now, uint64_t *refill_ns)
{
    struct vtime_entity *e, *best = NULL;

    *refill_ns = 0;
    for (e = q->head; e; e = e->next) {
        if (!budget_left(e, now)) {
            uint64_t wait = e->budget->period_end - now;

            *refill_ns = *refill_ns ? MIN(*refill_ns, wait) : wait;
        } else if (!best || e->vtime < best->vtime) {
            best = e;
        }
    }
    return best;
}

struct vtime_entity *vtime_pick(struct vtime_queue *q, uint64_t now, uint64_t *slice_ns)
{
    struct vtime_entity *e = least_eligible(q, now, slice_ns);

    if (!e)
        return NULL;
    vtime_dequeue(q, e);
    q->floor = MAX(q->floor, e->vtime);
    *slice_ns = MIN(VTIME_SLICE_NS, budget_left(e, now));
    return e;
}

bool vtime_slice_end(struct vtime_queue *q, struct vtime_entity *e, uint64_t now,
                     uint64_t *slice_ns)
{
    uint64_t refill_ns, left = budget_left(e, now);
    struct vtime_entity *next = least_eligible(q, now, &refill_ns);

    if (!left || (next && next->vtime <= e->vtime))
        return true;
    /* e runs on as the least: the floor follows it, or a sleeper would wake far behind. */
    q->floor = MAX(q->floor, e->vtime);
    *slice_ns = MIN(VTIME_SLICE_NS, left);
    return false;
}
