// SPDX-License-Identifier: MIT
/*
 * Xen's FIFO event channel ABI (evtchn.h's evtchn_fifo_ops), as Xen's
 * event_fifo.c behaves: a 32-bit event word per port in event array pages
 * the guest registers (EVTCHNOP_expand_array), with PENDING, MASKED, LINKED
 * and BUSY bits and a LINK field; per vCPU, one queue per priority, linked
 * through the LINK fields, whose heads and READY bitmap are in a control
 * block the guest registers (EVTCHNOP_init_control). The hypervisor keeps
 * each queue's tail; the guest consumes from the heads.
 *
 * The pages are the guest's, and the guest changes the words at any moment:
 * the hypervisor only changes them with atomic operations and never trusts
 * what it reads (a LINK it follows is its own tail, never the guest's).
 * Everything here runs with the domain's event lock held, which serialises
 * the queues (Xen's per-queue locks), except is_pending (SCHEDOP_poll).
 */
#include <public/errno.h>
#include <public/event_channel.h>
#include <hv/domain.h>
#include <hv/evtchn.h>
#include <hv/guest_access.h>
#include <hv/p2m.h>
#include <hv/page_alloc.h>
#include <hv/vcpu_info.h>

#define BIT(n) (1u << (n))

_Static_assert(DOMAIN_MAX_VCPUS <= 128, "struct evtchn_fifo_port's last_vcpu has 7 bits");

static bool word_test_and_set(event_word_t *w, unsigned int bit)
{
    return __atomic_fetch_or(w, BIT(bit), __ATOMIC_SEQ_CST) & BIT(bit);
}

static void word_clear(event_word_t *w, unsigned int bit)
{
    __atomic_fetch_and(w, ~BIT(bit), __ATOMIC_SEQ_CST);
}

static bool word_test(const event_word_t *w, unsigned int bit)
{
    return __atomic_load_n(w, __ATOMIC_SEQ_CST) & BIT(bit);
}

/* Port's event word, or NULL while no array page holds it. */
static event_word_t *word_of(const struct domain *d, unsigned int port)
{
    const struct evtchn_fifo_domain *f = &d->events.fifo;

    /* Pairs with expand_array's release: the page is there before the count. */
    if (port >= __atomic_load_n(&f->nr_words, __ATOMIC_ACQUIRE))
        return NULL;
    return f->array[port / EVTCHN_FIFO_WORDS_PER_PAGE] + port % EVTCHN_FIFO_WORDS_PER_PAGE;
}

/*
 * Sets the LINK field of *word to link if the word is still LINKED (its
 * event not consumed yet): 1 done, 0 not linked, -1 the guest changed the
 * word meanwhile (*w holds what it is now).
 */
static int try_set_link(event_word_t *word, event_word_t *w, uint32_t link)
{
    event_word_t new;

    if (!(*w & BIT(EVTCHN_FIFO_LINKED)))
        return 0;
    new = (*w & ~(BIT(EVTCHN_FIFO_BUSY) | EVTCHN_FIFO_LINK_MASK)) | link;
    return __atomic_compare_exchange_n(word, w, new, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)
               ? 1
               : -1;
}

/*
 * Links link after the event of *word if that is still linked; whether it
 * did. A guest that keeps changing the word gets BUSY set (it must leave the
 * LINK field alone meanwhile) and, after a few tries, the link counted as
 * made: as Xen does, so a hostile guest only loses its own events.
 */
static bool set_link(event_word_t *word, uint32_t link)
{
    event_word_t w = __atomic_load_n(word, __ATOMIC_SEQ_CST);
    int rc = try_set_link(word, &w, link);
    unsigned int try;

    if (rc >= 0)
        return rc;
    __atomic_fetch_or(word, BIT(EVTCHN_FIFO_BUSY), __ATOMIC_SEQ_CST);
    w = __atomic_load_n(word, __ATOMIC_SEQ_CST);
    for (try = 0; try < 4; try++) {
        rc = try_set_link(word, &w, link);
        if (rc == 1)
            return true; /* BUSY cleared with the new LINK */
        if (rc == 0)
            break;
    }
    word_clear(word, EVTCHN_FIFO_BUSY);
    return rc != 0;
}

/*
 * Xen's FIFO set_pending: PENDING, then, if unmasked and not yet linked, the
 * event goes to the tail of its vCPU's queue for its priority; a queue that
 * was empty gets it as head, and the READY bit, and a READY bit newly set
 * raises the upcall.
 */
