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
#include <hv/percpu.h>
#include <hv/sched.h>
#include <hv/sched_vtime.h>
#include <hv/time.h>

/* This policy's part of CPU cpu's scheduling state (a CPU of the pool). */
static struct sched_weighted_cpu *weighted_of(unsigned int cpu)
{
    return &percpu_of(cpu)->sched.weighted;
}

static bool weighted_insert_vcpu(struct sched_pool *pool, struct vcpu *v, const cpumask_t *affinity)
{
    struct domain *d = v->domain;
    unsigned int cpu, best = HV_MAX_CPUS;
    struct sched_weighted_cpu *c, *b = NULL;

    ASSERT_LOCKED(&pool->lock);
    CHECK(d->sched.weight > 0);
    for (cpu = 0; cpu < HV_MAX_CPUS; cpu++) {
        if (!cpumask_test(&pool->cpus, cpu) || !cpumask_test(affinity, cpu))
            continue;
        c = weighted_of(cpu);
        if (!b || c->weight < b->weight || (c->weight == b->weight && c->nr_vcpus < b->nr_vcpus)) {
            best = cpu;
            b = c;
        }
    }
    if (!b)
        return false;
    /* The domain's vCPUs share one budget; the first one placed starts its period. */
    if (d->sched.cap && v->id == 0)
        vtime_budget_init(&d->sched.budget, d->sched.cap, now_ns());
    b->weight += d->sched.weight;
    b->nr_vcpus++;
    vtime_entity_init(&v->vt, &b->queue, d->sched.weight, d->sched.cap ? &d->sched.budget : NULL);
    v->pcpu = best;
    return true;
}

static void weighted_remove_vcpu(struct sched_pool *pool, struct vcpu *v)
{
    struct sched_weighted_cpu *c = weighted_of(v->pcpu);

    ASSERT_LOCKED(&pool->lock);
    c->weight -= v->vt.weight;
    c->nr_vcpus--;
}

static void weighted_enqueue(struct sched_pool *pool, struct vcpu *v, enum sched_enqueue_reason why)
{
    struct vtime_queue *q = &weighted_of(v->pcpu)->queue;

    ASSERT_LOCKED(&pool->lock);
    if (why == SCHED_YIELDED)
        vtime_yield(q, &v->vt, now_ns());
    vtime_enqueue(q, &v->vt, why == SCHED_WOKEN);
    v->on_runqueue = true;
}

static void weighted_dequeue(struct sched_pool *pool, struct vcpu *v)
{
    ASSERT_LOCKED(&pool->lock);
    vtime_dequeue(&weighted_of(v->pcpu)->queue, &v->vt);
    v->on_runqueue = false;
}

static void weighted_account(struct sched_pool *pool, struct vcpu *v, uint64_t ran_ns, uint64_t now)
{
    ASSERT_LOCKED(&pool->lock);
    vtime_charge(&v->vt, ran_ns, now);
}

static struct vcpu *weighted_pick_next(struct sched_pool *pool, unsigned int cpu, uint64_t now,
                                       uint64_t *slice_ns)
{
    struct vtime_entity *e;
    struct vcpu *v;

    ASSERT_LOCKED(&pool->lock);
    e = vtime_pick(&weighted_of(cpu)->queue, now, slice_ns);
    v = e ? container_of(e, struct vcpu, vt) : NULL;
    if (v)
        v->on_runqueue = false;
    return v;
}

static bool weighted_slice_expired(struct sched_pool *pool, unsigned int cpu, struct vcpu *v,
                                   uint64_t now, uint64_t *slice_ns)
{
    ASSERT_LOCKED(&pool->lock);
    return vtime_slice_end(&weighted_of(cpu)->queue, &v->vt, now, slice_ns);
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
