// SPDX-License-Identifier: MIT
/*
 * Partitioned (Xen's "null" scheduler): each vCPU owns one CPU of its pool,
 * chosen among those its affinity allows, and no other vCPU ever runs there.
 * Nothing waits for a CPU, so there is no time slice; a CPU whose vCPU is
 * blocked halts. The launch tree's check refuses a pool with more vCPUs than
 * CPUs, so insert_vcpu fails only when pinned vCPUs claim the same CPU.
 */
#include <hv/domain.h>
#include <hv/sched.h>

static struct vcpu *owner[HV_MAX_CPUS];

static bool part_insert_vcpu(struct sched_pool *pool, struct vcpu *v, const cpumask_t *affinity)
{
    unsigned int cpu;

    for (cpu = 0; cpu < HV_MAX_CPUS; cpu++) {
        if (cpumask_test(&pool->cpus, cpu) && cpumask_test(affinity, cpu) && !owner[cpu]) {
            owner[cpu] = v;
            v->pcpu = cpu;
            return true;
        }
    }
    return false;
}

static void part_remove_vcpu(struct sched_pool *pool, struct vcpu *v)
{
    (void)pool;
    owner[v->pcpu] = NULL;
}

static void part_enqueue(struct sched_pool *pool, struct vcpu *v,
                         enum sched_enqueue_reason why)
{
    (void)pool;
    (void)why;
    v->on_runqueue = true;
}

static void part_dequeue(struct sched_pool *pool, struct vcpu *v)
{
    (void)pool;
    v->on_runqueue = false;
}

static struct vcpu *part_pick_next(struct sched_pool *pool, unsigned int cpu, uint64_t now,
                                   uint64_t *slice_ns)
{
    struct vcpu *v = owner[cpu];

    (void)pool;
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
