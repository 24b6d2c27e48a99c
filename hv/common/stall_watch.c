// SPDX-License-Identifier: MIT
/*
 * The stall report (stall_watch.h). Every second, on the boot CPU: if no
 * vCPU is runnable or running and none has taken an exit since the last
 * look, the machine is idle; after STALL_REPORT_NS of that it says so once,
 * with each domain's vCPU states and the Xen timers that could still wake
 * them (a vLAPIC timer is the back-end's: not listed), then stays quiet
 * until a vCPU runs again. A guest that blocks with nothing
 * to wake it (events masked, no timer) stops silently otherwise; an idle
 * machine that waits for serial input or a far timer gets one line saying
 * what it waits for, not a warning (docs/security.md, "Hostile guests").
 */
#include <public/arch-x86/shared_info.h>
#include <public/xen.h>
#include <hv/domain.h>
#include <hv/domain_registry.h>
#include <hv/printk.h>
#include <hv/stall_watch.h>
#include <hv/time.h>
#include <hv/timer.h>
#include <hv/vcpu_timer.h>

#define STALL_CHECK_NS  1000000000ull
#define STALL_REPORT_NS 5000000000ull

static struct timer watch_timer;
static uint64_t last_exits; /* exits of every vCPU at the last look */
static uint64_t idle_since; /* now_ns() of the first idle look, 0 if not idle */
static bool reported;       /* this idle stretch has been reported */

static const char *state_name(const struct vcpu *v)
{
    switch (v->state) {
    case VCPU_DOWN: return "down";
    case VCPU_RUNNABLE: return "runnable";
    case VCPU_BLOCKED: return v->ev.polling ? "blocked in SCHEDOP_poll" : "blocked";
    default: return "dead";
    }
}

/* Appends ", NAME timer in N ms" (or "N ms overdue") if t is armed; the length so far. */
static size_t put_timer(char *buf, size_t len, size_t size, const char *name, const struct timer *t,
                        uint64_t now)
{
    uint64_t deadline = t->deadline_ns;

    if (!t->armed || len >= size)
        return len;
    if (deadline >= now)
        return len + (size_t)snprintf(buf + len, size - len, ", %s timer in %llu ms", name,
                                      (unsigned long long)((deadline - now) / 1000000));
    return len + (size_t)snprintf(buf + len, size - len, ", %s timer %llu ms overdue", name,
                                  (unsigned long long)((now - deadline) / 1000000));
}

static void print_vcpu(const struct vcpu *v, uint64_t now)
{
    const struct vcpu_info *vi = v->ev.info;
    const struct vcpu_timers *t = &v->timers;
    char line[256];
    size_t len = (size_t)snprintf(line, sizeof(line), "%s (id %u) vCPU %u on CPU %u: %s",
                                  v->domain->name, v->domain->domid, v->id, v->pcpu, state_name(v));

    if (vi && len < sizeof(line))
        len += (size_t)snprintf(line + len, sizeof(line) - len, ", upcall %s%s",
                                vi->evtchn_upcall_pending ? "pending" : "not pending",
                                vi->evtchn_upcall_mask ? " (masked)" : "");
    len = put_timer(line, len, sizeof(line), "singleshot", &t->singleshot, now);
    len = put_timer(line, len, sizeof(line), "periodic", &t->periodic, now);
    len = put_timer(line, len, sizeof(line), "poll", &t->poll_timeout, now);
    if (!t->singleshot.armed && !t->periodic.armed && !t->poll_timeout.armed && len < sizeof(line))
        snprintf(line + len, sizeof(line) - len, ", no Xen timer armed");
    printk("tessera:   %s\n", line);
}

/*
 * Whether any vCPU may run now (a restart's scrub and rebuild run on its
 * domain's vCPU 0 without exits); *exits gets every vCPU's exits. Registry
 * lock held.
 */
static bool any_vcpu_active(uint64_t *exits)
{
    bool active = false;
    unsigned int i, j;

    *exits = 0;
    for (i = 0; i < DOMAIN_REGISTRY_MAX; i++) {
        const struct domain *d = domain_registry_at(i);

        active |= d && d->state == DOMAIN_RESTARTING;
        for (j = 0; d && d->state == DOMAIN_RUNNING && j < d->nr_vcpus; j++) {
            const struct vcpu *v = d->vcpus[j];

            *exits += v->exits;
            active |= v->state == VCPU_RUNNABLE || v->running;
        }
    }
    return active;
}

static void report(uint64_t now, uint64_t idle_ns)
{
    unsigned int i, j;

    printk("tessera: no vCPU has run for %llu s: every vCPU is blocked or down; its Xen "
           "timers (singleshot, periodic, poll), an event or serial input can wake it:\n",
           (unsigned long long)(idle_ns / 1000000000));
    for (i = 0; i < DOMAIN_REGISTRY_MAX; i++) {
        const struct domain *d = domain_registry_at(i);

        for (j = 0; d && d->state == DOMAIN_RUNNING && j < d->nr_vcpus; j++)
            print_vcpu(d->vcpus[j], now);
    }
}

static void watch(struct timer *t)
{
    unsigned long flags = domain_registry_lock();
    uint64_t now = now_ns(), exits;
    bool idle = !any_vcpu_active(&exits) && exits == last_exits;

    last_exits = exits;
    if (!idle) {
        idle_since = 0;
        reported = false;
    } else if (!idle_since) {
        idle_since = now;
    } else if (!reported && now - idle_since >= STALL_REPORT_NS) {
        reported = true;
        report(now, now - idle_since);
    }
    domain_registry_unlock(flags);
    timer_set(t, now + STALL_CHECK_NS);
}

void stall_watch_start(void)
{
    watch_timer.fn = watch;
    timer_set(&watch_timer, now_ns() + STALL_CHECK_NS);
}
