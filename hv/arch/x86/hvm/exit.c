// SPDX-License-Identifier: MIT
/*
 * The exit dispatch, written once for every back-end: from the decoded exit
 * (asm/hvm/hvm.h) to its family's handler, then the outcome applied through
 * the back-end's register accessors.
 */
#include <asm/hvm/exit_stats.h>
#include <hv/evtchn.h>
#include <hv/hypercall.h>
#include <hv/sched.h>
#include "hvm.h"

static bool exception_has_error_code(unsigned int vector)
{
    return vector == X86_EXC_DF || (vector >= X86_EXC_TS && vector <= X86_EXC_PF) ||
           vector == X86_EXC_AC || vector == X86_EXC_CP || vector == X86_EXC_VC ||
           vector == X86_EXC_SX;
}

struct hvm_outcome hvm_exception(unsigned int vector, uint32_t error_code)
{
    bool has_error = exception_has_error_code(vector);

    return (struct hvm_outcome){ .action = HVM_INJECT,
                                 .vector = (uint8_t)vector,
                                 .has_error = has_error,
                                 .error_code = has_error ? error_code : 0 };
}

/*
 * HLT: the vCPU blocks until an event wakes it (sched_unblock), unless one is
 * already pending. With interrupts off nothing can wake it: as Xen (hvm_hlt),
 * the vCPU goes down, and the domain powers off when its last one does (how
 * Linux's `poweroff -f` ends a PVH domU without ACPI _S5).
 */
static struct hvm_outcome exit_hlt(struct vcpu *v, const struct hvm_exit *e)
{
    static const struct hvm_opcode op = { 1, { 0xF4 } };
    struct hvm_outcome o = hvm_advance_over(v, e, &op, "HLT");

    if (o.action == HVM_ADVANCE && !(hvm_be->get_reg(v, GREG_RFLAGS) & X86_RFLAGS_IF)) {
        vcpu_down(v);
    } else if (o.action == HVM_ADVANCE) {
        sched_block(v);
        /* An event that arrived before the block must not be slept through. */
        if (evtchn_upcall_pending(v) || hvm_vlapic_pending(v) >= 0 || hvm_nmi_pending(v))
            sched_unblock(v);
    }
    return o;
}

/* INVD and WBINVD: caches are coherent for guests under nested paging; skip them. */
static struct hvm_outcome exit_cache_flush(struct vcpu *v, const struct hvm_exit *e)
{
    static const struct hvm_opcode ops[] = {
        { 2, { 0x0F, 0x08 } }, /* INVD */
        { 2, { 0x0F, 0x09 } }, /* WBINVD */
    };
    unsigned int len = e->insn_len ? e->insn_len : hvm_insn_length(v, ops, ARRAY_SIZE(ops));

    return len ? hvm_advance(len) : hvm_crash("INVD/WBINVD exit without the instruction at RIP");
}

/*
 * HVM/PVH: #DB and #AC are intercepted only so that a guest cannot hang its
 * CPU with an endless chain of them raised during their own delivery (the
 * exit gives the hypervisor its CPU back each time): reflected unchanged.
 * A back-end also decodes an instruction into the exception it raises for
 * guests (RDPMC: #GP, no performance counters offered).
 */
struct hvm_outcome hvm_reflect_exception(struct vcpu *v, uint8_t vector, uint32_t error_code,
                                         uint64_t fault_addr)
{
    (void)v;
    (void)fault_addr;
    return hvm_exception(vector, error_code);
}

struct hvm_outcome hvm_dispatch_exit(struct vcpu *v, const struct hvm_exit *e)
{
    switch (e->reason) {
    case HVM_EXIT_NONE: return hvm_resume();
    case HVM_EXIT_CPUID: return hvm_exit_cpuid(v, e);
    case HVM_EXIT_MSR: return hvm_exit_msr(v, e);
    case HVM_EXIT_IO: return hvm_exit_io(v, e);
    case HVM_EXIT_HLT: return exit_hlt(v, e);
    case HVM_EXIT_HYPERCALL: return hvm_exit_hypercall(v, e);
    case HVM_EXIT_NPF: return hvm_exit_npf(v, e);
    /*
     * What the domain's type does with an exception: HVM/PVH reflect it
     * (hvm_reflect_exception), a PV domain bounces it to its trap table.
     */
    case HVM_EXIT_EXCEPTION:
        return v->domain->arch.type->exception(v, e->exception.vector, e->exception.error_code,
                                               e->exception.fault_addr);
    /* Instructions guests are not offered: #UD, as on a CPU without them. */
    case HVM_EXIT_UNDEFINED: return v->domain->arch.type->exception(v, X86_EXC_UD, 0, 0);
    case HVM_EXIT_CACHE_FLUSH: return exit_cache_flush(v, e);
    case HVM_EXIT_XSETBV: return hvm_exit_xsetbv(v, e);
    case HVM_EXIT_TRIPLE_FAULT: return hvm_crash("triple fault");
    case HVM_EXIT_UNKNOWN: break;
    }
    return hvm_crash("exit the hypervisor does not handle");
}

unsigned int hvm_code_bits(const struct vcpu *v)
{
    struct hvm_code c;
    struct guest_paging p;

    hvm_be->get_code(v, &c);
    hvm_be->get_paging(v, &p);
    if ((p.efer & EFER_LMA) && (c.cs_attr & X86_SEG_ATTR_L))
        return 64;
    /*
     * The instruction pointer is as wide as the code's operand size (AMD APM
     * vol. 1, 2.5): EIP for a 32-bit CS (D set) in protected or compatibility
     * mode; IP in real and virtual-8086 mode, and for a 16-bit CS.
     */
    if ((p.cr0 & X86_CR0_PE) && !(hvm_be->get_reg(v, GREG_RFLAGS) & X86_RFLAGS_VM) &&
        (c.cs_attr & X86_SEG_ATTR_DB))
        return 32;
    return 16;
}

static void advance_rip(struct vcpu *v, unsigned int len)
{
    unsigned int bits = hvm_code_bits(v);
    uint64_t rip = hvm_be->get_reg(v, GREG_RIP) + len;

    if (bits != 64)
        rip &= bits == 32 ? 0xFFFFFFFFu : 0xFFFFu;
    hvm_be->set_reg(v, GREG_RIP, rip);
    /* Completing the instruction ends an STI/MOV SS shadow ... */
    hvm_be->end_interrupt_shadow(v);
    /* ... and single-stepping traps after it, as on hardware. */
    if ((hvm_be->get_reg(v, GREG_RFLAGS) & X86_RFLAGS_TF) && !hvm_be->event_pending(v)) {
        hvm_be->set_reg(v, GREG_DR6, hvm_be->get_reg(v, GREG_DR6) | X86_DR6_BS);
        hvm_be->inject_exception(v, X86_EXC_DB, false, 0);
    }
}

const char *hvm_apply_outcome(struct vcpu *v, struct hvm_outcome o)
{
    switch (o.action) {
    case HVM_RESUME: return NULL;
    case HVM_ADVANCE: advance_rip(v, o.insn_len); return NULL;
    case HVM_INJECT:
        /* Only instruction intercepts inject, and they never interrupt a delivery. */
        if (hvm_be->event_pending(v))
            return "exception raised while an event was being delivered";
        hvm_be->inject_exception(v, o.vector, o.has_error, o.error_code);
        return NULL;
    case HVM_CRASH: break;
    }
    return o.why;
}

const char *hvm_handle_exit(struct vcpu *v, const struct hvm_exit *e)
{
    exit_stats_reason(e->reason);
    return hvm_apply_outcome(v, hvm_dispatch_exit(v, e));
}
