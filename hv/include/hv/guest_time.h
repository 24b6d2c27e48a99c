/* SPDX-License-Identifier: MIT */
/*
 * Guest time: the vcpu_time_info in each vCPU's vcpu_info (Xen's pvclock:
 * system time, TSC stamp and scale), written as Xen writes it.
 */
#ifndef HV_GUEST_TIME_H
#define HV_GUEST_TIME_H

struct vcpu;

/*
 * Refreshes v's vcpu_time_info (on each schedule-in and upcall); from another
 * CPU than v's, only marks it for v's CPU to refresh before v's next entry
 * (evtchn_upcall_vector()).
 */
void guest_time_update(struct vcpu *v);

#endif
