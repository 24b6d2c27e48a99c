/* SPDX-License-Identifier: MIT */
/*
 * Guest time: the vcpu_time_info in each vCPU's vcpu_info (Xen's pvclock:
 * system time, TSC stamp and scale), written as Xen writes it.
 */
#ifndef HV_GUEST_TIME_H
#define HV_GUEST_TIME_H

#include <hv/types.h>

struct vcpu;

/*
 * Refreshes v's vcpu_time_info (on each schedule-in and upcall); from another
 * CPU than v's, only marks it for v's CPU to refresh before v's next entry
 * (evtchn_upcall_vector()).
 */
void guest_time_update(struct vcpu *v);
/*
 * VCPUOP_register_vcpu_time_memory_area from v for target (any vCPU of its
 * domain): a copy of target's vcpu_time_info at a guest-virtual address
 * (Linux's vDSO clock), rewritten with it; 0 unregisters. 0, -EFAULT, or
 * -EINVAL for an address that maps no RAM of the domain's own.
 */
int64_t guest_time_area_register(struct vcpu *v, struct vcpu *target, uint64_t arg);

#endif
