// SPDX-License-Identifier: MIT
/*
 * Event channels (hv/common/evtchn*.c) as a guest drives them through
 * event_channel_op, against the fake arch layer: every op, the 2-level
 * pending/mask/selector bits, inter-domain channels between two domains, and
 * hostile arguments (bad ports, other domains' ports, vCPU ids out of range,
 * hypervisor-bound ports, unreadable arguments).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <public/arch-x86/shared_info.h>
#include <public/compat/sched.h>
#include <public/errno.h>
#include <public/event_channel.h>
#include <public/sched.h>
#include <public/xen.h>
#include <hv/domain.h>
#include <hv/evtchn.h>
#include <hv/guest_time.h>
#include "fake_arch.h"

#define ARG_GVA (FAKE_GUEST_BASE + 0x100)

static struct domain *a, *b; /* domids 1 and 2, 2 vCPUs each */
static unsigned int time_updates;
static unsigned int notified_port;

/* Guest time is not under test here: counted only. */
void guest_time_update(struct vcpu *v)
{
    (void)v;
    time_updates++;
}

static void notify(struct domain *d, unsigned int port)
{
    (void)d;
    notified_port = port;
}

/* event_channel_op(cmd, arg) from v, arg copied to and back from guest memory. */
static int64_t op(struct vcpu *v, unsigned int cmd, void *arg, size_t len)
{
    uint64_t args[2] = { cmd, ARG_GVA };
    int64_t rc;

    memcpy(fake_guest_mem + (ARG_GVA - FAKE_GUEST_BASE), arg, len);
    rc = do_event_channel_op(v, args);
    memcpy(arg, fake_guest_mem + (ARG_GVA - FAKE_GUEST_BASE), len);
    return rc;
}

static int64_t port_op(struct vcpu *v, unsigned int cmd, uint32_t port)
{
    return op(v, cmd, &port, sizeof(port));
}

static uint32_t bind_ipi(struct vcpu *v, uint32_t vcpu)
{
    struct evtchn_bind_ipi bi = { .vcpu = vcpu };

    assert_int_equal(op(v, EVTCHNOP_bind_ipi, &bi, sizeof(bi)), 0);
    assert_true(bi.port > 0 && bi.port < EVTCHN_NR_PORTS);
    return bi.port;
}

static struct evtchn_status status_of(struct vcpu *v, uint16_t dom, uint32_t port, int64_t *rc)
{
    struct evtchn_status st = { .dom = dom, .port = port };

    *rc = op(v, EVTCHNOP_status, &st, sizeof(st));
    return st;
}

static bool pending(struct domain *d, uint32_t port)
{
    return (d->events.shared->evtchn_pending[port / 64] >> (port % 64)) & 1;
}

static void mask(struct domain *d, uint32_t port)
{
    d->events.shared->evtchn_mask[port / 64] |= 1ull << (port % 64);
}

static int setup(void **state)
{
    (void)state;
    fake_arch_reset();
    time_updates = 0;
    notified_port = 0;
    a = fake_domain_create(1, 0, 2);
    b = fake_domain_create(2, 1, 2);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    fake_domain_destroy(a);
    fake_domain_destroy(b);
    return 0;
}

/* An IPI send sets the pending bit, the selector and the upcall, once. */
static void test_ipi_send_raises_upcall(void **state)
{
    struct vcpu *v0 = a->vcpus[0], *v1 = a->vcpus[1];
    uint32_t port;

    (void)state;
    port = bind_ipi(v0, 1);
    assert_int_equal(port_op(v0, EVTCHNOP_send, port), 0);
    assert_true(pending(a, port));
    assert_true((v1->ev.info->evtchn_pending_sel >> (port / 64)) & 1);
    assert_int_equal(v1->ev.info->evtchn_upcall_pending, 1);
    assert_int_equal(v0->ev.info->evtchn_upcall_pending, 0);
    assert_true(evtchn_upcall_pending(v1));
    assert_int_equal(fake_unblocks, 1);
    /* Already pending: no second wake-up. */
    assert_int_equal(port_op(v0, EVTCHNOP_send, port), 0);
    assert_int_equal(fake_unblocks, 1);
}

