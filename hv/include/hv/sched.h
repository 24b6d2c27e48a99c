/* SPDX-License-Identifier: MIT */
/*
 * Scheduling: every physical CPU runs sched_cpu_loop(), which asks its pool's
 * scheduler for the next vCPU, runs it through the back-end until it blocks,
 * yields, is preempted by the time-slice timer or its domain dies, and halts
 * when nothing is runnable.
 *
 * A pool is a set of CPUs with one scheduler (struct scheduler_ops). Today
 * there is one pool holding every CPU, with the round-robin scheduler
 * (sched_rr.c); boot-time pools from the plan plug in here.
 */
#ifndef HV_SCHED_H
#define HV_SCHED_H

#include <hv/types.h>
#include <hv/smp.h>
#include <hv/spinlock.h>

struct vcpu;

typedef struct { uint64_t bits[HV_MAX_CPUS / 64]; } cpumask_t;

static inline bool cpumask_test(const cpumask_t *m, unsigned int cpu)
{
    return cpu < HV_MAX_CPUS && ((m->bits[cpu / 64] >> (cpu % 64)) & 1u);
}

static inline void cpumask_set(cpumask_t *m, unsigned int cpu)
{
    if (cpu < HV_MAX_CPUS)
        m->bits[cpu / 64] |= 1ull << (cpu % 64);
}

/* A set of CPUs scheduled by one policy. */
struct sched_pool {
    const char *name;
    const struct scheduler_ops *ops;
    spinlock_t lock;            /* every run-queue operation of the pool */
    cpumask_t cpus;
};

/*
 * One scheduling policy. Every hook runs with the pool's lock held and
 * interrupts disabled; vCPUs stay on the CPU insert_vcpu chose for them.
 */
struct scheduler_ops {
    const char *name;
    /* Chooses v->pcpu among the CPUs of affinity that belong to the pool. */
    bool (*insert_vcpu)(struct sched_pool *pool, struct vcpu *v, const cpumask_t *affinity);
    void (*remove_vcpu)(struct sched_pool *pool, struct vcpu *v);  /* gone for good */
    void (*enqueue)(struct sched_pool *pool, struct vcpu *v);    /* v became runnable */
    void (*dequeue)(struct sched_pool *pool, struct vcpu *v);    /* v stopped being runnable */
    /* Next vCPU for cpu (taken off its queue) or NULL; *slice_ns its time slice. */
    struct vcpu *(*pick_next)(struct sched_pool *pool, unsigned int cpu, uint64_t *slice_ns);
    /* Whether another vCPU waits for cpu (so the running one needs a slice timer). */
    bool (*has_waiting)(struct sched_pool *pool, unsigned int cpu);
};

/* Sets up the default pool (every online CPU, round robin). */
void sched_init(void);
/* Every other online CPU, then this one, enters sched_cpu_loop(); never returns. */
__noreturn void sched_start(void);

/* Places a new vCPU; false if its affinity names no CPU of its pool. */
bool sched_add_vcpu(struct vcpu *v, const cpumask_t *affinity);

/* DOWN or BLOCKED -> RUNNABLE and queued; kicks its CPU. Any CPU, any context. */
void sched_wake(struct vcpu *v);
/* BLOCKED -> RUNNABLE only (an event must not start a vCPU that is down). */
void sched_unblock(struct vcpu *v);
/* The running vCPU v waits for an event: it leaves its CPU at the next check. */
void sched_block(struct vcpu *v);
/* The running vCPU v gives up the rest of its slice. */
void sched_yield(struct vcpu *v);
/* Makes v's CPU look at its run queue soon (domain dying, new work). */
void sched_kick(struct vcpu *v);
/*
 * Takes v off the scheduler for good (its domain is dying): true if v was not
 * on a CPU (it is VCPU_DEAD now); false if it runs, and its CPU will report
 * it gone (domain_vcpu_gone) when it stops.
 */
bool sched_detach(struct vcpu *v);

/* Back-ends ask this after every exit: must v give its CPU back now? */
bool vcpu_must_stop(struct vcpu *v);

/* The scheduling loop of this CPU; never returns. */
__noreturn void sched_cpu_loop(void);

/* Architecture: an interrupt that brings cpu out of HLT or guest mode. */
void arch_sched_kick_init(void);
void arch_sched_kick(unsigned int cpu);

/* The round-robin scheduler (sched_rr.c). */
extern const struct scheduler_ops sched_rr_ops;

#endif
