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

/* An exception the container intercepted (traps.c). */
struct hvm_outcome pv_exception(struct vcpu *v, uint8_t vector, uint32_t error_code,
                                uint64_t fault_addr);

#endif
