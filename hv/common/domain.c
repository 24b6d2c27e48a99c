// SPDX-License-Identifier: MIT
/*
 * Domains: creation, start, shutdown with the domain's policy, restart in
 * the domain's own memory, and the end of the machine when the last domain
 * is gone. One domain's end never touches another: its vCPUs leave their
 * CPUs, its memory returns to the allocator or, for a restart, is reused.
 */
#include <stdarg.h>
#include <string.h>
#include <hyperlaunch/plan.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <hv/arch_vcpu.h>
#include <hv/domain.h>
#include <hv/cmdline.h>
#include <hv/memory.h>
#include <hv/domain_registry.h>
#include <hv/exit_stats.h>
#include <hv/p2m.h>
#include <hv/page_alloc.h>
#include <hv/percpu.h>
#include <hv/power.h>
#include <hv/printk.h>
#include <hv/sched.h>
#include <hv/time.h>

static spinlock_t domains_lock = SPINLOCK_INIT;
static unsigned int domains_running;  /* started and not yet gone */
static bool domains_all_clean = true; /* every domain gone so far powered off */

static unsigned int domain_order(void)
{
    unsigned int order = 0;

    while ((PAGE_SIZE << order) < sizeof(struct domain))
        order++;
    return order;
}

static const char *reason_name(int reason)
{
    switch (reason) {
    case SHUTDOWN_poweroff: return "poweroff";
    case SHUTDOWN_reboot: return "reboot";
    case SHUTDOWN_crash: return "crash";
    case SHUTDOWN_watchdog: return "watchdog";
    default: return "unknown";
    }
}

static const char *action_name(uint8_t action)
{
    switch (action) {
    case HL_ACTION_DESTROY: return "destroy";
    case HL_ACTION_RESTART: return "restart";
    case HL_ACTION_HALT_MACHINE: return "halt the machine";
    default: return "destroy";
    }
}

/* The common part of a vCPU as new (the back-end's is vcpu_create's or vcpu_reset's). */
static void vcpu_init(struct vcpu *v)
{
    v->state = VCPU_DOWN;
    v->initialised = false;
    v->hypercall_64bit = false;
    v->exits = 0;
    sched_runstate_init(v);
    evtchn_vcpu_init(v);
    vcpu_timer_init(v);
}

struct domain *domain_create(unsigned int index, uint16_t domid, const char *name, bool pv,
                             unsigned int nr_vcpus, uint64_t p2m_pool_bytes,
                             const struct domain_policy *policy)
{
    paddr_t pa = page_alloc(domain_order());
    struct domain *d;
    unsigned int i;

    if (!paddr_val(pa)) {
        printk("tessera: domain %s: out of memory for the domain structure\n", name);
        return NULL;
    }
    d = phys_to_virt(pa);
    memset(d, 0, sizeof(*d));
    arch_domain_init(d, pv);
    d->index = index;
    d->domid = domid;
    memcpy(d->name, name, strnlen(name, DOMAIN_NAME_MAX - 1));
    d->state = DOMAIN_BUILT;
    d->policy = *policy;
    d->lock = (spinlock_t)SPINLOCK_INIT;
    d->shutdown_reason = -1;
    dom_console_init(&d->console, d->name, domid, policy->console_serial);
    d->p2m = p2m_create(p2m_pool_bytes);
    if (!evtchn_domain_init(d) || !d->p2m) {
        printk("tessera: domain %s: out of memory for its %llu KiB P2M pool or events\n", d->name,
               (unsigned long long)(p2m_pool_bytes >> 10));
        domain_free(d);
        return NULL;
    }
    _Static_assert(sizeof(struct vcpu) <= PAGE_SIZE, "a vCPU is one page");
    for (i = 0; i < nr_vcpus; i++) {
        struct vcpu *v = page_alloc_zeroed_virt();

        if (v) {
            v->domain = d;
            v->id = i;
            vcpu_init(v);
            d->vcpus[i] = v;
            d->nr_vcpus = i + 1;
        }
        if (!v || arch_virt->vcpu_create(v)) {
            printk("tessera: domain %s: out of memory for vCPU %u\n", d->name, i);
            domain_free(d);
            return NULL;
        }
    }
    domain_registry_add(d);
    return d;
}

/* What an idle CPU clears between two looks at its run queue: 0.1-0.2 ms under QEMU. */
#define IDLE_CLEAR_BYTES KiB(256)

/*
 * Under the registry's lock, so no domain is freed meanwhile (domain_free()
 * leaves it first). Only the pool's own domains: a partition's CPUs never
 * spend time on another partition's memory.
 */
