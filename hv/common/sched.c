// SPDX-License-Identifier: MIT
/*
 * The per-CPU scheduling loop (sched.h): pick, run through the back-end,
 * put back. Policy lives in the pool's scheduler_ops; this file only keeps
 * the vCPU states consistent under the pool lock and drives the time slice.
 */
#include <asm/cpu.h>
#include <asm/tsc.h>
#include <string.h>
#include <public/vcpu.h>
#include <hv/arch_vcpu.h>
#include <hv/domain.h>
#include <hv/guest_time.h>
#include <hv/percpu.h>
#include <hv/printk.h>
#include <hv/runstate_area.h>
#include <hv/sched.h>
#include <hv/time.h>
#include <hv/timeline.h>
#include <hv/timer.h>
#include <hv/vcpu_timer.h>

static struct sched_percpu *sched_of(unsigned int cpu)
{
    return &percpu_of(cpu)->sched;
}

static struct sched_pool *vcpu_pool(const struct vcpu *v)
{
    return sched_of(v->pcpu)->pool;
}

/* ns from since to now; 0 if another CPU's clock read a little ahead. */
static uint64_t ns_since(uint64_t since, uint64_t now)
{
    return now > since ? now - since : 0;
}

/*
 * Xen's runstate follows the scheduler's view: running while on a CPU (even
 * once blocked, until it leaves it), runnable on its queue, blocked, offline
 * when down or dead. Called under the pool lock after every change.
 */
static void runstate_update(struct vcpu *v)
{
    unsigned int now_state = v->running                  ? RUNSTATE_running
                             : v->state == VCPU_RUNNABLE ? RUNSTATE_runnable
                             : v->state == VCPU_BLOCKED  ? RUNSTATE_blocked
                                                         : RUNSTATE_offline;
    uint64_t now;

    ASSERT_LOCKED(&vcpu_pool(v)->lock);
    if (now_state == v->runstate.state)
        return;
    now = now_ns();
    v->runstate.time_ns[v->runstate.state] += ns_since(v->runstate.entry_ns, now);
    v->runstate.state = now_state;
    v->runstate.entry_ns = now;
}

void sched_runstate_init(struct vcpu *v)
{
    memset(&v->runstate, 0, sizeof(v->runstate));
    v->runstate.state = RUNSTATE_offline;
    v->runstate.entry_ns = now_ns();
    memset(&v->runstate_area, 0, sizeof(v->runstate_area));
}

void sched_runstate(struct vcpu *v, struct vcpu_runstate_info *info, bool up_to_now)
{
    struct sched_pool *pool = vcpu_pool(v);
    unsigned long flags = spin_lock_irqsave(&pool->lock);
    unsigned int i;

    memset(info, 0, sizeof(*info)); /* its padding goes to the guest too */
    info->state = (int32_t)v->runstate.state;
    info->state_entry_time = v->runstate.entry_ns;
    for (i = 0; i < 4; i++)
        info->time[i] = v->runstate.time_ns[i];
    if (up_to_now)
        info->time[v->runstate.state] += ns_since(v->runstate.entry_ns, now_ns());
    spin_unlock_irqrestore(&pool->lock, flags);
}

/*
 * Charges current with its time on this CPU since the last call (its policy
 * needs it at every slice end, not only when it stops); pool lock held.
 * Returns now.
 */
static uint64_t sched_account(struct sched_percpu *sc)
{
    struct sched_pool *pool = sc->pool;
    struct vcpu *v = sc->current;
    uint64_t now = now_ns(), ran = ns_since(sc->run_start, now);

    ASSERT_LOCKED(&pool->lock);
    if (pool->ops->account)
        pool->ops->account(pool, v, ran, now);
    sc->run_start = now;
    return now;
}

/*
 * End of a slice: the policy says whether the running vCPU gives up the CPU
 * or runs another slice. On an idle CPU the timer only ends its HLT, so that
 * it asks its policy again (a parked vCPU's budget is refilled).
 */
static void slice_expired(struct timer *t)
{
    struct sched_percpu *sc = t->data;
    struct sched_pool *pool = sc->pool;
    unsigned int cpu = container_of(sc, struct percpu, sched)->cpu_id;
    uint64_t now;

    ASSERT_IRQS_OFF();
    if (!sc->current)
        return;
    spin_lock(&pool->lock);
    now = sched_account(sc);
    if (pool->ops->slice_expired(pool, cpu, sc->current, now, &sc->slice_ns))
        sc->need_resched = true;
    spin_unlock(&pool->lock);
    if (!sc->need_resched)
        timer_set(t, now + sc->slice_ns);
}

void sched_init(void)
{
    unsigned int cpu;

    /* Every CPU that has a per-CPU block, started or not: numbers are never reused. */
    for (cpu = 0; cpu < nr_cpus_possible; cpu++) {
        struct percpu *pc = percpu_of(cpu);

        if (pc) {
            pc->sched.slice_timer.fn = slice_expired;
            pc->sched.slice_timer.data = &pc->sched;
        }
    }
    arch_sched_kick_init();
}

