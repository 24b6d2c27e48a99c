/* SPDX-License-Identifier: MIT */
/*
 * Scheduling: every physical CPU runs sched_cpu_loop(), which asks its pool's
 * scheduler for the next vCPU, runs it through the back-end until it blocks,
 * yields, is preempted by the time-slice timer or its domain dies, and halts
 * when nothing is runnable.
 *
 * A pool is a set of CPUs with one scheduler (struct scheduler_ops); the
 * plan's pools are created at boot (cpupool.c) and own their CPUs for the
 * machine's lifetime. A CPU in no pool only halts.
 */
#ifndef HV_SCHED_H
#define HV_SCHED_H

#include <hv/types.h>
#include <hv/sched_vtime.h>
#include <hv/smp.h>
#include <hv/spinlock.h>
#include <hv/timer.h>

struct vcpu;
struct hl_plan;

typedef struct {
    uint64_t bits[HV_MAX_CPUS / 64];
} cpumask_t;

static inline bool cpumask_test(const cpumask_t *m, unsigned int cpu)
{
    return cpu < HV_MAX_CPUS && ((m->bits[cpu / 64] >> (cpu % 64)) & 1u);
}

static inline void cpumask_set(cpumask_t *m, unsigned int cpu)
{
    if (cpu < HV_MAX_CPUS)
        m->bits[cpu / 64] |= 1ull << (cpu % 64);
}

static inline unsigned int cpumask_weight(const cpumask_t *m)
{
    unsigned int cpu, n = 0;

    for (cpu = 0; cpu < HV_MAX_CPUS; cpu++)
        n += cpumask_test(m, cpu);
    return n;
}

/* A set of CPUs scheduled by one policy. */
struct sched_pool {
    const char *name;
    unsigned int id; /* index in the plan's pools */
    const struct scheduler_ops *ops;
    spinlock_t lock; /* every run-queue operation of the pool */
    cpumask_t cpus;
};

/* The weighted policy's state of one CPU (sched_weighted.c). */
struct sched_weighted_cpu {
    struct vtime_queue queue;
    uint64_t weight; /* of the vCPUs placed here */
    unsigned int nr_vcpus;
};

/*
 * A CPU's scheduling state, struct percpu's sched member (percpu.h). Only
 * sched*.c use it; the pool lock guards it except where marked.
 */
struct sched_percpu {
    struct sched_pool *pool;    /* set once at boot (sched_pool_attach) */
    struct vcpu *current;       /* written by this CPU only */
    volatile bool need_resched; /* set by another CPU under the pool lock, or by this one */
    struct timer slice_timer;   /* ends current's slice; or wakes an idle CPU */
    uint64_t slice_ns;          /* this CPU only */
    uint64_t run_start;         /* now_ns() up to which current is accounted */
    bool yielded;               /* current gave up its turn (this CPU only) */
    /* The policies' own state; only the CPU's pool's policy uses its member. */
    struct sched_weighted_cpu weighted;
    struct vcpu *partitioned_owner; /* the vCPU that owns this CPU, or NULL */
};

/* Why a vCPU is put on its run queue. */
enum sched_enqueue_reason {
    SCHED_WOKEN,     /* it was down or blocked */
    SCHED_PREEMPTED, /* it ran and is still runnable (slice end, a wake-up here, an exit) */
    SCHED_YIELDED,   /* it ran and gave up the rest of its turn */
};

/*
 * One scheduling policy. Every hook runs with the pool's lock held and
 * interrupts disabled; vCPUs stay on the CPU insert_vcpu chose for them.
 * now is now_ns().
 */
