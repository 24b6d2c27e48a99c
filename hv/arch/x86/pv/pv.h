/* SPDX-License-Identifier: MIT */
/*
 * pv/'s private interface. An x86-64 PV domain runs in the hardware
 * back-end's container (docs/decisions.md item 27): pv/ reaches the
 * back-end only through hvm_be and the HVM type's ops, never a vendor's
 * symbol.
 */
#ifndef PV_PV_H
#define PV_PV_H

#include <asm/domain_type.h>
#include <asm/hvm/hvm.h>
#include <arch/x86-defs.h>
#include <hv/domain.h>

static inline struct pv_vcpu *to_pv(struct vcpu *v)
{
    return &v->arch.pv;
}

/* Xen's x86-64 PV hypercall page, with the back-end's call instruction (hypercall_page.c). */
bool pv_hypercall_page_write(struct domain *d, gpaddr_t gpa);

/* The PV-only hypercalls, then the common ones (hypercall.c). */
enum hypercall_return pv_hypercall(struct vcpu *v, uint64_t nr, const uint64_t *args,
                                   int64_t *result);
/* HYPERVISOR_set_trap_table, HYPERVISOR_iret (traps.c). */
int64_t pv_set_trap_table(struct vcpu *v, uint64_t list);
enum hypercall_return pv_iret(struct vcpu *v, int64_t *result);

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

#endif
