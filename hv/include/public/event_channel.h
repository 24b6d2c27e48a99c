/* SPDX-License-Identifier: MIT */
/* event_channel_op, from Xen's xen/include/public/event_channel.h. */
#ifndef TESSERA_PUBLIC_EVENT_CHANNEL_H
#define TESSERA_PUBLIC_EVENT_CHANNEL_H

#include <stdint.h>

typedef uint32_t evtchn_port_t;

#define EVTCHNOP_bind_interdomain 0
#define EVTCHNOP_bind_virq        1
#define EVTCHNOP_bind_pirq        2
#define EVTCHNOP_close            3
#define EVTCHNOP_send             4
#define EVTCHNOP_status           5
#define EVTCHNOP_alloc_unbound    6
#define EVTCHNOP_bind_ipi         7
#define EVTCHNOP_bind_vcpu        8
#define EVTCHNOP_unmask           9
#define EVTCHNOP_init_control     11
#define EVTCHNOP_expand_array     12
#define EVTCHNOP_set_priority     13

#define VIRQ_TIMER    0
#define VIRQ_DEBUG    1
#define VIRQ_CONSOLE  2
#define VIRQ_XENOPROF 7
#define VIRQ_XENPMU   13

struct evtchn_alloc_unbound {
    uint16_t dom, remote_dom; /* IN */
    evtchn_port_t port;       /* OUT */
};

struct evtchn_bind_interdomain {
    uint16_t remote_dom; /* IN */
    uint16_t pad;
    evtchn_port_t remote_port; /* IN */
    evtchn_port_t local_port;  /* OUT */
};

struct evtchn_bind_virq {
    uint32_t virq;      /* IN */
    uint32_t vcpu;      /* IN */
    evtchn_port_t port; /* OUT */
};

struct evtchn_close {
    evtchn_port_t port;
};

struct evtchn_send {
    evtchn_port_t port;
};

struct evtchn_unmask {
    evtchn_port_t port;
};

struct evtchn_bind_ipi {
    uint32_t vcpu;      /* IN */
    evtchn_port_t port; /* OUT */
};

struct evtchn_bind_vcpu {
    evtchn_port_t port;
    uint32_t vcpu;
};

/* EVTCHNOP_status: what a port of dom (DOMID_SELF or the caller's own id) is bound to. */
struct evtchn_status {
    uint16_t dom; /* IN */
    uint16_t pad;
    evtchn_port_t port; /* IN */
    uint32_t status;    /* OUT: EVTCHNSTAT_* */
    uint32_t vcpu;      /* OUT: the vCPU it notifies */
    union {
        struct {
            uint16_t dom;
        } unbound; /* EVTCHNSTAT_unbound: who may bind to it */
        struct {
            uint16_t dom;
            uint16_t pad;
            evtchn_port_t port;
        } interdomain; /* EVTCHNSTAT_interdomain: the remote end */
        uint32_t pirq; /* EVTCHNSTAT_pirq */
        uint32_t virq; /* EVTCHNSTAT_virq */
    } u;
};
#define EVTCHNSTAT_closed      0
#define EVTCHNSTAT_unbound     1
#define EVTCHNSTAT_interdomain 2
#define EVTCHNSTAT_pirq        3
#define EVTCHNSTAT_virq        4
#define EVTCHNSTAT_ipi         5

/* The FIFO ABI. EVTCHNOP_init_control: vcpu's control block at control_gfn + offset. */
struct evtchn_init_control {
    uint64_t control_gfn; /* IN */
    uint32_t offset;      /* IN: 8-byte aligned, the block within the page */
    uint32_t vcpu;        /* IN */
    uint8_t link_bits;    /* OUT: EVTCHN_FIFO_LINK_BITS */
    uint8_t _pad[7];
};

/* EVTCHNOP_expand_array: one more page of event words. */
struct evtchn_expand_array {
    uint64_t array_gfn; /* IN */
};

/* EVTCHNOP_set_priority: the queue a port's events go to. */
struct evtchn_set_priority {
    evtchn_port_t port;
    uint32_t priority;
};

#define EVTCHN_FIFO_PRIORITY_MAX     0
#define EVTCHN_FIFO_PRIORITY_DEFAULT 7
#define EVTCHN_FIFO_PRIORITY_MIN     15
#define EVTCHN_FIFO_MAX_QUEUES       (EVTCHN_FIFO_PRIORITY_MIN + 1)

/* One per port, in the event array pages. */
typedef uint32_t event_word_t;
#define EVTCHN_FIFO_PENDING     31
#define EVTCHN_FIFO_MASKED      30
#define EVTCHN_FIFO_LINKED      29
#define EVTCHN_FIFO_BUSY        28
#define EVTCHN_FIFO_LINK_BITS   17
#define EVTCHN_FIFO_LINK_MASK   ((1u << EVTCHN_FIFO_LINK_BITS) - 1)
#define EVTCHN_FIFO_NR_CHANNELS (1u << EVTCHN_FIFO_LINK_BITS)

/* ready: a bit per priority whose queue is not empty; head: each queue's first port. */
struct evtchn_fifo_control_block {
    uint32_t ready;
    uint32_t _rsvd;
    uint32_t head[EVTCHN_FIFO_MAX_QUEUES];
};

#endif