static void evtchn_fifo_set_pending(struct domain *d, unsigned int port)
{
    struct evtchn_fifo_port *fp = &d->events.fifo.ports[port];
    struct vcpu *v = d->vcpus[d->events.ports[port].vcpu];
    struct evtchn_fifo_control_block *cb = v->ev.fifo.control;
    event_word_t *word = word_of(d, port);
    uint32_t *old_tail, *tail;
    bool was_pending, linked = false;

    if (!word) {
        fp->missed = 1; /* raised again when its page comes (expand_array) */
        return;
    }
    was_pending = word_test_and_set(word, EVTCHN_FIFO_PENDING);
    /* Without a control block the event stays pending: the guest links it by unmasking. */
    if (cb && !word_test(word, EVTCHN_FIFO_MASKED) &&
        !word_test_and_set(word, EVTCHN_FIFO_LINKED)) {
        /* An old tail (consumed, as it was not LINKED) must not link a new event to it. */
        old_tail = &d->vcpus[fp->last_vcpu]->ev.fifo.tail[fp->last_priority];
        if (*old_tail == port)
            *old_tail = 0;
        fp->last_vcpu = v->id & 127u;
        fp->last_priority = fp->priority;

        tail = &v->ev.fifo.tail[fp->priority];
        if (*tail) {
            event_word_t *tail_word = word_of(d, *tail);

            linked = tail_word && set_link(tail_word, port);
        }
        if (!linked)
            __atomic_store_n(&cb->head[fp->priority], port, __ATOMIC_SEQ_CST);
        *tail = port;
        if (!linked &&
            !(__atomic_fetch_or(&cb->ready, BIT(fp->priority), __ATOMIC_SEQ_CST) &
              BIT(fp->priority)) &&
            v->ev.info)
            evtchn_upcall_raise(v, v->ev.info);
    }
    /* A vCPU in SCHEDOP_poll waits for pending ports, masked or not. */
    if (!was_pending)
        evtchn_port_raised(v);
}

/* Xen's FIFO unmask: clear MASKED; a pending event is then linked. */
static void evtchn_fifo_unmask(struct domain *d, unsigned int port)
{
    event_word_t *word = word_of(d, port);

    if (!word)
        return;
    word_clear(word, EVTCHN_FIFO_MASKED);
    if (word_test(word, EVTCHN_FIFO_PENDING))
        evtchn_fifo_set_pending(d, port);
}

static bool evtchn_fifo_is_pending(const struct domain *d, unsigned int port)
{
    const event_word_t *word = word_of(d, port);

    return word && word_test(word, EVTCHN_FIFO_PENDING);
}

/* Only PENDING: a linked event stays in its queue, the guest skips it (as in Xen). */
static void evtchn_fifo_clear_pending(struct domain *d, unsigned int port)
{
    event_word_t *word = word_of(d, port);

    d->events.fifo.ports[port].missed = 0;
    if (word)
        word_clear(word, EVTCHN_FIFO_PENDING);
}

const struct evtchn_port_ops evtchn_fifo_ops = {
    .set_pending = evtchn_fifo_set_pending,
    .unmask = evtchn_fifo_unmask,
    .is_pending = evtchn_fifo_is_pending,
    .clear_pending = evtchn_fifo_clear_pending,
};

static bool fifo_active(const struct domain *d)
{
    return d->events.port_ops == &evtchn_fifo_ops;
}

/*
 * The switch from the 2-level ABI, as Xen's setup_ports: every port at the
 * default priority, and a bound port pending in the 2-level bitmap stays
 * pending, raised again once the guest gives its event word a page.
 */
static void switch_to_fifo(struct domain *d)
{
    unsigned int port;

    for (port = 0; port < EVTCHN_NR_PORTS; port++) {
        struct evtchn_fifo_port *fp = &d->events.fifo.ports[port];

        *fp = (struct evtchn_fifo_port){ .priority = EVTCHN_FIFO_PRIORITY_DEFAULT,
                                         .last_priority = EVTCHN_FIFO_PRIORITY_DEFAULT };
        fp->missed =
            d->events.ports[port].state != EVTCHN_FREE && evtchn_2l_ops.is_pending(d, port);
    }
    __atomic_store_n(&d->events.port_ops, &evtchn_fifo_ops, __ATOMIC_SEQ_CST);
}

/*
 * Xen's EVTCHNOP_init_control: vcpu's control block in a frame of the
 * domain's own RAM (guest_area_frame(): not shared memory, not the console
 * ring), 8-byte aligned and within the page, once per vCPU. The first one
 * switches the domain to the FIFO ABI.
 */
