// SPDX-License-Identifier: MIT
/*
 * RDMSR and WRMSR of a PV guest kernel, emulated after their #GP (the kernel
 * runs at CPL 3): the MSRs Xen's PV emulation answers an unprivileged domU
 * (Xen 4.15 on, whose unknown MSRs are #GP rather than the host's value):
 *
 *   FS_BASE, GS_BASE, SHADOW_GS_BASE   read and written (canonical, else #GP)
 *   EFER                               read: LME, LMA, NXE and SCE (SYSCALL
 *                                      works for the guest: it reaches its
 *                                      syscall callback); writes #GP
 *   TSC                                read (the vCPU's TSC)
 *   TSC_AUX                            read and written when CPUID offers
 *                                      RDTSCP or RDPID (the container's value)
 *   Xen's hypercall page MSR           written (fills the PV hypercall page)
 *   AMD P-state and FID/VID MSRs       read as 0, writes dropped (AMD hosts)
 *   AMD HWCR                           writes dropped (AMD hosts)
 *   AMD PATCH_LEVEL, PERF_CAPABILITIES read as 0
 *
 * Anything else is #GP, bounced to the guest's handler (Linux's rdmsr_safe
 * recovers from it).
 */
#include <asm/cpu.h>
#include <asm/guest_cpuid.h>
#include <asm/msr.h>
#include <asm/tsc.h>
#include <hv/hypercall.h>
#include "pv.h"

#define MSR_PERF_CAPABILITIES 0x345u
#define MSR_K7_FID_VID_CTL    0xC0010041u
#define MSR_K7_FID_VID_STATUS 0xC0010042u
#define MSR_K8_PSTATE_LIMIT   0xC0010061u /* then CTRL, STATUS, P-states 0-7 */
#define MSR_K8_PSTATE7        0xC001006Bu

static bool host_is_amd(void)
{
    uint32_t ebx = cpuid(0, 0).ebx;

    return ebx == 0x68747541u /* "Auth" */ || ebx == 0x6F677948u /* "Hygo" */;
}

static bool amd_power_msr(uint32_t msr)
{
    return host_is_amd() && (msr == MSR_K7_FID_VID_CTL || msr == MSR_K7_FID_VID_STATUS ||
                             (msr >= MSR_K8_PSTATE_LIMIT && msr <= MSR_K8_PSTATE7));
}

/* Whether the guest's CPUID offers RDTSCP or RDPID, and so TSC_AUX. */
static bool tsc_aux_offered(struct vcpu *v)
{
    uint32_t e1[4], l7[4];

    pv_cpuid(v, 0x80000001u, 0, e1);
    pv_cpuid(v, 7, 0, l7);
    return (e1[3] & CPUID_80000001_EDX_RDTSCP) || (l7[2] & CPUID_7_ECX_RDPID);
}

/*
 * The guest's FS and GS bases as the kernel addresses them: GS_BASE is the
 * base in use (the kernel's, in kernel mode), SHADOW_GS_BASE the other one
 * SWAPGS would bring (the user's). Everything that writes them goes through
 * here, so that per-mode storage can take over in one place.
 */
static enum guest_reg segment_base_reg(uint32_t msr)
{
    switch (msr) {
    case MSR_FS_BASE: return GREG_FS_BASE;
    case MSR_GS_BASE: return GREG_GS_BASE;
    default: return GREG_SHADOW_GS_BASE;
    }
}

void pv_write_segment_base(struct vcpu *v, enum guest_reg reg, uint64_t base)
{
    hvm_be->set_reg(v, reg, base);
}

bool pv_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
    switch (msr) {
    case MSR_FS_BASE:
    case MSR_GS_BASE:
    case MSR_KERNEL_GS_BASE: *val = hvm_be->get_reg(v, segment_base_reg(msr)); return true;
    case MSR_EFER:
        *val = (hvm_be->get_reg(v, GREG_EFER) & (EFER_LME | EFER_LMA | EFER_NXE)) | EFER_SCE;
        return true;
    case MSR_TSC: *val = rdtsc() + hvm_be->tsc_offset(v); return true;
    case MSR_TSC_AUX: *val = v->arch.hvm.tsc_aux; return tsc_aux_offered(v);
    case MSR_PATCH_LEVEL:
    case MSR_PERF_CAPABILITIES: *val = 0; return true;
    default: *val = 0; return amd_power_msr(msr);
    }
}

bool pv_msr_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
    if (xen_is_hypercall_page_msr(msr))
        return xen_write_hypercall_page(v, val);
    switch (msr) {
    case MSR_FS_BASE:
    case MSR_GS_BASE:
    case MSR_KERNEL_GS_BASE:
        if ((uint64_t)((int64_t)(val << 16) >> 16) != val)
            return false;
        pv_write_segment_base(v, segment_base_reg(msr), val);
        return true;
    case MSR_TSC_AUX:
        if (!tsc_aux_offered(v) || (val >> 32))
            return false;
        /* The vCPU is on this CPU: the container's TSC_AUX is in the MSR until it leaves. */
        v->arch.hvm.tsc_aux = (uint32_t)val;
        wrmsr(MSR_TSC_AUX, val);
        return true;
    case MSR_AMD_HWCR: return host_is_amd();
    default: return amd_power_msr(msr);
    }
}
