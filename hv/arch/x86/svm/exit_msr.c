// SPDX-License-Identifier: MIT
/*
 * RDMSR/WRMSR. The MSRs the VMCB holds and VMLOAD/VMSAVE switch (SYSCALL,
 * SYSENTER, FS/GS bases) are not intercepted (svm.c). Emulated here: EFER
 * (SVME hidden and not writable), PAT, the TSC, Xen's hypercall page,
 * read-as-zero for the model MSRs Linux reads, and, when the domain's CPUID
 * offers them, SPEC_CTRL, PRED_CMD, VIRT_SPEC_CTRL and TSC_AUX per vCPU;
 * anything else is #GP, as on a CPU that lacks the MSR.
 */
#include <asm/msr.h>
#include <asm/spec_ctrl.h>
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

/*
 * The SPEC_CTRL value the CPU runs the vCPU with: its own, plus SSBD when it
 * asked for it through VIRT_SPEC_CTRL and SSBD is a SPEC_CTRL bit here.
 */
static uint64_t spec_ctrl_hw(const struct svm_vcpu *s)
{
    uint64_t v = s->spec_ctrl;

    if (host_spec.ssbd && (s->virt_spec_ctrl & VIRT_SPEC_CTRL_SSBD))
        v |= SPEC_CTRL_SSBD;
    return v;
}

/*
 * With V_SPEC_CTRL, VMRUN loads the guest's value from the VMCB and #VMEXIT
 * restores the host's. Otherwise the guest's value stays in the MSR while
 * the vCPU is on the CPU, exits included: every SPEC_CTRL bit only restricts
 * speculation, and the hypervisor's own value is 0, so running hypervisor
 * code with the guest's bits is safe and saves two WRMSRs per exit.
 */
static void spec_ctrl_sync(struct svm_vcpu *s)
{
    if (host_spec.v_spec_ctrl)
        s->vmcb->save.spec_ctrl = spec_ctrl_hw(s);
    else if (host_spec.spec_ctrl)
        wrmsr(MSR_SPEC_CTRL, spec_ctrl_hw(s));
}

/* A host that is itself a guest applies SSBD through its own VIRT_SPEC_CTRL. */
static bool virt_ssbd_via_msr(void)
{
    return !host_spec.ssbd && host_spec.virt_ssbd;
}

void svm_load_guest_msrs(struct svm_vcpu *s)
{
    if (host_spec.v_spec_ctrl || spec_ctrl_hw(s))
        spec_ctrl_sync(s);
    if (virt_ssbd_via_msr() && s->virt_spec_ctrl)
        wrmsr(MSR_VIRT_SPEC_CTRL, s->virt_spec_ctrl);
    /* The hypervisor never reads TSC_AUX (no RDTSCP or RDPID): nothing to restore. */
    if (host_spec.tsc_aux)
        wrmsr(MSR_TSC_AUX, s->tsc_aux);
}

void svm_put_guest_msrs(struct svm_vcpu *s)
{
    if (!host_spec.v_spec_ctrl && spec_ctrl_hw(s))
        wrmsr(MSR_SPEC_CTRL, 0);
    if (virt_ssbd_via_msr() && s->virt_spec_ctrl)
        wrmsr(MSR_VIRT_SPEC_CTRL, 0);
}

/* The speculation-control and TSC_AUX MSRs; false: #GP. */
static bool guest_msr_read(const struct svm_vcpu *s, uint32_t msr, uint64_t *val)
{
    switch (msr) {
    case MSR_SPEC_CTRL:
        *val = s->spec_ctrl;
        return s->msrs.spec_ctrl;
    case MSR_VIRT_SPEC_CTRL:
        *val = s->virt_spec_ctrl;
        return s->msrs.virt_ssbd;
    case MSR_TSC_AUX:
        *val = s->tsc_aux;
        return s->msrs.tsc_aux;
    default:
        return false;   /* PRED_CMD is write-only */
    }
}

static bool guest_msr_write(struct svm_vcpu *s, uint32_t msr, uint64_t val)
{
    switch (msr) {
    case MSR_SPEC_CTRL:
        if (!s->msrs.spec_ctrl || (val & ~s->msrs.spec_ctrl_bits))
            return false;
        s->spec_ctrl = val;
        spec_ctrl_sync(s);
        return true;
    case MSR_PRED_CMD:
        if (!s->msrs.pred_cmd || (val & ~PRED_CMD_IBPB))
            return false;
        if (val)
            wrmsr(MSR_PRED_CMD, PRED_CMD_IBPB);
        return true;
    case MSR_VIRT_SPEC_CTRL:
        if (!s->msrs.virt_ssbd || (val & ~VIRT_SPEC_CTRL_SSBD))
            return false;
        if (virt_ssbd_via_msr())
            wrmsr(MSR_VIRT_SPEC_CTRL, val);
        s->virt_spec_ctrl = val;
        spec_ctrl_sync(s);
        return true;
    case MSR_TSC_AUX:
        if (!s->msrs.tsc_aux || (val >> 32))
            return false;
        s->tsc_aux = (uint32_t)val;
        wrmsr(MSR_TSC_AUX, val);
        return true;
    default:
        return false;
    }
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
        return guest_msr_read(s, msr, val);
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
        return guest_msr_write(s, msr, val);
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
