// SPDX-License-Identifier: MIT
/*
 * Partitioned (Xen's "null" scheduler): each vCPU owns one CPU of its pool,
 * chosen among those its affinity allows, and no other vCPU ever runs there.
 * Nothing waits for a CPU, so there is no time slice; a CPU whose vCPU is
 * blocked halts. The launch tree's check refuses a pool with more vCPUs than
 * CPUs, so insert_vcpu fails only when pinned vCPUs claim the same CPU.
 */
#include <hv/domain.h>
#include <hv/percpu.h>
#include <hv/sched.h>

/* The vCPU that owns cpu (a CPU of the pool), or NULL. */
static struct vcpu **owner_of(unsigned int cpu)
{
    return &percpu_of(cpu)->sched.partitioned_owner;
}

static bool part_insert_vcpu(struct sched_pool *pool, struct vcpu *v, const cpumask_t *affinity)
{
    unsigned int cpu;

    ASSERT_LOCKED(&pool->lock);
    for (cpu = 0; cpu < HV_MAX_CPUS; cpu++) {
        if (cpumask_test(&pool->cpus, cpu) && cpumask_test(affinity, cpu) && !*owner_of(cpu)) {
            *owner_of(cpu) = v;
            v->pcpu = cpu;
            return true;
        }
    }
    return false;
}

static void part_remove_vcpu(struct sched_pool *pool, struct vcpu *v)
{
    ASSERT_LOCKED(&pool->lock);
    *owner_of(v->pcpu) = NULL;
}

static void part_enqueue(struct sched_pool *pool, struct vcpu *v, enum sched_enqueue_reason why)
{
    ASSERT_LOCKED(&pool->lock);
    (void)why;
    v->on_runqueue = true;
}

static void part_dequeue(struct sched_pool *pool, struct vcpu *v)
{
    ASSERT_LOCKED(&pool->lock);
    v->on_runqueue = false;
}

static struct vcpu *part_pick_next(struct sched_pool *pool, unsigned int cpu, uint64_t now,
                                   uint64_t *slice_ns)
{
    struct vcpu *v = *owner_of(cpu);

    ASSERT_LOCKED(&pool->lock);
    (void)now;
    *slice_ns = 0;
    if (!v || !v->on_runqueue)
        return NULL;
    v->on_runqueue = false;
    return v;
}

const struct scheduler_ops sched_partitioned_ops = {
    .name = "partitioned",
    .insert_vcpu = part_insert_vcpu,
    .remove_vcpu = part_remove_vcpu,
    .enqueue = part_enqueue,
    .dequeue = part_dequeue,
    .pick_next = part_pick_next,
};
