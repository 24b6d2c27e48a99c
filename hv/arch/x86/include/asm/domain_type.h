/* SPDX-License-Identifier: MIT */
/*
 * Domain types: what differs between an HVM/PVH domain (hvm/) and an x86-64
 * PV one (pv/), so both kinds run side by side, even on one CPU. Both run in
 * the hardware back-end's container (a PV domain's is set up for its ring-3
 * kernel: docs/decisions.md item 27). Each domain points at its type's ops
 * (d->arch.type); the common code's arch_virt (hv/arch_vcpu.h) forwards to
 * them, and hvm/'s exit dispatch asks them what only the type knows.
 */
#ifndef ASM_DOMAIN_TYPE_H
#define ASM_DOMAIN_TYPE_H

#include <hv/types.h>

struct vcpu;
struct domain;
struct db_vcpu_state;
struct hvm_outcome;

/* Guest paging state, for walking the guest's own page tables (guest_pt.c). */
struct guest_paging {
    uint64_t cr0, cr3, cr4, efer;
    unsigned int cpl;
};

/* What a hypercall left for the guest: a result for RAX, or a whole new context (PV iret). */
enum hypercall_return {
    HYPERCALL_RESULT,
    HYPERCALL_NEW_CONTEXT,
};

struct domain_type_ops {
    const char *name;
    int (*vcpu_create)(struct vcpu *v);
    void (*vcpu_destroy)(struct vcpu *v);
    void (*vcpu_reset)(struct vcpu *v);
    int (*vcpu_set_start_state)(struct vcpu *v, const struct db_vcpu_state *s);
    void (*vcpu_run)(struct vcpu *v);
    void (*vcpu_get_paging)(const struct vcpu *v, struct guest_paging *p);
    uint64_t (*vcpu_tsc_offset)(const struct vcpu *v);
    void (*vcpu_set_tsc_offset)(struct vcpu *v, uint64_t offset);
    /*
     * VCPUOP_initialise's context, in the type's form (HVM: vcpu_hvm_context),
     * read from the caller's memory at arg and translated into a start state.
     * 0, -XEN_EFAULT, or -XEN_EINVAL for a context the type refuses.
     */
    int (*vcpu_context_read)(struct vcpu *caller, struct vcpu *target, uint64_t arg,
                             struct db_vcpu_state *st);
    /* Fills the page of Xen's hypercall stubs at gpa; false if it is not the domain's RAM. */
    bool (*hypercall_page_write)(struct domain *d, gpaddr_t gpa);
    /* Maps the type's emulated device pages into d's P2M; 0 or -errno. */
    int (*domain_map_devices)(struct domain *d);
    /* Hypercall nr from the guest kernel: the type's own calls, then the common ones. */
    enum hypercall_return (*hypercall)(struct vcpu *v, uint64_t nr, const uint64_t *args,
                                       int64_t *result);
    /* Whether the vCPU runs its guest kernel, which alone may make hypercalls. */
    bool (*in_guest_kernel)(const struct vcpu *v);
    /* EAX..EDX of CPUID leaf.subleaf as the type's guests see it (HVM: hvm/cpuid.c). */
    void (*cpuid)(struct vcpu *v, uint32_t leaf, uint32_t subleaf, uint32_t r[4]);
    /*
     * An exception the guest raised that the container intercepted (vector,
     * error code, and for #PF the faulting address): what happens to it.
     */
    struct hvm_outcome (*exception)(struct vcpu *v, uint8_t vector, uint32_t error_code,
                                    uint64_t fault_addr);
    /*
     * Before every entry: a type whose guests take events through a
     * callback rather than an interrupt vector (PV) delivers them here;
     * NULL for HVM, whose upcall is the callback vector.
     */
    void (*deliver_events)(struct vcpu *v);
};

/* HVM and PVH domains (hvm/domain.c). */
extern const struct domain_type_ops hvm_domain_type;
/* x86-64 PV domains (pv/domain.c). */
extern const struct domain_type_ops pv_domain_type;

#endif
