// SPDX-License-Identifier: MIT
/*
 * Event channels, shared info, system time and vCPU timers (event.h).
 *
 * The shared info page and registered vcpu_info areas live in guest frames
 * the guest chose (checked in its P2M, owned by the domain for its whole
 * life), so the guest may change them at any moment: the hypervisor only
 * sets and clears bits atomically there and never trusts what it reads.
 */
#include <stddef.h>
#include <string.h>
#include <asm/tsc.h>
#include <public/arch-x86/shared_info.h>
#include <public/event_channel.h>
#include <public/hvm/params.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/xen.h>
#include <hv/arch_vcpu.h>
#include <hv/domain.h>
#include <hv/event.h>
#include <hv/guest_access.h>
#include <hv/p2m.h>
#include <hv/page_alloc.h>
#include <hv/panic.h>
#include <hv/sched.h>
#include <hv/smp.h>
#include <hv/time.h>

#define XEN_ENOENT_RET  (-XEN_ENOENT)
/* Xen's errno values not in public/xen.h. */
#define XEN_ENOSPC 28
#define XEN_ETIME  62
#define MIN_PERIOD_NS 1000000ull    /* Xen's floor for periodic timers */
#define MAX_PERIOD_NS (1ull << 62)  /* ~146 years: deadline + period cannot wrap */
#define CALLBACK_MIN_VECTOR 0x10

/*
 * Domains reachable by domid. Lock order: the registry, then event locks, two
 * at once only in domid order; never the registry with an event lock held.
 */
static spinlock_t registry_lock = SPINLOCK_INIT;
static struct domain *registry[DOMAIN_REGISTRY_MAX];

static struct domain *registry_find(uint16_t domid)
{
    unsigned int i;

    for (i = 0; i < DOMAIN_REGISTRY_MAX; i++)
        if (registry[i] && registry[i]->domid == domid)
            return registry[i];
    return NULL;
}

void events_register_domain(struct domain *d)
{
    unsigned long flags = spin_lock_irqsave(&registry_lock);

    CHECK(d->index < DOMAIN_REGISTRY_MAX && !registry[d->index]);
    registry[d->index] = d;
    spin_unlock_irqrestore(&registry_lock, flags);
}

static void remote_unbind(struct domain *d, unsigned int port, const struct evtchn *closed);

void events_bind_static(struct domain *d, unsigned int port, uint16_t remote_domid,
                        unsigned int remote_port)
{
    unsigned long flags;
    struct domain *rd;

    CHECK(port > 0 && port < EVTCHN_NR_PORTS && remote_port < EVTCHN_NR_PORTS);
    flags = spin_lock_irqsave(&d->events.lock);
    d->events.ports[port] = (struct evtchn){ EVTCHN_INTERDOMAIN, 0, 0, remote_domid,
                                             (uint16_t)remote_port };
    spin_unlock_irqrestore(&d->events.lock, flags);

    /*
     * A remote domain built earlier bound its end itself; after a restart of
     * d its end waits unbound for d again (events_reset_domain): reconnect it.
     */
    flags = spin_lock_irqsave(&registry_lock);
    rd = registry_find(remote_domid);
    if (rd && rd != d) {
        struct evtchn *re = &rd->events.ports[remote_port];

        spin_lock(&rd->events.lock);
        if (re->state == EVTCHN_UNBOUND && re->remote_domid == d->domid)
            *re = (struct evtchn){ EVTCHN_INTERDOMAIN, 0, re->vcpu, d->domid, (uint16_t)port };
        spin_unlock(&rd->events.lock);
    }
    spin_unlock_irqrestore(&registry_lock, flags);
}

static bool test_and_set(uint64_t *word, unsigned int bit)
{
    return (__atomic_fetch_or(word, 1ull << bit, __ATOMIC_SEQ_CST) >> bit) & 1;
}

static bool test_bit(const uint64_t *word, unsigned int bit)
{
    return (__atomic_load_n(word, __ATOMIC_SEQ_CST) >> bit) & 1;
}

/* Host pointer to a guest frame the domain owns and may write, or NULL. */
static void *guest_frame_rw(struct domain *d, uint64_t gfn)
{
    unsigned int perms;
    paddr_t pa;

    if (gfn > (~0ull >> PAGE_SHIFT))
        return NULL;
    pa = p2m_lookup(d->p2m, gfn << PAGE_SHIFT, &perms);
    if (pa == INVALID_PADDR || !(perms & P2M_WRITE))
        return NULL;
    return phys_to_virt(pa);
}

static void singleshot_fired(struct timer *t);
static void periodic_fired(struct timer *t);
static void poll_timed_out(struct timer *t);

bool events_init_domain(struct domain *d)
{
    d->events.lock = (spinlock_t)SPINLOCK_INIT;
    d->events.dead = false;
    d->events.own_page = page_alloc_zeroed_virt();
    d->events.shared = d->events.own_page;
    return d->events.own_page != NULL;
}

void events_free_domain(struct domain *d)
{
    if (d->events.own_page)
        page_free(virt_to_phys(d->events.own_page), 0);
}

