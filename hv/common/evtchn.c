// SPDX-License-Identifier: MIT
/*
 * Event channels (evtchn.h): ports and their bindings, event_channel_op, and
 * the upcall that tells a vCPU something is pending. Pending and mask bits
 * are the port ABI's (d->events.port_ops).
 *
 * Lock order: the domain registry, then event locks, two at once only in
 * domid order; never the registry with an event lock held. A peer is reached
 * only while it is connected (evtchn_domain_connect()).
 */
#include <string.h>
#include <public/arch-x86/shared_info.h>
#include <public/errno.h>
#include <public/event_channel.h>
#include <public/hvm/params.h>
#include <public/xen.h>
#include <hv/domain.h>
#include <hv/domain_registry.h>
#include <hv/evtchn.h>
#include <hv/guest_access.h>
#include <hv/guest_time.h>
#include <hv/page_alloc.h>
#include <hv/panic.h>
#include <hv/sched.h>

#define CALLBACK_MIN_VECTOR 0x10

/* The connected domain with this domid, or NULL. With the registry lock held. */
static struct domain *peer_find(uint16_t domid)
{
    struct domain *d = domain_registry_find(domid);

    return d && d->events.connected ? d : NULL;
}

static void evtchn_set_pending(struct domain *d, unsigned int port)
{
    ASSERT_LOCKED(&d->events.lock);
    d->events.port_ops->set_pending(d, port);
}

bool evtchn_domain_init(struct domain *d)
{
    d->events.lock = (spinlock_t)SPINLOCK_INIT;
    d->events.port_ops = &evtchn_2l_ops;
    d->events.dead = false;
    memset(&d->events.fifo, 0, sizeof(d->events.fifo));
    d->events.own_page = page_alloc_zeroed_virt();
    d->events.shared = d->events.own_page;
    return d->events.own_page != NULL;
}

void evtchn_domain_free(struct domain *d)
{
    if (d->events.own_page)
        page_free(virt_to_phys(d->events.own_page), 0);
}

void evtchn_domain_connect(struct domain *d)
{
    unsigned long flags = domain_registry_lock();

    d->events.connected = true;
    domain_registry_unlock(flags);
}

void evtchn_domain_disconnect(struct domain *d)
{
    unsigned long flags = domain_registry_lock();

    d->events.connected = false;
    domain_registry_unlock(flags);
}

void evtchn_vcpu_init(struct vcpu *v)
{
    struct shared_info *sh = v->domain->events.shared;

    memset(&v->ev, 0, sizeof(v->ev));
    v->ev.info = v->id < XEN_LEGACY_MAX_VCPUS ? &sh->vcpu_info[v->id] : NULL;
}

void evtchn_bind_static(struct domain *d, unsigned int port, uint16_t remote_domid,
                        unsigned int remote_port)
{
    unsigned long flags;
    struct domain *rd;

    CHECK(port > 0 && port < EVTCHN_NR_PORTS && remote_port < EVTCHN_NR_PORTS);
    flags = spin_lock_irqsave(&d->events.lock);
    d->events.ports[port] =
        (struct evtchn){ EVTCHN_INTERDOMAIN, 0, 0, remote_domid, (uint16_t)remote_port };
    spin_unlock_irqrestore(&d->events.lock, flags);

    /*
     * A remote domain built earlier bound its end itself; after a restart of
     * d its end waits unbound for d again (evtchn_domain_reset): reconnect it.
     */
    flags = domain_registry_lock();
    rd = peer_find(remote_domid);
    if (rd && rd != d) {
        struct evtchn *re = &rd->events.ports[remote_port];

        spin_lock(&rd->events.lock);
        if (re->state == EVTCHN_UNBOUND && re->remote_domid == d->domid)
            *re = (struct evtchn){ EVTCHN_INTERDOMAIN, 0, re->vcpu, d->domid, (uint16_t)port };
        spin_unlock(&rd->events.lock);
    }
    domain_registry_unlock(flags);
}

