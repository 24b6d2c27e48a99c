/* SPDX-License-Identifier: MIT */
/*
 * Domains and their vCPUs: the machine-independent part. The architecture's
 * part is embedded, typed: vcpu->arch and domain->arch (asm/domain.h, reached
 * from common code only through arch_vcpu.h); the nested page tables hang
 * off domain->p2m (see p2m.h).
 */
#ifndef HV_DOMAIN_H
#define HV_DOMAIN_H

#include <hv/types.h>
#include <hv/spinlock.h>
#include <hv/timer.h>
#include <hv/dom_console.h>
#include <hv/evtchn.h>
#include <hv/sched_vtime.h>
#include <hv/cpuid_policy.h>
#include <hv/vcpu_timer.h>
#include <asm/domain.h>

struct p2m;
struct domain;
struct sched_cpu;
struct sched_pool;

#define DOMAIN_NAME_MAX   32 /* with its NUL, as the plan's names */
#define DOMAIN_MAX_VCPUS  128
#define DOMAIN_MEMMAP_MAX 32 /* as the builder's DB_E820_MAX */
/*
 * A domain restarted this many times within this many seconds is not
 * restarted again but destroyed (systemd's default StartLimitBurst and
 * StartLimitIntervalSec): a domain that fails at once cannot loop forever.
 */
#define DOMAIN_RESTART_BURST      5
#define DOMAIN_RESTART_INTERVAL_S 10

enum vcpu_state {
    VCPU_DOWN,     /* not started (or brought down) */
    VCPU_RUNNABLE, /* on a run queue or running */
    VCPU_BLOCKED,  /* waits for an event (HLT, sched_op block) */
    VCPU_DEAD,     /* its domain is being destroyed; never runs again */
};

struct vcpu {
    struct domain *domain;
    unsigned int id;
    volatile enum vcpu_state state;
    bool initialised;       /* has a start state (vCPU 0: the builder's; else VCPUOP_initialise) */
    unsigned int pcpu;      /* the CPU whose run queue holds it */
    struct vtime_entity vt; /* the time-sliced scheduler's state and queue link */
    bool on_runqueue;
    volatile bool running; /* a CPU is inside arch vcpu_run for it */
    struct arch_vcpu arch; /* the domain type's and back-end's state */
    bool hypercall_64bit;  /* the current hypercall comes from 64-bit code */
    struct vcpu_events ev;
    struct vcpu_timers timers;
    uint64_t exits; /* VM exits taken, for reports */
    /* VCPUOP_get_runstate_info: RUNSTATE_* and ns in each (under the pool lock). */
    struct {
        unsigned int state;
        uint64_t entry_ns;
        uint64_t time_ns[4];
    } runstate;
    /*
     * VCPUOP_register_runstate_memory_area: where v's CPU copies its runstate
     * at each switch in and out (runstate_area.c); gva 0 = none. A raw
     * guest-virtual address (gvaddr_t's value): it is read and written atomically.
     */
    struct {
        uint64_t gva;
        bool compat; /* Xen's 32-bit layout (registered from 32-bit code) */
    } runstate_area;
};

/* One range of the guest's memory map (e820 types). */
struct domain_memmap_entry {
    uint64_t addr, size;
    uint32_t type;
};

enum domain_state {
    DOMAIN_BUILT, /* memory and start state ready, not started */
    DOMAIN_RUNNING,
    DOMAIN_RESTARTING, /* being scrubbed and rebuilt, in steps on its vCPU 0 */
    DOMAIN_DYING,      /* shut down; vCPUs leaving their CPUs */
    DOMAIN_DEAD,       /* every resource returned */
};

/* Its share of CPU time (tessera,sched-weight and -cap); time-sliced pools only. */
struct domain_sched {
    uint32_t weight;            /* each vCPU's, 1..65535 */
    uint32_t cap;               /* percent of one CPU for all its vCPUs, 0 = none */
    struct vtime_budget budget; /* the cap's, shared by its vCPUs */
};

/* What a domain does on each kind of shutdown (values of enum hl_action), and what it sees. */
struct domain_policy {
    uint8_t on_poweroff, on_reboot, on_crash;
    bool console_serial;       /* output on the serial line (else only its log) */
    struct cpuid_policy cpuid; /* tessera,cpuid-hide / -force */
    bool unmapped_crash;       /* tessera,unmapped-access = "crash" */
};