void events_init_vcpu(struct vcpu *v)
{
    struct shared_info *sh = v->domain->events.shared;

    memset(&v->ev, 0, sizeof(v->ev));
    v->ev.info = v->id < XEN_LEGACY_MAX_VCPUS ? &sh->vcpu_info[v->id] : NULL;
    v->ev.singleshot.fn = singleshot_fired;
    v->ev.singleshot.data = v;
    v->ev.periodic.fn = periodic_fired;
    v->ev.periodic.data = v;
    v->ev.poll_timeout.fn = poll_timed_out;
    v->ev.poll_timeout.data = v;
}

static void timers_quiesced(void *unused)
{
    (void)unused;
}

void events_destroy_domain(struct domain *d)
{
    unsigned long flags = spin_lock_irqsave(&registry_lock);
    unsigned int i;

    if (d->index < DOMAIN_REGISTRY_MAX && registry[d->index] == d)
        registry[d->index] = NULL;
    spin_unlock_irqrestore(&registry_lock, flags);
    /* Only a running vCPU arms its timers: none has run since the (re)build. */
    if (d->state == DOMAIN_BUILT)
        return;

    /*
     * The periodic timer re-arms itself from its own expiry, possibly on
     * another CPU right now; it does so under the event lock and only while
     * the domain is not dead. Once dead is set under that lock, a re-arm has
     * either happened already (and is cancelled below) or never will.
     */
    flags = spin_lock_irqsave(&d->events.lock);
    d->events.dead = true;
    spin_unlock_irqrestore(&d->events.lock, flags);

    for (i = 0; i < d->nr_vcpus; i++) {
        timer_cancel(&d->vcpus[i]->ev.singleshot);
        timer_cancel(&d->vcpus[i]->ev.periodic);
        timer_cancel(&d->vcpus[i]->ev.poll_timeout);
    }
    /*
     * A timer function may be running on another CPU right now. It runs in
     * an interrupt, so once every other CPU has taken one more interrupt it
     * has finished and the vCPUs can be freed.
     */
    smp_call_others(timers_quiesced, NULL, true);
}

void events_reset_domain(struct domain *d)
{
    unsigned long flags;
    unsigned int port;

    events_destroy_domain(d);
    /* As when Xen destroys a domain: each peer's end waits unbound for this domain. */
    for (port = 1; port < EVTCHN_NR_PORTS; port++) {
        struct evtchn e = d->events.ports[port];

        if (e.state == EVTCHN_INTERDOMAIN)
            remote_unbind(d, port, &e);
    }
    flags = spin_lock_irqsave(&d->events.lock);
    memset(d->events.ports, 0, sizeof(d->events.ports));
    memset(d->events.own_page, 0, PAGE_SIZE);
    d->events.shared = d->events.own_page;
    d->events.callback_param = 0;
    d->events.callback_vector = 0;
    d->events.dead = false;
    spin_unlock_irqrestore(&d->events.lock, flags);
}

/*
 * Marks an upcall pending for v and makes sure it sees it soon. A kick (an
 * IPI) is sent only when it matters: v is inside its run loop on another CPU
 * (sched_kick skips this CPU, whose run loop looks again before re-entering
 * the guest). A vCPU that is not running sees the upcall when it is next
 * picked; a blocked one is woken and queued, and sched_unblock kicks for that.
 * So a guest cannot make the hypervisor IPI a CPU at will by sending to one
 * of its vCPUs that never ran.
 *
 * No wake-up is lost: this stores upcall_pending (seq_cst), then loads
 * v->running. sched_pick() stores running = true (seq_cst), then the run
 * loop loads upcall_pending before every VMRUN (svm_deliver_upcall). With
 * both sides store-then-load under seq_cst, at least one sees the other's
 * store: either the run loop sees the upcall, or this sees running and the
 * kick makes the guest exit (or waits, IF=0, until the loop's next STI) so
 * the loop looks again.
 */
static void vcpu_mark_pending(struct vcpu *v, struct vcpu_info *vi)
{
    __atomic_store_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
    sched_unblock(v);
    if (__atomic_load_n(&v->running, __ATOMIC_SEQ_CST))
        sched_kick(v);
}

/* Xen's 2-level evtchn_set_pending: pending bit, then selector, then upcall. */
static void evtchn_set_pending(struct domain *d, unsigned int port)
{
    struct shared_info *sh = d->events.shared;
    struct vcpu *v = d->vcpus[d->events.ports[port].vcpu];
    struct vcpu_info *vi = v->ev.info;
    unsigned int word = port / 64, bit = port % 64;

    if (!sh || test_and_set(&sh->evtchn_pending[word], bit))
        return;
    /* A vCPU in SCHEDOP_poll waits for pending ports, masked or not. */
    if (v->ev.polling) {
        v->ev.polling = false;
        timer_cancel(&v->ev.poll_timeout);
        sched_unblock(v);
    }
    if (vi && !test_bit(&sh->evtchn_mask[word], bit) &&
        !test_and_set(&vi->evtchn_pending_sel, word))
        vcpu_mark_pending(v, vi);
}

