// SPDX-License-Identifier: MIT
/* VMCB set-up: intercepts, nested paging, and the guest's start state. */
#include <string.h>
#include <asm/msr.h>
#include <public/errno.h>
#include <hv/p2m.h>
#include <domain-builder/vcpu.h>
#include "svm.h"

/* Power-on PAT: WB, WT, UC-, UC, repeated. */
#define PAT_RESET 0x0007040600070406ull

/* Exceptions reflected through the hypervisor: a guest looping on #AC or #DB
 * during their own delivery would otherwise never exit and hang its CPU. */
#define SVM_EXCEPTION_INTERCEPTS ((1u << X86_EXC_DB) | (1u << X86_EXC_AC))
/*
 * A PV container (DB_CPU_PV64) takes every exception to the hypervisor,
 * which bounces it to the guest's trap table: the container's IDT is never
 * used. Not NMI and #MC, which are the host's.
 */
#define SVM_PV_EXCEPTION_INTERCEPTS (~((1u << X86_EXC_NMI) | (1u << X86_EXC_MC)))

void svm_vmcb_init(struct vcpu *v, struct svm_vcpu *s)
{
    struct vmcb_control *c = &s->vmcb->control;

    c->intercept_exceptions = SVM_EXCEPTION_INTERCEPTS;
    /* RDPMC: the host's performance counters would tell a guest about the others. */
    c->intercept_misc1 = VMCB_INTERCEPT_INTR | VMCB_INTERCEPT_NMI | VMCB_INTERCEPT_RDPMC |
                         VMCB_INTERCEPT_CPUID | VMCB_INTERCEPT_RSM | VMCB_INTERCEPT_INVD |
                         VMCB_INTERCEPT_HLT | VMCB_INTERCEPT_INVLPGA | VMCB_INTERCEPT_IOIO_PROT |
                         VMCB_INTERCEPT_MSR_PROT | VMCB_INTERCEPT_SHUTDOWN;
    c->intercept_misc2 = VMCB_INTERCEPT_VMRUN | VMCB_INTERCEPT_VMMCALL | VMCB_INTERCEPT_VMLOAD |
                         VMCB_INTERCEPT_VMSAVE | VMCB_INTERCEPT_STGI | VMCB_INTERCEPT_CLGI |
                         VMCB_INTERCEPT_SKINIT | VMCB_INTERCEPT_WBINVD | VMCB_INTERCEPT_MONITOR |
                         VMCB_INTERCEPT_MWAIT | VMCB_INTERCEPT_MWAIT_COND | VMCB_INTERCEPT_XSETBV |
                         VMCB_INTERCEPT_RDPRU;
    c->iopm_base_pa = paddr_val(svm_iopm_pa);
    c->msrpm_base_pa = paddr_val(svm_msrpm_pa);
    c->tsc_offset = 0;
    /* Physical interrupts exit (INTR) and never reach the guest's IF. */
    c->vintr = VMCB_VINTR_MASKING;
    c->np_enable = VMCB_NP_ENABLE;
    c->n_cr3 = paddr_val(p2m_root(v->domain->p2m));
}

static void load_segment(struct vmcb_segment *seg, const struct db_segment *from)
{
    seg->selector = from->selector;
    seg->attrib = from->attrib & 0xFFF;
    seg->limit = from->limit;
    seg->base = from->base;
}

int svm_vmcb_set_start_state(struct svm_vcpu *s, const struct db_vcpu_state *st)
{
    struct vmcb_save *save = &s->vmcb->save;
    struct svm_gprs *g = &s->gprs;

    if (st->mode != DB_CPU_PROT32 && st->mode != DB_CPU_LONG64 && st->mode != DB_CPU_REAL16 &&
        st->mode != DB_CPU_PV64)
        return -XEN_EINVAL;
    s->vmcb->control.intercept_exceptions =
        st->mode == DB_CPU_PV64 ? SVM_PV_EXCEPTION_INTERCEPTS : SVM_EXCEPTION_INTERCEPTS;
    memset(save, 0, sizeof(*save));
    s->vmcb->control.eventinj = 0;
    s->vmcb->control.interrupt_shadow = 0;
    s->vmcb->control.intercept_misc1 &= ~VMCB_INTERCEPT_IRET;
    s->pending_event = 0;
    s->nmi_masked = false;
    load_segment(&save->cs, &st->cs);
    load_segment(&save->ds, &st->ds);
    load_segment(&save->es, &st->es);
    load_segment(&save->fs, &st->fs);
    load_segment(&save->gs, &st->gs);
    load_segment(&save->ss, &st->ss);
    load_segment(&save->tr, &st->tr);
    load_segment(&save->ldtr, &st->ldtr);
    save->gdtr.base = st->gdtr.base;
    save->gdtr.limit = st->gdtr.limit;
    save->idtr.base = st->idtr.base;
    save->idtr.limit = st->idtr.limit;
    save->cpl = (uint8_t)((st->ss.attrib >> 5) & 3);
    save->cr0 = st->cr0;
    save->cr3 = st->cr3;
    save->cr4 = st->cr4;
    /* VMRUN requires EFER.SVME; the guest's reads of EFER never show it (exit_msr.c). */
    save->efer = st->efer | EFER_SVME;
    save->dr6 = 0xFFFF0FF0u;
    save->dr7 = 0x400;
    save->rflags = st->rflags | X86_RFLAGS_FIXED;
    save->rip = st->rip;
    save->rsp = st->rsp;
    save->rax = st->rax;
    save->g_pat = PAT_RESET;
    save->kernel_gs_base = st->shadow_gs_base;
    *g = (struct svm_gprs){
        .rbx = st->rbx,
        .rcx = st->rcx,
        .rdx = st->rdx,
        .rsi = st->rsi,
        .rdi = st->rdi,
        .rbp = st->rbp,
        .r8 = st->r8,
        .r9 = st->r9,
        .r10 = st->r10,
        .r11 = st->r11,
        .r12 = st->r12,
        .r13 = st->r13,
        .r14 = st->r14,
        .r15 = st->r15,
    };
    return 0;
}
