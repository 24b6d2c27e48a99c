// SPDX-License-Identifier: MIT
/*
 * RDMSR/WRMSR. The MSRs the VMCB holds and VMLOAD/VMSAVE switch (SYSCALL,
 * SYSENTER, FS/GS bases) are not intercepted (svm.c). Emulated here: EFER
 * (SVME hidden and not writable), PAT, the TSC, Xen's hypercall page, and
 * read-as-zero for the model MSRs Linux reads; anything else is #GP, as on a
 * CPU that lacks the MSR.
 */
#include <asm/msr.h>
#include <asm/tsc.h>
#include <hv/hypercall.h>
#include "svm.h"

#define MSR_TSC           0x10u
#define MSR_PATCH_LEVEL   0x8Bu
#define MSR_MTRR_CAP      0xFEu
#define MSR_PAT           0x277u
#define MSR_MTRR_DEF_TYPE 0x2FFu
#define MSR_AMD_HWCR      0xC0010015u
#define MSR_AMD_NB_CFG    0xC001001Fu
#define MSR_AMD_LS_CFG    0xC0011020u
#define MSR_AMD_DE_CFG    0xC0011029u

#define X86_CR0_PG_BIT (1ull << 31)
#define EFER_GUEST_WRITABLE (EFER_SCE | EFER_LME | EFER_NXE)

static bool pat_valid(uint64_t pat)
{
    unsigned int i;

    for (i = 0; i < 8; i++) {
        uint8_t t = (uint8_t)(pat >> (8 * i));

        if (t == 2 || t == 3 || t > 7)
            return false;
    }
    return true;
}

/* false: #GP. */
static bool msr_read(struct vcpu *v, struct svm_vcpu *s, uint32_t msr, uint64_t *val)
{
    (void)v;
    switch (msr) {
    case MSR_EFER:
        *val = s->vmcb->save.efer & ~EFER_SVME;
        return true;
    case MSR_PAT:
        *val = s->vmcb->save.g_pat;
        return true;
    case MSR_TSC:
        *val = rdtsc() + s->vmcb->control.tsc_offset;
        return true;
    case MSR_MTRR_CAP:
    case MSR_MTRR_DEF_TYPE:
    case MSR_PATCH_LEVEL:
    case MSR_AMD_HWCR:
    case MSR_AMD_NB_CFG:
    case MSR_AMD_LS_CFG:
    case MSR_AMD_DE_CFG:
        *val = 0;
        return true;
    default:
        return false;
    }
}

static bool efer_write(struct svm_vcpu *s, uint64_t val)
{
    uint64_t old = s->vmcb->save.efer;

    /* LMA is the CPU's to set; the guest's value is ignored as on hardware. */
    val &= ~EFER_LMA;
    if (val & ~EFER_GUEST_WRITABLE)
        return false;
    /* Changing LME with paging on is #GP. */
    if ((s->vmcb->save.cr0 & X86_CR0_PG_BIT) && ((val ^ old) & EFER_LME))
        return false;
    s->vmcb->save.efer = val | (old & EFER_LMA) | EFER_SVME;
    return true;
}

static bool msr_write(struct vcpu *v, struct svm_vcpu *s, uint32_t msr, uint64_t val)
{
    if (xen_is_hypercall_page_msr(msr))
        return xen_write_hypercall_page(v, val);
    switch (msr) {
    case MSR_EFER:
        return efer_write(s, val);
    case MSR_PAT:
        if (!pat_valid(val))
            return false;
        s->vmcb->save.g_pat = val;
        return true;
    case MSR_TSC:
        s->vmcb->control.tsc_offset = val - rdtsc();
        return true;
    case MSR_MTRR_DEF_TYPE:
        return val == 0;
    default:
        return false;
    }
}

struct svm_exit_outcome svm_exit_msr(struct vcpu *v, struct svm_vcpu *s)
{
    static const struct svm_opcode rdmsr_op = { 2, { 0x0F, 0x32 } };
    static const struct svm_opcode wrmsr_op = { 2, { 0x0F, 0x30 } };
    bool write = s->vmcb->control.exitinfo1 == 1;
    uint32_t msr = (uint32_t)s->gprs.rcx;
    struct svm_exit_outcome o = svm_advance_over(v, write ? &wrmsr_op : &rdmsr_op,
                                                 write ? "WRMSR" : "RDMSR");
    uint64_t val;

    if (o.action != SVM_EXIT_ADVANCE)
        return o;
    if (write) {
        val = (s->vmcb->save.rax & 0xFFFFFFFFu) | (s->gprs.rdx << 32);
        if (!msr_write(v, s, msr, val))
            return svm_exception_error(X86_EXC_GP, 0);
    } else {
        if (!msr_read(v, s, msr, &val))
            return svm_exception_error(X86_EXC_GP, 0);
        s->vmcb->save.rax = val & 0xFFFFFFFFu;
        s->gprs.rdx = val >> 32;
    }
    return o;
}
