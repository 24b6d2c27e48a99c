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

struct vcpu;

/* Moves the domain's shared info into guest frame gfn (what is pending moves along). */
int64_t shared_info_map(struct vcpu *v, uint64_t gfn);
/* VCPUOP_register_vcpu_info for target, by v (vcpu_op.c dispatches). */
int64_t vcpu_info_register(struct vcpu *v, struct vcpu *target, uint64_t arg);

#endif
