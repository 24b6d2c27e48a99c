// SPDX-License-Identifier: MIT
/*
 * Xen's 2-level event channel ABI (evtchn.h's evtchn_2l_ops): a pending and
 * a mask bitmap of EVTCHN_NR_PORTS bits in shared info, and in each vCPU's
 * vcpu_info a selector word with one bit per 64-port word of them. The page
 * is the guest's: bits are only set and cleared atomically, never trusted.
 */
#include <public/arch-x86/shared_info.h>
#include <hv/domain.h>
#include <hv/evtchn.h>

static bool test_and_set(uint64_t *word, unsigned int bit)
{
    return (__atomic_fetch_or(word, 1ull << bit, __ATOMIC_SEQ_CST) >> bit) & 1;
}

static bool test_bit(const uint64_t *word, unsigned int bit)
{
    return (__atomic_load_n(word, __ATOMIC_SEQ_CST) >> bit) & 1;
}

/* Xen's 2-level evtchn_set_pending: pending bit, then selector, then upcall. */
static void evtchn_2l_set_pending(struct domain *d, unsigned int port)
{
    struct shared_info *sh = d->events.shared;
    struct vcpu *v = d->vcpus[d->events.ports[port].vcpu];
    struct vcpu_info *vi = v->ev.info;
    unsigned int word = port / 64, bit = port % 64;

    if (!sh || test_and_set(&sh->evtchn_pending[word], bit))
        return;
    /* A vCPU in SCHEDOP_poll waits for pending ports, masked or not. */
    evtchn_port_raised(v);
    if (vi && !test_bit(&sh->evtchn_mask[word], bit) &&
        !test_and_set(&vi->evtchn_pending_sel, word))
        evtchn_upcall_raise(v, vi);
}

/* Xen's 2-level unmask: clear the mask; a pending event then raises the upcall. */
static void evtchn_2l_unmask(struct domain *d, unsigned int port)
{
    struct shared_info *sh = d->events.shared;
    struct vcpu *v = d->vcpus[d->events.ports[port].vcpu];
    struct vcpu_info *vi = v->ev.info;
    unsigned int word = port / 64, bit = port % 64;

    if (!sh)
        return;
    __atomic_fetch_and(&sh->evtchn_mask[word], ~(1ull << bit), __ATOMIC_SEQ_CST);
    if (vi && test_bit(&sh->evtchn_pending[word], bit) &&
        !test_and_set(&vi->evtchn_pending_sel, word))
        evtchn_upcall_raise(v, vi);
}

static bool evtchn_2l_is_pending(const struct domain *d, unsigned int port)
{
    return test_bit(&d->events.shared->evtchn_pending[port / 64], port % 64);
}

static void evtchn_2l_clear_pending(struct domain *d, unsigned int port)
{
    __atomic_fetch_and(&d->events.shared->evtchn_pending[port / 64], ~(1ull << (port % 64)),
                       __ATOMIC_SEQ_CST);
}

const struct evtchn_port_ops evtchn_2l_ops = {
    .set_pending = evtchn_2l_set_pending,
    .unmask = evtchn_2l_unmask,
    .is_pending = evtchn_2l_is_pending,
    .clear_pending = evtchn_2l_clear_pending,
};
