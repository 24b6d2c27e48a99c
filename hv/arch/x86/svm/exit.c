// SPDX-License-Identifier: MIT
/* The exit dispatcher: a table from exit code to the handler of its family. */
#include <hv/printk.h>
#include "svm.h"

#define VMEXIT_TABLE_SIZE (VMEXIT_RDPRU + 1)

static const svm_exit_handler exit_handlers[VMEXIT_TABLE_SIZE] = {
    [VMEXIT_EXCEPTION_BASE + X86_EXC_DB] = svm_exit_exception,
    [VMEXIT_EXCEPTION_BASE + X86_EXC_AC] = svm_exit_exception,
    [VMEXIT_INTR] = svm_exit_intr,
    [VMEXIT_NMI] = svm_exit_nmi,
    [VMEXIT_VINTR] = svm_exit_vintr,
    [VMEXIT_CPUID] = svm_exit_cpuid,
    [VMEXIT_HLT] = svm_exit_hlt,
    [VMEXIT_IOIO] = svm_exit_ioio,
    [VMEXIT_MSR] = svm_exit_msr,
    [VMEXIT_SHUTDOWN] = svm_exit_shutdown,
    [VMEXIT_VMMCALL] = svm_exit_vmmcall,
    [VMEXIT_INVD] = svm_exit_cache_flush,
    [VMEXIT_WBINVD] = svm_exit_cache_flush,
    /* Instructions guests are not offered: #UD, as on a CPU without them. */
    [VMEXIT_RSM] = svm_exit_undefined,
    [VMEXIT_INVLPGA] = svm_exit_undefined,
    [VMEXIT_VMRUN] = svm_exit_undefined,
    [VMEXIT_VMLOAD] = svm_exit_undefined,
    [VMEXIT_VMSAVE] = svm_exit_undefined,
    [VMEXIT_STGI] = svm_exit_undefined,
    [VMEXIT_CLGI] = svm_exit_undefined,
    [VMEXIT_SKINIT] = svm_exit_undefined,
    [VMEXIT_MONITOR] = svm_exit_undefined,
    [VMEXIT_MWAIT] = svm_exit_undefined,
    [VMEXIT_MWAIT_COND] = svm_exit_undefined,
    [VMEXIT_XSETBV] = svm_exit_undefined,
    [VMEXIT_RDPRU] = svm_exit_undefined,
};

struct svm_exit_outcome svm_handle_exit(struct vcpu *v, struct svm_vcpu *s)
{
    uint64_t code = s->vmcb->control.exitcode;
    svm_exit_handler fn = NULL;

    if (code < VMEXIT_TABLE_SIZE)
        fn = exit_handlers[code];
    else if (code == VMEXIT_NPF)
        fn = svm_exit_npf;
    if (!fn)
        return svm_crash("exit the hypervisor does not handle");
    return fn(v, s);
}

void svm_dump_guest(struct vcpu *v, const char *why)
{
    const struct vmcb *vmcb = to_svm(v)->vmcb;
    const struct svm_gprs *g = &to_svm(v)->gprs;

    printk("%s: vCPU %u: %s: exit 0x%llx info1 0x%llx info2 0x%llx intinfo 0x%llx\n",
           v->domain->name, v->id, why, (unsigned long long)vmcb->control.exitcode,
           (unsigned long long)vmcb->control.exitinfo1,
           (unsigned long long)vmcb->control.exitinfo2,
           (unsigned long long)vmcb->control.exitintinfo);
    printk("  rip %04x:%016llx rsp %016llx rflags %08llx cpl %u\n", vmcb->save.cs.selector,
           (unsigned long long)vmcb->save.rip, (unsigned long long)vmcb->save.rsp,
           (unsigned long long)vmcb->save.rflags, vmcb->save.cpl);
    printk("  cr0 %llx cr3 %llx cr4 %llx efer %llx cs.attr %03x\n",
           (unsigned long long)vmcb->save.cr0, (unsigned long long)vmcb->save.cr3,
           (unsigned long long)vmcb->save.cr4, (unsigned long long)vmcb->save.efer,
           vmcb->save.cs.attrib);
    printk("  rax %016llx rbx %016llx rcx %016llx rdx %016llx\n",
           (unsigned long long)vmcb->save.rax, (unsigned long long)g->rbx,
           (unsigned long long)g->rcx, (unsigned long long)g->rdx);
    printk("  rsi %016llx rdi %016llx rbp %016llx r8  %016llx\n", (unsigned long long)g->rsi,
           (unsigned long long)g->rdi, (unsigned long long)g->rbp, (unsigned long long)g->r8);
}
