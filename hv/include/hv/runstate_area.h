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

/*
 * Where an area's bytes go in the guest's memory (the runstate copy, the
 * vDSO's vcpu_time_info): at most two pieces (it is shorter than a page);
 * len 0 if unused.
 */
struct guest_area_pieces {
    uint8_t *at[2];
    size_t len[2];
};
/*
 * Translates [gva, gva + len) as v's kernel sees it now, once, so that the
 * bytes go where the frames were checked: 0; -EFAULT if a page is not
 * mapped for writing or maps nothing in the P2M; -EINVAL if one maps a page
 * no hypervisor area may be in (guest_area_frame(): shared memory, the
 * console ring, anything but the domain's own RAM).
 */
int guest_area_translate(struct vcpu *v, gvaddr_t gva, size_t len, struct guest_area_pieces *p);
/* Copies len bytes from src to offset off of the translated area. */
void guest_area_copy(const struct guest_area_pieces *p, size_t off, const void *src, size_t len);

/* VCPUOP_register_runstate_memory_area from v for target (v itself or another of its domain). */
int64_t runstate_area_register(struct vcpu *v, struct vcpu *target, uint64_t arg);
/* Rewrites v's registered copy, if any; only on v's CPU, with v off the CPU (between exits). */
void runstate_area_update(struct vcpu *v);
/* Writes info at gva in Xen's 64-bit or 32-bit (compat) layout; 0 or -EFAULT. */
int runstate_to_guest(struct vcpu *v, gvaddr_t gva, const struct vcpu_runstate_info *info,
                      bool compat);

#endif
