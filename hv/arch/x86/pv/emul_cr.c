// SPDX-License-Identifier: MIT
/*
 * MOV to a control register and XSETBV from a PV guest kernel, emulated
 * after their #GP (emul_priv.c decodes them) as Xen's emul-priv-op.c does:
 *
 *   CR0     only TS may change (fpu_taskswitch); any other bit: #GP
 *   CR3     the kernel's page tables at that frame, as MMUEXT_NEW_BASEPTR
 *           (Xen's new_guest_cr3()); a frame that is not its RAM: #GP
 *   CR4     never refused: as Xen's pv_fixup_guest_cr4(), the guest sets
 *           the bits it controls that its CPUID offers (DE, FSGSBASE,
 *           OSXSAVE), the rest is the hypervisor's and stays (PAE,
 *           OSFXSR, OSXMMEXCPT). TSD, which Xen also leaves to the guest,
 *           is dropped: the hypervisor does not emulate the kernel's
 *           RDTSC that it would make fault at CPL 3
 *   XSETBV  #UD without CR4.OSXSAVE; XCR0 only, a value Xen's checks
 *           accept within the components the PV CPUID view offers (leaf
 *           0xD); else #GP
 *
 * The container's CR4 is the guest's view of it (MOV from CR4 reads it).
 */
#include <asm/guest_cpuid.h>
#include "pv.h"

#define CPUID_1_EDX_DE       X86_BIT(2)
#define CPUID_7_EBX_FSGSBASE X86_BIT(0)
#define CR4_DE               X86_BIT(3)

/* The CR4 bits the guest's CPUID lets it set. */
static uint64_t cr4_guest_bits(struct vcpu *v)
{
    uint32_t l1[4], l7[4];
    uint64_t bits = 0;

    pv_cpuid(v, 1, 0, l1);
    pv_cpuid(v, 7, 0, l7);
    if (l1[D] & CPUID_1_EDX_DE)
        bits |= CR4_DE;
    if (l1[C] & CPUID_1_ECX_XSAVE)
        bits |= X86_CR4_OSXSAVE;
    if (l7[B] & CPUID_7_EBX_FSGSBASE)
        bits |= X86_CR4_FSGSBASE;
    return bits;
}

bool pv_write_cr(struct vcpu *v, unsigned int cr, uint64_t value)
{
    uint64_t cur;

    switch (cr) {
    case 0:
        cur = hvm_be->get_reg(v, GREG_CR0);
        if ((value ^ cur) & ~(uint64_t)X86_CR0_TS)
            return false;
        pv_fpu_taskswitch(v, (value & X86_CR0_TS) != 0);
        return true;
    case 3: return pv_new_baseptr(v, value >> PAGE_SHIFT) == 0;
    case 4: {
        uint64_t mine = X86_CR4_PAE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;

        cur = hvm_be->get_reg(v, GREG_CR4);
        hvm_be->set_reg(v, GREG_CR4, (cur & mine) | (value & cr4_guest_bits(v)));
        return true;
    }
    default: return false;
    }
}

bool pv_xsetbv(struct vcpu *v, unsigned int len, struct hvm_outcome *o)
{
    uint64_t value = ((hvm_be->get_reg(v, GREG_RDX) & 0xFFFFFFFFu) << 32) |
                     (hvm_be->get_reg(v, GREG_RAX) & 0xFFFFFFFFu);
    uint32_t d[4];

    /* QEMU's TCG checks the CPL before CR4.OSXSAVE: the #UD is given here. */
    if (!(hvm_be->get_reg(v, GREG_CR4) & X86_CR4_OSXSAVE)) {
        *o = pv_exception(v, X86_EXC_UD, 0, 0);
        return true;
    }
    pv_cpuid(v, 0xD, 0, d);
    if ((uint32_t)hvm_be->get_reg(v, GREG_RCX) != 0 ||
        !guest_xcr0_valid(d[A] | (uint64_t)d[D] << 32, value))
        return false;
    hvm_xcr0_write(v, value);
    *o = hvm_advance(len);
    return true;
}