/* A masked port stays pending without an upcall until it is unmasked. */
static void test_masked_then_unmask(void **state)
{
    struct vcpu *v0 = a->vcpus[0];
    uint32_t port;

    (void)state;
    port = bind_ipi(v0, 0);
    mask(a, port);
    assert_int_equal(port_op(v0, EVTCHNOP_send, port), 0);
    assert_true(pending(a, port));
    assert_int_equal(v0->ev.info->evtchn_upcall_pending, 0);
    assert_int_equal(port_op(v0, EVTCHNOP_unmask, port), 0);
    assert_false((a->events.shared->evtchn_mask[port / 64] >> (port % 64)) & 1);
    assert_int_equal(v0->ev.info->evtchn_upcall_pending, 1);
    /* As Xen frees a port: closed, it is no longer pending. */
    assert_int_equal(port_op(v0, EVTCHNOP_close, port), 0);
    assert_false(pending(a, port));
}

/* The callback vector is injected only while an upcall is pending. */
static void test_upcall_vector(void **state)
{
    struct vcpu *v0 = a->vcpus[0];
    uint32_t port;

    (void)state;
    assert_int_equal(evtchn_set_callback(v0, (2ull << 56) | 0xF3), 0);
    assert_int_equal(evtchn_upcall_vector(v0), -1);
    port = bind_ipi(v0, 0);
    assert_int_equal(port_op(v0, EVTCHNOP_send, port), 0);
    assert_int_equal(evtchn_upcall_vector(v0), 0xF3);
    /* Vectors below 0x10 and other callback types are refused. */
    assert_int_equal(evtchn_set_callback(v0, (2ull << 56) | 0x0F), -XEN_EINVAL);
    assert_int_equal(evtchn_set_callback(v0, (1ull << 56) | 0xF3), -XEN_EINVAL);
}

static void test_bind_virq_checks(void **state)
{
    struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = 1 };
    struct vcpu *v0 = a->vcpus[0];
    int64_t rc;
    struct evtchn_status st;

    (void)state;
    assert_int_equal(op(v0, EVTCHNOP_bind_virq, &bv, sizeof(bv)), 0);
    st = status_of(v0, DOMID_SELF, bv.port, &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(st.status, EVTCHNSTAT_virq);
    assert_int_equal(st.u.virq, VIRQ_TIMER);
    assert_int_equal(st.vcpu, 1);
    /* Once per vCPU. */
    assert_int_equal(op(v0, EVTCHNOP_bind_virq, &bv, sizeof(bv)), -XEN_EEXIST);
    /* vCPU ids past the domain's, unknown VIRQs, a global VIRQ off vCPU 0. */
    bv = (struct evtchn_bind_virq){ .virq = VIRQ_TIMER, .vcpu = 2 };
    assert_int_equal(op(v0, EVTCHNOP_bind_virq, &bv, sizeof(bv)), -XEN_ENOENT);
    bv = (struct evtchn_bind_virq){ .virq = VIRQ_TIMER, .vcpu = 0xFFFFFFFFu };
    assert_int_equal(op(v0, EVTCHNOP_bind_virq, &bv, sizeof(bv)), -XEN_ENOENT);
    bv = (struct evtchn_bind_virq){ .virq = 0xFFFFFFFFu, .vcpu = 0 };
    assert_int_equal(op(v0, EVTCHNOP_bind_virq, &bv, sizeof(bv)), -XEN_EINVAL);
    bv = (struct evtchn_bind_virq){ .virq = VIRQ_CONSOLE, .vcpu = 1 };
    assert_int_equal(op(v0, EVTCHNOP_bind_virq, &bv, sizeof(bv)), -XEN_EINVAL);
    bv = (struct evtchn_bind_virq){ .virq = 24, .vcpu = 0 };
    assert_int_equal(op(v0, EVTCHNOP_bind_virq, &bv, sizeof(bv)), -XEN_EINVAL);
}