bool sched_pool_attach(struct sched_pool *pool)
{
    unsigned int cpu;

    for (cpu = 0; cpu < HV_MAX_CPUS; cpu++) {
        struct percpu *pc = percpu_of(cpu);

        if (!cpumask_test(&pool->cpus, cpu))
            continue;
        if (!pc || !pc->online) {
            printk("tessera: pool %u '%s': CPU %u is not online; no domain is started\n", pool->id,
                   pool->name, cpu);
            return false;
        }
        pc->sched.pool = pool;
    }
    return true;
}

bool sched_add_vcpu(struct sched_pool *pool, struct vcpu *v, const cpumask_t *affinity)
{
    unsigned long flags = spin_lock_irqsave(&pool->lock);
    bool ok = pool->ops->insert_vcpu(pool, v, affinity);

    spin_unlock_irqrestore(&pool->lock, flags);
    return ok;
}

void sched_kick(struct vcpu *v)
{
    if (v->pcpu != smp_processor_id())
        arch_sched_kick(v->pcpu);
}

/* from -> RUNNABLE, queued (if not still on its CPU) and its CPU kicked; else nothing. */
static void sched_make_runnable(struct vcpu *v, enum vcpu_state from)
{
    struct sched_pool *pool = vcpu_pool(v);
    unsigned long flags = spin_lock_irqsave(&pool->lock);
    bool kick = false;

    if (v->state == from) {
        v->state = VCPU_RUNNABLE;
        /* A vCPU still on its CPU is put back on the queue when it stops there. */
        if (!v->running && !v->on_runqueue) {
            pool->ops->enqueue(pool, v, SCHED_WOKEN);
            /*
             * A woken vCPU does not wait for the end of the running one's
             * slice: event round trips between domains would cost up to a
             * slice each. The preempted vCPU goes to the back of the queue.
             */
            if (sched_of(v->pcpu)->current)
                sched_of(v->pcpu)->need_resched = true;
            kick = true;
        }
        runstate_update(v);
    }
    spin_unlock_irqrestore(&pool->lock, flags);
    if (kick)
        sched_kick(v);
}

void sched_up(struct vcpu *v)
{
    sched_make_runnable(v, VCPU_DOWN);
}

void sched_unblock(struct vcpu *v)
{
    /* Most events find their vCPU running: no pool lock for them (see sched_block()). */
    if (v->state == VCPU_BLOCKED)
        sched_make_runnable(v, VCPU_BLOCKED);
}

void sched_down(struct vcpu *v)
{
    struct sched_pool *pool = vcpu_pool(v);
    unsigned long flags = spin_lock_irqsave(&pool->lock);
    bool off_cpu = false, was_up = v->state == VCPU_RUNNABLE || v->state == VCPU_BLOCKED;

    if (was_up) {
        v->state = VCPU_DOWN;
        if (v->on_runqueue)
            pool->ops->dequeue(pool, v);
        off_cpu = !v->running;
        runstate_update(v);
    }
    spin_unlock_irqrestore(&pool->lock, flags);
    /* A running vCPU stops at its next exit; sched_put() then stops its timers. */
    if (off_cpu)
        vcpu_timer_down(v);
    else if (was_up)
        sched_kick(v);
}

