/* SPDX-License-Identifier: MIT */
/*
 * The boot plan: what the launch-control device tree declares, validated as a
 * whole. Built by hl_build_plan() (hyperlaunch.h) into storage the caller
 * provides, then read-only: the domain builder and the hypervisor read this
 * structure and never the tree itself.
 *
 * Everything is in fixed-capacity arrays (limits below; docs/launch-control.md
 * states them as the tree-wide limits). Records refer to each other by index.
 * Strings point into the tree blob, which must stay mapped while the plan is
 * used. Sizes are in bytes unless the field name says otherwise.
 *
 * The structure is large (see HL_PLAN_SIZE_HINT): callers place it in static
 * storage or on the heap, never on a small stack.
 */
#ifndef HYPERLAUNCH_PLAN_H
#define HYPERLAUNCH_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Tree-wide limits. */
#define HL_MAX_DOMAINS          1024u
#define HL_MAX_VCPUS            128u /* per domain */
#define HL_MAX_PCPUS            256u /* physical CPU numbers 0..255 */
#define HL_MAX_POOLS            32u  /* including the default pool 0 */
#define HL_MAX_MODULES          (2u * HL_MAX_DOMAINS + 16u)
#define HL_MAX_EVTCHN_ENDS      2048u        /* each channel has two ends */
#define HL_MAX_SHM_REGIONS      512u         /* distinct xen,shm-id */
#define HL_MAX_SHM_MAPS         1024u        /* (region, domain) pairs */
#define HL_MAX_SHM_PER_DOMAIN   16u          /* regions one domain maps (its shared memory table) */
#define HL_MAX_CMDLINE          65535u       /* a kernel's bootargs (the domain builder's limit) */
#define HL_MAX_AFFINITIES       2048u        /* xen,vcpu nodes with hard-affinity */
#define HL_MAX_DEPS             2048u        /* start dependencies */
#define HL_MAX_EVTCHN_PORT      4095u        /* 2-level event channel ABI, 64-bit guests */
#define HL_MAX_NAME             32u          /* domain name, with its NUL */
#define HL_MAX_MEMORY_KIB       (1ull << 34) /* 16 TiB: memory, mem-min, mem-max */
#define HL_SHM_ID_MAX           16u          /* xen,shm-id, with its NUL (Xen's limit) */
#define HL_SCHED_WEIGHT_DEFAULT 256u         /* tessera,sched-weight: Xen's credit default */
#define HL_SCHED_WEIGHT_MAX     65535u       /* ... and its range, from 1 */

#define HL_NONE                 0xFFFFu /* "no index" in uint16_t index fields */
#define HL_DOMID_FIRST_RESERVED 0x7FF0u /* DOMID_SELF and up */

/* struct hl_domain.type, from Xen's "mode" bits. */
enum hl_domain_type {
    HL_DOMAIN_PVH = 0, /* mode 0: HVM container, no device model */
    HL_DOMAIN_PV = 1,  /* mode bit 0 (PARAVIRT) */
    HL_DOMAIN_HVM = 2, /* mode bit 1 (ENABLE_DM) */
};

/* Xen's capability bits (property "capabilities"). */
#define HL_CAP_CONTROL  (1u << 0)
#define HL_CAP_HARDWARE (1u << 1)
#define HL_CAP_XENSTORE (1u << 2)
#define HL_CAP_ALL      (HL_CAP_CONTROL | HL_CAP_HARDWARE | HL_CAP_XENSTORE)

/* What happens when a domain powers off, reboots or crashes. */
enum hl_action {
    HL_ACTION_DESTROY = 0,      /* the domain is torn down, others keep running */
    HL_ACTION_RESTART = 1,      /* rebuilt from the plan and started again */
    HL_ACTION_HALT_MACHINE = 2, /* the whole machine stops */
};

/*
 * Start dependency kinds: only "after started" is offered; tessera,after-ready
 * is refused until guests have a way to signal readiness (docs/decisions.md).
 */
enum hl_dep_kind {
    HL_DEP_STARTED = 0, /* start after the other domain has been started */
};

enum hl_module_kind {
    HL_MODULE_KERNEL = 0,
    HL_MODULE_RAMDISK = 1,
    HL_MODULE_OTHER = 2, /* e.g. under the config node */
};

/* Where a module's bytes are. */
enum hl_module_source {
    HL_MODSRC_REG = 0,   /* reg = <addr size>: physical memory (loader-filled) */
    HL_MODSRC_FILE = 1,  /* xen,uefi-binary without reg: host only, size from the file */
    HL_MODSRC_INDEX = 2, /* module-index into the caller's boot module list */
};

struct hl_module {
    uint8_t kind;            /* enum hl_module_kind */
    uint8_t source;          /* enum hl_module_source */
    uint16_t domain;         /* owning domain index, HL_NONE for config modules */
    uint32_t index;          /* module-index when source == HL_MODSRC_INDEX */
    uint64_t base;           /* physical address (0 for HL_MODSRC_FILE) */
    uint64_t size;           /* bytes */
    const char *uefi_binary; /* volume-relative file name, or NULL */
    const char *bootargs;    /* command line given on this node, or NULL */
    int32_t node;            /* tree offset, for error reports only */
};

typedef struct {
    uint64_t bits[HL_MAX_PCPUS / 64];
} hl_cpumask_t;

static inline bool hl_cpumask_test(const hl_cpumask_t *m, unsigned cpu)
{
    return cpu < HL_MAX_PCPUS && ((m->bits[cpu / 64] >> (cpu % 64)) & 1u);
}