static void send_virq(struct vcpu *v, unsigned int virq)
{
    struct domain *d = v->domain;
    unsigned long flags = spin_lock_irqsave(&d->events.lock);
    unsigned int port = v->ev.virq_port[virq];

    if (port && d->state == DOMAIN_RUNNING) {
        events_update_time(v);
        evtchn_set_pending(d, port);
    }
    spin_unlock_irqrestore(&d->events.lock, flags);
}

/*
 * Not send_virq(): this runs on the input poll's CPU; vcpu_time_info is
 * written only from the vCPU's own CPU (events_update_time()).
 */
void events_raise_virq_console(struct domain *d)
{
    unsigned long flags = spin_lock_irqsave(&d->events.lock);
    unsigned int port = d->vcpus[0]->ev.virq_port[VIRQ_CONSOLE];

    if (port && d->state == DOMAIN_RUNNING)
        evtchn_set_pending(d, port);
    spin_unlock_irqrestore(&d->events.lock, flags);
}

static void singleshot_fired(struct timer *t)
{
    send_virq(t->data, VIRQ_TIMER);
}

static void periodic_fired(struct timer *t)
{
    struct vcpu *v = t->data;
    struct domain *d = v->domain;
    uint64_t period = v->ev.period_ns, next = t->deadline_ns + period, now = now_ns();
    unsigned long flags;

    send_virq(v, VIRQ_TIMER);
    /* Ticks missed (a late interrupt, a stopped CPU) are dropped, not replayed. */
    if (next <= now)
        next = now + period;
    /*
     * Under the lock, against dead (see events_destroy_domain()) and against a
     * period cleared meanwhile by another CPU (events_vcpu_down()).
     */
    flags = spin_lock_irqsave(&d->events.lock);
    if (v->ev.period_ns && !d->events.dead && d->state == DOMAIN_RUNNING)
        timer_set(t, next);
    spin_unlock_irqrestore(&d->events.lock, flags);
}

static void poll_timed_out(struct timer *t)
{
    struct vcpu *v = t->data;

    v->ev.polling = false;
    sched_unblock(v);
}

void events_vcpu_down(struct vcpu *v)
{
    struct domain *d = v->domain;
    unsigned long flags = spin_lock_irqsave(&d->events.lock);

    v->ev.period_ns = 0;
    spin_unlock_irqrestore(&d->events.lock, flags);
    timer_cancel(&v->ev.periodic);
    timer_cancel(&v->ev.singleshot);
    v->ev.polling = false;
    timer_cancel(&v->ev.poll_timeout);
}

/* Xen's limit on the ports one SCHEDOP_poll may wait for. */
#define POLL_MAX_PORTS 128

/* SCHEDOP_poll from a 32-bit guest: the ports handle is 32 bits wide (Xen's compat). */
struct compat_sched_poll {
    uint32_t ports;
    uint32_t nr_ports;
    uint64_t timeout;
} __attribute__((packed, aligned(4)));

int64_t events_poll(struct vcpu *v, uint64_t arg)
{
    struct domain *d = v->domain;
    struct sched_poll p;
    struct compat_sched_poll c;
    uint32_t ports[POLL_MAX_PORTS];
    struct shared_info *sh;
    unsigned int i;
    bool pending = false;

    if (v->hypercall_64bit) {
        if (copy_from_guest(v, &p, arg, sizeof(p)))
            return -XEN_EFAULT;
    } else {
        if (copy_from_guest(v, &c, arg, sizeof(c)))
            return -XEN_EFAULT;
        p = (struct sched_poll){ .ports = c.ports, .nr_ports = c.nr_ports,
                                 .timeout = c.timeout };
    }
    if (p.nr_ports > POLL_MAX_PORTS)
        return -XEN_EINVAL;
    if (copy_from_guest(v, ports, p.ports, p.nr_ports * sizeof(ports[0])))
        return -XEN_EFAULT;
    for (i = 0; i < p.nr_ports; i++)
        if (ports[i] >= EVTCHN_NR_PORTS)
            return -XEN_EINVAL;
    /* Announce the poll first, then look: a send in between wakes us. */
    timer_cancel(&v->ev.poll_timeout);
    v->ev.polling = true;
    sched_block(v);
    sh = d->events.shared;
    for (i = 0; i < p.nr_ports && !pending; i++)
        pending = test_bit(&sh->evtchn_pending[ports[i] / 64], ports[i] % 64);
    if (pending || (p.timeout && p.timeout <= now_ns())) {
        v->ev.polling = false;
        sched_unblock(v);
    } else if (p.timeout) {
        timer_set(&v->ev.poll_timeout, p.timeout);
    }
    return 0;
}

int events_upcall_vector(struct vcpu *v)
{
    struct vcpu_info *vi;
    uint8_t vector = v->domain->events.callback_vector;

    /* Called on v's own CPU before every entry: the place to redo stale time. */
    if (__atomic_load_n(&v->ev.time_stale, __ATOMIC_SEQ_CST))
        events_update_time(v);
    vi = v->ev.info;

    if (!vector || !vi || !__atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_SEQ_CST))
        return -1;
    return vector;
}

