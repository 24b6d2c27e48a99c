// SPDX-License-Identifier: MIT
/*
 * The run loop of one vCPU on this CPU: load its VMCS, enter the guest,
 * decode the exit and hand it to hvm/, let pending host interrupts in,
 * repeat until the scheduler wants the CPU back, then clear the VMCS so that
 * the vCPU can run on any CPU next. Also event injection, with the event an
 * exit interrupted (IDT-vectoring information) delivered again first.
 */
#include <asm/cpu.h>
#include <asm/hvm/exit_stats.h>
#include <asm/msr.h>
#include <asm/spec_ctrl.h>
#include <hv/domain.h>
#include <hv/p2m.h>
#include <hv/percpu.h>
#include <hv/printk.h>
#include <hv/sched.h>
#include "decode.h"
#include "vmx.h"

/* An event whose delivery the exit interrupted, to deliver again (decode.c says which). */
static void take_interrupted_event(struct vmx_vcpu *s, uint32_t reason)
{
    uint32_t info = vmx_event_to_redeliver((uint32_t)vmread(IDT_VECTORING_INFO), reason);

    if (!info)
        return;
    s->pending_event = info;
    s->pending_error =
        (info & INTR_INFO_ERROR_VALID) ? (uint32_t)vmread(IDT_VECTORING_ERROR_CODE) : 0;
    s->pending_insn_len = vmx_soft_event(info) ? (uint32_t)vmread(VM_EXIT_INSTRUCTION_LEN) : 0;
}

/*
 * A latched NMI first: injected unless an event is already going in or the
 * guest blocks NMIs (still in the handler of the last one: the CPU keeps
 * that blocking in the interruptibility state until the guest's IRET; or
 * after MOV SS / STI, where an injected NMI may be refused). Without virtual
 * NMIs there is no NMI-window exit: a blocked NMI goes in at a later exit.
 * Then the next interrupt (hvm_pending_interrupt: the event-channel upcall's
 * vector, else the local APIC's): injected as an external interrupt when the
 * guest can take one; otherwise interrupt-window exiting makes the guest
 * exit as soon as it can (exit.c), and the next entry injects it.
 */
static void deliver_interrupt(struct vcpu *v, struct vmx_vcpu *s)
{
    struct hvm_intack next;
    uint64_t cpu = vmread(CPU_BASED_CONTROLS);
    uint64_t want = cpu & ~(uint64_t)CPU_INTR_WINDOW_EXITING;

    if (!s->pending_event &&
        !(vmread(GUEST_INTERRUPTIBILITY) &
          (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS | INTERRUPTIBILITY_NMI)) &&
        hvm_nmi_take(v))
        s->pending_event = INTR_INFO_VALID | (INTR_TYPE_NMI << INTR_INFO_TYPE_SHIFT) | X86_EXC_NMI;
    next = hvm_pending_interrupt(v);
    if (next.vector >= 0) {
        if (!s->pending_event && (vmread(GUEST_RFLAGS) & X86_RFLAGS_IF) &&
            !(vmread(GUEST_INTERRUPTIBILITY) & (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS))) {
            s->pending_event = INTR_INFO_VALID | (INTR_TYPE_EXT_INTR << INTR_INFO_TYPE_SHIFT) |
                               (uint8_t)next.vector;
            hvm_interrupt_ack(v, next);
        } else {
            want |= CPU_INTR_WINDOW_EXITING;
        }
    }
    if (want != cpu)
        vmwrite(CPU_BASED_CONTROLS, want);
}

/* The pending event into the entry's interruption fields (the CPU invalidates them at exit). */
static void write_event(struct vmx_vcpu *s)
{
    if (!s->pending_event)
        return;
    vmwrite(VM_ENTRY_INTR_INFO, s->pending_event);
    if (s->pending_event & INTR_INFO_ERROR_VALID)
        vmwrite(VM_ENTRY_EXCEPTION_ERROR_CODE, s->pending_error);
    if (vmx_soft_event(s->pending_event))
        vmwrite(VM_ENTRY_INSTRUCTION_LEN, s->pending_insn_len);
    s->pending_event = 0;
}

/*
 * Branch predictions one domain trained must not steer another's: an
 * indirect branch prediction barrier when this CPU last ran a vCPU of a
 * different domain.
 */
static void predictor_barrier(struct vmx_cpu *c, const struct domain *d)
{
    if (c->last_domid == d->domid)
        return;
    c->last_domid = d->domid;
    if (host_spec.ibpb)
        wrmsr(MSR_PRED_CMD, PRED_CMD_IBPB);
}