static void remote_unbind(struct domain *d, unsigned int port, const struct evtchn *closed);

void evtchn_domain_reset(struct domain *d)
{
    unsigned long flags;
    unsigned int port;

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
    /* A restarted domain starts on the 2-level ABI, as a new one. */
    d->events.port_ops = &evtchn_2l_ops;
    memset(&d->events.fifo, 0, sizeof(d->events.fifo));
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
void evtchn_upcall_raise(struct vcpu *v, struct vcpu_info *vi)
{
    __atomic_store_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
    sched_unblock(v);
    if (__atomic_load_n(&v->running, __ATOMIC_SEQ_CST))
        sched_kick(v);
}

void evtchn_send_virq(struct vcpu *v, unsigned int virq)
{
    struct domain *d = v->domain;
    unsigned long flags = spin_lock_irqsave(&d->events.lock);
    unsigned int port = v->ev.virq_port[virq];

    if (port && d->state == DOMAIN_RUNNING) {
        guest_time_update(v);
        evtchn_set_pending(d, port);
    }
    spin_unlock_irqrestore(&d->events.lock, flags);
}

/*
 * Not evtchn_send_virq(): this runs on the input poll's CPU; vcpu_time_info
 * is written only from the vCPU's own CPU (guest_time_update()).
 */
void evtchn_raise_virq_console(struct domain *d)
{
    unsigned long flags = spin_lock_irqsave(&d->events.lock);
    unsigned int port = d->vcpus[0]->ev.virq_port[VIRQ_CONSOLE];

    if (port && d->state == DOMAIN_RUNNING)
        evtchn_set_pending(d, port);
    spin_unlock_irqrestore(&d->events.lock, flags);
}

int evtchn_upcall_vector(struct vcpu *v)
{
    struct vcpu_info *vi;
    uint8_t vector = v->domain->events.callback_vector;

    /* Called on v's own CPU before every entry: the place to redo stale time. */
    if (__atomic_load_n(&v->ev.time_stale, __ATOMIC_SEQ_CST))
        guest_time_update(v);
    vi = v->ev.info;

    if (!vector || !vi || !__atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_SEQ_CST))
        return -1;
    return vector;
}

bool evtchn_upcall_pending(struct vcpu *v)
{
    struct vcpu_info *vi = v->ev.info;

    return vi && __atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_SEQ_CST);
}

int64_t evtchn_set_callback(struct vcpu *v, uint64_t value)
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

/*
 * A free port, or 0 (port 0 is never used, as in Xen). The caller binds it;
 * it starts at the FIFO ABI's default priority, as in Xen.
 */
static unsigned int port_alloc(struct domain *d)
{
    unsigned int port;

    ASSERT_LOCKED(&d->events.lock);
    for (port = 1; port < EVTCHN_NR_PORTS; port++) {
        if (d->events.ports[port].state == EVTCHN_FREE) {
            d->events.fifo.ports[port].priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
            return port;
        }
    }
    return 0;
}