bool events_pending(struct vcpu *v)
{
    struct vcpu_info *vi = v->ev.info;

    return vi && __atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_SEQ_CST);
}

/* tsc_to_system_mul and tsc_shift for the TSC rate: ns = ((delta << shift) * mul) >> 32. */
static void time_scale(uint64_t khz, uint32_t *mul, int8_t *shift)
{
    uint64_t num = 1000000, den = khz ? khz : 1;   /* ns per tick = num / den */
    int s = 0;

    while (num >= den) {
        den <<= 1;
        s++;
    }
    while (num * 2 < den) {
        num <<= 1;
        s--;
    }
    *mul = (uint32_t)((num << 32) / den);
    *shift = (int8_t)s;
}

/*
 * Only v's own CPU writes its vcpu_time_info: the version seqlock has one
 * writer, and that CPU's writes are serialised (the run loop, hypercalls and
 * timer functions all run there with interrupts off). Any other CPU only
 * marks the time stale; v's CPU rewrites it before its next entry
 * (events_upcall_vector) or schedule-in. No kick for that: a guest could
 * otherwise make the hypervisor IPI a CPU at will (remapping shared info).
 */
void events_update_time(struct vcpu *v)
{
    struct vcpu_info *vi;
    struct vcpu_time_info *t;
    uint32_t version, mul;
    int8_t shift;

    if (v->pcpu != smp_processor_id()) {
        __atomic_store_n(&v->ev.time_stale, true, __ATOMIC_SEQ_CST);
        return;
    }
    __atomic_store_n(&v->ev.time_stale, false, __ATOMIC_SEQ_CST);
    vi = v->ev.info;
    if (!vi)
        return;
    t = &vi->time;
    time_scale(tsc_khz(), &mul, &shift);
    version = __atomic_load_n(&t->version, __ATOMIC_RELAXED);
    /* Odd while writing, as Xen: readers retry on an odd or changed version. */
    __atomic_store_n(&t->version, (version | 1) + 0, __ATOMIC_SEQ_CST);
    t->system_time = now_ns();
    t->tsc_timestamp = rdtsc() + arch_virt->vcpu_tsc_offset(v);
    t->tsc_to_system_mul = mul;
    t->tsc_shift = shift;
    t->flags = XEN_PVCLOCK_TSC_STABLE_BIT;
    __atomic_store_n(&t->version, (version | 1) + 1, __ATOMIC_SEQ_CST);
}

int64_t events_map_shared_info(struct vcpu *v, uint64_t gfn)
{
    struct domain *d = v->domain;
    struct shared_info *sh = guest_frame_rw(d, gfn);
    unsigned long flags;
    unsigned int i;

    if (!sh)
        return -XEN_EINVAL;
    flags = spin_lock_irqsave(&d->events.lock);
    /* What is pending so far moves with it; the rest of the frame is the page's. */
    if (sh != d->events.shared) {
        memset(sh, 0, PAGE_SIZE);
        memcpy(sh, d->events.shared, sizeof(*sh));
    }
    d->events.shared = sh;
    for (i = 0; i < d->nr_vcpus; i++) {
        struct vcpu *w = d->vcpus[i];

        if (!w->ev.info_registered)
            w->ev.info = i < XEN_LEGACY_MAX_VCPUS ? &sh->vcpu_info[i] : NULL;
        events_update_time(w);
    }
    spin_unlock_irqrestore(&d->events.lock, flags);
    return 0;
}

int64_t events_set_callback(struct vcpu *v, uint64_t value)
{
    struct domain *d = v->domain;
    uint64_t type = value >> HVM_PARAM_CALLBACK_TYPE_SHIFT;
    uint8_t vector = (uint8_t)value;

    /* Only the vector form: there is no emulated interrupt controller for GSI/INTx. */
    if (value != 0 && (type != HVM_PARAM_CALLBACK_TYPE_VECTOR ||
                       (value & ~((uint64_t)0xFF << HVM_PARAM_CALLBACK_TYPE_SHIFT | 0xFF)) ||
                       vector < CALLBACK_MIN_VECTOR))
        return -XEN_EINVAL;
    d->events.callback_param = value;
    __atomic_store_n(&d->events.callback_vector, value ? vector : 0, __ATOMIC_SEQ_CST);
    return 0;
}

/* A free port, or 0 (port 0 is never used, as in Xen). */
static unsigned int port_alloc(struct domain *d)
{
    unsigned int port;

    for (port = 1; port < EVTCHN_NR_PORTS; port++)
        if (d->events.ports[port].state == EVTCHN_FREE)
            return port;
    return 0;
}

unsigned int events_bind_hypervisor(struct domain *d,
                                    void (*notify)(struct domain *d, unsigned int port))
{
    unsigned long flags = spin_lock_irqsave(&d->events.lock);
    unsigned int port = port_alloc(d);

    CHECK(!d->events.hypervisor_notify || d->events.hypervisor_notify == notify);
    if (port) {
        d->events.ports[port] = (struct evtchn){ EVTCHN_HYPERVISOR, 0, 0, DOMID_XEN, 0 };
        d->events.hypervisor_notify = notify;
    }
    spin_unlock_irqrestore(&d->events.lock, flags);
    return port;
}

