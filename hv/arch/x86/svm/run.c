// SPDX-License-Identifier: MIT
/*
 * The run loop of one vCPU on this CPU: enter the guest, decode the exit and
 * hand it to hvm/ (which handles it and applies the outcome), let pending
 * host interrupts in, repeat until the scheduler wants the CPU back. Also
 * event injection, with the event an exit interrupted (EXITINTINFO)
 * delivered again first.
 */
#include <asm/cpu.h>
#include <asm/hvm/exit_stats.h>
#include <asm/msr.h>
#include <asm/spec_ctrl.h>
#include <hv/arch_vcpu.h>
#include <hv/domain.h>
#include <hv/evtchn.h>
#include <hv/percpu.h>
#include <hv/printk.h>
#include <hv/sched.h>
#include <hv/timer.h>
#include <hv/p2m.h>
#include "svm.h"

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
        info = (info & ~(VMCB_EVENT_TYPE_MASK | VMCB_EVENT_ERROR_VALID)) | VMCB_EVENT_TYPE_INTR;
    return info;
}

/*
 * A latched NMI first: injected unless an event is already going in or the
 * guest is still in the handler of the last NMI (SVM without vNMI does not
 * track that: the IRET intercept does, svm_exit_decode). Then the next
 * interrupt (hvm_pending_interrupt: the event-channel upcall's
 * vector, else the local APIC's): injected as an external interrupt when the guest
 * can take one; otherwise a virtual interrupt request with the VINTR
 * intercept makes the guest exit as soon as it can (exit_intr.c), and the
 * next entry injects it.
 */
static void svm_deliver_upcall(struct vcpu *v, struct svm_vcpu *s)
{
    struct vmcb_control *ctl = &s->vmcb->control;
    struct hvm_intack next = hvm_pending_interrupt(v);
    int vector = next.vector;

    ctl->vintr &= ~(VMCB_VINTR_IRQ | VMCB_VINTR_IGN_TPR | (0xFull << VMCB_VINTR_PRIO_SHIFT) |
                    (0xFFull << VMCB_VINTR_VECTOR_SHIFT));
    ctl->intercept_misc1 &= ~VMCB_INTERCEPT_VINTR;
    if (!s->pending_event && !s->nmi_masked && hvm_nmi_take(v)) {
        s->pending_event = VMCB_EVENT_VALID | VMCB_EVENT_TYPE_NMI | X86_EXC_NMI;
        s->nmi_masked = true;
        ctl->intercept_misc1 |= VMCB_INTERCEPT_IRET;
    }
    if (vector < 0)
        return;
    if (!s->pending_event && (s->vmcb->save.rflags & X86_RFLAGS_IF) &&
        !(ctl->interrupt_shadow & VMCB_INTERRUPT_SHADOW)) {
        s->pending_event = VMCB_EVENT_VALID | VMCB_EVENT_TYPE_INTR | (uint8_t)vector;
        hvm_interrupt_ack(v, next);
        return;
    }
    ctl->vintr |= VMCB_VINTR_IRQ | VMCB_VINTR_IGN_TPR | (0xFull << VMCB_VINTR_PRIO_SHIFT) |
                  ((uint64_t)(uint8_t)vector << VMCB_VINTR_VECTOR_SHIFT);
    ctl->intercept_misc1 |= VMCB_INTERCEPT_VINTR;
}

/*
 * The guest state a VMRUN loads from the VMCB and a #VMEXIT stores back,
 * with the interrupt state, the event injected and the other general
 * registers (a wrongly set-up entry may have run code: they too must be the
 * guest's again), as it was before an entry.
 */
struct svm_entry_state {
    struct vmcb_segment es, cs, ss, ds, gdtr, idtr;
    uint64_t efer, cr0, cr2, cr3, cr4, dr6, dr7, rflags, rip, rsp, rax;
    uint64_t vintr, interrupt_shadow, eventinj;
    uint8_t cpl;
    struct svm_gprs gprs;
};