struct scheduler_ops {
    const char *name;
    /* Chooses v->pcpu among the CPUs of affinity that belong to the pool. */
    bool (*insert_vcpu)(struct sched_pool *pool, struct vcpu *v, const cpumask_t *affinity);
    void (*remove_vcpu)(struct sched_pool *pool, struct vcpu *v); /* gone for good */
    /* v is runnable and not on a CPU. */
    void (*enqueue)(struct sched_pool *pool, struct vcpu *v, enum sched_enqueue_reason why);
    void (*dequeue)(struct sched_pool *pool, struct vcpu *v); /* v stopped being runnable */
    /* Optional: v ran ran_ns on its CPU, up to now. */
    void (*account)(struct sched_pool *pool, struct vcpu *v, uint64_t ran_ns, uint64_t now);
    /*
     * Next vCPU for cpu (taken off its queue), *slice_ns its slice (0 = none);
     * or NULL, and *slice_ns the time after which to ask again (0 = only
     * when a vCPU is woken).
     */
    struct vcpu *(*pick_next)(struct sched_pool *pool, unsigned int cpu, uint64_t now,
                              uint64_t *slice_ns);
    /*
     * Only for a policy that gives slices: the slice of v, running on cpu
     * (accounted up to now), has ended. True if v must give the CPU up; else
     * *slice_ns is its next slice.
     */
    bool (*slice_expired)(struct sched_pool *pool, unsigned int cpu, struct vcpu *v, uint64_t now,
                          uint64_t *slice_ns);
};

/* Per-CPU scheduler state and the kick IPI; no CPU belongs to a pool yet. */
void sched_init(void);
/* Gives pool's CPUs to it; false (after saying why) if one is not online. */
bool sched_pool_attach(struct sched_pool *pool);
/* Every other online CPU, then this one, enters sched_cpu_loop(); never returns. */
__noreturn void sched_start(void);

/* Places a new vCPU in pool; false if its affinity names no CPU of the pool it can have. */
bool sched_add_vcpu(struct sched_pool *pool, struct vcpu *v, const cpumask_t *affinity);

/*
 * DOWN -> RUNNABLE and queued; kicks its CPU (domain start, VCPUOP_up).
 * Callers serialise sched_up() and sched_down() of a vCPU (the domain's lock).
 */
void sched_up(struct vcpu *v);
/* BLOCKED -> RUNNABLE only (an event must not start a vCPU that is down). Any CPU, any context. */
void sched_unblock(struct vcpu *v);
/*
 * RUNNABLE or BLOCKED -> DOWN: off its queue, or, if it runs, off its CPU at
 * its next exit (kicked); its timers are stopped once it is off its CPU.
 */
void sched_down(struct vcpu *v);
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

/*
 * Xen's runstate of v: RUNSTATE_*, when it entered it and the time in each,
 * the current one's up to now included if up_to_now.
 */
struct vcpu_runstate_info;
void sched_runstate(struct vcpu *v, struct vcpu_runstate_info *info, bool up_to_now);
/* A new vCPU's runstate: offline since now, no runstate area registered. */
void sched_runstate_init(struct vcpu *v);

/* Back-ends ask this after every exit: must v give its CPU back now? */
bool vcpu_must_stop(struct vcpu *v);

/* The scheduling loop of this CPU; never returns. */
__noreturn void sched_cpu_loop(void);

/* Architecture: an interrupt that brings cpu out of HLT or guest mode. */
void arch_sched_kick_init(void);
void arch_sched_kick(unsigned int cpu);

/*
 * Weighted time-slicing (sched_weighted.c), round robin at equal weights;
 * partitioned (sched_partitioned.c), a CPU per vCPU.
 */
extern const struct scheduler_ops sched_weighted_ops;
extern const struct scheduler_ops sched_partitioned_ops;

/*
 * Boot-time pools (cpupool.c): one per plan pool, with the scheduler its
 * cpupool-sched names; false, after saying why, if a pool cannot be made
 * (a CPU not online, a scheduler not implemented).
 */
bool cpupools_create(const struct hl_plan *plan);
/* The pool of plan pool index. */
struct sched_pool *cpupool_get(unsigned int index);
/* One line per pool: scheduler, CPUs, domains (and the CPUs in no pool). */
void cpupools_report(const struct hl_plan *plan);

#endif