/* Every VIRQ Xen defines binds, as Xen: VIRQ_DEBUG per vCPU (Linux needs it), the rest on vCPU 0. */
static void test_bind_virq_every_xen_virq(void **state)
{
    struct evtchn_bind_virq bv = { .virq = VIRQ_DEBUG, .vcpu = 1 };
    struct vcpu *v0 = a->vcpus[0];
    struct evtchn_status st;
    int64_t rc;
    unsigned int virq;

    (void)state;
    assert_int_equal(op(v0, EVTCHNOP_bind_virq, &bv, sizeof(bv)), 0);
    st = status_of(v0, DOMID_SELF, bv.port, &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(st.u.virq, VIRQ_DEBUG);
    assert_int_equal(st.vcpu, 1);
    bv = (struct evtchn_bind_virq){ .virq = VIRQ_XENPMU, .vcpu = 1 };
    assert_int_equal(op(v0, EVTCHNOP_bind_virq, &bv, sizeof(bv)), 0);
    for (virq = VIRQ_CONSOLE; virq < 24; virq++) {
        if (virq == VIRQ_XENOPROF || virq == VIRQ_XENPMU)
            continue;
        bv = (struct evtchn_bind_virq){ .virq = virq, .vcpu = 1 };
        assert_int_equal(op(v0, EVTCHNOP_bind_virq, &bv, sizeof(bv)), -XEN_EINVAL);
        bv.vcpu = 0;
        assert_int_equal(op(v0, EVTCHNOP_bind_virq, &bv, sizeof(bv)), 0);
    }
}

/* A VIRQ is delivered while running, and not to a domain that is not. */
static void test_virq_send(void **state)
{
    struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = 0 };
    struct vcpu *v0 = a->vcpus[0];

    (void)state;
    assert_int_equal(op(v0, EVTCHNOP_bind_virq, &bv, sizeof(bv)), 0);
    /* A guest's send on a VIRQ port is dropped, as in Xen. */
    assert_int_equal(port_op(v0, EVTCHNOP_send, bv.port), 0);
    assert_false(pending(a, bv.port));
    evtchn_send_virq(v0, VIRQ_TIMER);
    assert_true(pending(a, bv.port));
    assert_int_equal(time_updates, 1);
    a->events.shared->evtchn_pending[bv.port / 64] = 0;
    a->state = DOMAIN_DYING;
    evtchn_send_virq(v0, VIRQ_TIMER);
    assert_false(pending(a, bv.port));
}

static void test_bind_ipi_bad_vcpu(void **state)
{
    struct evtchn_bind_ipi bi = { .vcpu = 2 };

    (void)state;
    assert_int_equal(op(a->vcpus[0], EVTCHNOP_bind_ipi, &bi, sizeof(bi)), -XEN_ENOENT);
    bi.vcpu = 0x80000000u;
    assert_int_equal(op(a->vcpus[0], EVTCHNOP_bind_ipi, &bi, sizeof(bi)), -XEN_ENOENT);
}

/* close, send and unmask on ports out of range, port 0 and free ports. */
static void test_bad_ports(void **state)
{
    static const unsigned int cmds[] = { EVTCHNOP_close, EVTCHNOP_send, EVTCHNOP_unmask };
    struct vcpu *v0 = a->vcpus[0];
    unsigned int i;

    (void)state;
    for (i = 0; i < 3; i++) {
        assert_int_equal(port_op(v0, cmds[i], EVTCHN_NR_PORTS), -XEN_EINVAL);
        assert_int_equal(port_op(v0, cmds[i], 0xFFFFFFFFu), -XEN_EINVAL);
        assert_int_equal(port_op(v0, cmds[i], 0), -XEN_EINVAL);
        assert_int_equal(port_op(v0, cmds[i], 77), -XEN_EINVAL);
    }
    assert_int_equal(fake_unblocks, 0);
}

/* Arguments the guest's memory does not hold: -EFAULT, nothing changes. */
static void test_unreadable_arguments(void **state)
{
    static const unsigned int cmds[] = {
        EVTCHNOP_bind_interdomain, EVTCHNOP_bind_virq,     EVTCHNOP_close,    EVTCHNOP_send,
        EVTCHNOP_status,           EVTCHNOP_alloc_unbound, EVTCHNOP_bind_ipi, EVTCHNOP_bind_vcpu,
        EVTCHNOP_unmask,
    };
    uint64_t args[2];
    unsigned int i;

    (void)state;
    for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        args[0] = cmds[i];
        args[1] = 0;
        assert_int_equal(do_event_channel_op(a->vcpus[0], args), -XEN_EFAULT);
        args[1] = FAKE_GUEST_BASE + FAKE_GUEST_SIZE - 2; /* straddles the end */
        assert_int_equal(do_event_channel_op(a->vcpus[0], args), -XEN_EFAULT);
    }
    for (i = 1; i < EVTCHN_NR_PORTS; i++)
        assert_int_equal(a->events.ports[i].state, EVTCHN_FREE);
}

