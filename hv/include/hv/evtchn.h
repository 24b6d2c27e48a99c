/* SPDX-License-Identifier: MIT */
/*
 * Event channels: ports, their bindings and the event_channel_op hypercall,
 * and the per-domain and per-vCPU event state. Events reach an HVM/PVH guest
 * as its callback vector (HVM_PARAM_CALLBACK_IRQ), injected by the back-end
 * while the vCPU's evtchn_upcall_pending is set.
 *
 * Channels: VIRQs, IPIs, inter-domain channels, static (from the plan)
 * or made at run time (alloc_unbound + bind_interdomain), and ports whose
 * remote end is the hypervisor (the PV console's).
 *
 * How pending and masked bits are kept is the port ABI's (struct
 * evtchn_port_ops): Xen's 2-level ABI (evtchn_2l.c), which every domain
 * starts with (and goes back to at a restart), and the FIFO ABI
 * (evtchn_fifo.c), which a guest switches to with EVTCHNOP_init_control.
 * The rest of the guest-visible event state has its own files: the shared
 * info page and vcpu_info areas (vcpu_info.h), the time in them
 * (guest_time.h), the vCPU timers (vcpu_timer.h), SCHEDOP_poll
 * (evtchn_poll.c).
 */
#ifndef HV_EVTCHN_H
#define HV_EVTCHN_H

#include <public/event_channel.h>
#include <hv/types.h>
#include <hv/spinlock.h>

struct vcpu;
struct domain;
struct vcpu_info;
struct shared_info;

#define EVTCHN_NR_PORTS 4096 /* 2-level ABI, 64-bit guests: 64 x 64 */
#define EVTCHN_NR_VIRQS 24

enum evtchn_state {
    EVTCHN_FREE,
    EVTCHN_VIRQ,
    EVTCHN_IPI,
    EVTCHN_UNBOUND,     /* waits for remote_domid to bind to it */
    EVTCHN_INTERDOMAIN, /* connected to remote_domid's remote_port */
    EVTCHN_HYPERVISOR,  /* the remote end is the hypervisor (evtchn_bind_hypervisor) */
};

struct evtchn {
    uint8_t state; /* enum evtchn_state */
    uint8_t virq;
    uint16_t vcpu; /* the vCPU it notifies */
    uint16_t remote_domid;
    uint16_t remote_port;
};

/*
 * A port ABI: where a port's pending and mask bits live and how raising one
 * reaches a vCPU. Always for a port below EVTCHN_NR_PORTS; set_pending and
 * unmask with the domain's event lock held and for a bound port (not
 * EVTCHN_FREE); is_pending for any port, without the lock (SCHEDOP_poll).
 */
struct evtchn_port_ops {
    /* Marks port pending; notifies its vCPU if it is unmasked (and wakes a poller). */
    void (*set_pending)(struct domain *d, unsigned int port);
    /* Clears port's mask; a pending event then notifies its vCPU. */
    void (*unmask)(struct domain *d, unsigned int port);
    bool (*is_pending)(const struct domain *d, unsigned int port);
    /* Clears port's pending bit (it is closed: a later binding must not see it). */
    void (*clear_pending)(struct domain *d, unsigned int port);
};

/* Xen's 2-level ABI: bitmaps in shared info, selector words in vcpu_info. */
extern const struct evtchn_port_ops evtchn_2l_ops;
/* Xen's FIFO ABI: event words in guest pages, per-vCPU queues by priority. */
extern const struct evtchn_port_ops evtchn_fifo_ops;

#define EVTCHN_FIFO_WORDS_PER_PAGE 1024 /* event_word_t in a 4 KiB page */
/* Event array pages for EVTCHN_NR_PORTS ports: expand_array stops there. */
#define EVTCHN_FIFO_ARRAY_PAGES (EVTCHN_NR_PORTS / EVTCHN_FIFO_WORDS_PER_PAGE)

/*
 * A port's FIFO state beside its binding (struct evtchn is rewritten on
 * rebinds); two bytes, so the domain structure stays in its 64 KiB block.
 */
struct evtchn_fifo_port {
    uint16_t priority : 4;      /* the queue its events go to */
    uint16_t last_priority : 4; /* the queue it was last linked on (its tail maybe) */
    uint16_t last_vcpu : 7;     /* ... of this vCPU (DOMAIN_MAX_VCPUS is 128) */
    uint16_t missed : 1; /* raised while its event word had no page: raised at expand_array */
};

/* The domain's FIFO state (in use once port_ops is evtchn_fifo_ops). */
struct evtchn_fifo_domain {
    event_word_t *array[EVTCHN_FIFO_ARRAY_PAGES]; /* the guest's event array pages */
    unsigned int nr_words;                        /* ports with an event word */
    struct evtchn_fifo_port ports[EVTCHN_NR_PORTS];
};

/* A vCPU's FIFO queues: heads in the guest's control block, tails here. */
struct evtchn_fifo_vcpu {
    struct evtchn_fifo_control_block *control; /* NULL until EVTCHNOP_init_control */
    uint32_t tail[EVTCHN_FIFO_MAX_QUEUES];
};

