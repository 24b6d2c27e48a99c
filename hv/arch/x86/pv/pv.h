/* SPDX-License-Identifier: MIT */
/*
 * pv/'s private interface. An x86-64 PV domain runs in the hardware
 * back-end's container (docs/decisions.md item 25): pv/ reaches the
 * back-end only through hvm_be and the HVM type's ops, never a vendor's
 * symbol.
 */
#ifndef PV_PV_H
#define PV_PV_H

#include <asm/domain_type.h>
#include <asm/hvm/hvm.h>
#include <asm/x86-defs.h>
#include <hv/domain.h>

static inline struct pv_vcpu *to_pv(struct vcpu *v)
{
    return &v->arch.pv;
}

/* Xen's x86-64 PV hypercall page, with the back-end's call instruction (hypercall_page.c). */
bool pv_hypercall_page_write(struct domain *d, gpaddr_t gpa);

/* An exception the container intercepted (traps.c). */
struct hvm_outcome pv_exception(struct vcpu *v, uint8_t vector, uint32_t error_code,
                                uint64_t fault_addr);

#endif