unsigned int evtchn_bind_hypervisor(struct domain *d,
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

void evtchn_send_from_hypervisor(struct domain *d, unsigned int port)
{
    unsigned long flags = spin_lock_irqsave(&d->events.lock);

    if (port < EVTCHN_NR_PORTS && d->events.ports[port].state == EVTCHN_HYPERVISOR &&
        (d->state == DOMAIN_RUNNING || d->state == DOMAIN_BUILT))
        evtchn_set_pending(d, port);
    spin_unlock_irqrestore(&d->events.lock, flags);
}

/*
 * A global VIRQ (VIRQ_CONSOLE ...) is bound on vCPU 0 and may notify any
 * vCPU (EVTCHNOP_bind_vcpu); a per-vCPU one (VIRQ_TIMER, VIRQ_DEBUG,
 * VIRQ_XENOPROF, VIRQ_XENPMU) belongs to its vCPU. Xen's split; its x86
 * architectural VIRQs (16-23) are global.
 */
static bool virq_is_global(unsigned int virq)
{
    return virq != VIRQ_TIMER && virq != VIRQ_DEBUG && virq != VIRQ_XENOPROF && virq != VIRQ_XENPMU;
}

static int64_t bind_virq(struct vcpu *v, uint64_t arg)
{
    struct domain *d = v->domain;
    struct evtchn_bind_virq b;
    unsigned int port;
    unsigned long flags;
    int64_t rc = 0;

    if (copy_from_guest(v, &b, mk_gvaddr(arg), sizeof(b)))
        return -XEN_EFAULT;
    /*
     * As Xen: every VIRQ it defines may be bound, also those this hypervisor
     * never raises (Linux binds VIRQ_DEBUG on each vCPU and fails CPU
     * bring-up without it); a global one only on vCPU 0.
     */
    if (b.virq >= EVTCHN_NR_VIRQS || (virq_is_global(b.virq) && b.vcpu != 0))
        return -XEN_EINVAL;
    if (b.vcpu >= d->nr_vcpus)
        return -XEN_ENOENT;
    flags = spin_lock_irqsave(&d->events.lock);
    if (d->vcpus[b.vcpu]->ev.virq_port[b.virq]) {
        rc = -XEN_EEXIST;
    } else if (!(port = port_alloc(d))) {
        rc = -XEN_ENOSPC;
    } else {
        d->events.ports[port] =
            (struct evtchn){ EVTCHN_VIRQ, (uint8_t)b.virq, (uint16_t)b.vcpu, 0, 0 };
        d->vcpus[b.vcpu]->ev.virq_port[b.virq] = (uint16_t)port;
        b.port = port;
    }
    spin_unlock_irqrestore(&d->events.lock, flags);
    if (rc)
        return rc;
    return copy_to_guest(v, mk_gvaddr(arg), &b, sizeof(b)) ? -XEN_EFAULT : 0;
}

static int64_t bind_ipi(struct vcpu *v, uint64_t arg)
{
    struct domain *d = v->domain;
    struct evtchn_bind_ipi b;
    unsigned int port;
    unsigned long flags;

    if (copy_from_guest(v, &b, mk_gvaddr(arg), sizeof(b)))
        return -XEN_EFAULT;
    if (b.vcpu >= d->nr_vcpus)
        return -XEN_ENOENT;
    flags = spin_lock_irqsave(&d->events.lock);
    port = port_alloc(d);
    if (port)
        d->events.ports[port] = (struct evtchn){ EVTCHN_IPI, 0, (uint16_t)b.vcpu, 0, 0 };
    spin_unlock_irqrestore(&d->events.lock, flags);
    if (!port)
        return -XEN_ENOSPC;
    b.port = port;
    return copy_to_guest(v, mk_gvaddr(arg), &b, sizeof(b)) ? -XEN_EFAULT : 0;
}

/* Reads the single port argument of close/send/unmask; 0 and *port, or an error. */
static int64_t port_arg(struct vcpu *v, uint64_t arg, uint32_t *port)
{
    if (copy_from_guest(v, port, mk_gvaddr(arg), sizeof(*port)))
        return -XEN_EFAULT;
    return *port < EVTCHN_NR_PORTS ? 0 : -XEN_EINVAL;
}

/* The remote end of a closed inter-domain channel waits for a new binding, as in Xen. */
static void remote_unbind(struct domain *d, unsigned int port, const struct evtchn *closed)
{
    unsigned long flags = domain_registry_lock();
    struct domain *rd = peer_find(closed->remote_domid);

    if (rd) {
        struct evtchn *re = &rd->events.ports[closed->remote_port];

        spin_lock(&rd->events.lock);
        if (re->state == EVTCHN_INTERDOMAIN && re->remote_domid == d->domid &&
            re->remote_port == port)
            *re = (struct evtchn){ EVTCHN_UNBOUND, 0, re->vcpu, d->domid, 0 };
        spin_unlock(&rd->events.lock);
    }
    domain_registry_unlock(flags);
}

/*
 * Delivers on the remote end of local port `port` if it still points back
 * here; a remote that closed, died or restarted simply drops it (Xen drops
 * sends on unbound ports too).
 */
static void send_remote(struct domain *d, unsigned int port, uint16_t remote_domid,
                        unsigned int remote_port)
{
    unsigned long flags = domain_registry_lock();
    struct domain *rd = peer_find(remote_domid);

    /* A domain built but not started yet keeps the event pending for its start. */
    if (rd && (rd->state == DOMAIN_RUNNING || rd->state == DOMAIN_BUILT)) {
        struct evtchn *re = &rd->events.ports[remote_port];

        spin_lock(&rd->events.lock);
        if (re->state == EVTCHN_INTERDOMAIN && re->remote_domid == d->domid &&
            re->remote_port == port)
            evtchn_set_pending(rd, remote_port);
        spin_unlock(&rd->events.lock);
    }
    domain_registry_unlock(flags);
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

    if (copy_from_guest(v, &a, mk_gvaddr(arg), sizeof(a)))
        return -XEN_EFAULT;
    if (resolve_domid(d, a.dom) != d->domid)
        return -XEN_EPERM;
    if (resolve_domid(d, a.remote_dom) >= DOMID_FIRST_RESERVED)
        return -XEN_EINVAL;
    flags = spin_lock_irqsave(&d->events.lock);
    port = port_alloc(d);
    if (port)
        d->events.ports[port] =
            (struct evtchn){ EVTCHN_UNBOUND, 0, 0, resolve_domid(d, a.remote_dom), 0 };
    spin_unlock_irqrestore(&d->events.lock, flags);
    if (!port)
        return -XEN_ENOSPC;
    a.port = port;
    return copy_to_guest(v, mk_gvaddr(arg), &a, sizeof(a)) ? -XEN_EFAULT : 0;
}

static int64_t bind_interdomain(struct vcpu *v, uint64_t arg)
{
    struct domain *d = v->domain, *rd, *first, *second;
    struct evtchn_bind_interdomain b;
    unsigned long flags;
    unsigned int port = 0;
    int64_t rc = 0;

    if (copy_from_guest(v, &b, mk_gvaddr(arg), sizeof(b)))
        return -XEN_EFAULT;
    if (b.remote_port == 0 || b.remote_port >= EVTCHN_NR_PORTS)
        return -XEN_EINVAL;
    flags = domain_registry_lock();
    rd = peer_find(resolve_domid(d, b.remote_dom));
    if (!rd) {
        domain_registry_unlock(flags);
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
        d->events.ports[port] =
            (struct evtchn){ EVTCHN_INTERDOMAIN, 0, 0, rd->domid, (uint16_t)b.remote_port };
        rd->events.ports[b.remote_port].state = EVTCHN_INTERDOMAIN;
        rd->events.ports[b.remote_port].remote_port = (uint16_t)port;
    }
    if (second != first)
        spin_unlock(&second->events.lock);
    spin_unlock(&first->events.lock);
    domain_registry_unlock(flags);
    if (rc)
        return rc;
    b.local_port = port;
    return copy_to_guest(v, mk_gvaddr(arg), &b, sizeof(b)) ? -XEN_EFAULT : 0;
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
        rc = -XEN_EINVAL; /* as Xen: a guest cannot close a Xen-attached port */
    } else {
        if (e->state == EVTCHN_VIRQ)
            d->vcpus[virq_is_global(e->virq) ? 0 : e->vcpu]->ev.virq_port[e->virq] = 0;
        closed = *e;
        /* As Xen frees a port: a later binding must not find it pending. */
        d->events.port_ops->clear_pending(d, port);
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
    case EVTCHN_IPI: evtchn_set_pending(d, port); break;
    case EVTCHN_VIRQ:
    case EVTCHN_UNBOUND:
    case EVTCHN_INTERDOMAIN:
    case EVTCHN_HYPERVISOR:
        break; /* as Xen: VIRQ and unbound ports drop it; remote, hypervisor below */
    default: rc = -XEN_EINVAL;
    }
    spin_unlock_irqrestore(&d->events.lock, flags);
    if (!rc && e.state == EVTCHN_INTERDOMAIN)
        send_remote(d, port, e.remote_domid, e.remote_port);
    else if (!rc && e.state == EVTCHN_HYPERVISOR)
        d->events.hypervisor_notify(d, port);
    return rc;
}