static void test_unknown_op(void **state)
{
    uint64_t args[2] = { EVTCHNOP_bind_pirq, ARG_GVA };

    (void)state;
    assert_int_equal(do_event_channel_op(a->vcpus[0], args), -XEN_ENOSYS);
    args[0] = 10;
    assert_int_equal(do_event_channel_op(a->vcpus[0], args), -XEN_ENOSYS);
    args[0] = ~0ull;
    assert_int_equal(do_event_channel_op(a->vcpus[0], args), -XEN_ENOSYS);
}

/* alloc_unbound + bind_interdomain, a send each way, and a close. */
static void test_interdomain(void **state)
{
    struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = 2 };
    struct evtchn_bind_interdomain bi;
    struct evtchn_status st;
    int64_t rc;

    (void)state;
    assert_int_equal(op(a->vcpus[0], EVTCHNOP_alloc_unbound, &au, sizeof(au)), 0);
    st = status_of(a->vcpus[0], DOMID_SELF, au.port, &rc);
    assert_int_equal(st.status, EVTCHNSTAT_unbound);
    assert_int_equal(st.u.unbound.dom, 2);
    bi = (struct evtchn_bind_interdomain){ .remote_dom = 1, .remote_port = au.port };
    assert_int_equal(op(b->vcpus[0], EVTCHNOP_bind_interdomain, &bi, sizeof(bi)), 0);
    st = status_of(a->vcpus[0], DOMID_SELF, au.port, &rc);
    assert_int_equal(st.status, EVTCHNSTAT_interdomain);
    assert_int_equal(st.u.interdomain.dom, 2);
    assert_int_equal(st.u.interdomain.port, bi.local_port);

    assert_int_equal(port_op(b->vcpus[0], EVTCHNOP_send, bi.local_port), 0);
    assert_true(pending(a, au.port));
    assert_false(pending(b, bi.local_port));
    assert_int_equal(port_op(a->vcpus[0], EVTCHNOP_send, au.port), 0);
    assert_true(pending(b, bi.local_port));

    /* Bound once: a second bind to the same port is refused. */
    assert_int_equal(op(b->vcpus[0], EVTCHNOP_bind_interdomain, &bi, sizeof(bi)), -XEN_EINVAL);

    /* b closes: a's end waits unbound for b again, and a's sends go nowhere. */
    assert_int_equal(port_op(b->vcpus[0], EVTCHNOP_close, bi.local_port), 0);
    st = status_of(a->vcpus[0], DOMID_SELF, au.port, &rc);
    assert_int_equal(st.status, EVTCHNSTAT_unbound);
    assert_int_equal(st.u.unbound.dom, 2);
    b->events.shared->evtchn_pending[bi.local_port / 64] = 0;
    assert_int_equal(port_op(a->vcpus[0], EVTCHNOP_send, au.port), 0);
    assert_false(pending(b, bi.local_port));
}

