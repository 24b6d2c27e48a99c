/* SPDX-License-Identifier: MIT */
/*
 * Event channels (Xen's 2-level ABI), the shared info page, per-vCPU info,
 * system time and the vCPU timers that raise VIRQ_TIMER. Events reach an
 * HVM/PVH guest as its callback vector (HVM_PARAM_CALLBACK_IRQ), injected by
 * the back-end while the vCPU's evtchn_upcall_pending is set.
 *
 * Channels: VIRQs, IPIs, inter-domain channels, static (from the plan)
 * or made at run time (alloc_unbound + bind_interdomain), and ports whose
 * remote end is the hypervisor (the PV console's).
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
    EVTCHN_UNBOUND,              /* waits for remote_domid to bind to it */
    EVTCHN_INTERDOMAIN,          /* connected to remote_domid's remote_port */
    EVTCHN_HYPERVISOR,           /* the remote end is the hypervisor (events_bind_hypervisor) */
};

struct evtchn {
    uint8_t state;               /* enum evtchn_state */
    uint8_t virq;
    uint16_t vcpu;               /* the vCPU it notifies */
    uint16_t remote_domid;
    uint16_t remote_port;
};

struct domain_events {
    spinlock_t lock;             /* ports, shared info and vcpu_info locations */
    /*
     * In the guest frame it chose once mapped; until then a hypervisor page,
     * so events sent before the guest maps it stay pending (as in Xen, whose
     * shared info always exists).
     */
    struct shared_info *shared;
    struct shared_info *own_page;
    uint64_t callback_param;     /* HVM_PARAM_CALLBACK_IRQ as set */
    uint8_t callback_vector;     /* 0: no callback */
    bool dead;                   /* being destroyed: timers must not re-arm (under lock) */
    /* What a guest's send on an EVTCHN_HYPERVISOR port calls (events_bind_hypervisor). */
    void (*hypervisor_notify)(struct domain *d, unsigned int port);
    struct evtchn ports[EVTCHN_NR_PORTS];
};

struct vcpu_events {
    struct vcpu_info *info;      /* registered location, else in shared info, else NULL */
    bool info_registered;
    uint16_t virq_port[EVTCHN_NR_VIRQS];
    struct timer singleshot;
    struct timer periodic;
    uint64_t period_ns;
    struct timer poll_timeout;   /* SCHEDOP_poll with a timeout */
    volatile bool polling;       /* blocked in SCHEDOP_poll: any event wakes it */
    bool time_stale;             /* time info to rewrite on v's own CPU (atomic) */
};

/* false: out of memory. */
bool events_init_domain(struct domain *d);
/* Makes d reachable for inter-domain channels (once built or rebuilt, before it starts). */
void events_register_domain(struct domain *d);
/*
 * A static channel end from the plan: local port bound to remote_domid's
 * remote_port; the remote end too if it waits unbound for d (d restarted).
 */
void events_bind_static(struct domain *d, unsigned int port, uint16_t remote_domid,
                        unsigned int remote_port);
/*
 * Binds the lowest free port of d to the hypervisor, for a service the
 * hypervisor itself provides (the PV console): Xen's "Xen-attached" channel.
 * Called while d is built, after the plan's static channels are bound, so it
 * never takes one of their ports. The guest's EVTCHNOP_send on the port calls
 * notify(d, port) on the sending vCPU's CPU, outside the event lock;
 * EVTCHNOP_close on it is refused with -EINVAL (as Xen refuses a guest closing
 * a Xen-attached port); unmask and bind_vcpu work as on an inter-domain port,
 * and EVTCHNOP_status calls it one, to DOMID_XEN port 0. One notify function
 * per domain, for all its such ports.
 * Returns the port, or 0 if none is free.
 */
unsigned int events_bind_hypervisor(struct domain *d,
                                    void (*notify)(struct domain *d, unsigned int port));
/* The hypervisor's send on d's port bound to it (any CPU); dropped once d is dying. */
void events_send_from_hypervisor(struct domain *d, unsigned int port);
/* v's event state as new (at creation, and at a restart after events_reset_domain()). */
void events_init_vcpu(struct vcpu *v);
/* Frees what events_init_domain() allocated (after events_destroy_domain()). */
void events_free_domain(struct domain *d);
/*
 * Unregisters a dead domain and stops its vCPU timers, waiting for any that
 * is running, so nothing can reach it any more. For a domain that has run
 * since it was built, that waits for every other CPU to take an interrupt:
 * call it with no spinlock held.
 */
void events_destroy_domain(struct domain *d);
/*
 * For a restart: events_destroy_domain(), then every channel closed (the
 * remote end of an inter-domain one waits unbound for this domain, as in
 * Xen), the shared info back in the hypervisor's page, zeroed, and no
 * callback. The vCPUs' parts are reset with events_init_vcpu(). The domain
 * stays unregistered until events_register_domain().
 */
void events_reset_domain(struct domain *d);

/* The vector to inject now, or -1: a callback is set and an upcall is pending. */
int events_upcall_vector(struct vcpu *v);
/* Whether v has an event waiting (a blocked vCPU must not sleep). */
bool events_pending(struct vcpu *v);
/* Sends VIRQ_CONSOLE to d if it bound it (serial input arrived). */
void events_raise_virq_console(struct domain *d);
/*
 * Refreshes v's vcpu_time_info (on each schedule-in and upcall); from another
 * CPU than v's, only marks it for v's CPU to refresh before v's next entry.
 */
void events_update_time(struct vcpu *v);

/* Hypercall parts (hypercall.c dispatches to them). */
int64_t events_map_shared_info(struct vcpu *v, uint64_t gfn);
int64_t events_set_callback(struct vcpu *v, uint64_t value);
int64_t do_event_channel_op(struct vcpu *v, const uint64_t *args);
/* vcpu_op's register_vcpu_info and timer commands (vcpu_op.c dispatches); else -ENOSYS. */
int64_t events_vcpu_op(struct vcpu *v, struct vcpu *target, unsigned int cmd, uint64_t arg);
/* v went down (VCPUOP_down) and is off its CPU: its timers and poll stop. */
void events_vcpu_down(struct vcpu *v);
/* SCHEDOP_poll: blocks v until one of the ports is pending or the timeout. */
int64_t events_poll(struct vcpu *v, uint64_t arg);

#endif
