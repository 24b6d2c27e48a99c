// SPDX-License-Identifier: MIT
/*
 * RDMSR/WRMSR. The MSRs the back-end switches itself (SYSCALL, SYSENTER,
 * FS/GS bases) are not intercepted. Emulated here: EFER (the back-end's own
 * bits hidden and not writable), PAT, the TSC, Xen's hypercall page,
 * read-as-zero for the model MSRs Linux reads, and, when the domain's CPUID
 * offers them, SPEC_CTRL, PRED_CMD, VIRT_SPEC_CTRL and TSC_AUX per vCPU;
 * anything else is #GP, as on a CPU that lacks the MSR.
 */
#include <asm/msr.h>
#include <asm/spec_ctrl.h>
#include <asm/tsc.h>
#include <hv/hypercall.h>
#include "hvm.h"

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
static uint64_t spec_ctrl_hw(const struct hvm_vcpu *h)
{
    uint64_t v = h->spec_ctrl;

    if (host_spec.ssbd && (h->virt_spec_ctrl & VIRT_SPEC_CTRL_SSBD))
        v |= SPEC_CTRL_SSBD;
    return v;
}

/*
 * When the back-end switches SPEC_CTRL at entry and exit, it gets the guest's
 * value. Otherwise the guest's value stays in the MSR while the vCPU is on
 * the CPU, exits included: every SPEC_CTRL bit only restricts speculation,
 * and the hypervisor's own value is 0, so running hypervisor code with the
 * guest's bits is safe and saves two WRMSRs per exit.
 */
static void spec_ctrl_sync(struct vcpu *v)
{
    if (hvm_be->switches_spec_ctrl())
        hvm_be->set_entry_spec_ctrl(v, spec_ctrl_hw(to_hvm(v)));
    else if (host_spec.spec_ctrl)
        wrmsr(MSR_SPEC_CTRL, spec_ctrl_hw(to_hvm(v)));
}

/* A host that is itself a guest applies SSBD through its own VIRT_SPEC_CTRL. */
static bool virt_ssbd_via_msr(void)
{
    return !host_spec.ssbd && host_spec.virt_ssbd;
}

void hvm_msrs_load(struct vcpu *v)
{
    struct hvm_vcpu *h = to_hvm(v);

    if (hvm_be->switches_spec_ctrl() || spec_ctrl_hw(h))
        spec_ctrl_sync(v);
    if (virt_ssbd_via_msr() && h->virt_spec_ctrl)
        wrmsr(MSR_VIRT_SPEC_CTRL, h->virt_spec_ctrl);
    /* The hypervisor never reads TSC_AUX (no RDTSCP or RDPID): nothing to restore. */
    if (host_spec.tsc_aux)
        wrmsr(MSR_TSC_AUX, h->tsc_aux);
}

void hvm_msrs_put(struct vcpu *v)
{
    struct hvm_vcpu *h = to_hvm(v);

    if (!hvm_be->switches_spec_ctrl() && spec_ctrl_hw(h))
        wrmsr(MSR_SPEC_CTRL, 0);
    if (virt_ssbd_via_msr() && h->virt_spec_ctrl)
        wrmsr(MSR_VIRT_SPEC_CTRL, 0);
}

void hvm_msrs_reset(struct vcpu *v)
{
    struct hvm_vcpu *h = to_hvm(v);

    h->spec_ctrl = 0;
    h->virt_spec_ctrl = 0;
    h->tsc_aux = v->id;
    h->cpuid_faulting = false;
    guest_cpuid_msr_features(&(struct guest_cpuid_ctx){ .host = cpuid_host,
                                                        .policy = &v->domain->policy.cpuid,
                                                        .nr_vcpus = v->domain->nr_vcpus,
                                                        .vcpu_id = v->id },
                             &h->msrs);
}

/* The speculation-control and TSC_AUX MSRs; false: #GP. */
static bool guest_msr_read(const struct hvm_vcpu *h, uint32_t msr, uint64_t *val)
{
    switch (msr) {
    case MSR_SPEC_CTRL: *val = h->spec_ctrl; return h->msrs.spec_ctrl;
    case MSR_VIRT_SPEC_CTRL: *val = h->virt_spec_ctrl; return h->msrs.virt_ssbd;
    case MSR_TSC_AUX: *val = h->tsc_aux; return h->msrs.tsc_aux;
    default: return false; /* PRED_CMD is write-only */
    }
}

static bool guest_msr_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
    struct hvm_vcpu *h = to_hvm(v);

    switch (msr) {
    case MSR_SPEC_CTRL:
        if (!h->msrs.spec_ctrl || (val & ~h->msrs.spec_ctrl_bits))
            return false;
        h->spec_ctrl = val;
        spec_ctrl_sync(v);
        return true;
    case MSR_PRED_CMD:
        if (!h->msrs.pred_cmd || (val & ~PRED_CMD_IBPB))
            return false;
        if (val)
            wrmsr(MSR_PRED_CMD, PRED_CMD_IBPB);
        return true;
    case MSR_VIRT_SPEC_CTRL:
        if (!h->msrs.virt_ssbd || (val & ~VIRT_SPEC_CTRL_SSBD))
            return false;
        if (virt_ssbd_via_msr())
            wrmsr(MSR_VIRT_SPEC_CTRL, val);
        h->virt_spec_ctrl = val;
        spec_ctrl_sync(v);
        return true;
    case MSR_TSC_AUX:
        if (!h->msrs.tsc_aux || (val >> 32))
            return false;
        h->tsc_aux = (uint32_t)val;
        wrmsr(MSR_TSC_AUX, val);
        return true;
    default: return false;
    }
}

