/* SPDX-License-Identifier: MIT */
/*
 * Weighted sharing of one CPU by virtual time, and caps, for the time-sliced
 * scheduler (sched_weighted.c). Pure arithmetic on the caller's structures:
 * no lock, no clock (the caller passes now), no allocation; the host unit
 * tests drive it directly.
 *
 * An entity's virtual time advances by the time it ran scaled by
 * VTIME_WEIGHT_UNIT / weight, and a CPU's queue runs the eligible entity
 * with the least virtual time, for at most VTIME_SLICE_NS. Two entities that
 * stay runnable therefore get CPU time in the ratio of their weights, each
 * within one slice of its exact share. An entity that waited (blocked)
 * comes back no further than VTIME_WAKE_CREDIT_NS of its own run time behind
 * the queue: it runs first, but cannot use the time it slept to starve the
 * others.
 *
 * A cap is a budget of run time per VTIME_CAP_PERIOD_NS. Entities whose
 * budget is spent are parked (not eligible) until the next period refills
 * it; time overrun past the budget (a late timer) is debt taken from the
 * next period, so over any number of whole periods the budget holds to
 * within one slice.
 */
#ifndef HV_SCHED_VTIME_H
#define HV_SCHED_VTIME_H

#include <hv/types.h>

#define VTIME_WEIGHT_UNIT    256u        /* the default weight: virtual ns = real ns */
#define VTIME_SLICE_NS       10000000ull /* 10 ms */
#define VTIME_WAKE_CREDIT_NS 5000000ull  /* half a slice */
#define VTIME_CAP_PERIOD_NS  30000000ull /* 30 ms, Xen credit1's accounting period */

/* A cap: budget_ns of run time in every period, shared by the entities that point at it. */
struct vtime_budget {
    uint64_t budget_ns;
    int64_t left_ns;     /* in the current period; negative: debt */
    uint64_t period_end; /* now-time at which the next period starts */
};

struct vtime_entity {
    uint64_t vtime;
    uint32_t weight;             /* 1..65535 */
    struct vtime_budget *budget; /* NULL: no cap */
    struct vtime_entity *next;   /* queue link */
};

/* The entities waiting for one CPU (unordered: a CPU has few). */
struct vtime_queue {
    struct vtime_entity *head;
    /* The least virtual time of the running and eligible entities when last seen (at a
     * pick or a slice end); never decreases. */
    uint64_t floor;
};

/* A cap of percent of one CPU, its first period starting at now. */
void vtime_budget_init(struct vtime_budget *b, unsigned int percent, uint64_t now);

/* A new entity starts level with the queue's floor. */
void vtime_entity_init(struct vtime_entity *e, const struct vtime_queue *q, uint32_t weight,
                       struct vtime_budget *budget);

/* Puts e at the queue's tail; woken: it waited, so its wake credit is applied. */
void vtime_enqueue(struct vtime_queue *q, struct vtime_entity *e, bool woken);
void vtime_dequeue(struct vtime_queue *q, struct vtime_entity *e);

/*
 * e (not queued) gives up its turn: its virtual time moves behind every
 * eligible queued entity's, so that they all run before it again.
 */
void vtime_yield(struct vtime_queue *q, struct vtime_entity *e, uint64_t now);

/* e ran ran_ns up to now: its virtual time and its budget are charged. */
void vtime_charge(struct vtime_entity *e, uint64_t ran_ns, uint64_t now);

/*
 * Takes the eligible entity with the least virtual time (the first queued
 * among equals) off q, with *slice_ns its slice. NULL if none is eligible;
 * then *slice_ns is the time until a parked one's budget refills, 0 if
 * none is parked.
 */
struct vtime_entity *vtime_pick(struct vtime_queue *q, uint64_t now, uint64_t *slice_ns);

/*
 * The slice of the running entity e (charged up to now) has ended: true if
 * it must give the CPU up (its budget is spent, or an eligible entity is not
 * ahead of it in virtual time); else false and *slice_ns its next slice.
 */
bool vtime_slice_end(struct vtime_queue *q, struct vtime_entity *e, uint64_t now,
                     uint64_t *slice_ns);

#endif
