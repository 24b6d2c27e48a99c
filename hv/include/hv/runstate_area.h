/* SPDX-License-Identifier: MIT */
/*
 * VCPUOP_register_runstate_memory_area: a copy of a vCPU's runstate in its
 * guest's memory (runstate_area.c).
 */
#ifndef HV_RUNSTATE_AREA_H
#define HV_RUNSTATE_AREA_H

#include <hv/types.h>

struct vcpu;
struct vcpu_runstate_info;

/* VCPUOP_register_runstate_memory_area from v for target (v itself or another of its domain). */
int64_t runstate_area_register(struct vcpu *v, struct vcpu *target, uint64_t arg);
/* Rewrites v's registered copy, if any; only on v's CPU, with v off the CPU (between exits). */
void runstate_area_update(struct vcpu *v);
/* Writes info at gva in Xen's 64-bit or 32-bit (compat) layout; 0 or -EFAULT. */
int runstate_to_guest(struct vcpu *v, gvaddr_t gva, const struct vcpu_runstate_info *info,
                      bool compat);

#endif