void sched_block(struct vcpu *v)
{
    struct sched_pool *pool = vcpu_pool(v);
    unsigned long flags = spin_lock_irqsave(&pool->lock);

    if (v->state == VCPU_RUNNABLE)
        v->state = VCPU_BLOCKED;
    spin_unlock_irqrestore(&pool->lock, flags);
    /*
     * Callers check for a pending event next; an event sender stores it, then
     * reads the state (sched_unblock). Neither load may pass the other's store.
     */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

void sched_yield(struct vcpu *v)
{
    struct sched_percpu *sc = sched_of(v->pcpu);

    sc->yielded = true;
    sc->need_resched = true;
}

bool sched_detach(struct vcpu *v)
{
    struct sched_pool *pool = vcpu_pool(v);
    unsigned long flags = spin_lock_irqsave(&pool->lock);
    bool gone = false;

    if (!v->running && v->state != VCPU_DEAD) {
        if (v->on_runqueue)
            pool->ops->dequeue(pool, v);
        pool->ops->remove_vcpu(pool, v);
        v->state = VCPU_DEAD;
        gone = true;
        runstate_update(v);
    }
    spin_unlock_irqrestore(&pool->lock, flags);
    return gone;
}

bool vcpu_must_stop(struct vcpu *v)
{
    return v->state != VCPU_RUNNABLE || v->domain->state != DOMAIN_RUNNING ||
           sched_of(v->pcpu)->need_resched;
}

/* Picks the next vCPU of this CPU, marked running; NULL if none is runnable. */
static struct vcpu *sched_pick(struct sched_percpu *sc, unsigned int cpu)
{
    struct sched_pool *pool = sc->pool;
    struct vcpu *v;

    ASSERT_IRQS_OFF();
    spin_lock(&pool->lock);
    sc->need_resched = false;
    v = pool->ops->pick_next(pool, cpu, now_ns(), &sc->slice_ns);
    /*
     * seq_cst, a full barrier: the run loop's later loads of pending upcalls
     * may not pass it (vcpu_mark_pending() kicks only a running vCPU).
     */
    if (v) {
        __atomic_store_n(&v->running, true, __ATOMIC_SEQ_CST);
        runstate_update(v);
    }
    spin_unlock(&pool->lock);
    return v;
}

/* v stopped running here: back on the queue, asleep, or gone with its domain. */
static void sched_put(struct sched_percpu *sc, struct vcpu *v)
{
    struct sched_pool *pool = sc->pool;
    bool gone = false, down = false;

    ASSERT_IRQS_OFF();
    spin_lock(&pool->lock);
    sched_account(sc);
    sc->current = NULL;
    v->running = false;
    if (v->domain->state != DOMAIN_RUNNING && v->domain->state != DOMAIN_RESTARTING) {
        pool->ops->remove_vcpu(pool, v);
        v->state = VCPU_DEAD;
        gone = true;
    } else if (v->state == VCPU_RUNNABLE) {
        pool->ops->enqueue(pool, v, sc->yielded ? SCHED_YIELDED : SCHED_PREEMPTED);
    } else {
        down = v->state == VCPU_DOWN;
    }
    runstate_update(v);
    sc->yielded = false;
    spin_unlock(&pool->lock);
    if (gone) {
        domain_vcpu_gone(v);
        return;
    }
    if (down)
        vcpu_timer_down(v);
    runstate_area_update(v);
}

/* Between two bounded steps of work: interrupts pending (a wake-up, a slice's end) are taken. */
static void let_interrupts_in(void)
{
    ASSERT_NO_LOCKS_HELD();
    __asm__ volatile("sti; nop; cli" ::: "memory");
}

/*
 * A restarting domain's scrub and rebuild, on its vCPU 0's time: step after
 * step with interrupts let in between (no lock held), until done or the CPU
 * is wanted by another vCPU (slice end, wake-up).
 */
static void run_restart_steps(struct sched_percpu *sc, struct domain *d)
{
    while (domain_restart_run(d)) {
        let_interrupts_in();
        if (sc->need_resched)
            return;
    }
}

void sched_cpu_loop(void)
{
    struct percpu *pc = this_cpu();
    unsigned int cpu = pc->cpu_id;
    struct sched_percpu *sc = &pc->sched;

    irq_disable();
    arch_virt_init_cpu();
    for (;;) {
        struct vcpu *v = sc->pool ? sched_pick(sc, cpu) : NULL;

        if (!v) {
            /* Nothing to run: RAM still to be cleared first, a piece at a time. */
            if (sc->pool && domain_clear_idle_step(sc->pool)) {
                let_interrupts_in();
                continue;
            }
            if (sc->slice_ns)
                timer_set(&sc->slice_timer, now_ns() + sc->slice_ns);
            arch_cpu_idle();
            if (sc->slice_ns)
                timer_cancel(&sc->slice_timer);
            continue;
        }
        sc->current = v;
        sc->run_start = now_ns();
        if (v->domain->state == DOMAIN_RUNNING && v->state == VCPU_RUNNABLE) {
            if (v->id == 0 && v->exits == 0) {
                domain_first_entry(v->domain);
                timeline_mark("domain first entry", (int)v->domain->domid);
                printk("tessera: domain %s (id %u): first instruction at %llu us\n",
                       v->domain->name, v->domain->domid,
                       (unsigned long long)timeline_tsc_to_us(rdtsc()));
            }
            guest_time_update(v);
            runstate_area_update(v);
            if (sc->slice_ns)
                timer_set(&sc->slice_timer, now_ns() + sc->slice_ns);
            arch_virt->vcpu_run(v);
            if (sc->slice_ns)
                timer_cancel(&sc->slice_timer);
        } else if (v->domain->state == DOMAIN_RESTARTING && v->state == VCPU_RUNNABLE) {
            if (sc->slice_ns)
                timer_set(&sc->slice_timer, now_ns() + sc->slice_ns);
            run_restart_steps(sc, v->domain);
            if (sc->slice_ns)
                timer_cancel(&sc->slice_timer);
        }
        sched_put(sc, v);
    }
}

static void sched_enter(void *unused)
{
    (void)unused;
    sched_cpu_loop();
}

void sched_start(void)
{
    /*
     * The other CPUs idle in their start-up loop; the cross-CPU call makes
     * them enter their scheduling loop (from the call's interrupt, which
     * they never return from; the call does not wait for that).
     */
    smp_call_others(sched_enter, NULL, false);
    sched_cpu_loop();
}