/* Binding to ports not offered to the caller, or of domains that are not there. */
static void test_interdomain_hostile(void **state)
{
    struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = 1 }; /* for itself */
    struct evtchn_bind_interdomain bi;
    uint32_t ipi;

    (void)state;
    assert_int_equal(op(a->vcpus[0], EVTCHNOP_alloc_unbound, &au, sizeof(au)), 0);
    /* Offered to domain 1, not 2. */
    bi = (struct evtchn_bind_interdomain){ .remote_dom = 1, .remote_port = au.port };
    assert_int_equal(op(b->vcpus[0], EVTCHNOP_bind_interdomain, &bi, sizeof(bi)), -XEN_EINVAL);
    /* Not unbound at all. */
    ipi = bind_ipi(a->vcpus[0], 0);
    bi = (struct evtchn_bind_interdomain){ .remote_dom = 1, .remote_port = ipi };
    assert_int_equal(op(b->vcpus[0], EVTCHNOP_bind_interdomain, &bi, sizeof(bi)), -XEN_EINVAL);
    assert_int_equal(a->events.ports[ipi].state, EVTCHN_IPI);
    /* Ports out of range, port 0, a domain that does not exist. */
    bi = (struct evtchn_bind_interdomain){ .remote_dom = 1, .remote_port = EVTCHN_NR_PORTS };
    assert_int_equal(op(b->vcpus[0], EVTCHNOP_bind_interdomain, &bi, sizeof(bi)), -XEN_EINVAL);
    bi = (struct evtchn_bind_interdomain){ .remote_dom = 1, .remote_port = 0 };
    assert_int_equal(op(b->vcpus[0], EVTCHNOP_bind_interdomain, &bi, sizeof(bi)), -XEN_EINVAL);
    bi = (struct evtchn_bind_interdomain){ .remote_dom = 9, .remote_port = au.port };
    assert_int_equal(op(b->vcpus[0], EVTCHNOP_bind_interdomain, &bi, sizeof(bi)), -XEN_ESRCH);
    /* Allocating on another domain's behalf, or for a reserved domid. */
    au = (struct evtchn_alloc_unbound){ .dom = 2, .remote_dom = 1 };
    assert_int_equal(op(a->vcpus[0], EVTCHNOP_alloc_unbound, &au, sizeof(au)), -XEN_EPERM);
    au = (struct evtchn_alloc_unbound){ .dom = DOMID_SELF, .remote_dom = DOMID_XEN };
    assert_int_equal(op(a->vcpus[0], EVTCHNOP_alloc_unbound, &au, sizeof(au)), -XEN_EINVAL);
}

/* A domain that is not connected (restarting) cannot be bound to or sent to. */
static void test_disconnected_peer(void **state)
{
    struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = 2 };
    struct evtchn_bind_interdomain bi;

    (void)state;
    assert_int_equal(op(a->vcpus[0], EVTCHNOP_alloc_unbound, &au, sizeof(au)), 0);
    bi = (struct evtchn_bind_interdomain){ .remote_dom = 1, .remote_port = au.port };
    assert_int_equal(op(b->vcpus[0], EVTCHNOP_bind_interdomain, &bi, sizeof(bi)), 0);
    evtchn_domain_disconnect(a);
    assert_int_equal(port_op(b->vcpus[0], EVTCHNOP_send, bi.local_port), 0);
    assert_false(pending(a, au.port));
    bi = (struct evtchn_bind_interdomain){ .remote_dom = 1, .remote_port = au.port };
    assert_int_equal(op(b->vcpus[0], EVTCHNOP_bind_interdomain, &bi, sizeof(bi)), -XEN_ESRCH);
    evtchn_domain_connect(a);
}

/* Status of other domains' ports is refused; out-of-range ports too. */
static void test_status_hostile(void **state)
{
    int64_t rc;

    (void)state;
    (void)bind_ipi(b->vcpus[0], 0);
    (void)status_of(a->vcpus[0], 2, 1, &rc);
    assert_int_equal(rc, -XEN_EPERM);
    (void)status_of(a->vcpus[0], 7, 1, &rc);
    assert_int_equal(rc, -XEN_ESRCH);
    (void)status_of(a->vcpus[0], DOMID_SELF, EVTCHN_NR_PORTS, &rc);
    assert_int_equal(rc, -XEN_EINVAL);
    (void)status_of(a->vcpus[0], 1, 0xFFFFFFFFu, &rc);
    assert_int_equal(rc, -XEN_EINVAL);
    assert_int_equal(status_of(a->vcpus[0], DOMID_SELF, 0, &rc).status, EVTCHNSTAT_closed);
    assert_int_equal(rc, 0);
}

