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

#endif
