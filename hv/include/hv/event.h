/* SPDX-License-Identifier: MIT */
/*
 * Event channels (Xen's 2-level ABI), the shared info page, per-vCPU info,
 * system time and the vCPU timers that raise VIRQ_TIMER. Events reach an
 * HVM/PVH guest as its callback vector (HVM_PARAM_CALLBACK_IRQ), injected by
 * the back-end while the vCPU's evtchn_upcall_pending is set.
 *
 * So far: VIRQ and IPI channels within a domain; inter-domain channels come
 * with the next step.
 */
#ifndef HV_EVENT_H
#define HV_EVENT_H

#include <hv/types.h>
#include <hv/spinlock.h>
#include <hv/timer.h>

struct vcpu;
struct domain;
struct vcpu_info;
struct shared_info;

#define EVTCHN_NR_PORTS 4096     /* 2-level ABI, 64-bit guests: 64 x 64 */
#define EVTCHN_NR_VIRQS 24

enum evtchn_state {
    EVTCHN_FREE,
    EVTCHN_VIRQ,
    EVTCHN_IPI,
};

struct evtchn {
    uint8_t state;               /* enum evtchn_state */
    uint8_t virq;
    uint16_t vcpu;               /* the vCPU it notifies */
};

struct domain_events {
    spinlock_t lock;             /* ports, shared info and vcpu_info locations */
    struct shared_info *shared;  /* in the guest frame it chose; NULL until mapped */
    uint64_t callback_param;     /* HVM_PARAM_CALLBACK_IRQ as set */
    uint8_t callback_vector;     /* 0: no callback */
    struct evtchn ports[EVTCHN_NR_PORTS];
};

struct vcpu_events {
    struct vcpu_info *info;      /* registered location, else in shared info, else NULL */
    bool info_registered;
    uint16_t virq_port[EVTCHN_NR_VIRQS];
    struct timer singleshot;
    struct timer periodic;
    uint64_t period_ns;
};

void events_init_domain(struct domain *d);
void events_init_vcpu(struct vcpu *v);
/* Stops the vCPU timers of a dead domain, waiting for any that is running. */
void events_destroy_domain(struct domain *d);

/* The vector to inject now, or -1: a callback is set and an upcall is pending. */
int events_upcall_vector(struct vcpu *v);
/* Whether v has an event waiting (a blocked vCPU must not sleep). */
bool events_pending(struct vcpu *v);
/* Refreshes v's vcpu_time_info (on each schedule-in and upcall). */
void events_update_time(struct vcpu *v);

/* Hypercall parts (hypercall.c dispatches to them). */
int64_t events_map_shared_info(struct vcpu *v, uint64_t gfn);
int64_t events_set_callback(struct vcpu *v, uint64_t value);
int64_t do_event_channel_op(struct vcpu *v, const uint64_t *args);
int64_t do_vcpu_op(struct vcpu *v, const uint64_t *args);

#endif
