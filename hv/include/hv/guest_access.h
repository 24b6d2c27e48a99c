/* SPDX-License-Identifier: MIT */
/*
 * Reading and writing guest memory on behalf of a hypercall or an exit
 * handler. Guest-virtual addresses are translated through the calling vCPU's
 * own page tables (paging off, 32-bit, PAE, 4-level), every table entry and
 * the final address through the domain's P2M; nothing outside the domain's
 * memory is ever touched, and a failed translation is -EFAULT, never a fault
 * in the hypervisor. Lengths are bounded by GUEST_COPY_MAX.
 */
#ifndef HV_GUEST_ACCESS_H
#define HV_GUEST_ACCESS_H

#include <hv/types.h>

struct vcpu;
struct domain;

#define GUEST_COPY_MAX MiB(1)

/* Translation of one guest-virtual address (x86: guest_pt.c). 0 or -EFAULT. */
int guest_virt_to_phys(struct vcpu *v, gvaddr_t gva, bool write, gpaddr_t *gpa);
/*
 * The same as the guest kernel would access it, whatever v's CPL now: for
 * writes the guest registered for its kernel, made outside a hypercall
 * (when v may be in user space).
 */
int guest_kernel_virt_to_phys(struct vcpu *v, gvaddr_t gva, bool write, gpaddr_t *gpa);

int copy_from_guest(struct vcpu *v, void *dst, gvaddr_t gva, size_t len);
int copy_to_guest(struct vcpu *v, gvaddr_t gva, const void *src, size_t len);
/* copy_to_guest() through guest_kernel_virt_to_phys(). */
int copy_to_guest_kernel(struct vcpu *v, gvaddr_t gva, const void *src, size_t len);
int copy_from_guest_phys(struct domain *d, void *dst, gpaddr_t gpa, size_t len);
int copy_to_guest_phys(struct domain *d, gpaddr_t gpa, const void *src, size_t len);

#endif