/* Hypervisor-bound ports: the guest may send and unmask, never close. */
static void test_hypervisor_port(void **state)
{
    struct evtchn_status st;
    unsigned int port;
    int64_t rc;

    (void)state;
    port = evtchn_bind_hypervisor(a, notify);
    assert_true(port > 0);
    assert_int_equal(port_op(a->vcpus[0], EVTCHNOP_close, port), -XEN_EINVAL);
    assert_int_equal(a->events.ports[port].state, EVTCHN_HYPERVISOR);
    assert_int_equal(port_op(a->vcpus[0], EVTCHNOP_send, port), 0);
    assert_int_equal(notified_port, port);
    st = status_of(a->vcpus[0], DOMID_SELF, port, &rc);
    assert_int_equal(st.status, EVTCHNSTAT_interdomain);
    assert_int_equal(st.u.interdomain.dom, DOMID_XEN);
    evtchn_send_from_hypervisor(a, port);
    assert_true(pending(a, port));
    /* Not on a port that is not the hypervisor's, nor past the ports. */
    a->events.shared->evtchn_pending[0] = 0;
    evtchn_send_from_hypervisor(a, port + 1);
    evtchn_send_from_hypervisor(a, EVTCHN_NR_PORTS);
    assert_int_equal(a->events.shared->evtchn_pending[0], 0);
}

/* bind_vcpu: range checks, which kinds may move, and where sends go after. */
static void test_bind_vcpu(void **state)
{
    struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = 2 };
    struct evtchn_bind_interdomain bi;
    struct evtchn_bind_vcpu bv;
    struct evtchn_bind_virq virq = { .virq = VIRQ_TIMER, .vcpu = 0 };
    uint32_t ipi;

    (void)state;
    ipi = bind_ipi(a->vcpus[0], 0);
    bv = (struct evtchn_bind_vcpu){ .port = ipi, .vcpu = 1 };
    assert_int_equal(op(a->vcpus[0], EVTCHNOP_bind_vcpu, &bv, sizeof(bv)), -XEN_EINVAL);
    /* A per-vCPU VIRQ stays on its vCPU. */
    assert_int_equal(op(a->vcpus[0], EVTCHNOP_bind_virq, &virq, sizeof(virq)), 0);
    bv = (struct evtchn_bind_vcpu){ .port = virq.port, .vcpu = 1 };
    assert_int_equal(op(a->vcpus[0], EVTCHNOP_bind_vcpu, &bv, sizeof(bv)), -XEN_EINVAL);
    assert_int_equal(a->events.ports[virq.port].vcpu, 0);
    assert_int_equal(op(a->vcpus[0], EVTCHNOP_alloc_unbound, &au, sizeof(au)), 0);
    bv = (struct evtchn_bind_vcpu){ .port = au.port, .vcpu = 2 };
    assert_int_equal(op(a->vcpus[0], EVTCHNOP_bind_vcpu, &bv, sizeof(bv)), -XEN_ENOENT);
    bv = (struct evtchn_bind_vcpu){ .port = EVTCHN_NR_PORTS, .vcpu = 1 };
    assert_int_equal(op(a->vcpus[0], EVTCHNOP_bind_vcpu, &bv, sizeof(bv)), -XEN_EINVAL);
    bv = (struct evtchn_bind_vcpu){ .port = 999, .vcpu = 1 };
    assert_int_equal(op(a->vcpus[0], EVTCHNOP_bind_vcpu, &bv, sizeof(bv)), -XEN_EINVAL);
    bv = (struct evtchn_bind_vcpu){ .port = au.port, .vcpu = 1 };
    assert_int_equal(op(a->vcpus[0], EVTCHNOP_bind_vcpu, &bv, sizeof(bv)), 0);
    bi = (struct evtchn_bind_interdomain){ .remote_dom = 1, .remote_port = au.port };
    assert_int_equal(op(b->vcpus[0], EVTCHNOP_bind_interdomain, &bi, sizeof(bi)), 0);
    assert_int_equal(port_op(b->vcpus[0], EVTCHNOP_send, bi.local_port), 0);
    assert_int_equal(a->vcpus[1]->ev.info->evtchn_upcall_pending, 1);
    assert_int_equal(a->vcpus[0]->ev.info->evtchn_upcall_pending, 0);
}

/* Every port taken: the next bind gets -ENOSPC. */
static void test_ports_exhausted(void **state)
{
    struct evtchn_bind_ipi bi = { .vcpu = 0 };
    unsigned int i;

    (void)state;
    for (i = 1; i < EVTCHN_NR_PORTS; i++)
        (void)bind_ipi(a->vcpus[0], 0);
    assert_int_equal(op(a->vcpus[0], EVTCHNOP_bind_ipi, &bi, sizeof(bi)), -XEN_ENOSPC);
    assert_int_equal(evtchn_bind_hypervisor(a, notify), 0);
    assert_int_equal(port_op(a->vcpus[0], EVTCHNOP_close, 5), 0);
    assert_int_equal(bind_ipi(a->vcpus[0], 0), 5);
}

