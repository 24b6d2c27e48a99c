// SPDX-License-Identifier: MIT
/* The host's speculation controls (asm/spec_ctrl.h) and the boot report's line about them. */
#include <asm/guest_cpuid.h>
#include <asm/spec_ctrl.h>
#include <hv/boot_report.h>
#include <hv/printk.h>

struct host_spec_ctrl host_spec;

void spec_ctrl_init(void)
{
    uint32_t max = cpuid(0, 0).eax, ext = cpuid_max_extended_leaf();
    uint32_t l7d = max >= 7 ? cpuid(7, 0).edx : 0;
    uint32_t l7c = max >= 7 ? cpuid(7, 0).ecx : 0;
    uint32_t e1d = ext >= 0x80000001u ? cpuid(0x80000001u, 0).edx : 0;
    uint32_t e8b = ext >= 0x80000008u ? cpuid(0x80000008u, 0).ebx : 0;
    uint32_t svm = ext >= 0x8000000Au ? cpuid(0x8000000Au, 0).edx : 0;

    host_spec.ibpb = (l7d & CPUID_7_EDX_IBRSB) || (e8b & CPUID_80000008_EBX_IBPB);
    host_spec.ssbd = (l7d & CPUID_7_EDX_SSBD) || (e8b & CPUID_80000008_EBX_SSBD);
    host_spec.spec_ctrl =
        host_spec.ssbd || (l7d & (CPUID_7_EDX_IBRSB | CPUID_7_EDX_STIBP)) ||
        (e8b & (CPUID_80000008_EBX_IBRS | CPUID_80000008_EBX_STIBP | CPUID_80000008_EBX_PSFD));
    host_spec.virt_ssbd = (e8b & CPUID_80000008_EBX_VIRT_SSBD) != 0;
    host_spec.v_spec_ctrl = host_spec.spec_ctrl && (svm & CPUID_8000000A_EDX_V_SPEC_CTRL);
    host_spec.tsc_aux = (e1d & CPUID_80000001_EDX_RDTSCP) || (l7c & CPUID_7_ECX_RDPID);
}

void boot_report_mitigations(void)
{
    const struct host_spec_ctrl *h = &host_spec;

    printk("  mitigations: RSB fill on VM exit; IBPB on domain switch: %s; "
           "guest SPEC_CTRL: %s; guest SSBD (virt-ssbd): %s; TSC_AUX: %s\n",
           h->ibpb ? "yes" : "no (CPU lacks IBPB)",
           !h->spec_ctrl    ? "not offered (CPU lacks it)"
           : h->v_spec_ctrl ? "switched by VMRUN (V_SPEC_CTRL)"
                            : "switched per vCPU (MSR)",
           h->ssbd        ? "SPEC_CTRL.SSBD"
           : h->virt_ssbd ? "VIRT_SPEC_CTRL"
                          : "state only (CPU lacks SSBD)",
           h->tsc_aux ? "per vCPU" : "not offered (CPU lacks RDTSCP)");
}
