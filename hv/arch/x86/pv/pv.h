/* SPDX-License-Identifier: MIT */
/*
 * pv/'s private interface. An x86-64 PV domain runs in the hardware
 * back-end's container (docs/decisions.md item 27): pv/ reaches the
 * back-end only through hvm_be and the HVM type's ops, never a vendor's
 * symbol.
 */
#ifndef PV_PV_H
#define PV_PV_H

#include <public/arch-x86/shared_info.h>
#include <asm/domain_type.h>
#include <asm/hvm/hvm.h>
#include <arch/x86-defs.h>
#include <hv/domain.h>

static inline struct pv_vcpu *to_pv(struct vcpu *v)
{
    return &v->arch.pv;
}

static inline bool pv_canonical(uint64_t va)
{
    return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

/* vcpu_info's evtchn_upcall_mask: events are masked (1) without a vcpu_info. */
static inline uint8_t pv_upcall_mask(const struct vcpu *v)
{
    return v->ev.info ? __atomic_load_n(&v->ev.info->evtchn_upcall_mask, __ATOMIC_RELAXED) : 1;
}

static inline void pv_set_upcall_mask(struct vcpu *v, uint8_t mask)
{
    if (v->ev.info)
        __atomic_store_n(&v->ev.info->evtchn_upcall_mask, mask, __ATOMIC_SEQ_CST);
}

/* Xen's x86-64 PV hypercall page, with the back-end's call instruction (hypercall_page.c). */
bool pv_hypercall_page_write(struct domain *d, gpaddr_t gpa);

/* The PV-only hypercalls, then the common ones (hypercall.c). */
enum hypercall_return pv_hypercall(struct vcpu *v, uint64_t nr, const uint64_t *args,
                                   int64_t *result);
/* HYPERVISOR_set_trap_table, HYPERVISOR_iret, HYPERVISOR_fpu_taskswitch (traps.c). */
int64_t pv_set_trap_table(struct vcpu *v, uint64_t list);
enum hypercall_return pv_iret(struct vcpu *v, int64_t *result);
int64_t pv_fpu_taskswitch(struct vcpu *v, uint64_t set);

/* The PV MMU calls (mm.c). */
int64_t pv_mmu_update(struct vcpu *v, uint64_t reqs, uint64_t count, uint64_t pdone,
                      uint64_t domid);
int64_t pv_update_va_mapping(struct vcpu *v, uint64_t va, uint64_t val, uint64_t flags);
int64_t pv_mmuext_op(struct vcpu *v, uint64_t ops, uint64_t count, uint64_t pdone, uint64_t domid);

/*
 * A PV guest's privileged instruction after its #GP(0), or Xen's forced
 * CPUID after its #UD (emul_priv.c, emul_inv.c): true if emulated, *o then
 * what follows (RIP advanced, or another exception bounced); false leaves
 * the exception to the guest's trap table.
 */
bool pv_emulate(struct vcpu *v, uint8_t vector, uint32_t error_code, struct hvm_outcome *o);
bool pv_emulate_forced_cpuid(struct vcpu *v, struct hvm_outcome *o);

/* The CPUID a PV guest sees (cpuid.c). */
void pv_cpuid(struct vcpu *v, uint32_t leaf, uint32_t subleaf, uint32_t r[4]);

/*
 * RDMSR/WRMSR as Xen's PV emulation answers them (msr.c); false: #GP. FS,
 * GS and the shadow GS base are written through pv_write_segment_base().
 */
bool pv_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val);
bool pv_msr_write(struct vcpu *v, uint32_t msr, uint64_t val);
void pv_write_segment_base(struct vcpu *v, enum guest_reg reg, uint64_t base);

/* An exception the container intercepted (traps.c). */
struct hvm_outcome pv_exception(struct vcpu *v, uint8_t vector, uint32_t error_code,
                                uint64_t fault_addr);

/*
 * A bounce to a guest kernel entry point (traps.c): Xen's x86-64 frame on
 * the kernel stack, { RCX, R11, [DS, ES, FS, GS,] [error code,] RIP, CS,
 * RFLAGS, RSP, SS }, of the context the vCPU has now; from user mode the
 * vCPU switches to kernel mode first and the frame goes on the stack_switch
 * stack. cs and ss are the interrupted context's selectors as the frame
 * shows them (RPL cleared for the kernel's CS, as Xen marks kernel frames).
 */
struct pv_bounce {
    uint64_t handler;
    uint16_t cs, ss;
    bool mask_events; /* an interrupt gate, the event callback: the upcall mask is set */
    bool has_error;
    uint32_t error_code;
    bool failsafe; /* the failsafe callback's frame: the data segment selectors too */
};
/* The selectors of the vCPU's current context, for a frame. */
void pv_bounce_selectors(struct vcpu *v, struct pv_bounce *b);
/* NULL, or why the frame cannot be written (the domain crashes, as on Xen). */
const char *pv_bounce(struct vcpu *v, const struct pv_bounce *b);

/*
 * Guest user mode (user_mode.c): switching between the kernel's and the
 * user's page tables and GS bases; HYPERVISOR_stack_switch.
 */
void pv_toggle_mode(struct vcpu *v);
int64_t pv_stack_switch(struct vcpu *v, uint64_t ss, uint64_t sp);

/* HYPERVISOR_set_callbacks, HYPERVISOR_callback_op, the event upcall (callbacks.c). */
int64_t pv_set_callbacks(struct vcpu *v, uint64_t event, uint64_t failsafe, uint64_t syscall);
int64_t pv_callback_op(struct vcpu *v, uint64_t cmd, uint64_t arg);
void pv_deliver_events(struct vcpu *v);

/* HYPERVISOR_set_segment_base (segments.c). */
int64_t pv_set_segment_base(struct vcpu *v, uint64_t which, uint64_t base);

/* HYPERVISOR_vm_assist (vm_assist.c). */
int64_t pv_vm_assist(uint64_t cmd, uint64_t type);

#endif
