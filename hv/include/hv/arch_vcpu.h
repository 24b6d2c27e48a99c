/* SPDX-License-Identifier: MIT */
/*
 * The boundary between common code and the virtualisation back-end (SVM
 * today, VMX beside it later). Common code calls the back-end only through
 * arch_virt (one ops table chosen at boot) and never includes a vendor
 * header; each back-end keeps its per-vCPU state behind vcpu->arch.
 */
#ifndef HV_ARCH_VCPU_H
#define HV_ARCH_VCPU_H

#include <hv/types.h>

struct vcpu;
struct db_vcpu_state;
struct vcpu_hvm_context;

/* Guest paging state, for walking the guest's own page tables. */
struct guest_paging {
    uint64_t cr0, cr3, cr4, efer;
    unsigned int cpl;
};

/* x86 general-purpose registers a hypercall or start state reads and writes. */
enum guest_reg {
    GREG_RAX, GREG_RBX, GREG_RCX, GREG_RDX, GREG_RSI, GREG_RDI, GREG_RBP, GREG_RSP,
    GREG_R8, GREG_R9, GREG_R10, GREG_R11, GREG_R12, GREG_R13, GREG_R14, GREG_R15,
    GREG_COUNT
};

struct arch_virt_ops {
    const char *name;
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
     * arch-neutral, in the VMCB's segment attribute form); -EINVAL for a
     * start mode the back-end does not run (PV).
     */
    int (*vcpu_set_start_state)(struct vcpu *v, const struct db_vcpu_state *s);
    /*
     * Runs v on this CPU, handling its exits, until vcpu_must_stop(v) says
     * the scheduler needs the CPU back. Called with interrupts disabled.
     */
    void (*vcpu_run)(struct vcpu *v);
    void (*vcpu_get_paging)(const struct vcpu *v, struct guest_paging *p);
    uint64_t (*vcpu_get_reg)(const struct vcpu *v, enum guest_reg r);
    void (*vcpu_set_reg)(struct vcpu *v, enum guest_reg r, uint64_t value);
    /* Guest TSC = host TSC + this (the guest may write its TSC). */
    uint64_t (*vcpu_tsc_offset)(const struct vcpu *v);
    void (*vcpu_set_tsc_offset)(struct vcpu *v, uint64_t offset);
    /* Bytes of the instruction a guest calls the hypervisor with (hypercall page stubs). */
    const uint8_t *hypercall_insn;
    unsigned int hypercall_insn_len;
};

/*
 * Detects the CPU's virtualisation support and picks the back-end. Returns
 * NULL after printing why when the machine cannot run domains.
 */
const struct arch_virt_ops *arch_virt_init(void);
/* Enables virtualisation on the calling CPU; on every CPU before it runs a vCPU. */
void arch_virt_init_cpu(void);

extern const struct arch_virt_ops *arch_virt;

/*
 * VCPUOP_initialise's vcpu_hvm_context, checked as Xen's
 * arch_set_info_hvm_guest does and translated into the start-state form
 * vcpu_set_start_state loads (x86, shared by the back-ends:
 * hv/arch/x86/hvm_context.c). 0, or -XEN_EINVAL.
 */
int hvm_context_to_start_state(const struct vcpu_hvm_context *ctx, struct db_vcpu_state *st);

#endif
