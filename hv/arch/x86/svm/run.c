// SPDX-License-Identifier: MIT
/*
 * The run loop of one vCPU on this CPU: enter the guest, handle the exit,
 * apply the handler's outcome, let pending host interrupts in, repeat until
 * the scheduler wants the CPU back. Also event injection, with the event an
 * exit interrupted (EXITINTINFO) delivered again first.
 */
#include <asm/cpu.h>
#include <asm/msr.h>
#include <asm/spec_ctrl.h>
#include <hv/domain.h>
#include <hv/evtchn.h>
#include <hv/percpu.h>
#include <hv/printk.h>
#include <hv/sched.h>
#include "svm.h"

#define X86_RFLAGS_TF (1ull << 8)
#define X86_RFLAGS_VM (1ull << 17)
#define X86_CR0_PE    (1ull << 0)
#define X86_DR6_BS    (1ull << 14)

static inline uint64_t xgetbv0(void)
{
    uint32_t lo, hi;

    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

static inline void xsetbv0(uint64_t v)
{
    __asm__ volatile("xsetbv" : : "c"(0), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

/* Every state component the CPU supports (CPUID 0xD.0 EDX:EAX). */
static uint64_t xsave_supported(void)
{
    struct cpuid_result r = cpuid(0xD, 0);

    return ((uint64_t)r.edx << 32) | r.eax;
}

/*
 * FPU/SSE/AVX state, XCR0 and DR0-3 are not in the VMCB. They are loaded when
 * a vCPU starts running on a CPU and saved when it stops, so nothing of one
 * vCPU's state is ever visible to another.
 */
static void svm_load_extended_state(struct svm_vcpu *s)
{
    if (svm_host_xsave) {
        uint64_t all = xsave_supported();

        /* Restore under the full mask: components absent from the image get their init state. */
        xsetbv0(all);
        __asm__ volatile("xrstor64 %0"
                         : : "m"(*(uint8_t *)s->fpu_area), "a"((uint32_t)all),
                           "d"((uint32_t)(all >> 32)) : "memory");
        xsetbv0(s->xcr0);
    } else {
        __asm__ volatile("fxrstor64 %0" : : "m"(*(uint8_t *)s->fpu_area) : "memory");
    }
    __asm__ volatile("mov %0, %%db0" : : "r"(s->dr[0]));
    __asm__ volatile("mov %0, %%db1" : : "r"(s->dr[1]));
    __asm__ volatile("mov %0, %%db2" : : "r"(s->dr[2]));
    __asm__ volatile("mov %0, %%db3" : : "r"(s->dr[3]));
}

static void svm_save_extended_state(struct svm_vcpu *s)
{
    if (svm_host_xsave) {
        uint64_t all = xsave_supported();

        /*
         * Save under the full mask, as the load restores: the guest's XCR0
         * does not cover SSE state it uses with CR4.OSFXSR alone.
         */
        s->xcr0 = xgetbv0();
        xsetbv0(all);
        __asm__ volatile("xsave64 %0"
                         : "=m"(*(uint8_t *)s->fpu_area)
                         : "a"((uint32_t)all), "d"((uint32_t)(all >> 32)) : "memory");
    } else {
        __asm__ volatile("fxsave64 %0" : "=m"(*(uint8_t *)s->fpu_area) : : "memory");
    }
    __asm__ volatile("mov %%db0, %0" : "=r"(s->dr[0]));
    __asm__ volatile("mov %%db1, %0" : "=r"(s->dr[1]));
    __asm__ volatile("mov %%db2, %0" : "=r"(s->dr[2]));
    __asm__ volatile("mov %%db3, %0" : "=r"(s->dr[3]));
}

/*
 * EXITINTINFO -> the EVENTINJ to deliver again. Software interrupts and the
 * trap-like #BP/#OF are not re-injected: without NRIP save their return
 * address is unknown, and RIP still points at the instruction, which simply
 * executes again. QEMU types an interrupted external interrupt as an
 * exception (3); VMRUN refuses exceptions with vectors >= 32, so retype them.
 */
static uint64_t svm_reinjection(uint64_t info)
{
    uint64_t type = info & VMCB_EVENT_TYPE_MASK;
    uint64_t vector = info & VMCB_EVENT_VECTOR_MASK;

    if (!(info & VMCB_EVENT_VALID))
        return 0;
    if (type == VMCB_EVENT_TYPE_SOFT_INT ||
        (type == VMCB_EVENT_TYPE_EXCEPTION && (vector == X86_EXC_BP || vector == X86_EXC_OF)))
        return 0;
    if (type == VMCB_EVENT_TYPE_EXCEPTION && vector >= 32)
        info = (info & ~(VMCB_EVENT_TYPE_MASK | VMCB_EVENT_ERROR_VALID)) |
               VMCB_EVENT_TYPE_INTR;
    return info;
}

/*
 * The event-channel upcall: injected as an external interrupt when the guest
 * can take one; otherwise a virtual interrupt request with the VINTR
 * intercept makes the guest exit as soon as it can (exit_intr.c), and the
 * next entry injects it.
 */
static void svm_deliver_upcall(struct vcpu *v, struct svm_vcpu *s)
{
    struct vmcb_control *ctl = &s->vmcb->control;
    int vector = evtchn_upcall_vector(v);

    ctl->vintr &= ~(VMCB_VINTR_IRQ | VMCB_VINTR_IGN_TPR | (0xFull << VMCB_VINTR_PRIO_SHIFT) |
                    (0xFFull << VMCB_VINTR_VECTOR_SHIFT));
    ctl->intercept_misc1 &= ~VMCB_INTERCEPT_VINTR;
    if (vector < 0)
        return;
    if (!s->pending_event && (s->vmcb->save.rflags & X86_RFLAGS_IF) &&
        !(ctl->interrupt_shadow & VMCB_INTERRUPT_SHADOW)) {
        s->pending_event = VMCB_EVENT_VALID | VMCB_EVENT_TYPE_INTR | (uint8_t)vector;
        return;
    }
    ctl->vintr |= VMCB_VINTR_IRQ | VMCB_VINTR_IGN_TPR | (0xFull << VMCB_VINTR_PRIO_SHIFT) |
                  ((uint64_t)(uint8_t)vector << VMCB_VINTR_VECTOR_SHIFT);
    ctl->intercept_misc1 |= VMCB_INTERCEPT_VINTR;
}

bool svm_guest_64bit(const struct svm_vcpu *s)
{
    return (s->vmcb->save.efer & EFER_LMA) && (s->vmcb->save.cs.attrib & VMCB_ATTR_L);
}

static bool exception_has_error_code(unsigned int vector)
{
    return vector == X86_EXC_DF || (vector >= X86_EXC_TS && vector <= X86_EXC_PF) ||
           vector == X86_EXC_AC || vector == X86_EXC_CP || vector == X86_EXC_VC ||
           vector == X86_EXC_SX;
}

struct svm_exit_outcome svm_exception(unsigned int vector)
{
    return (struct svm_exit_outcome){
        .action = SVM_EXIT_INJECT,
        .event = VMCB_EVENT_VALID | VMCB_EVENT_TYPE_EXCEPTION | (vector & 0xFF),
    };
}

struct svm_exit_outcome svm_exception_error(unsigned int vector, uint32_t error_code)
{
    struct svm_exit_outcome o = svm_exception(vector);

    if (exception_has_error_code(vector))
        o.event |= VMCB_EVENT_ERROR_VALID | ((uint64_t)error_code << VMCB_EVENT_ERROR_SHIFT);
    return o;
}

static void svm_advance_rip(struct svm_vcpu *s, unsigned int len)
{
    struct vmcb_save *save = &s->vmcb->save;

    /*
     * The instruction pointer is as wide as the code's operand size (AMD APM
     * vol. 1, 2.5): all of RIP in 64-bit mode; EIP for a 32-bit CS (D set) in
     * protected or compatibility mode; IP in real and virtual-8086 mode, and
     * for a 16-bit CS.
     */
    save->rip += len;
    if (!svm_guest_64bit(s))
        save->rip &= (save->cr0 & X86_CR0_PE) && !(save->rflags & X86_RFLAGS_VM) &&
                     (save->cs.attrib & VMCB_ATTR_DB) ? 0xFFFFFFFFu : 0xFFFFu;
    /* Completing the instruction ends an STI/MOV SS shadow ... */
    s->vmcb->control.interrupt_shadow = 0;
    /* ... and single-stepping traps after it, as on hardware. */
    if ((save->rflags & X86_RFLAGS_TF) && !s->pending_event) {
        save->dr6 |= X86_DR6_BS;
        s->pending_event = svm_exception(X86_EXC_DB).event;
    }
}

/* NULL, or why the domain must crash. */
static const char *svm_apply_outcome(struct svm_vcpu *s, struct svm_exit_outcome o)
{
    switch (o.action) {
    case SVM_EXIT_RESUME:
        return NULL;
    case SVM_EXIT_ADVANCE:
        svm_advance_rip(s, o.insn_len);
        return NULL;
    case SVM_EXIT_INJECT:
        /* Only instruction intercepts inject, and they never interrupt a delivery. */
        if (s->pending_event)
            return "exception raised while an event was being delivered";
        s->pending_event = o.event;
        return NULL;
    case SVM_EXIT_CRASH:
        break;
    }
    return o.why;
}

/*
 * The guest state a VMRUN loads from the VMCB and a #VMEXIT stores back,
 * with the interrupt state and the event injected, as it was before an entry.
 */
struct svm_entry_state {
    struct vmcb_segment es, cs, ss, ds, gdtr, idtr;
    uint64_t efer, cr0, cr2, cr3, cr4, dr6, dr7, rflags, rip, rsp, rax;
    uint64_t vintr, interrupt_shadow, eventinj;
    uint8_t cpl;
};

static void svm_entry_state_keep(const struct svm_vcpu *s, struct svm_entry_state *e)
{
    const struct vmcb_save *save = &s->vmcb->save;
    const struct vmcb_control *ctl = &s->vmcb->control;

    *e = (struct svm_entry_state){
        save->es, save->cs, save->ss, save->ds, save->gdtr, save->idtr,
        save->efer, save->cr0, save->cr2, save->cr3, save->cr4, save->dr6, save->dr7,
        save->rflags, save->rip, save->rsp, save->rax,
        ctl->vintr, ctl->interrupt_shadow, ctl->eventinj, save->cpl,
    };
}

static void svm_entry_state_restore(struct svm_vcpu *s, const struct svm_entry_state *e)
{
    struct vmcb_save *save = &s->vmcb->save;
    struct vmcb_control *ctl = &s->vmcb->control;

    save->es = e->es;
    save->cs = e->cs;
    save->ss = e->ss;
    save->ds = e->ds;
    save->gdtr = e->gdtr;
    save->idtr = e->idtr;
    save->efer = e->efer;
    save->cr0 = e->cr0;
    save->cr2 = e->cr2;
    save->cr3 = e->cr3;
    save->cr4 = e->cr4;
    save->dr6 = e->dr6;
    save->dr7 = e->dr7;
    save->rflags = e->rflags;
    save->rip = e->rip;
    save->rsp = e->rsp;
    save->rax = e->rax;
    save->cpl = e->cpl;
    ctl->vintr = e->vintr;
    ctl->interrupt_shadow = e->interrupt_shadow;
    s->pending_event = e->eventinj;
}

/*
 * Why the entry just done must be undone and retried, or NULL. QEMU 7.2 TCG
 * (decisions.md #20) rarely sets a VMRUN up wrongly, so that the guest faults
 * on its first instruction fetch, before executing anything, and its state
 * kept before the entry is still its real state. Two shapes were seen:
 * - the VMRUN ran this CPU's own host state as the guest (the exit stored
 *   RIP after VMRUN, the host's CR3, RAX the VMCB's address): a guest could
 *   only produce this by running on the host's CR3 and RIP;
 * - the guest triple-faulted at the very RIP, RSP and CR3 it was entered
 *   with, on an instruction that cannot fault there (the RET of a hypercall
 *   stub, its stack mapped). A real triple fault at the first instruction
 *   repeats deterministically, so retrying it costs a few entries.
 */
static const char *svm_entry_went_wrong(const struct svm_vcpu *s,
                                        const struct svm_entry_state *entry)
{
    const struct vmcb_save *save = &s->vmcb->save;

    if (save->rip == (uintptr_t)svm_vmrun_return && save->cr3 == read_cr3() &&
        save->rax == s->vmcb_pa)
        return "VMRUN ran this CPU's host state as the guest";
    if ((uint32_t)s->vmcb->control.exitcode == VMEXIT_SHUTDOWN && save->rip == entry->rip &&
        save->rsp == entry->rsp && save->cr3 == entry->cr3)
        return "triple fault at the first instruction after VMRUN";
    return NULL;
}

/* Consecutive retried entries after which the exit is handled as it is. */
#define SVM_ENTRY_RETRIES 3

/*
 * Branch predictions one domain trained must not steer another's: an
 * indirect branch prediction barrier when this CPU last ran a vCPU of a
 * different domain (not between vCPUs of one domain, which trust each other).
 */
static void svm_predictor_barrier(struct svm_cpu *c, const struct domain *d)
{
    if (c->last_domid == d->domid)
        return;
    c->last_domid = d->domid;
    if (host_spec.ibpb)
        wrmsr(MSR_PRED_CMD, PRED_CMD_IBPB);
}

void svm_vcpu_run(struct vcpu *v)
{
    struct svm_vcpu *s = to_svm(v);
    struct svm_cpu *c = svm_this_cpu();
    struct vmcb_control *ctl = &s->vmcb->control;
    struct svm_entry_state entry;
    unsigned int retries = 0;
    const char *why;

    svm_asid_assign(s, c, smp_processor_id());
    svm_predictor_barrier(c, v->domain);
    svm_load_extended_state(s);
    svm_load_guest_msrs(s);
    while (!vcpu_must_stop(v)) {
        svm_deliver_upcall(v, s);
        ctl->eventinj = s->pending_event;
        s->pending_event = 0;
        svm_entry_state_keep(s, &entry);
        svm_enter_guest(s->vmcb_pa, &s->gprs, c->host_state_pa);
        v->exits++;
        ctl->tlb_control = VMCB_TLB_FLUSH_NONE;
        ctl->eventinj = 0;
        why = svm_entry_went_wrong(s, &entry);
        if (why && retries++ < SVM_ENTRY_RETRIES) {
            printk("tessera: svm: CPU %u: %s vCPU %u: %s; its state is put back and "
                   "entered again (decisions.md #20)\n", smp_processor_id(), v->domain->name,
                   v->id, why);
            svm_entry_state_restore(s, &entry);
            continue;
        }
        retries = 0;
        if ((uint32_t)ctl->exitcode == VMEXIT_INVALID_LOW32) {
            /* The guest state is clobbered after a failed VMRUN: the domain cannot go on. */
            svm_dump_guest(v, "VMRUN refused the guest state");
            domain_crash(v->domain, "invalid guest state");
            break;
        }
        s->pending_event = svm_reinjection(ctl->exitintinfo);
        why = svm_apply_outcome(s, svm_handle_exit(v, s));
        if (why) {
            svm_dump_guest(v, why);
            domain_crash(v->domain, "%s", why);
            break;
        }
        /* The interrupt that made the guest exit (INTR, NMI) is taken here. */
        __asm__ volatile("sti; nop; cli" ::: "memory");
    }
    svm_put_guest_msrs(s);
    svm_save_extended_state(s);
}
