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

#define VIRQ_TIMER   0
#define VIRQ_DEBUG   1
#define VIRQ_CONSOLE 2

struct evtchn_alloc_unbound {
    uint16_t dom, remote_dom;  /* IN */
    evtchn_port_t port;        /* OUT */
};

struct evtchn_bind_interdomain {
    uint16_t remote_dom;       /* IN */
    uint16_t pad;
    evtchn_port_t remote_port; /* IN */
    evtchn_port_t local_port;  /* OUT */
};

struct evtchn_bind_virq {
    uint32_t virq;             /* IN */
    uint32_t vcpu;             /* IN */
    evtchn_port_t port;        /* OUT */
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
    uint32_t vcpu;             /* IN */
    evtchn_port_t port;        /* OUT */
};

struct evtchn_bind_vcpu {
    evtchn_port_t port;
    uint32_t vcpu;
};

#endif
