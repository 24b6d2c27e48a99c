// SPDX-License-Identifier: MIT
/*
 * CPUID: Xen's hypervisor leaves (hypercall.h), else the host's values with
 * what guests are not offered taken out: the hypervisor has no local APIC,
 * x2APIC, MONITOR, XSAVE/AVX, PMU, machine-check, SVM, SEV, LA57, RDTSCP or
 * speculation-control emulation (yet), so guests must not see them.
 */
#include <asm/cpu.h>
#include <hv/hypercall.h>
#include "svm.h"

#define BIT(n) (1u << (n))

/* Highest basic leaf offered (0xD: XSAVE enumeration, zeroed below). */
#define GUEST_MAX_BASIC_LEAF 0xDu
#define GUEST_MAX_EXT_LEAF   0x80000008u

static void filter_leaf(struct vcpu *v, uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
    enum { A, B, C, D };

    (void)subleaf;
    switch (leaf) {
    case 0:
        r[A] = MIN(r[A], GUEST_MAX_BASIC_LEAF);
        break;
    case 1:
        /* ECX: MONITOR 3, VMX 5, SMX 6, PDCM 15, x2APIC 21, TSC-deadline 24, XSAVE 26,
         * OSXSAVE 27, AVX 28; hypervisor present 31. EDX: MCE 7, APIC 9, MCA 14, ACPI 22. */
        r[C] &= ~(BIT(3) | BIT(5) | BIT(6) | BIT(15) | BIT(21) | BIT(24) | BIT(26) | BIT(27) |
                  BIT(28));
        r[C] |= BIT(31);
        r[D] &= ~(BIT(7) | BIT(9) | BIT(14) | BIT(22));
        /* EBX: initial APIC id = vCPU id, logical processor count = vCPUs. */
        r[B] = (r[B] & 0x0000FFFFu) | ((v->id & 0xFF) << 24) |
               ((v->domain->nr_vcpus & 0xFF) << 16);
        break;
    case 6:     /* thermal and power management */
    case 0xA:   /* architectural PMU */
    case 0xB:   /* x2APIC topology */
    case 0xD:   /* XSAVE */
        r[A] = r[B] = r[C] = r[D] = 0;
        break;
    case 7:
        if (subleaf == 0) {
            /* EBX: AVX2 5, AVX-512 16-17,21,26-28,30-31, RTM 11, MPX 14, PQM 12, PQE 15.
             * ECX: LA57 16, PKU 3, OSPKE 4, AVX-512 VBMI etc. EDX: spec-ctrl 26,27,29,31. */
            r[A] = 0;
            r[B] &= ~(BIT(5) | BIT(11) | BIT(12) | BIT(14) | BIT(15) | BIT(16) | BIT(17) |
                      BIT(21) | BIT(26) | BIT(27) | BIT(28) | BIT(30) | BIT(31));
            r[C] &= ~(BIT(1) | BIT(3) | BIT(4) | BIT(6) | BIT(11) | BIT(12) | BIT(14) |
                      BIT(16));
            r[D] &= ~(BIT(2) | BIT(3) | BIT(26) | BIT(27) | BIT(28) | BIT(29) | BIT(31));
        } else {
            r[A] = r[B] = r[C] = r[D] = 0;
        }
        break;
    case 0x80000000u:
        r[A] = MIN(r[A], GUEST_MAX_EXT_LEAF);
        break;
    case 0x80000001u:
        /* ECX: SVM 2, ExtApicSpace 3, IBS 10, SKINIT 12, WDT 13, PerfCtrExt 23-24, 28.
         * EDX: MCE 7, APIC 9, MCA 14, RDTSCP 27. */
        r[C] &= ~(BIT(2) | BIT(3) | BIT(10) | BIT(12) | BIT(13) | BIT(23) | BIT(24) | BIT(28));
        r[D] &= ~(BIT(7) | BIT(9) | BIT(14) | BIT(27));
        break;
    case 0x80000008u:
        /* EBX: IBPB/IBRS/STIBP/SSBD controls (MSRs 0x48/0x49 are not emulated). */
        r[B] = 0;
        r[C] = (v->domain->nr_vcpus - 1) & 0xFF;   /* cores - 1; APIC id size: legacy */
        break;
    default:
        break;
    }
}

static bool leaf_offered(uint32_t leaf)
{
    if (leaf <= GUEST_MAX_BASIC_LEAF)
        return true;
    return leaf >= 0x80000000u && leaf <= MIN(GUEST_MAX_EXT_LEAF, cpuid_max_extended_leaf());
}

struct svm_exit_outcome svm_exit_cpuid(struct vcpu *v, struct svm_vcpu *s)
{
    static const struct svm_opcode op = { 2, { 0x0F, 0xA2 } };
    struct svm_exit_outcome o = svm_advance_over(v, &op, "CPUID");
    uint32_t leaf = (uint32_t)s->vmcb->save.rax, subleaf = (uint32_t)s->gprs.rcx;
    uint32_t r[4] = { 0, 0, 0, 0 };

    if (o.action != SVM_EXIT_ADVANCE)
        return o;
    if (!xen_cpuid_leaf(v, leaf, subleaf, r) && leaf_offered(leaf)) {
        struct cpuid_result h = cpuid(leaf, subleaf);

        r[0] = h.eax;
        r[1] = h.ebx;
        r[2] = h.ecx;
        r[3] = h.edx;
        filter_leaf(v, leaf, subleaf, r);
    }
    /* CPUID writes the low halves and zeroes the high halves. */
    s->vmcb->save.rax = r[0];
    s->gprs.rbx = r[1];
    s->gprs.rcx = r[2];
    s->gprs.rdx = r[3];
    return o;
}
