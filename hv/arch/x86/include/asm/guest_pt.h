/* SPDX-License-Identifier: MIT */
/*
 * The guest page walk (guest_pt.c) for instruction fetches: as
 * guest_virt_to_phys() (hv/guest_access.h), and the page must be executable
 * (no NX bit on the way, with EFER.NXE). 0 or -EFAULT.
 */
#ifndef ASM_GUEST_PT_H
#define ASM_GUEST_PT_H

#include <hv/types.h>

struct vcpu;

int guest_fetch_virt_to_phys(struct vcpu *v, gvaddr_t gva, gpaddr_t *gpa);

#endif