struct domain {
    unsigned int index; /* position in the plan */
    uint16_t domid;
    char name[DOMAIN_NAME_MAX];
    volatile enum domain_state state;
    struct domain_policy policy;
    struct domain_sched sched;
    uint64_t start_ns; /* now_ns() when it started, for its CPU share */
    spinlock_t lock;   /* state changes, shutdown */
    unsigned int nr_vcpus;
    struct vcpu *vcpus[DOMAIN_MAX_VCPUS];
    volatile unsigned int vcpus_on_cpu; /* vCPUs not yet off their CPUs while dying */
    struct p2m *p2m;
    uint64_t ram_bytes;
    unsigned int nr_memmap; /* the map the builder gave the guest */
    struct domain_memmap_entry memmap[DOMAIN_MEMMAP_MAX];
    int shutdown_reason;         /* SHUTDOWN_*, or -1 while running */
    uint8_t shutdown_action;     /* enum hl_action chosen by the policy */
    gpaddr_t hypercall_page_gpa; /* last address written to the hypercall MSR */
    unsigned int restarts;       /* by its restart policy, since boot */
    /*
     * Restart n at n % BURST, on the domain's up-time clock, which stops from
     * a restart's start to its next first instruction.
     */
    uint64_t restart_ns[DOMAIN_RESTART_BURST];
    uint64_t restart_began_ns; /* now_ns() at the restart under way, else 0 */
    uint64_t restarting_ns;    /* time from restarts to first instructions, since boot */
    struct dom_console console;
    struct domain_events events;
    struct arch_domain arch; /* its type (HVM/PVH ...) */
};

/*
 * Allocates a domain with nr_vcpus vCPUs (back-end state included) and its
 * P2M pool of p2m_pool_bytes, PV (pv) or PVH. NULL after printing why.
 */
struct domain *domain_create(unsigned int index, uint16_t domid, const char *name, bool pv,
                             unsigned int nr_vcpus, uint64_t p2m_pool_bytes,
                             const struct domain_policy *policy);
/*
 * Returns everything a domain owns to the page allocator (built and not
 * started since, or dead). A dead domain's end waits for the other CPUs
 * (vcpu_timer_domain_stop()): no spinlock may be held.
 */
void domain_free(struct domain *d);
/*
 * For a restart: puts a dead domain back to just after domain_create(),
 * keeping every page it has: its RAM (still mapped where it was, its scrub
 * started: domain_restart_step() zeroes it), P2M pool (every other mapping
 * undone), vCPUs (power-on state, on no run queue, each remembering the CPU
 * it ran on), event channels (closed) and console (its log kept). The
 * domain stays in the registry, unreachable by peers' channels. Waits for
 * the other CPUs: no spinlock held.
 */
void domain_reset(struct domain *d);

/* Makes a built domain's vCPU 0 runnable. */
void domain_start(struct domain *d);

/*
 * A domain asked to stop (sched_op shutdown) or must stop (triple fault,
 * unhandled exit): applies its policy. Safe from any CPU, idempotent; the
 * calling vCPU leaves its CPU at its next check.
 */
void domain_shutdown(struct domain *d, int reason);
/* domain_shutdown(SHUTDOWN_crash) with a line saying why. */
void domain_crash(struct domain *d, const char *fmt, ...) __printf(2, 3);

/* Called by the scheduler when a dying domain's vCPU left its CPU for good. */
void domain_vcpu_gone(struct vcpu *v);

/*
 * A restart, in steps (domains.c), so that a large domain's scrub never
 * holds a CPU for long and is charged to the domain. domain_restart_begin()
 * resets the dead domain d (domain_reset()) and puts its vCPUs back on
 * their CPUs (false, said why, if it could not: d can only be freed); no
 * spinlock may be held. Then, while d is DOMAIN_RESTARTING, its vCPU 0 runs
 * domain_restart_step() instead of the guest, with interrupts on and other
 * vCPUs scheduled between steps: one step of the scrub, or the rebuild from
 * the domain's spec and the loader's images (which stay in memory) once the
 * scrub is done.
 */
enum restart_step {
    RESTART_MORE,
    RESTART_DONE,
    RESTART_FAILED
};
bool domain_restart_begin(struct domain *d);
enum restart_step domain_restart_step(struct domain *d);

/*
 * The scheduling loop's work for vCPU 0 of a DOMAIN_RESTARTING domain
 * instead of running it: one step of its restart; whether more remain.
 * When the last is done the domain runs (or, if it could not be rebuilt,
 * dies and is destroyed).
 */
bool domain_restart_run(struct domain *d);
/* Its vCPU 0 enters the guest for the first time since it was (re)built. */
void domain_first_entry(struct domain *d);

/*
 * For a CPU of pool with nothing to run: clears a bounded piece
 * (IDLE_CLEAR_BYTES) of the RAM of one of the pool's domains still waiting to
 * be cleared (p2m_populate_ram_lazy()), with interrupts off; false if no
 * such domain's is. Between two calls the CPU looks at its run queue, so a
 * vCPU woken meanwhile waits for one piece.
 */
bool domain_clear_idle_step(const struct sched_pool *pool);

#endif
