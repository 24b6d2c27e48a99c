/* SPDX-License-Identifier: MIT */
/*
 * x86-64 PV guest selectors and virtual address space limits, from Xen's
 * xen/include/public/arch-x86/xen-x86_64.h.
 */
#ifndef TESSERA_PUBLIC_ARCH_X86_XEN_X86_64_H
#define TESSERA_PUBLIC_ARCH_X86_XEN_X86_64_H

#include <stdint.h>

/* Flat ring-3 selectors a 64-bit PV kernel starts with. */
#define FLAT_RING3_CS32 0xe023
#define FLAT_RING3_CS64 0xe033
#define FLAT_RING3_DS32 0xe02b
#define FLAT_RING3_DS64 0x0000
#define FLAT_RING3_SS32 0xe02b
#define FLAT_RING3_SS64 0xe02b

#define FLAT_KERNEL_DS64 FLAT_RING3_DS64
#define FLAT_KERNEL_DS32 FLAT_RING3_DS32
#define FLAT_KERNEL_DS   FLAT_KERNEL_DS64
#define FLAT_KERNEL_CS64 FLAT_RING3_CS64
#define FLAT_KERNEL_CS32 FLAT_RING3_CS32
#define FLAT_KERNEL_CS   FLAT_KERNEL_CS64
#define FLAT_KERNEL_SS64 FLAT_RING3_SS64
#define FLAT_KERNEL_SS32 FLAT_RING3_SS32
#define FLAT_KERNEL_SS   FLAT_KERNEL_SS64

/* The hypervisor owns this part of a PV guest's virtual address space. */
#define HYPERVISOR_VIRT_START 0xFFFF800000000000ull
#define HYPERVISOR_VIRT_END   0xFFFF880000000000ull

/* Page-table entry bits a PV guest's initial tables use. */
#define XEN_PV_PTE_PRESENT  (1ull << 0)
#define XEN_PV_PTE_RW       (1ull << 1)
#define XEN_PV_PTE_USER     (1ull << 2)
#define XEN_PV_PTE_ACCESSED (1ull << 5)
#define XEN_PV_PTE_DIRTY    (1ull << 6)

#endif