void events_send_from_hypervisor(struct domain *d, unsigned int port)
{
    unsigned long flags = spin_lock_irqsave(&d->events.lock);

    if (port < EVTCHN_NR_PORTS && d->events.ports[port].state == EVTCHN_HYPERVISOR &&
        (d->state == DOMAIN_RUNNING || d->state == DOMAIN_BUILT))
        evtchn_set_pending(d, port);
    spin_unlock_irqrestore(&d->events.lock, flags);
}

/*
 * A global VIRQ (VIRQ_CONSOLE) is bound on vCPU 0 and may notify any vCPU
 * (EVTCHNOP_bind_vcpu); a per-vCPU one (VIRQ_TIMER) belongs to its vCPU.
 */
static bool virq_is_global(unsigned int virq)
{
    return virq == VIRQ_CONSOLE;
}

static int64_t bind_virq(struct vcpu *v, uint64_t arg)
{
    struct domain *d = v->domain;
    struct evtchn_bind_virq b;
    unsigned int port;
    unsigned long flags;
    int64_t rc = 0;

    if (copy_from_guest(v, &b, arg, sizeof(b)))
        return -XEN_EFAULT;
    /* The per-vCPU timer, and the console, global so bound to vCPU 0 (as in Xen). */
    if (b.virq != VIRQ_TIMER && !(virq_is_global(b.virq) && b.vcpu == 0))
        return -XEN_EINVAL;
    if (b.vcpu >= d->nr_vcpus)
        return XEN_ENOENT_RET;
    flags = spin_lock_irqsave(&d->events.lock);
    if (d->vcpus[b.vcpu]->ev.virq_port[b.virq]) {
        rc = -XEN_EEXIST;
    } else if (!(port = port_alloc(d))) {
        rc = -XEN_ENOSPC;
    } else {
        d->events.ports[port] = (struct evtchn){ EVTCHN_VIRQ, (uint8_t)b.virq,
                                                 (uint16_t)b.vcpu, 0, 0 };
        d->vcpus[b.vcpu]->ev.virq_port[b.virq] = (uint16_t)port;
        b.port = port;
    }
    spin_unlock_irqrestore(&d->events.lock, flags);
    if (rc)
        return rc;
    return copy_to_guest(v, arg, &b, sizeof(b)) ? -XEN_EFAULT : 0;
}

static int64_t bind_ipi(struct vcpu *v, uint64_t arg)
{
    struct domain *d = v->domain;
    struct evtchn_bind_ipi b;
    unsigned int port;
    unsigned long flags;

    if (copy_from_guest(v, &b, arg, sizeof(b)))
        return -XEN_EFAULT;
    if (b.vcpu >= d->nr_vcpus)
        return XEN_ENOENT_RET;
    flags = spin_lock_irqsave(&d->events.lock);
    port = port_alloc(d);
    if (port)
        d->events.ports[port] = (struct evtchn){ EVTCHN_IPI, 0, (uint16_t)b.vcpu, 0, 0 };
    spin_unlock_irqrestore(&d->events.lock, flags);
    if (!port)
        return -XEN_ENOSPC;
    b.port = port;
    return copy_to_guest(v, arg, &b, sizeof(b)) ? -XEN_EFAULT : 0;
}

/* Reads the single port argument of close/send/unmask; 0 and *port, or an error. */
static int64_t port_arg(struct vcpu *v, uint64_t arg, uint32_t *port)
{
    if (copy_from_guest(v, port, arg, sizeof(*port)))
        return -XEN_EFAULT;
    return *port < EVTCHN_NR_PORTS ? 0 : -XEN_EINVAL;
}

/* The remote end of a closed inter-domain channel waits for a new binding, as in Xen. */
static void remote_unbind(struct domain *d, unsigned int port, const struct evtchn *closed)
{
    unsigned long flags = spin_lock_irqsave(&registry_lock);
    struct domain *rd = registry_find(closed->remote_domid);

    if (rd) {
        struct evtchn *re = &rd->events.ports[closed->remote_port];

        spin_lock(&rd->events.lock);
        if (re->state == EVTCHN_INTERDOMAIN && re->remote_domid == d->domid &&
            re->remote_port == port)
            *re = (struct evtchn){ EVTCHN_UNBOUND, 0, re->vcpu, d->domid, 0 };
        spin_unlock(&rd->events.lock);
    }
    spin_unlock_irqrestore(&registry_lock, flags);
}

/*
 * Delivers on the remote end of local port `port` if it still points back
 * here; a remote that closed, died or restarted simply drops it (Xen drops
 * sends on unbound ports too).
 */