bool domain_clear_idle_step(const struct sched_pool *pool)
{
    unsigned long flags;
    bool worked = false;

    if (!p2m_any_hidden())
        return false;
    flags = domain_registry_lock();
    for (unsigned int i = 0; i < DOMAIN_REGISTRY_MAX && !worked; i++) {
        struct domain *d = domain_registry_at(i);

        worked = d && percpu_of(d->vcpus[0]->pcpu)->sched.pool == pool &&
                 p2m_clear_idle_step(d->p2m, IDLE_CLEAR_BYTES);
    }
    domain_registry_unlock(flags);
    return worked;
}

void domain_free(struct domain *d)
{
    unsigned int i;

    /* First, so that nothing (peers, console input) finds d any more. */
    domain_registry_remove(d);
    evtchn_domain_disconnect(d);
    vcpu_timer_domain_stop(d);
    for (i = 0; i < DOMAIN_MAX_VCPUS; i++) {
        struct vcpu *v = d->vcpus[i];

        if (!v)
            continue;
        arch_virt->vcpu_destroy(v);
        page_free(virt_to_phys(v), 0);
    }
    evtchn_domain_free(d);
    p2m_destroy(d->p2m);
    d->state = DOMAIN_DEAD;
    page_free(virt_to_phys(d), domain_order());
}

void domain_reset(struct domain *d)
{
    unsigned int i;

    /* First, so that nothing (peers, timers, console input) reaches d any more. */
    evtchn_domain_disconnect(d);
    vcpu_timer_domain_stop(d);
    evtchn_domain_reset(d);
    for (i = 0; i < d->nr_vcpus; i++) {
        arch_virt->vcpu_reset(d->vcpus[i]);
        vcpu_init(d->vcpus[i]);
    }
    /*
     * Xen scrubs a dead domain's memory; a restart must not see its earlier
     * run either. The scrub itself runs in steps (domain_restart_step).
     */
    memory_domain_reset(d);
    p2m_reset(d->p2m);
    dom_console_restart(&d->console, d->restarts);
    d->shutdown_reason = -1;
    d->hypercall_page_gpa = mk_gpaddr(0);
    d->nr_memmap = 0;
}

/* A built domain's vCPU 0 becomes runnable. */
static void domain_launch(struct domain *d)
{
    d->vcpus_on_cpu = d->nr_vcpus;
    d->start_ns = now_ns();
    d->state = DOMAIN_RUNNING;
    sched_up(d->vcpus[0]);
}

void domain_start(struct domain *d)
{
    unsigned long flags = spin_lock_irqsave(&domains_lock);

    domains_running++;
    spin_unlock_irqrestore(&domains_lock, flags);
    domain_launch(d);
}

void domain_shutdown(struct domain *d, int reason)
{
    unsigned long flags = spin_lock_irqsave(&d->lock);
    unsigned int i;
    uint8_t action;

    if (d->state != DOMAIN_RUNNING) {
        spin_unlock_irqrestore(&d->lock, flags);
        return;
    }
    action = reason == SHUTDOWN_poweroff ? d->policy.on_poweroff
             : reason == SHUTDOWN_reboot ? d->policy.on_reboot
                                         : d->policy.on_crash;
    d->shutdown_reason = reason;
    d->shutdown_action = action;
    d->state = DOMAIN_DYING;
    spin_unlock_irqrestore(&d->lock, flags);

    dom_console_flush(&d->console);
    printk("tessera: domain %s (id %u): %s; policy: %s\n", d->name, d->domid, reason_name(reason),
           action_name(action));
    /* vCPUs not on a CPU are gone now; running ones leave at their next check. */
    for (i = 0; i < d->nr_vcpus; i++) {
        if (sched_detach(d->vcpus[i]))
            domain_vcpu_gone(d->vcpus[i]);
        else
            sched_kick(d->vcpus[i]);
    }
}

void domain_crash(struct domain *d, const char *fmt, ...)
{
    char why[160];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    printk("tessera: domain %s (id %u) crashed: %s\n", d->name, d->domid, why);
    domain_shutdown(d, SHUTDOWN_crash);
}

/*
 * Counts a restart of d; false, after saying so, if it would be one more than
 * DOMAIN_RESTART_BURST within DOMAIN_RESTART_INTERVAL_S.
 */
