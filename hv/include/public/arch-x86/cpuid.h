/* SPDX-License-Identifier: MIT */
/* Xen's hypervisor CPUID leaves, from xen/include/public/arch-x86/cpuid.h. */
#ifndef TESSERA_PUBLIC_ARCH_X86_CPUID_H
#define TESSERA_PUBLIC_ARCH_X86_CPUID_H

/* Guests scan from the first base in steps of XEN_CPUID_BASE_STEP. */
#define XEN_CPUID_FIRST_LEAF 0x40000000u
#define XEN_CPUID_LAST_LEAF  0x40010000u
#define XEN_CPUID_BASE_STEP  0x100u

/* base + 0: EAX max leaf, EBX:ECX:EDX "XenVMMXenVMM". */
#define XEN_CPUID_SIGNATURE_EBX 0x566e6558u /* "XenV" */
#define XEN_CPUID_SIGNATURE_ECX 0x65584d4du /* "MMXe" */
#define XEN_CPUID_SIGNATURE_EDX 0x4d4d566eu /* "nVMM" */

/* base + 1: EAX = major << 16 | minor. */
/* base + 2: EAX = number of hypercall pages, EBX = MSR to write their address to. */
/* base + 3: time leaves (subleaf 0: ECX = TSC kHz). */
/* base + 4: HVM features. */
#define XEN_HVM_CPUID_APIC_ACCESS_VIRT (1u << 0)
#define XEN_HVM_CPUID_X2APIC_VIRT      (1u << 1)
#define XEN_HVM_CPUID_IOMMU_MAPPINGS   (1u << 2)
#define XEN_HVM_CPUID_VCPU_ID_PRESENT  (1u << 3) /* EBX = vcpu id */
#define XEN_HVM_CPUID_DOMID_PRESENT    (1u << 4) /* ECX = domid */
#define XEN_HVM_CPUID_UPCALL_VECTOR    (1u << 6)

/* The hypercall-page MSR Xen reports in leaf base + 2 EBX. */
#define XEN_HYPERCALL_PAGE_MSR 0x40000000u

#endif