static void send_remote(struct domain *d, unsigned int port, uint16_t remote_domid,
                        unsigned int remote_port)
{
    unsigned long flags = spin_lock_irqsave(&registry_lock);
    struct domain *rd = registry_find(remote_domid);

    /* A domain built but not started yet keeps the event pending for its start. */
    if (rd && (rd->state == DOMAIN_RUNNING || rd->state == DOMAIN_BUILT)) {
        struct evtchn *re = &rd->events.ports[remote_port];

        spin_lock(&rd->events.lock);
        if (re->state == EVTCHN_INTERDOMAIN && re->remote_domid == d->domid &&
            re->remote_port == port)
            evtchn_set_pending(rd, remote_port);
        spin_unlock(&rd->events.lock);
    }
    spin_unlock_irqrestore(&registry_lock, flags);
}

static uint16_t resolve_domid(struct domain *d, uint16_t domid)
{
    return domid == DOMID_SELF ? d->domid : domid;
}

static int64_t alloc_unbound(struct vcpu *v, uint64_t arg)
{
    struct domain *d = v->domain;
    struct evtchn_alloc_unbound a;
    unsigned long flags;
    unsigned int port;

    if (copy_from_guest(v, &a, arg, sizeof(a)))
        return -XEN_EFAULT;
    if (resolve_domid(d, a.dom) != d->domid)
        return -XEN_EPERM;
    if (resolve_domid(d, a.remote_dom) >= DOMID_FIRST_RESERVED)
        return -XEN_EINVAL;
    flags = spin_lock_irqsave(&d->events.lock);
    port = port_alloc(d);
    if (port)
        d->events.ports[port] = (struct evtchn){ EVTCHN_UNBOUND, 0, 0,
                                                 resolve_domid(d, a.remote_dom), 0 };
    spin_unlock_irqrestore(&d->events.lock, flags);
    if (!port)
        return -XEN_ENOSPC;
    a.port = port;
    return copy_to_guest(v, arg, &a, sizeof(a)) ? -XEN_EFAULT : 0;
}

static int64_t bind_interdomain(struct vcpu *v, uint64_t arg)
{
    struct domain *d = v->domain, *rd, *first, *second;
    struct evtchn_bind_interdomain b;
    unsigned long flags;
    unsigned int port = 0;
    int64_t rc = 0;

    if (copy_from_guest(v, &b, arg, sizeof(b)))
        return -XEN_EFAULT;
    if (b.remote_port == 0 || b.remote_port >= EVTCHN_NR_PORTS)
        return -XEN_EINVAL;
    flags = spin_lock_irqsave(&registry_lock);
    rd = registry_find(resolve_domid(d, b.remote_dom));
    if (!rd) {
        spin_unlock_irqrestore(&registry_lock, flags);
        return -XEN_ESRCH;
    }
    first = d->domid <= rd->domid ? d : rd;
    second = first == d ? rd : d;
    spin_lock(&first->events.lock);
    if (second != first)
        spin_lock(&second->events.lock);
    if (rd->events.ports[b.remote_port].state != EVTCHN_UNBOUND ||
        rd->events.ports[b.remote_port].remote_domid != d->domid) {
        rc = -XEN_EINVAL;
    } else if (!(port = port_alloc(d))) {
        rc = -XEN_ENOSPC;
    } else {
        d->events.ports[port] = (struct evtchn){ EVTCHN_INTERDOMAIN, 0, 0, rd->domid,
                                                 (uint16_t)b.remote_port };
        rd->events.ports[b.remote_port].state = EVTCHN_INTERDOMAIN;
        rd->events.ports[b.remote_port].remote_port = (uint16_t)port;
    }
    if (second != first)
        spin_unlock(&second->events.lock);
    spin_unlock(&first->events.lock);
    spin_unlock_irqrestore(&registry_lock, flags);
    if (rc)
        return rc;
    b.local_port = port;
    return copy_to_guest(v, arg, &b, sizeof(b)) ? -XEN_EFAULT : 0;
}

static int64_t evtchn_close(struct vcpu *v, uint64_t arg)
{
    struct domain *d = v->domain;
    struct evtchn closed = { 0 };
    struct evtchn *e;
    unsigned long flags;
    uint32_t port;
    int64_t rc = port_arg(v, arg, &port);

    if (rc)
        return rc;
    flags = spin_lock_irqsave(&d->events.lock);
    e = &d->events.ports[port];
    if (port == 0 || e->state == EVTCHN_FREE || e->state == EVTCHN_HYPERVISOR) {
        rc = -XEN_EINVAL;       /* as Xen: a guest cannot close a Xen-attached port */
    } else {
        if (e->state == EVTCHN_VIRQ)
            d->vcpus[virq_is_global(e->virq) ? 0 : e->vcpu]->ev.virq_port[e->virq] = 0;
        closed = *e;
        *e = (struct evtchn){ EVTCHN_FREE, 0, 0, 0, 0 };
    }
    spin_unlock_irqrestore(&d->events.lock, flags);
    if (!rc && closed.state == EVTCHN_INTERDOMAIN)
        remote_unbind(d, port, &closed);
    return rc;
}

