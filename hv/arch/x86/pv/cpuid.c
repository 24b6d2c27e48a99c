// SPDX-License-Identifier: MIT
/*
 * The CPUID a PV guest sees, plain (the container intercepts CPUID, as Xen
 * has CPUID faulting make it trap) or through Xen's forced-emulation prefix
 * (emul_inv.c): the HVM view (hvm/cpuid.c, the domain's policy applied)
 * less what Xen offers HVM guests only. Xen marks each feature for all
 * guests, HVM with shadow paging or HVM with hardware paging
 * (public/arch-x86/cpufeatureset.h's A/S/H); a PV guest gets the "all" ones.
 * Hidden here: VME, PSE, MTRR, PGE, PSE36, PCID, x2APIC and the TSC-deadline
 * timer (a PV domain has no local APIC model beyond the APIC bit Xen
 * leaves), SMEP, SMAP, UMIP, INVPCID, TSC_ADJUST, 1 GiB pages, CR8_LEGACY.
 * The speculation-control MSRs are not offered to PV guests yet, so their
 * bits go (IBRSB, STIBP, SSBD, IBPB, IBRS, AMD STIBP and SSBD, PSFD,
 * VIRT_SSBD), as Xen hides them when it does not virtualise MSR_SPEC_CTRL
 * for PV. The initial APIC id is 0 (Xen numbers APIC ids for HVM only), and
 * Xen's leaf 4 (HVM-specific: vCPU and domain ids) is empty.
 */
#include <asm/guest_cpuid.h>
#include <public/arch-x86/cpuid.h>
#include "pv.h"

#define BIT(n) (1u << (n))

void pv_cpuid(struct vcpu *v, uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
    hvm_domain_type.cpuid(v, leaf, subleaf, r);
    switch (leaf) {
    case 1:
        r[B] &= 0x00FFFFFFu;
        /* ECX: PCID 17, x2APIC 21, TSC-deadline 24. EDX: VME 1, PSE 3, MTRR 12, PGE 13, PSE36 17. */
        r[C] &= ~(BIT(17) | BIT(21) | BIT(24));
        r[D] &= ~(BIT(1) | BIT(3) | BIT(12) | BIT(13) | BIT(17));
        break;
    case 7:
        if (subleaf != 0)
            break;
        /* EBX: TSC_ADJUST 1, SMEP 7, INVPCID 10, SMAP 20. ECX: UMIP 2. */
        r[B] &= ~(BIT(1) | BIT(7) | BIT(10) | BIT(20));
        r[C] &= ~BIT(2);
        r[D] &= ~(CPUID_7_EDX_IBRSB | CPUID_7_EDX_STIBP | CPUID_7_EDX_SSBD);
        break;
    case 0x80000001u:
        /* EDX: 1 GiB pages 26. ECX: CR8_LEGACY 4. */
        r[D] &= ~BIT(26);
        r[C] &= ~BIT(4);
        break;
    case 0x80000008u:
        r[B] &= ~(CPUID_80000008_EBX_IBPB | CPUID_80000008_EBX_IBRS | CPUID_80000008_EBX_STIBP |
                  CPUID_80000008_EBX_SSBD | CPUID_80000008_EBX_VIRT_SSBD | CPUID_80000008_EBX_PSFD);
        break;
    case XEN_CPUID_FIRST_LEAF + 4: r[A] = r[B] = r[C] = r[D] = 0; break;
    default: break;
    }
}
