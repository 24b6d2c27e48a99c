// SPDX-License-Identifier: MIT
/*
 * How a guest finds Xen's interface: the hypervisor CPUID leaves and the
 * hypercall page (hypercall.h).
 */
#include <string.h>
#include <public/arch-x86/cpuid.h>
#include <public/xen.h>
#include <hv/arch_vcpu.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/time.h>

#define XEN_VERSION_MAJOR 4
#define XEN_VERSION_MINOR 14   /* __XEN_INTERFACE_VERSION__ of public/xen.h */
#define XEN_MAX_LEAF_OFFSET 4
#define HYPERCALL_PAGE_STUBS (PAGE_SIZE / XEN_HYPERCALL_STUB_SIZE)

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
    case 1:
        regs[0] = (XEN_VERSION_MAJOR << 16) | XEN_VERSION_MINOR;
        break;
    case 2:
        regs[0] = 1;    /* hypercall pages */
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

/*
 * Each 32-byte stub: mov $nr, %eax; <the back-end's call instruction>; ret,
 * padded with int3. iret (23) is a PV-only call: its stub is ud2, as Xen's.
 * Built once, by the first write of the MSR (the back-end is chosen by then),
 * and only read after: every write copies it, with no lock held.
 */
static uint8_t hypercall_page_template[PAGE_SIZE];
static bool hypercall_page_built;       /* release/acquire with the template */
static spinlock_t hypercall_page_build_lock = SPINLOCK_INIT;

static const uint8_t *hypercall_page(void)
{
    const struct arch_virt_ops *ops = arch_virt;
    unsigned long flags;
    unsigned int nr;

    if (__atomic_load_n(&hypercall_page_built, __ATOMIC_ACQUIRE))
        return hypercall_page_template;
    flags = spin_lock_irqsave(&hypercall_page_build_lock);
    if (!hypercall_page_built) {
        memset(hypercall_page_template, 0xCC, sizeof(hypercall_page_template));
        for (nr = 0; nr < HYPERCALL_PAGE_STUBS; nr++) {
            uint8_t *p = hypercall_page_template + nr * XEN_HYPERCALL_STUB_SIZE;

            if (nr == __HYPERVISOR_iret) {
                p[0] = 0x0F;
                p[1] = 0x0B;
                continue;
            }
            p[0] = 0xB8;
            memcpy(p + 1, &nr, 4);
            memcpy(p + 5, ops->hypercall_insn, ops->hypercall_insn_len);
            p[5 + ops->hypercall_insn_len] = 0xC3;
        }
        __atomic_store_n(&hypercall_page_built, true, __ATOMIC_RELEASE);
    }
    spin_unlock_irqrestore(&hypercall_page_build_lock, flags);
    return hypercall_page_template;
}

bool xen_write_hypercall_page(struct vcpu *v, uint64_t value)
{
    gpaddr_t gpa = value & PAGE_MASK;

    /* Bits 11:0 select a page of a multi-page area; there is one page. */
    if (value & ~PAGE_MASK)
        return false;
    /* Not the domain's RAM: #GP, and no message (a guest must not be able to flood the log). */
    if (copy_to_guest_phys(v->domain, gpa, hypercall_page(), PAGE_SIZE))
        return false;
    v->domain->hypercall_page_gpa = gpa;
    return true;
}
