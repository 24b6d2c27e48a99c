/* SPDX-License-Identifier: MIT */
/*
 * The boundary between common code and the architecture. Common code calls
 * it only through arch_virt (chosen at boot) and never includes a vendor
 * header. On x86 each call goes to the ops of the vCPU's domain type (HVM
 * today, PV later), and HVM's to the hardware back-end chosen from CPUID
 * (SVM today, VMX later); see docs/architecture.md, "Virtualization
 * back-ends and domain types".
 */
#ifndef HV_ARCH_VCPU_H
#define HV_ARCH_VCPU_H

#include <hv/types.h>

struct vcpu;
struct domain;
struct db_vcpu_state;

struct arch_virt_ops {
    /* Per-vCPU state (VMCB ...), in the vCPU's own pages; 0 or -errno. */
    int (*vcpu_create)(struct vcpu *v);
    void (*vcpu_destroy)(struct vcpu *v);
    /*
     * Puts the state back as vcpu_create made it, in the same pages (a
     * restarted domain's next run starts from power-on state). v is on no CPU.
     */
    void (*vcpu_reset)(struct vcpu *v);
    /*
     * Loads the builder's initial register state (domain-builder/vcpu.h:
     * arch-neutral, segment attributes in the 12-bit form); -EINVAL for a
     * start mode the domain's type does not run.
     */
    int (*vcpu_set_start_state)(struct vcpu *v, const struct db_vcpu_state *s);
    /*
     * Runs v on this CPU, handling its exits, until vcpu_must_stop(v) says
     * the scheduler needs the CPU back. Called with interrupts disabled.
     */
    void (*vcpu_run)(struct vcpu *v);
    /* Guest TSC = host TSC + this (the guest may write its TSC). */
    uint64_t (*vcpu_tsc_offset)(const struct vcpu *v);
    void (*vcpu_set_tsc_offset)(struct vcpu *v, uint64_t offset);
    /*
     * VCPUOP_initialise's context, in the form the caller's domain type
     * takes, read from the caller at arg and translated into a start state
     * for vcpu_set_start_state of target (not yet initialised; a type may
     * keep there what a start state does not hold, as PV's trap table):
     * 0, -XEN_EFAULT, or -XEN_EINVAL (refused).
     */
    int (*vcpu_context_read)(struct vcpu *caller, struct vcpu *target, uint64_t arg,
                             struct db_vcpu_state *st);
    /* Writes Xen's hypercall page for d's type at gpa; false if gpa is not d's RAM. */
    bool (*hypercall_page_write)(struct domain *d, gpaddr_t gpa);
    /*
     * Maps the emulated device pages of d's type (x86 HVM: the local APIC)
     * into its P2M, at each build (a restart's P2M reset unmaps them); 0 or -errno.
     */
    int (*domain_map_devices)(struct domain *d);
    /*
     * Hypercall nr as the caller's domain type serves it (multicall's
     * entries): its result; *new_context when it gave the vCPU a whole
     * new context (PV iret) instead.
     */
    int64_t (*hypercall)(struct vcpu *v, uint64_t nr, const uint64_t *args, bool *new_context);
};

/*
 * Detects the CPU's virtualisation support and picks the back-end. Returns
 * NULL after printing why when the machine cannot run domains.
 */
const struct arch_virt_ops *arch_virt_init(void);
/* Enables virtualisation on the calling CPU; on every CPU before it runs a vCPU. */
void arch_virt_init_cpu(void);
/* Interrupts off, no lock held: takes the next interrupt (waiting for it), returns with them off. */
void arch_cpu_idle(void);
/*
 * Interrupts off: if the interrupt controller holds a vector whose request
 * the CPU dropped (an emulator's defect), has it posted again and takes the
 * interrupt. Whether one was.
 */
bool arch_cpu_repost_dropped(void);
/* A new domain's arch part (its type: PV or PVH), before its vCPUs are created. */
void arch_domain_init(struct domain *d, bool pv);

extern const struct arch_virt_ops *arch_virt;

#endif
