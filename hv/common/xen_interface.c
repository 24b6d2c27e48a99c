// SPDX-License-Identifier: MIT
/*
 * How a guest finds Xen's interface: the hypervisor CPUID leaves and the
 * hypercall page (hypercall.h; its stubs are the domain type's).
 */
#include <string.h>
#include <public/arch-x86/cpuid.h>
#include <public/xen.h>
#include <hv/arch_vcpu.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/time.h>

#define XEN_VERSION_MAJOR   4
#define XEN_VERSION_MINOR   14 /* __XEN_INTERFACE_VERSION__ of public/xen.h */
#define XEN_MAX_LEAF_OFFSET 4

bool xen_cpuid_leaf(struct vcpu *v, uint32_t leaf, uint32_t subleaf, uint32_t regs[4])
{
    uint32_t base = XEN_CPUID_FIRST_LEAF;

    if (leaf < base || leaf > base + XEN_MAX_LEAF_OFFSET)
        return false;
    regs[0] = regs[1] = regs[2] = regs[3] = 0;
    switch (leaf - base) {
    case 0:
        regs[0] = base + XEN_MAX_LEAF_OFFSET;
        regs[1] = XEN_CPUID_SIGNATURE_EBX;
        regs[2] = XEN_CPUID_SIGNATURE_ECX;
        regs[3] = XEN_CPUID_SIGNATURE_EDX;
        break;
    case 1: regs[0] = (XEN_VERSION_MAJOR << 16) | XEN_VERSION_MINOR; break;
    case 2:
        regs[0] = 1; /* hypercall pages */
        regs[1] = XEN_HYPERCALL_PAGE_MSR;
        break;
    case 3:
        /* Time: subleaf 0 ECX and subleaf 2 ECX give the guest's TSC rate in kHz. */
        if (subleaf == 0 || subleaf == 2)
            regs[2] = (uint32_t)tsc_khz();
        break;
    case 4:
        regs[0] = XEN_HVM_CPUID_VCPU_ID_PRESENT | XEN_HVM_CPUID_DOMID_PRESENT;
        regs[1] = v->id;
        regs[2] = v->domain->domid;
        break;
    }
    return true;
}

bool xen_is_hypercall_page_msr(uint32_t msr)
{
    return msr == XEN_HYPERCALL_PAGE_MSR;
}

bool xen_write_hypercall_page(struct vcpu *v, uint64_t value)
{
    gpaddr_t gpa = mk_gpaddr(value & PAGE_MASK);

    /* Bits 11:0 select a page of a multi-page area; there is one page. */
    if (value & ~PAGE_MASK)
        return false;
    /* Not the domain's RAM: #GP, and no message (a guest must not be able to flood the log). */
    if (!arch_virt->hypercall_page_write(v->domain, gpa))
        return false;
    v->domain->hypercall_page_gpa = gpa;
    return true;
}