/* The guest's registers that live in the CPU, not the VMCS, while it runs here. */
static void cpu_state_load(const struct vmx_vcpu *s)
{
    wrmsr(MSR_STAR, s->msrs.star);
    wrmsr(MSR_LSTAR, s->msrs.lstar);
    wrmsr(MSR_CSTAR, s->msrs.cstar);
    wrmsr(MSR_SFMASK, s->msrs.sfmask);
    wrmsr(MSR_KERNEL_GS_BASE, s->msrs.kernel_gs_base);
    write_cr2(s->cr2);
    __asm__ volatile("mov %0, %%db6" : : "r"(s->dr6));
}

static void cpu_state_save(struct vmx_vcpu *s)
{
    s->msrs.star = rdmsr(MSR_STAR);
    s->msrs.lstar = rdmsr(MSR_LSTAR);
    s->msrs.cstar = rdmsr(MSR_CSTAR);
    s->msrs.sfmask = rdmsr(MSR_SFMASK);
    s->msrs.kernel_gs_base = rdmsr(MSR_KERNEL_GS_BASE);
    s->cr2 = read_cr2();
    __asm__ volatile("mov %%db6, %0" : "=r"(s->dr6));
}

/* Why an entry failed, or NULL: VMfail (by the error's name) or an entry-failure exit. */
static const char *entry_failure(int rc, uint32_t reason)
{
    if (rc == 1)
        return "VM entry failed: no current VMCS (VMfailInvalid)";
    if (rc == 2)
        return vmx_insn_error_name((uint32_t)vmread(VM_INSTRUCTION_ERROR));
    if (!(reason & EXIT_REASON_ENTRY_FAILURE))
        return NULL;
    switch (reason & 0xFFFF) {
    case EXIT_REASON_INVALID_STATE: return "VM entry failed: invalid guest state";
    case EXIT_REASON_MSR_LOADING: return "VM entry failed: MSR loading";
    case EXIT_REASON_MACHINE_CHECK: return "VM entry failed: machine check";
    default: return "VM entry failed";
    }
}

/* The VMCS current and up to date on this CPU, and translations cached elsewhere flushed. */
static void vmcs_enter_cpu(struct vcpu *v, struct vmx_vcpu *s, unsigned int cpu)
{
    vmptrld(s->vmcs_pa);
    s->vmcs_cpu = cpu;
    if (s->vmcs_fresh) {
        vmx_vmcs_init(v, s);
        s->vmcs_fresh = false;
    }
    if (s->start_pending) {
        vmx_vmcs_load_start(s, &s->start);
        s->start_pending = false;
    }
    vmx_vmcs_host_state();
    if (s->last_cpu != cpu) {
        vmx_flush_translations(v, s);
        s->last_cpu = cpu;
    }
}

void vmx_vcpu_run(struct vcpu *v)
{
    struct vmx_vcpu *s = to_vmx(v);
    unsigned int cpu = smp_processor_id();
    struct hvm_outcome own;
    struct hvm_exit exit;
    bool launched = false;
    const char *why;
    uint32_t reason;
    int rc;

    vmcs_enter_cpu(v, s, cpu);
    predictor_barrier(vmx_this_cpu(), v->domain);
    cpu_state_load(s);
    hvm_vcpu_load(v);
    while (!vcpu_must_stop(v)) {
        uint64_t gen = p2m_unmap_gen(v->domain->p2m);

        /* The guest gave pages back (memory_op): no translation of them may survive. */
        if (gen != s->p2m_gen) {
            s->p2m_gen = gen;
            vmx_flush_translations(v, s);
        }
        if (__atomic_exchange_n(&s->tlb_flush_pending, false, __ATOMIC_ACQUIRE))
            vmx_flush_guest_tlb(s);
        deliver_interrupt(v, s);
        write_event(s);
        vmwrite(TSC_OFFSET, s->tsc_offset);
        exit_stats_resume();
        rc = vmx_enter_guest(&s->gprs, launched);
        exit_stats_exited();
        reason = rc ? 0 : (uint32_t)vmread(VM_EXIT_REASON);
        why = entry_failure(rc, reason);
        if (why) {
            /* Nothing of the guest ran: its state is as it was, and it cannot be entered. */
            vmx_dump_guest(v, why);
            domain_crash(v->domain, "%s", why);
            break;
        }
        launched = true;
        v->exits++;
        take_interrupted_event(s, reason);
        if (vmx_exit_decode(v, s, reason, &exit, &own))
            why = hvm_apply_outcome(v, own);
        else
            why = hvm_handle_exit(v, &exit);
        if (why) {
            vmx_dump_guest(v, why);
            domain_crash(v->domain, "%s", why);
            break;
        }
        /* The interrupt that made the guest exit is taken here. */
        __asm__ volatile("sti; nop; cli" ::: "memory");
    }
    exit_stats_resume();
    hvm_vcpu_put(v);
    cpu_state_save(s);
    vmx_read_paging(&s->paging);
    s->vmcs_cpu = ~0u;
    vmclear(s->vmcs_pa);
}