/* SCHEDOP_poll: bad port lists refused; a pending port does not block. */
static void test_poll(void **state)
{
    struct sched_poll p;
    uint32_t *ports = (uint32_t *)(fake_guest_mem + 0x800);
    uint32_t port;

    (void)state;
    a->vcpus[0]->hypercall_64bit = true;
    port = bind_ipi(a->vcpus[0], 0);
    ports[0] = port;
    p = (struct sched_poll){ .ports = FAKE_GUEST_BASE + 0x800, .nr_ports = 1, .timeout = 0 };
    memcpy(fake_guest_mem + 0x100, &p, sizeof(p));
    assert_int_equal(evtchn_poll(a->vcpus[0], ARG_GVA), 0);
    assert_true(a->vcpus[0]->ev.polling);
    assert_int_equal(port_op(a->vcpus[0], EVTCHNOP_send, port), 0);
    assert_false(a->vcpus[0]->ev.polling);
    memcpy(fake_guest_mem + 0x100, &p, sizeof(p)); /* the send's argument overwrote it */
    assert_int_equal(evtchn_poll(a->vcpus[0], ARG_GVA), 0);
    assert_false(a->vcpus[0]->ev.polling); /* already pending */
    ports[0] = EVTCHN_NR_PORTS;
    assert_int_equal(evtchn_poll(a->vcpus[0], ARG_GVA), -XEN_EINVAL);
    /* More than Xen's 128, each a valid port. */
    memset(ports, 0, 129 * sizeof(*ports));
    p.nr_ports = 129;
    memcpy(fake_guest_mem + 0x100, &p, sizeof(p));
    assert_int_equal(evtchn_poll(a->vcpus[0], ARG_GVA), -XEN_EINVAL);
    p = (struct sched_poll){ .ports = 8, .nr_ports = 1 };
    memcpy(fake_guest_mem + 0x100, &p, sizeof(p));
    assert_int_equal(evtchn_poll(a->vcpus[0], ARG_GVA), -XEN_EFAULT);
}

/* A 32-bit caller's SCHEDOP_poll: a 32-bit handle, the timeout 4-aligned at 8. */
static void test_poll_compat(void **state)
{
    struct compat_sched_poll c = { .ports = FAKE_GUEST_BASE + 0x800,
                                   .nr_ports = 1,
                                   .timeout = 5000000000ull };
    uint32_t *ports = (uint32_t *)(fake_guest_mem + 0x800);

    (void)state;
    a->vcpus[0]->hypercall_64bit = false;
    ports[0] = bind_ipi(a->vcpus[0], 0);
    memcpy(fake_guest_mem + 0x100, &c, sizeof(c));
    assert_int_equal(evtchn_poll(a->vcpus[0], ARG_GVA), 0);
    assert_true(a->vcpus[0]->ev.polling);
    assert_true(a->vcpus[0]->timers.poll_timeout.armed);
    assert_int_equal(a->vcpus[0]->timers.poll_timeout.deadline_ns, 5000000000ull);
    /* The same bytes from a 64-bit caller: nr_ports is the timeout's low half. */
    a->vcpus[0]->hypercall_64bit = true;
    assert_int_equal(evtchn_poll(a->vcpus[0], ARG_GVA), -XEN_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ipi_send_raises_upcall, setup, teardown),
        cmocka_unit_test_setup_teardown(test_masked_then_unmask, setup, teardown),
        cmocka_unit_test_setup_teardown(test_upcall_vector, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bind_virq_every_xen_virq, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bind_virq_checks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_virq_send, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bind_ipi_bad_vcpu, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_ports, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unreadable_arguments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_op, setup, teardown),
        cmocka_unit_test_setup_teardown(test_interdomain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_interdomain_hostile, setup, teardown),
        cmocka_unit_test_setup_teardown(test_disconnected_peer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_status_hostile, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hypervisor_port, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bind_vcpu, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ports_exhausted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_poll, setup, teardown),
        cmocka_unit_test_setup_teardown(test_poll_compat, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
