/* SPDX-License-Identifier: MIT */
/*
 * The host's speculation controls and the mitigations the hypervisor applies
 * with them between domains (docs/hypervisor-core.md, "Speculative execution").
 */
#ifndef ASM_SPEC_CTRL_H
#define ASM_SPEC_CTRL_H

#include <hv/types.h>

struct host_spec_ctrl {
    bool ibpb;        /* MSR_PRED_CMD.IBPB: barrier on a switch between domains */
    bool spec_ctrl;   /* MSR_SPEC_CTRL exists */
    bool ssbd;        /* SSBD is a SPEC_CTRL bit (AMD_SSBD or SSBD) */
    bool virt_ssbd;   /* MSR_VIRT_SPEC_CTRL (the host is itself a guest) */
    bool v_spec_ctrl; /* SVM V_SPEC_CTRL: VMRUN and #VMEXIT switch SPEC_CTRL */
    bool tsc_aux;     /* MSR_TSC_AUX (RDTSCP or RDPID) */
};

/* Filled from CPUID on the boot CPU (arch_cpu_init) before anything reads it. */
extern struct host_spec_ctrl host_spec;
void spec_ctrl_init(void);

#endif