/* Clears the mask; a pending event then raises the upcall (the port ABI's). */
static int64_t evtchn_unmask(struct vcpu *v, uint64_t arg)
{
    struct domain *d = v->domain;
    unsigned long flags;
    uint32_t port;
    int64_t rc = port_arg(v, arg, &port);

    if (rc)
        return rc;
    flags = spin_lock_irqsave(&d->events.lock);
    if (d->events.ports[port].state == EVTCHN_FREE)
        rc = -XEN_EINVAL;
    else
        d->events.port_ops->unmask(d, port);
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

    if (copy_from_guest(v, &st, mk_gvaddr(arg), sizeof(st)))
        return -XEN_EFAULT;
    dom = resolve_domid(d, st.dom);
    if (dom != d->domid) {
        bool exists;

        flags = domain_registry_lock();
        exists = peer_find(dom) != NULL;
        domain_registry_unlock(flags);
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
    case EVTCHN_IPI: st.status = EVTCHNSTAT_ipi; break;
    case EVTCHN_UNBOUND:
        st.status = EVTCHNSTAT_unbound;
        st.u.unbound.dom = e.remote_domid;
        break;
    case EVTCHN_INTERDOMAIN:
    case EVTCHN_HYPERVISOR: /* remote end DOMID_XEN, port 0 */
        st.status = EVTCHNSTAT_interdomain;
        st.u.interdomain.dom = e.remote_domid;
        st.u.interdomain.port = e.remote_port;
        break;
    default:
        st.status = EVTCHNSTAT_closed; /* free, and port 0 (reserved in Xen) */
        break;
    }
    st.vcpu = e.vcpu;
    return copy_to_guest(v, mk_gvaddr(arg), &st, sizeof(st)) ? -XEN_EFAULT : 0;
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

    if (copy_from_guest(v, &b, mk_gvaddr(arg), sizeof(b)))
        return -XEN_EFAULT;
    if (b.vcpu >= d->nr_vcpus)
        return -XEN_ENOENT;
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
    case EVTCHN_HYPERVISOR: e->vcpu = (uint16_t)b.vcpu; break;
    default: rc = -XEN_EINVAL;
    }
    spin_unlock_irqrestore(&d->events.lock, flags);
    return rc;
}

int64_t do_event_channel_op(struct vcpu *v, const uint64_t *args)
{
    switch (args[0]) {
    case EVTCHNOP_bind_virq: return bind_virq(v, args[1]);
    case EVTCHNOP_bind_ipi: return bind_ipi(v, args[1]);
    case EVTCHNOP_alloc_unbound: return alloc_unbound(v, args[1]);
    case EVTCHNOP_bind_interdomain: return bind_interdomain(v, args[1]);
    case EVTCHNOP_close: return evtchn_close(v, args[1]);
    case EVTCHNOP_send: return evtchn_send(v, args[1]);
    case EVTCHNOP_unmask: return evtchn_unmask(v, args[1]);
    case EVTCHNOP_status: return evtchn_status(v, args[1]);
    case EVTCHNOP_bind_vcpu: return evtchn_bind_vcpu(v, args[1]);
    case EVTCHNOP_init_control: return evtchn_fifo_init_control(v, args[1]);
    case EVTCHNOP_expand_array: return evtchn_fifo_expand_array(v, args[1]);
    case EVTCHNOP_set_priority: return evtchn_fifo_set_priority(v, args[1]);
    default: return -XEN_ENOSYS; /* bind_pirq: no physical interrupts for guests */
    }
}