static void svm_entry_state_keep(const struct svm_vcpu *s, struct svm_entry_state *e)
{
    const struct vmcb_save *save = &s->vmcb->save;
    const struct vmcb_control *ctl = &s->vmcb->control;

    *e = (struct svm_entry_state){
        save->es,
        save->cs,
        save->ss,
        save->ds,
        save->gdtr,
        save->idtr,
        save->efer,
        save->cr0,
        save->cr2,
        save->cr3,
        save->cr4,
        save->dr6,
        save->dr7,
        save->rflags,
        save->rip,
        save->rsp,
        save->rax,
        ctl->vintr,
        ctl->interrupt_shadow,
        ctl->eventinj,
        save->cpl,
        s->gprs,
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
    s->gprs = e->gprs;
}

/*
 * Why the entry just done must be undone and retried, or NULL. QEMU 7.2 TCG
 * (decisions.md #20) rarely sets a VMRUN up wrongly, so that the guest faults
 * on its first instruction fetch, before executing anything, and its state
 * kept before the entry is still its real state. Two shapes were seen:
 * - the VMRUN ran this CPU's own host state as the guest (the exit stored
 *   RIP after VMRUN, the host's CR3, RAX the VMCB's address);
 * - the guest triple-faulted at the very RIP, RSP and CR3 it was entered
 *   with, on an instruction that cannot fault there (the RET of a hypercall
 *   stub, its stack mapped). A real triple fault at the first instruction
 *   repeats deterministically, so retrying it costs a few entries.
 * A guest can produce either shape itself: the first by loading the host's
 * CR3 value and running at the GVA of svm_vmrun_return with RAX set (every
 * value a guest sets is a value a guest can forge), the second by faulting
 * on the instruction after an exit with no IDT. Nothing in the exit's state
 * tells such a guest from the defect, so the retry applies only where the
 * defect exists: when the CPU is QEMU's TCG, which no guest can make it be
 * (svm_emulated_by_qemu_tcg). Elsewhere both shapes are ordinary exits.
 * Under TCG a forging guest gets no more than it could do itself: its own
 * earlier state back, three times in a row at most, and one console line
 * per domain.
 */
static const char *svm_entry_went_wrong(const struct svm_vcpu *s,
                                        const struct svm_entry_state *entry)
{
    const struct vmcb_save *save = &s->vmcb->save;

    if (!svm_emulated_by_qemu_tcg)
        return NULL;
    if (save->rip == (uintptr_t)svm_vmrun_return && save->cr3 == read_cr3() &&
        save->rax == paddr_val(s->vmcb_pa))
        return "VMRUN ran this CPU's host state as the guest";
    if ((uint32_t)s->vmcb->control.exitcode == VMEXIT_SHUTDOWN && save->rip == entry->rip &&
        save->rsp == entry->rsp && save->cr3 == entry->cr3)
        return "triple fault at the first instruction after VMRUN";
    return NULL;
}

/* Consecutive retried entries after which the exit is handled as it is. */
#define SVM_ENTRY_RETRIES 3

/* A timer interrupt this late after its deadline, interrupts open since, was dropped. */
#define TIMER_LOST_AFTER_NS 1000000ull

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
    struct hvm_exit exit;
    unsigned int retries = 0;
    const char *why;

    svm_predictor_barrier(c, v->domain);
    hvm_vcpu_load(v);
    while (!vcpu_must_stop(v)) {
        uint64_t gen = p2m_unmap_gen(v->domain->p2m);

        /* Also a flush asked since the last entry (flush_guest_tlb): a new ASID now. */
        svm_asid_assign(s, c, smp_processor_id());

        /* The guest gave pages back (memory_op): no translation of them may survive. */
        if (gen != s->p2m_gen) {
            s->p2m_gen = gen;
            if (ctl->tlb_control == VMCB_TLB_FLUSH_NONE)
                ctl->tlb_control = VMCB_TLB_FLUSH_ASID;
        }
        svm_deliver_upcall(v, s);
        ctl->eventinj = s->pending_event;
        s->pending_event = 0;
        svm_entry_state_keep(s, &entry);
        exit_stats_resume();
        svm_enter_guest(s->vmcb_pa, &s->gprs, c->host_state_pa);
        exit_stats_exited();
        v->exits++;
        ctl->tlb_control = VMCB_TLB_FLUSH_NONE;
        ctl->eventinj = 0;
        why = svm_entry_went_wrong(s, &entry);
        if (why && retries++ < SVM_ENTRY_RETRIES) {
            /* Once per domain: a guest can produce the shapes at will (above). */
            if (!__atomic_exchange_n(&v->domain->arch.emulator_entry_said, true, __ATOMIC_RELAXED))
                printk("tessera: svm: CPU %u: %s vCPU %u: %s; its state is put back and "
                       "entered again (decisions.md #20; said once per domain)\n",
                       smp_processor_id(), v->domain->name, v->id, why);
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
        svm_exit_decode(v, s, &exit);
        why = hvm_handle_exit(v, &exit);
        if (why) {
            svm_dump_guest(v, why);
            domain_crash(v->domain, "%s", why);
            break;
        }
        /* The interrupt that made the guest exit (INTR, NMI) is taken here. */
        __asm__ volatile("sti; nop; cli" ::: "memory");
        /* Under TCG an exit can drop a timer interrupt's request (decisions.md #30). */
        if (svm_emulated_by_qemu_tcg && timer_interrupt_overdue(TIMER_LOST_AFTER_NS))
            arch_cpu_repost_dropped();
    }
    exit_stats_resume();
    hvm_vcpu_put(v);
}