struct domain_events {
    spinlock_t lock; /* ports, shared info and vcpu_info locations */
    const struct evtchn_port_ops *port_ops;
    /*
     * In the guest frame it chose once mapped; until then a hypervisor page,
     * so events sent before the guest maps it stay pending (as in Xen, whose
     * shared info always exists).
     */
    struct shared_info *shared;
    struct shared_info *own_page;
    uint64_t callback_param; /* HVM_PARAM_CALLBACK_IRQ as set */
    uint8_t callback_vector; /* 0: no callback */
    bool connected;          /* peers' channels reach it (under the registry lock) */
    bool dead;               /* being destroyed: timers must not re-arm (under lock) */
    /* What a guest's send on an EVTCHN_HYPERVISOR port calls (evtchn_bind_hypervisor). */
    void (*hypervisor_notify)(struct domain *d, unsigned int port);
    struct evtchn ports[EVTCHN_NR_PORTS];
    struct evtchn_fifo_domain fifo;
};

struct vcpu_events {
    struct vcpu_info *info; /* registered location, else in shared info, else NULL */
    bool info_registered;
    uint16_t virq_port[EVTCHN_NR_VIRQS];
    volatile bool polling;  /* blocked in SCHEDOP_poll: any event wakes it */
    bool time_stale;        /* time info to rewrite on v's own CPU (atomic) */
    uint64_t time_area_gva; /* VCPUOP_register_vcpu_time_memory_area's copy, 0 if none */
    struct evtchn_fifo_vcpu fifo;
};

/* false: out of memory. */
bool evtchn_domain_init(struct domain *d);
/* Frees what evtchn_domain_init() allocated (after evtchn_domain_disconnect()). */
void evtchn_domain_free(struct domain *d);
/*
 * Makes d reachable for peers' channels (once built or rebuilt, before it
 * starts). d is in the domain registry already.
 */
void evtchn_domain_connect(struct domain *d);
/* Makes d unreachable for peers' channels (it dies or restarts). */
void evtchn_domain_disconnect(struct domain *d);
/*
 * For a restart, after evtchn_domain_disconnect() and vcpu_timer_domain_stop():
 * every channel closed (the remote end of an inter-domain one waits unbound
 * for this domain, as in Xen), the shared info back in the hypervisor's page,
 * zeroed, and no callback. The vCPUs' parts are reset with evtchn_vcpu_init().
 * The domain stays unreachable until evtchn_domain_connect().
 */
void evtchn_domain_reset(struct domain *d);
/* v's event state as new (at creation, and at a restart after evtchn_domain_reset()). */
void evtchn_vcpu_init(struct vcpu *v);

/*
 * A static channel end from the plan: local port bound to remote_domid's
 * remote_port; the remote end too if it waits unbound for d (d restarted).
 */
void evtchn_bind_static(struct domain *d, unsigned int port, uint16_t remote_domid,
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
unsigned int evtchn_bind_hypervisor(struct domain *d,
                                    void (*notify)(struct domain *d, unsigned int port));
/* The hypervisor's send on d's port bound to it (any CPU); dropped once d is dying. */
void evtchn_send_from_hypervisor(struct domain *d, unsigned int port);
/* Sends VIRQ_CONSOLE to d if it bound it (serial input arrived). */
void evtchn_raise_virq_console(struct domain *d);
/* Sends v's per-vCPU virq if bound, with v's time refreshed first (on v's CPU). */
void evtchn_send_virq(struct vcpu *v, unsigned int virq);

/* The vector to inject now, or -1: a callback is set and an upcall is pending. */
int evtchn_upcall_vector(struct vcpu *v);
/* Whether v has an event waiting (a blocked vCPU must not sleep). */
bool evtchn_upcall_pending(struct vcpu *v);
/* HVM_PARAM_CALLBACK_IRQ: the callback vector (0 = none); -EINVAL for other kinds. */
int64_t evtchn_set_callback(struct vcpu *v, uint64_t value);
/* The event_channel_op hypercall (hypercall.c dispatches to it). */
int64_t do_event_channel_op(struct vcpu *v, const uint64_t *args);
/*
 * The FIFO ABI's operations (evtchn_fifo.c). EVTCHNOP_init_control switches
 * the domain to the FIFO ABI at its first call, keeping what is pending.
 */
int64_t evtchn_fifo_init_control(struct vcpu *v, uint64_t arg);
int64_t evtchn_fifo_expand_array(struct vcpu *v, uint64_t arg);
int64_t evtchn_fifo_set_priority(struct vcpu *v, uint64_t arg);
/* SCHEDOP_poll: blocks v until one of the ports is pending or the timeout. */
int64_t evtchn_poll(struct vcpu *v, uint64_t arg);

/* For port ABIs: a port of v's became pending (wakes v if it polls). */
void evtchn_port_raised(struct vcpu *v);
/* For port ABIs: marks an upcall pending in vi, v's vcpu_info, and makes v see it soon. */
void evtchn_upcall_raise(struct vcpu *v, struct vcpu_info *vi);

#endif
