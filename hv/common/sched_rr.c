// SPDX-License-Identifier: MIT
/*
 * Round robin: each vCPU is placed on the least loaded CPU its affinity
 * allows within its pool and stays there; each CPU serves its queue in
 * order, a fixed slice each.
 */
#include <hv/domain.h>
#include <hv/sched.h>

#define RR_SLICE_NS 10000000ull     /* 10 ms */

static struct rr_cpu {
    struct vcpu *head, *tail;
    unsigned int nr_assigned;
} rr_cpus[HV_MAX_CPUS];

static bool rr_insert_vcpu(struct sched_pool *pool, struct vcpu *v, const cpumask_t *affinity)
{
    unsigned int cpu, best = HV_MAX_CPUS;

    for (cpu = 0; cpu < HV_MAX_CPUS; cpu++) {
        if (!cpumask_test(&pool->cpus, cpu) || !cpumask_test(affinity, cpu))
            continue;
        if (best == HV_MAX_CPUS || rr_cpus[cpu].nr_assigned < rr_cpus[best].nr_assigned)
            best = cpu;
    }
    if (best == HV_MAX_CPUS)
        return false;
    rr_cpus[best].nr_assigned++;
    v->pcpu = best;
    return true;
}

static void rr_enqueue(struct sched_pool *pool, struct vcpu *v)
{
    struct rr_cpu *q = &rr_cpus[v->pcpu];

    (void)pool;
    v->rq_next = NULL;
    if (q->tail)
        q->tail->rq_next = v;
    else
        q->head = v;
    q->tail = v;
    v->on_runqueue = true;
}

static void rr_dequeue(struct sched_pool *pool, struct vcpu *v)
{
    struct rr_cpu *q = &rr_cpus[v->pcpu];
    struct vcpu **link = &q->head, *prev = NULL;

    (void)pool;
    while (*link && *link != v) {
        prev = *link;
        link = &(*link)->rq_next;
    }
    if (*link) {
        *link = v->rq_next;
        if (q->tail == v)
            q->tail = prev;
    }
    v->rq_next = NULL;
    v->on_runqueue = false;
}

static void rr_remove_vcpu(struct sched_pool *pool, struct vcpu *v)
{
    (void)pool;
    rr_cpus[v->pcpu].nr_assigned--;
}

static struct vcpu *rr_pick_next(struct sched_pool *pool, unsigned int cpu, uint64_t *slice_ns)
{
    struct vcpu *v = rr_cpus[cpu].head;

    if (v)
        rr_dequeue(pool, v);
    *slice_ns = RR_SLICE_NS;
    return v;
}

static bool rr_has_waiting(struct sched_pool *pool, unsigned int cpu)
{
    (void)pool;
    return rr_cpus[cpu].head != NULL;
}

const struct scheduler_ops sched_rr_ops = {
    .name = "round-robin",
    .insert_vcpu = rr_insert_vcpu,
    .remove_vcpu = rr_remove_vcpu,
    .enqueue = rr_enqueue,
    .dequeue = rr_dequeue,
    .pick_next = rr_pick_next,
    .has_waiting = rr_has_waiting,
};
