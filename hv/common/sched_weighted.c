// SPDX-License-Identifier: MIT
/*
 * Weighted time-slicing (Xen's "credit" and "credit2" names): each vCPU is
 * placed on the CPU its affinity allows within its pool that carries the
 * least weight so far, and stays there; each CPU shares itself among its
 * vCPUs in proportion to their domains' weights by virtual time
 * (sched_vtime.h), and parks the vCPUs of a domain that has used its cap.
 * With equal weights and no caps this is round robin, 10 ms slices.
 */
#include <hv/domain.h>
#include <hv/panic.h>
#include <hv/sched.h>
#include <hv/sched_vtime.h>
#include <hv/time.h>

static struct weighted_cpu {
    struct vtime_queue queue;
    uint64_t weight;                /* of the vCPUs placed here */
    unsigned int nr_vcpus;
} weighted_cpus[HV_MAX_CPUS];

static bool weighted_insert_vcpu(struct sched_pool *pool, struct vcpu *v,
                                 const cpumask_t *affinity)
{
    struct domain *d = v->domain;
    unsigned int cpu, best = HV_MAX_CPUS;

    CHECK(d->sched.weight > 0);
    for (cpu = 0; cpu < HV_MAX_CPUS; cpu++) {
        const struct weighted_cpu *c = &weighted_cpus[cpu], *b;

        if (!cpumask_test(&pool->cpus, cpu) || !cpumask_test(affinity, cpu))
            continue;
        b = best < HV_MAX_CPUS ? &weighted_cpus[best] : NULL;
        if (!b || c->weight < b->weight || (c->weight == b->weight && c->nr_vcpus < b->nr_vcpus))
            best = cpu;
    }
    if (best == HV_MAX_CPUS)
        return false;
    /* The domain's vCPUs share one budget; the first one placed starts its period. */
    if (d->sched.cap && v->id == 0)
        vtime_budget_init(&d->sched.budget, d->sched.cap, now_ns());
    weighted_cpus[best].weight += d->sched.weight;
    weighted_cpus[best].nr_vcpus++;
    vtime_entity_init(&v->vt, &weighted_cpus[best].queue, d->sched.weight,
                      d->sched.cap ? &d->sched.budget : NULL);
    v->pcpu = best;
    return true;
}

static void weighted_remove_vcpu(struct sched_pool *pool, struct vcpu *v)
{
    (void)pool;
    weighted_cpus[v->pcpu].weight -= v->vt.weight;
    weighted_cpus[v->pcpu].nr_vcpus--;
}

static void weighted_enqueue(struct sched_pool *pool, struct vcpu *v,
                             enum sched_enqueue_reason why)
{
    struct vtime_queue *q = &weighted_cpus[v->pcpu].queue;

    (void)pool;
    if (why == SCHED_YIELDED)
        vtime_yield(q, &v->vt, now_ns());
    vtime_enqueue(q, &v->vt, why == SCHED_WOKEN);
    v->on_runqueue = true;
}

static void weighted_dequeue(struct sched_pool *pool, struct vcpu *v)
{
    (void)pool;
    vtime_dequeue(&weighted_cpus[v->pcpu].queue, &v->vt);
    v->on_runqueue = false;
}

static void weighted_account(struct sched_pool *pool, struct vcpu *v, uint64_t ran_ns,
                             uint64_t now)
{
    (void)pool;
    vtime_charge(&v->vt, ran_ns, now);
}

static struct vcpu *weighted_pick_next(struct sched_pool *pool, unsigned int cpu,
                                       uint64_t now, uint64_t *slice_ns)
{
    struct vtime_entity *e = vtime_pick(&weighted_cpus[cpu].queue, now, slice_ns);
    struct vcpu *v = e ? container_of(e, struct vcpu, vt) : NULL;

    (void)pool;
    if (v)
        v->on_runqueue = false;
    return v;
}

static bool weighted_slice_expired(struct sched_pool *pool, unsigned int cpu, struct vcpu *v,
                                   uint64_t now, uint64_t *slice_ns)
{
    (void)pool;
    return vtime_slice_end(&weighted_cpus[cpu].queue, &v->vt, now, slice_ns);
}

const struct scheduler_ops sched_weighted_ops = {
    .name = "weighted",
    .insert_vcpu = weighted_insert_vcpu,
    .remove_vcpu = weighted_remove_vcpu,
    .enqueue = weighted_enqueue,
    .dequeue = weighted_dequeue,
    .account = weighted_account,
    .pick_next = weighted_pick_next,
    .slice_expired = weighted_slice_expired,
};
