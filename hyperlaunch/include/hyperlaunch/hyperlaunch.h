/* SPDX-License-Identifier: MIT */
/*
 * Launch-control device tree -> boot plan: the parse/validate API.
 *
 * Freestanding: no allocation, no I/O. The caller owns the plan storage and
 * receives every diagnostic through a callback, so the same code runs in the
 * hypervisor (printk) and in the `tessera` tool (stderr).
 *
 * Use in the hypervisor:
 *
 *     static struct hl_plan plan;               // ~0.5 MiB, in .bss
 *     struct hl_input in = {
 *         .fdt = tree, .fdt_size = bootinfo->launch_tree_size,
 *         .machine = { .cpus = online_cpus, .ram_bytes = free_ram },
 *         .report = print_diag,                 // printk the line
 *     };
 *     if (hl_build_plan(&in, &plan) != 0)       // number of errors
 *         machine_power_off(HV_EXIT_FAILURE);   // no domain is built
 *
 *     static void print_diag(void *ctx, const struct hl_diag *d) {
 *         char line[HL_DIAG_LINE_MAX];
 *         hl_diag_format(d, line, sizeof(line));
 *         printk("%s\n", line);
 *     }
 *
 * The whole tree is checked before hl_build_plan returns; every problem is
 * reported, not only the first. plan->valid is true only with zero errors,
 * and only a valid plan may be built.
 */
#ifndef HYPERLAUNCH_HYPERLAUNCH_H
#define HYPERLAUNCH_HYPERLAUNCH_H

#include <hyperlaunch/plan.h>

enum hl_severity {
    HL_WARNING = 0,
    HL_ERROR = 1,
};

/* Diagnostic codes; hl_diag_name() gives a stable identifier for each. */
enum hl_code {
    /* The blob and the top level */
    HL_E_BAD_BLOB,           /* not a well-formed FDT */
    HL_E_NO_HYPERVISOR_NODE, /* neither /chosen/hypervisor nor domains under /chosen */
    HL_E_BAD_COMPATIBLE,     /* node has the wrong or no compatible */
    HL_E_UNKNOWN_NODE,       /* unknown compatible (error) */
    HL_W_UNKNOWN_NODE,       /* unknown vendor node, ignored (warning) */
    HL_E_UNKNOWN_PROPERTY,
    HL_W_UNKNOWN_PROPERTY,
    HL_E_BAD_TYPE,  /* wrong size / not a string / ... */
    HL_E_BAD_VALUE, /* a value outside the allowed set or range */
    HL_E_MISSING_PROPERTY,
    HL_E_TOO_MANY, /* a tree-wide limit exceeded */
    HL_E_NO_DOMAINS,
    /* Domains */
    HL_E_DOMID_RESERVED,
    HL_E_DOMID_DUPLICATE,
    HL_E_NAME_DUPLICATE,
    HL_E_MODE_PV_DM,
    HL_W_MODE_LONG,
    HL_E_MODE_UNSUPPORTED, /* PV or HVM: only PVH domains run today */
    HL_W_CAP_UNKNOWN,
    HL_E_CAP_DUPLICATE,
    HL_E_MEM_BOUNDS,    /* mem-min <= memory <= mem-max violated */
    HL_E_MEM_TOO_SMALL, /* smaller than the images it loads */
    HL_E_MEM_MACHINE,   /* totals larger than the machine */
    HL_W_IGNORED,       /* a Xen property Tessera does not use */
    /* Modules */
    HL_E_NO_KERNEL,
    HL_E_TWO_KERNELS,
    HL_E_TWO_RAMDISKS,
    HL_E_MODULE_LOCATION, /* none or more than one location */
    HL_E_MODULE_INDEX_UNSUPPORTED,
    HL_E_MODULE_MISSING,
    HL_E_MODULE_USED_TWICE,
    HL_E_MODULE_FILE,       /* xen,uefi-binary: a bad file name */
    HL_E_MODULE_NOT_LOADED, /* reg alone where the loader loads modules by file name */
    /* CPU pools and affinity */
    HL_E_CPU_NOT_PRESENT,
    HL_E_CPU_TWO_POOLS,
    HL_E_POOL_EMPTY,
    HL_E_POOL_UNKNOWN_SCHED,
    HL_E_BAD_REFERENCE, /* a phandle that does not point at the right node */
    HL_E_VCPU_RANGE,
    HL_E_VCPU_DUPLICATE,
    HL_E_AFFINITY_OUTSIDE_POOL,
    HL_E_CPULIST,
    HL_E_SCHED_PARTITIONED, /* weight or cap for a domain of a "null" pool */
    HL_E_VCPU_NO_CPU,       /* a "null" pool's CPUs taken before this vCPU's turn */
    /* Event channels */
    HL_E_EVTCHN_UNPAIRED,
    HL_E_EVTCHN_PORT_DUPLICATE,
    /* Shared memory */
    HL_E_SHM_OVERLAP,
    HL_E_SHM_CONFLICT, /* same id, different host address or size */
    HL_E_SHM_TWO_OWNERS,
    HL_E_SHM_ALIGN,
    HL_E_SHM_GUEST_OVERLAP,
    HL_E_SHM_OWNER_READ_ONLY,
    HL_E_SHM_NOT_RAM, /* a host range outside the machine's free RAM */
    /* Policies, start order, console, CPUID */
    HL_E_DEP_CYCLE,
    HL_E_DEP_SELF,
    HL_E_NOT_OFFERED, /* in the binding's namespace, deliberately not offered */
    HL_E_CONSOLE_INPUT,
    HL_E_CPUID_FEATURE,
    HL_E_CPUID_BOTH,
    HL_E_CPUID_FORCE,
    HL_CODE_COUNT
};

