/* SPDX-License-Identifier: MIT */
/*
 * Where a domain's shared info page and its vCPUs' vcpu_info areas are:
 * XENMAPSPACE_shared_info and VCPUOP_register_vcpu_info. Both live in guest
 * frames the guest chose (checked in its P2M, owned by the domain for its
 * whole life), so the guest may change them at any moment: the hypervisor
 * only sets and clears bits atomically there and never trusts what it reads.
 */
#ifndef HV_VCPU_INFO_H
#define HV_VCPU_INFO_H

#include <hv/types.h>

struct domain;
struct vcpu;

/*
 * Host address of guest frame gfn if the hypervisor may keep one of its
 * areas there (shared info, a vcpu_info, a runstate copy), else
 * INVALID_PADDR: only the domain's own writable RAM (P2M_RAM). Never static
 * shared memory (another domain would see the area and could rewrite it
 * under this one's feet) nor the PV console ring the hypervisor serves.
 */
paddr_t guest_area_frame(const struct domain *d, uint64_t gfn);

/* Moves the domain's shared info into guest frame gfn (what is pending moves along). */
int64_t shared_info_map(struct vcpu *v, uint64_t gfn);
/* VCPUOP_register_vcpu_info for target, by v (vcpu_op.c dispatches). */
int64_t vcpu_info_register(struct vcpu *v, struct vcpu *target, uint64_t arg);

#endif