/* false: #GP. */
static bool msr_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
    switch (msr) {
    case MSR_EFER: *val = hvm_be->get_reg(v, GREG_EFER); return true;
    case MSR_PAT: *val = hvm_be->get_reg(v, GREG_PAT); return true;
    case MSR_TSC: *val = rdtsc() + hvm_be->tsc_offset(v); return true;
    case MSR_MTRR_CAP:
    case MSR_MTRR_DEF_TYPE:
    case MSR_PATCH_LEVEL:
    case MSR_AMD_HWCR:
    case MSR_AMD_NB_CFG:
    case MSR_AMD_LS_CFG:
    case MSR_AMD_DE_CFG:
    /* AMD's interrupt-pending message MSR (Linux's C1E check): no C1E here. */
    case MSR_AMD_INT_PENDING:
    /* No LBR or branch single-step virtualisation: the bits a guest sets are not kept. */
    case MSR_DEBUGCTL: *val = 0; return true;
    /* As Xen tells every HVM guest: CPUID faulting is there (emulated, hvm/cpuid.c). */
    case MSR_PLATFORM_INFO: *val = PLATFORM_INFO_CPUID_FAULTING; return true;
    case MSR_MISC_FEATURES_ENABLES:
        *val = to_hvm(v)->cpuid_faulting ? MISC_FEATURES_CPUID_FAULTING : 0;
        return true;
    default:
        if (hvm_vlapic_owns_msr(msr))
            return hvm_vlapic_msr_read(v, msr, val);
        return guest_msr_read(to_hvm(v), msr, val);
    }
}

static bool efer_write(struct vcpu *v, uint64_t val)
{
    uint64_t old = hvm_be->get_reg(v, GREG_EFER);
    struct guest_paging p;

    /* LMA is the CPU's to set; the guest's value is ignored as on hardware. */
    val &= ~EFER_LMA;
    if (val & ~EFER_GUEST_WRITABLE)
        return false;
    /* Changing LME with paging on is #GP. */
    hvm_be->get_paging(v, &p);
    if ((p.cr0 & X86_CR0_PG) && ((val ^ old) & EFER_LME))
        return false;
    hvm_be->set_reg(v, GREG_EFER, val | (old & EFER_LMA));
    return true;
}

static bool msr_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
    if (xen_is_hypercall_page_msr(msr))
        return xen_write_hypercall_page(v, val);
    switch (msr) {
    case MSR_EFER: return efer_write(v, val);
    case MSR_PAT:
        if (!pat_valid(val))
            return false;
        hvm_be->set_reg(v, GREG_PAT, val);
        return true;
    case MSR_TSC: hvm_be->set_tsc_offset(v, val - rdtsc()); return true;
    case MSR_MTRR_DEF_TYPE: return val == 0;
    /* Xen takes LBR and BTF (its SVM DEBUGCTL model) and refuses other bits. */
    case MSR_DEBUGCTL: return !(val & ~(DEBUGCTL_LBR | DEBUGCTL_BTF));
    case MSR_MISC_FEATURES_ENABLES:
        if (val & ~MISC_FEATURES_CPUID_FAULTING)
            return false;
        to_hvm(v)->cpuid_faulting = val & MISC_FEATURES_CPUID_FAULTING;
        return true;
    default:
        if (hvm_vlapic_owns_msr(msr))
            return hvm_vlapic_msr_write(v, msr, val);
        return guest_msr_write(v, msr, val);
    }
}

struct hvm_outcome hvm_exit_msr(struct vcpu *v, const struct hvm_exit *e)
{
    static const struct hvm_opcode rdmsr_op = { 2, { 0x0F, 0x32 } };
    static const struct hvm_opcode wrmsr_op = { 2, { 0x0F, 0x30 } };
    bool write = e->msr.write;
    uint32_t msr = (uint32_t)hvm_be->get_reg(v, GREG_RCX);
    struct hvm_outcome o =
        hvm_advance_over(v, e, write ? &wrmsr_op : &rdmsr_op, write ? "WRMSR" : "RDMSR");
    uint64_t val;

    if (o.action != HVM_ADVANCE)
        return o;
    if (write) {
        val = (hvm_be->get_reg(v, GREG_RAX) & 0xFFFFFFFFu) | (hvm_be->get_reg(v, GREG_RDX) << 32);
        if (!msr_write(v, msr, val))
            return hvm_exception(X86_EXC_GP, 0);
    } else {
        if (!msr_read(v, msr, &val))
            return hvm_exception(X86_EXC_GP, 0);
        hvm_be->set_reg(v, GREG_RAX, val & 0xFFFFFFFFu);
        hvm_be->set_reg(v, GREG_RDX, val >> 32);
    }
    return o;
}