static int64_t evtchn_send(struct vcpu *v, uint64_t arg)
{
    struct domain *d = v->domain;
    struct evtchn e;
    unsigned long flags;
    uint32_t port;
    int64_t rc = port_arg(v, arg, &port);

    if (rc)
        return rc;
    flags = spin_lock_irqsave(&d->events.lock);
    e = d->events.ports[port];
    switch (e.state) {
    case EVTCHN_IPI:
        evtchn_set_pending(d, port);
        break;
    case EVTCHN_VIRQ:
    case EVTCHN_UNBOUND:
    case EVTCHN_INTERDOMAIN:
    case EVTCHN_HYPERVISOR:
        break;          /* as Xen: VIRQ and unbound ports drop it; remote, hypervisor below */
    default:
        rc = -XEN_EINVAL;
    }
    spin_unlock_irqrestore(&d->events.lock, flags);
    if (!rc && e.state == EVTCHN_INTERDOMAIN)
        send_remote(d, port, e.remote_domid, e.remote_port);
    else if (!rc && e.state == EVTCHN_HYPERVISOR)
        d->events.hypervisor_notify(d, port);
    return rc;
}

/* Xen's 2-level unmask: clear the mask; a pending event then raises the upcall. */
static int64_t evtchn_unmask(struct vcpu *v, uint64_t arg)
{
    struct domain *d = v->domain;
    struct shared_info *sh;
    unsigned long flags;
    uint32_t port;
    int64_t rc = port_arg(v, arg, &port);
    unsigned int word, bit;

    if (rc)
        return rc;
    word = port / 64;
    bit = port % 64;
    flags = spin_lock_irqsave(&d->events.lock);
    sh = d->events.shared;
    if (sh && d->events.ports[port].state != EVTCHN_FREE) {
        struct vcpu *target = d->vcpus[d->events.ports[port].vcpu];
        struct vcpu_info *vi = target->ev.info;

        __atomic_fetch_and(&sh->evtchn_mask[word], ~(1ull << bit), __ATOMIC_SEQ_CST);
        if (vi && test_bit(&sh->evtchn_pending[word], bit) &&
            !test_and_set(&vi->evtchn_pending_sel, word))
            vcpu_mark_pending(target, vi);
    } else if (d->events.ports[port].state == EVTCHN_FREE) {
        rc = -XEN_EINVAL;
    }
    spin_unlock_irqrestore(&d->events.lock, flags);
    return rc;
}

/* Xen's evtchn_status: only the caller's own ports (no domain is privileged over another). */
static int64_t evtchn_status(struct vcpu *v, uint64_t arg)
{
    struct domain *d = v->domain;
    struct evtchn_status st;
    struct evtchn e;
    unsigned long flags;
    uint16_t dom;

    if (copy_from_guest(v, &st, arg, sizeof(st)))
        return -XEN_EFAULT;
    dom = resolve_domid(d, st.dom);
    if (dom != d->domid) {
        bool exists;

        flags = spin_lock_irqsave(&registry_lock);
        exists = registry_find(dom) != NULL;
        spin_unlock_irqrestore(&registry_lock, flags);
        return exists ? -XEN_EPERM : -XEN_ESRCH;
    }
    if (st.port >= EVTCHN_NR_PORTS)
        return -XEN_EINVAL;
    flags = spin_lock_irqsave(&d->events.lock);
    e = d->events.ports[st.port];
    spin_unlock_irqrestore(&d->events.lock, flags);
    memset(&st.u, 0, sizeof(st.u));
    switch (e.state) {
    case EVTCHN_VIRQ:
        st.status = EVTCHNSTAT_virq;
        st.u.virq = e.virq;
        break;
    case EVTCHN_IPI:
        st.status = EVTCHNSTAT_ipi;
        break;
    case EVTCHN_UNBOUND:
        st.status = EVTCHNSTAT_unbound;
        st.u.unbound.dom = e.remote_domid;
        break;
    case EVTCHN_INTERDOMAIN:
    case EVTCHN_HYPERVISOR:     /* remote end DOMID_XEN, port 0 */
        st.status = EVTCHNSTAT_interdomain;
        st.u.interdomain.dom = e.remote_domid;
        st.u.interdomain.port = e.remote_port;
        break;
    default:
        st.status = EVTCHNSTAT_closed;      /* free, and port 0 (reserved in Xen) */
        break;
    }
    st.vcpu = e.vcpu;
    return copy_to_guest(v, arg, &st, sizeof(st)) ? -XEN_EFAULT : 0;
}

/*
 * Xen's evtchn_bind_vcpu: the vCPU a port notifies, for inter-domain,
 * unbound and hypervisor-bound ports and global VIRQs; IPIs and per-vCPU
 * VIRQs stay where bound. Only later events go there: one pending now stays
 * on the old vCPU's selector, as in Xen's 2-level ABI.
 */