int64_t evtchn_fifo_init_control(struct vcpu *v, uint64_t arg)
{
    struct domain *d = v->domain;
    struct evtchn_init_control ic;
    struct vcpu *target;
    unsigned long flags;
    paddr_t pa;
    int64_t rc = 0;

    if (copy_from_guest(v, &ic, mk_gvaddr(arg), sizeof(ic)))
        return -XEN_EFAULT;
    if (ic.vcpu >= d->nr_vcpus)
        return -XEN_ENOENT;
    if (ic.offset > PAGE_SIZE - sizeof(struct evtchn_fifo_control_block) || (ic.offset & 7))
        return -XEN_EINVAL;
    pa = guest_area_frame(d, ic.control_gfn);
    if (paddr_eq(pa, INVALID_PADDR))
        return -XEN_EINVAL;
    target = d->vcpus[ic.vcpu];
    flags = spin_lock_irqsave(&d->events.lock);
    if (target->ev.fifo.control) {
        rc = -XEN_EINVAL; /* as Xen: once per vCPU */
    } else {
        target->ev.fifo = (struct evtchn_fifo_vcpu){
            .control =
                (struct evtchn_fifo_control_block *)((uint8_t *)phys_to_virt(pa) + ic.offset),
        };
        if (!fifo_active(d))
            switch_to_fifo(d);
    }
    spin_unlock_irqrestore(&d->events.lock, flags);
    if (rc)
        return rc;
    ic.link_bits = EVTCHN_FIFO_LINK_BITS;
    return copy_to_guest(v, mk_gvaddr(arg), &ic, sizeof(ic)) ? -XEN_EFAULT : 0;
}

/*
 * Xen's EVTCHNOP_expand_array: the next page of event words, from the
 * domain's own RAM; -ENOSPC once every port has its word (Xen's limit is
 * its maximum port count, EVTCHN_NR_PORTS here). Events raised on those
 * ports while they had no word are raised now.
 */
int64_t evtchn_fifo_expand_array(struct vcpu *v, uint64_t arg)
{
    struct domain *d = v->domain;
    struct evtchn_fifo_domain *f = &d->events.fifo;
    struct evtchn_expand_array ea;
    unsigned long flags;
    unsigned int first, port;
    paddr_t pa;
    int64_t rc = 0;

    if (copy_from_guest(v, &ea, mk_gvaddr(arg), sizeof(ea)))
        return -XEN_EFAULT;
    pa = guest_area_frame(d, ea.array_gfn);
    flags = spin_lock_irqsave(&d->events.lock);
    first = f->nr_words;
    if (!fifo_active(d)) {
        rc = -XEN_EOPNOTSUPP;
    } else if (first >= EVTCHN_NR_PORTS) {
        rc = -XEN_ENOSPC;
    } else if (paddr_eq(pa, INVALID_PADDR)) {
        rc = -XEN_EINVAL;
    } else {
        f->array[first / EVTCHN_FIFO_WORDS_PER_PAGE] = phys_to_virt(pa);
        __atomic_store_n(&f->nr_words, first + EVTCHN_FIFO_WORDS_PER_PAGE, __ATOMIC_RELEASE);
        for (port = first; port < first + EVTCHN_FIFO_WORDS_PER_PAGE; port++) {
            if (f->ports[port].missed && d->events.ports[port].state != EVTCHN_FREE) {
                f->ports[port].missed = 0;
                evtchn_fifo_set_pending(d, port);
            }
        }
    }
    spin_unlock_irqrestore(&d->events.lock, flags);
    return rc;
}

/* Xen's EVTCHNOP_set_priority: the queue for the port's next events. */
int64_t evtchn_fifo_set_priority(struct vcpu *v, uint64_t arg)
{
    struct domain *d = v->domain;
    struct evtchn_set_priority sp;
    unsigned long flags;
    int64_t rc = 0;

    if (copy_from_guest(v, &sp, mk_gvaddr(arg), sizeof(sp)))
        return -XEN_EFAULT;
    if (sp.port >= EVTCHN_NR_PORTS)
        return -XEN_EINVAL;
    flags = spin_lock_irqsave(&d->events.lock);
    if (!fifo_active(d))
        rc = -XEN_ENOSYS; /* the 2-level ABI has no priorities */
    else if (sp.priority > EVTCHN_FIFO_PRIORITY_MIN)
        rc = -XEN_EINVAL;
    else
        d->events.fifo.ports[sp.port].priority = sp.priority & EVTCHN_FIFO_PRIORITY_MIN;
    spin_unlock_irqrestore(&d->events.lock, flags);
    return rc;
}