struct hl_pool {
    const char *name;  /* node name; "default" for an implicit pool 0 */
    const char *sched; /* cpupool-sched, or NULL = the hypervisor's default */
    hl_cpumask_t cpus; /* for an implicit pool 0: the CPUs no pool names */
    bool implicit;     /* pool 0 not declared in the tree */
    int32_t node;      /* tree offset, -1 if implicit */
};

/* A vCPU pinned with a xen,vcpu node. vCPUs without one run on their pool's CPUs. */
struct hl_affinity {
    uint16_t domain;
    uint16_t vcpu;
    hl_cpumask_t hard;
    int32_t node;
};

/* One end of a static event channel; the other end is ends[peer]. */
struct hl_evtchn_end {
    uint16_t domain;
    uint16_t peer;           /* index in hl_plan.evtchns */
    uint32_t port;           /* local port, 1..HL_MAX_EVTCHN_PORT */
    uint32_t phandle;        /* this node's phandle (parse-time link) */
    uint32_t remote_phandle; /* the remote end's phandle (parse-time link) */
    int32_t node;
};

/* A static shared memory region: every domain that maps it has an hl_shm_map. */
struct hl_shm_region {
    const char *id;     /* xen,shm-id */
    uint64_t host_base; /* host-physical address */
    uint64_t size;
    uint16_t owner; /* domain index, HL_NONE = owned by the hypervisor */
};

struct hl_shm_map {
    uint16_t region; /* index in hl_plan.shm_regions */
    uint16_t domain;
    bool owner;          /* role = "owner" */
    bool read_only;      /* tessera,access = "ro" (borrowers only) */
    uint64_t guest_base; /* guest-physical address */
    int32_t node;
};

struct hl_dep {
    uint16_t domain;  /* the domain depended on */
    uint8_t kind;     /* enum hl_dep_kind */
    uint32_t phandle; /* parse-time link */
};

/* Per-domain CPUID policy: bit i refers to hl_cpuid_features()[i]. */
struct hl_cpuid_policy {
    uint64_t hide;
    uint64_t force;
};

struct hl_domain {
    const char *name; /* tessera,name, else the node name */
    uint16_t domid;
    uint8_t type;           /* enum hl_domain_type */
    uint8_t console_serial; /* 1: output goes to the serial console */
    uint32_t capabilities;  /* HL_CAP_* */
    uint32_t vcpus;
    uint64_t memory_kib; /* initial memory */
    uint64_t mem_min_kib;
    uint64_t mem_max_kib;
    uint64_t p2m_pool_kib; /* xen,domain-p2m-mem-mb or Xen's default formula */
    uint16_t pool;         /* index in hl_plan.pools */
    uint16_t sched_weight; /* tessera,sched-weight: 1..65535, each vCPU's share */
    uint16_t sched_cap;    /* tessera,sched-cap: % of one CPU for the domain, 0 = none */
    uint16_t kernel;       /* index in hl_plan.modules */
    uint16_t ramdisk;      /* index in hl_plan.modules, or HL_NONE */
    uint8_t on_poweroff;   /* enum hl_action */
    uint8_t on_reboot;
    uint8_t on_crash;
    bool unmapped_crash; /* tessera,unmapped-access = "crash" (default "ignore") */
    /* tessera,ram-clear = "before-start" (default "lazy"); always for a PV domain */
    bool ram_clear_before_start;
    uint16_t dep_first; /* hl_plan.deps[dep_first .. dep_first + dep_count) */
    uint16_t dep_count;
    const char *bootargs; /* kernel command line (kernel node bootargs) */
    struct hl_cpuid_policy cpuid;
    bool domid_auto;  /* domid was not given; assigned by the validator */
    uint32_t phandle; /* the node's phandle, 0 if none (parse-time link) */
    int32_t node;
};

struct hl_plan {
    bool valid;              /* set only when validation found no error */
    const char *hv_bootargs; /* config node bootargs, or NULL */
    uint16_t console_input;  /* domain owning serial input at boot, HL_NONE = none */

    uint32_t nr_domains;
    uint32_t nr_modules;
    uint32_t nr_pools;
    uint32_t nr_affinities;
    uint32_t nr_evtchns;
    uint32_t nr_shm_regions;
    uint32_t nr_shm_maps;
    uint32_t nr_deps;

    /* Domain indices in an order that satisfies every dependency. */
    uint16_t start_order[HL_MAX_DOMAINS];

    struct hl_domain domains[HL_MAX_DOMAINS];
    struct hl_module modules[HL_MAX_MODULES];
    struct hl_pool pools[HL_MAX_POOLS];
    struct hl_affinity affinities[HL_MAX_AFFINITIES];
    struct hl_evtchn_end evtchns[HL_MAX_EVTCHN_ENDS];
    struct hl_shm_region shm_regions[HL_MAX_SHM_REGIONS];
    struct hl_shm_map shm_maps[HL_MAX_SHM_MAPS];
    struct hl_dep deps[HL_MAX_DEPS];
};

/* A CPUID feature a policy can hide or force (Xen's feature names). */
enum hl_cpuid_reg {
    HL_CPUID_EAX,
    HL_CPUID_EBX,
    HL_CPUID_ECX,
    HL_CPUID_EDX
};

struct hl_cpuid_feature {
    const char *name; /* e.g. "virt-ssbd" */
    uint32_t leaf;
    uint32_t subleaf;
    uint8_t reg; /* enum hl_cpuid_reg */
    uint8_t bit;
};

/* The feature table; *count receives its length (at most 64). */
const struct hl_cpuid_feature *hl_cpuid_features(unsigned *count);

#endif