#define HL_DIAG_PATH_MAX 192
#define HL_DIAG_TEXT_MAX 160
#define HL_DIAG_LINE_MAX 640

struct hl_diag {
    enum hl_severity severity;
    enum hl_code code;
    char path[HL_DIAG_PATH_MAX];     /* node path, "/" for the tree as a whole */
    const char *property;            /* NULL when about the node itself */
    char expected[HL_DIAG_TEXT_MAX]; /* what the binding wants ("" if n/a) */
    char found[HL_DIAG_TEXT_MAX];    /* what the tree has ("" if n/a) */
    char other[HL_DIAG_PATH_MAX];    /* a related node path ("" if none) */
    char domain[HL_MAX_NAME];        /* tessera,name of the domain the node is in,
                                        when the path does not say it ("" if none) */
    char hint[HL_DIAG_TEXT_MAX];     /* "did you mean ...", Arm-only, ... ("" if none) */
};

/* What the caller knows about the machine; 0 = unknown (checks skipped). */
struct hl_machine {
    uint32_t cpus;      /* CPUs present, numbered 0..cpus-1 */
    uint64_t ram_bytes; /* RAM available to domains */
    /*
     * CPUID features (bits over hl_cpuid_features()) that tessera,cpuid-force
     * may name on this machine, and those its CPU lacks; checked only when
     * cpuid_known (in the hypervisor, which asks the CPU).
     */
    bool cpuid_known;
    uint64_t cpuid_forceable;
    uint64_t cpuid_absent;
};

/* A boot loader's module list, for module-index (NULL on UEFI). */
struct hl_boot_module {
    uint64_t base;
    uint64_t size;
};

struct hl_input {
    const void *fdt;
    size_t fdt_size; /* bytes readable at fdt (>= totalsize) */
    struct hl_machine machine;
    const struct hl_boot_module *boot_modules;
    uint32_t nr_boot_modules;
    /*
     * The boot loader loads the modules itself (the UEFI loader each
     * xen,uefi-binary, writing its reg; multiboot2 numbered modules), so a
     * module located by reg alone was not loaded by it: refused.
     */
    bool modules_by_file;
    /*
     * Whether [base, base + size) is free RAM the hypervisor can give to
     * static shared memory; NULL: the machine's RAM map is unknown (not
     * checked). The hypervisor asks its page allocator, the tool a map.
     */
    bool (*ram_free)(void *ctx, uint64_t base, uint64_t size);
    /*
     * Host only: size of a xen,uefi-binary file for a module without reg.
     * Returns 0 and sets *size if found. NULL: such modules are an error
     * (in the hypervisor the loader has filled every reg).
     */
    int (*locate_file)(void *ctx, const char *name, uint64_t *size);
    /* Receives each diagnostic; may be NULL. */
    void (*report)(void *ctx, const struct hl_diag *diag);
    void *ctx;
};

/*
 * The hypervisor's own memory for a domain, beside its memory and P2M pool
 * (docs/launch-control.md, "What the machine's RAM is"): one estimate that
 * the validator adds to the RAM budget and the hypervisor checks against
 * what each domain it builds really took.
 *   HL_HV_DOMAIN_BYTES   the domain structure (60 KiB today, a 64 KiB
 *                        block), its P2M structure, its event page, and the
 *                        fixed part of its spec (the plan kept for restarts)
 *   HL_HV_VCPU_BYTES     per vCPU: the vCPU structure, its SVM state and
 *                        VMCB (a page each), its FPU/XSAVE area (at most
 *                        16 KiB: the host's XSAVE size) and its affinity
 *   twice the spec's variable part: its shared memory and event channel
 *   entries and its command lines (the spec is a power-of-two block)
 */
#define HL_HV_DOMAIN_BYTES (96u * 1024)
#define HL_HV_VCPU_BYTES   (32u * 1024)
#define HL_HV_SHM_BYTES    64u /* per shared memory region the domain maps */
#define HL_HV_EVTCHN_BYTES 16u /* per static event channel end */
uint64_t hl_hv_domain_bytes(const struct hl_plan *plan, uint32_t domain);

/*
 * Parses and validates the whole tree into *plan (fully overwritten).
 * Returns the number of errors (0: plan->valid is true). Warnings are
 * reported but do not count.
 */
unsigned hl_build_plan(const struct hl_input *in, struct hl_plan *plan);

/*
 * The one-line text of a diagnostic:
 *   error: /chosen/hypervisor/domain@2: property "domid": duplicate domid 1 (also
 *   used by /chosen/hypervisor/domain@1)          <- one line, wrapped here
 * Always NUL-terminates (truncating if needed); returns the length written.
 */
size_t hl_diag_format(const struct hl_diag *diag, char *buf, size_t size);

/* Stable identifier of a code, e.g. "domid-duplicate". */
const char *hl_diag_name(enum hl_code code);

/* Names of enum values, for printing a plan. */
const char *hl_domain_type_name(enum hl_domain_type type);
const char *hl_action_name(enum hl_action action);
const char *hl_dep_kind_name(enum hl_dep_kind kind);

#endif