static bool restart_allowed(struct domain *d)
{
    /* The domain's up time: restarts count however long they take (domain_first_entry). */
    uint64_t now = now_ns() - d->restarting_ns;
    uint64_t *slot = &d->restart_ns[d->restarts % DOMAIN_RESTART_BURST];

    /* *slot holds restart number restarts - BURST: the oldest of the last BURST. */
    if (d->restarts >= DOMAIN_RESTART_BURST &&
        now - *slot < DOMAIN_RESTART_INTERVAL_S * 1000000000ull) {
        printk("tessera: domain %s (id %u) restarted %u times within %u s (the limit): "
               "not restarted again\n",
               d->name, d->domid, DOMAIN_RESTART_BURST, DOMAIN_RESTART_INTERVAL_S);
        return false;
    }
    *slot = now;
    d->restarts++;
    return true;
}

/*
 * The last vCPU of a dying domain left its CPU: carry out the policy. Runs on
 * that CPU with no lock held (it may wait for the other CPUs).
 */
static void domain_finish(struct domain *d)
{
    bool clean = d->shutdown_reason == SHUTDOWN_poweroff;
    uint8_t action = d->shutdown_action;
    unsigned int left, i;
    uint64_t exits = 0, run_ns = 0, life_ns = now_ns() - d->start_ns;
    unsigned long flags;

    if (action == HL_ACTION_HALT_MACHINE) {
        printk("tessera: domain %s ended: halting the machine\n", d->name);
        machine_power_off(clean && domains_all_clean ? HV_EXIT_SUCCESS : HV_EXIT_FAILURE);
    }
    for (i = 0; i < d->nr_vcpus; i++) {
        exits += d->vcpus[i]->exits;
        run_ns += d->vcpus[i]->runstate.time_ns[RUNSTATE_running];
    }
    /* A domain that should have restarted and did not ended uncleanly. */
    if (action == HL_ACTION_RESTART) {
        clean = false;
        if (restart_allowed(d)) {
            printk("tessera: restarting domain %s (restart %u) after %llu exits\n", d->name,
                   d->restarts, (unsigned long long)exits);
            /*
             * Still counted as running: the machine does not end meanwhile.
             * Its vCPU 0 scrubs and rebuilds it (domain_restart_run).
             */
            d->restart_began_ns = now_ns();
            if (domain_restart_begin(d)) {
                d->vcpus_on_cpu = d->nr_vcpus;
                d->state = DOMAIN_RESTARTING;
                sched_up(d->vcpus[0]);
                return;
            }
        }
    }
    /* CPU time as a share of one CPU over its life: what weights and caps divide. */
    life_ns = MAX(life_ns, 1ull);
    printk("tessera: domain %s (id %u) destroyed after %llu exits; CPU time %llu ms in "
           "%llu ms (%llu%%)\n",
           d->name, d->domid, (unsigned long long)exits, (unsigned long long)(run_ns / 1000000),
           (unsigned long long)(life_ns / 1000000), (unsigned long long)(run_ns * 100 / life_ns));
    domain_free(d);

    flags = spin_lock_irqsave(&domains_lock);
    domains_all_clean &= clean;
    left = --domains_running;
    spin_unlock_irqrestore(&domains_lock, flags);
    if (left == 0) {
        printk("tessera: all domains have ended (%s)\n",
               domains_all_clean ? "all cleanly" : "not all cleanly");
        if (cmdline_has("exit-stats"))
            exit_stats_print();
        machine_power_off(domains_all_clean ? HV_EXIT_SUCCESS : HV_EXIT_FAILURE);
    }
}

void domain_first_entry(struct domain *d)
{
    /* Its up time resumes: the restart, however long it took, is not counted. */
    if (d->restart_began_ns) {
        d->restarting_ns += now_ns() - d->restart_began_ns;
        d->restart_began_ns = 0;
    }
}

bool domain_restart_run(struct domain *d)
{
    enum restart_step step = domain_restart_step(d);
    unsigned int i;

    if (step == RESTART_MORE)
        return true;
    if (step == RESTART_DONE) {
        /*
         * vCPU 0 is runnable and on its CPU already: it enters the guest
         * next. Its life and CPU time count from the restart, its own work.
         */
        d->start_ns = d->restart_began_ns;
        d->state = DOMAIN_RUNNING;
        return false;
    }
    /* Not rebuilt: destroyed once its vCPUs are gone (vCPU 0 when it leaves its CPU). */
    d->restart_began_ns = 0;
    d->shutdown_action = HL_ACTION_DESTROY;
    d->state = DOMAIN_DYING;
    for (i = 1; i < d->nr_vcpus; i++)
        if (sched_detach(d->vcpus[i]))
            domain_vcpu_gone(d->vcpus[i]);
    return false;
}

void domain_vcpu_gone(struct vcpu *v)
{
    struct domain *d = v->domain;

    if (__atomic_sub_fetch(&d->vcpus_on_cpu, 1, __ATOMIC_ACQ_REL) == 0)
        domain_finish(d);
}