static int64_t evtchn_bind_vcpu(struct vcpu *v, uint64_t arg)
{
    struct domain *d = v->domain;
    struct evtchn_bind_vcpu b;
    struct evtchn *e;
    unsigned long flags;
    int64_t rc = 0;

    if (copy_from_guest(v, &b, arg, sizeof(b)))
        return -XEN_EFAULT;
    if (b.vcpu >= d->nr_vcpus)
        return XEN_ENOENT_RET;
    if (b.port >= EVTCHN_NR_PORTS)
        return -XEN_EINVAL;
    flags = spin_lock_irqsave(&d->events.lock);
    e = &d->events.ports[b.port];
    switch (e->state) {
    case EVTCHN_VIRQ:
        if (virq_is_global(e->virq))
            e->vcpu = (uint16_t)b.vcpu;
        else
            rc = -XEN_EINVAL;
        break;
    case EVTCHN_UNBOUND:
    case EVTCHN_INTERDOMAIN:
    case EVTCHN_HYPERVISOR:
        e->vcpu = (uint16_t)b.vcpu;
        break;
    default:
        rc = -XEN_EINVAL;
    }
    spin_unlock_irqrestore(&d->events.lock, flags);
    return rc;
}

int64_t do_event_channel_op(struct vcpu *v, const uint64_t *args)
{
    switch (args[0]) {
    case EVTCHNOP_bind_virq:
        return bind_virq(v, args[1]);
    case EVTCHNOP_bind_ipi:
        return bind_ipi(v, args[1]);
    case EVTCHNOP_alloc_unbound:
        return alloc_unbound(v, args[1]);
    case EVTCHNOP_bind_interdomain:
        return bind_interdomain(v, args[1]);
    case EVTCHNOP_close:
        return evtchn_close(v, args[1]);
    case EVTCHNOP_send:
        return evtchn_send(v, args[1]);
    case EVTCHNOP_unmask:
        return evtchn_unmask(v, args[1]);
    case EVTCHNOP_status:
        return evtchn_status(v, args[1]);
    case EVTCHNOP_bind_vcpu:
        return evtchn_bind_vcpu(v, args[1]);
    default:
        return -XEN_ENOSYS;     /* bind_pirq: no physical interrupts for guests */
    }
}

static int64_t register_vcpu_info(struct vcpu *v, struct vcpu *target, uint64_t arg)
{
    struct domain *d = v->domain;
    struct vcpu_register_vcpu_info r;
    struct vcpu_info *vi, *old;
    unsigned long flags;
    uint8_t *frame;

    if (copy_from_guest(v, &r, arg, sizeof(r)))
        return -XEN_EFAULT;
    if (r.offset > PAGE_SIZE - sizeof(struct vcpu_info) || (r.offset & 7))
        return -XEN_EINVAL;
    frame = guest_frame_rw(d, r.mfn);
    if (!frame)
        return -XEN_EINVAL;
    vi = (struct vcpu_info *)(frame + r.offset);
    flags = spin_lock_irqsave(&d->events.lock);
    if (target->ev.info_registered) {
        spin_unlock_irqrestore(&d->events.lock, flags);
        return -XEN_EINVAL;         /* as Xen: once per vCPU */
    }
    old = target->ev.info;
    if (old)
        memcpy(vi, old, sizeof(*vi));
    else
        memset(vi, 0, sizeof(*vi));
    /* As Xen: every selector set, so the guest rescans what is pending. */
    __atomic_store_n(&vi->evtchn_pending_sel, ~0ull, __ATOMIC_SEQ_CST);
    __atomic_store_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
    target->ev.info = vi;
    target->ev.info_registered = true;
    events_update_time(target);
    spin_unlock_irqrestore(&d->events.lock, flags);
    return 0;
}

int64_t events_vcpu_op(struct vcpu *v, struct vcpu *target, unsigned int cmd, uint64_t arg)
{
    struct vcpu_set_singleshot_timer ss;
    struct vcpu_set_periodic_timer per;

    if (cmd == VCPUOP_register_vcpu_info)
        return register_vcpu_info(v, target, arg);
    /* Timers run on their vCPU's CPU: only the calling vCPU's own. */
    if (target != v)
        return -XEN_EINVAL;
    switch (cmd) {
    case VCPUOP_set_singleshot_timer:
        /* A 32-bit guest's struct ends after flags (12 bytes, 4-aligned): the rest is pad. */
        ss.pad = 0;
        if (copy_from_guest(v, &ss, arg, v->hypercall_64bit ? sizeof(ss) :
                            offsetof(struct vcpu_set_singleshot_timer, pad)))
            return -XEN_EFAULT;
        if ((ss.flags & VCPU_SSHOTTMR_future) && ss.timeout_abs_ns < now_ns())
            return -XEN_ETIME;
        timer_set(&v->ev.singleshot, ss.timeout_abs_ns);
        return 0;
    case VCPUOP_stop_singleshot_timer:
        timer_cancel(&v->ev.singleshot);
        return 0;
    case VCPUOP_set_periodic_timer:
        if (copy_from_guest(v, &per, arg, sizeof(per)))
            return -XEN_EFAULT;
        if (per.period_ns < MIN_PERIOD_NS || per.period_ns > MAX_PERIOD_NS)
            return -XEN_EINVAL;
        v->ev.period_ns = per.period_ns;
        timer_set(&v->ev.periodic, now_ns() + per.period_ns);
        return 0;
    case VCPUOP_stop_periodic_timer:
        v->ev.period_ns = 0;
        timer_cancel(&v->ev.periodic);
        return 0;
    default:
        return -XEN_ENOSYS;
    }
}
