// SPDX-License-Identifier: MIT
/*
 * Exit decoding: the VMCS's exit reason and qualification into the
 * vendor-neutral record hvm/ handles (asm/hvm/hvm.h). What is VMX's own is
 * done here: host NMIs, the interrupt window the run loop opened, #DB's
 * DR6 bits, and the guest's writes to the CR0/CR4 bits the hypervisor owns
 * and to CR8 (the TPR, kept per vCPU as SVM's V_TPR is).
 */
#include <hv/printk.h>
#include "decode.h"
#include "vmx.h"

/* Exit qualification of #DB: the DR6 bits the exception would have set (B0-B3, BD, BS). */
#define DB_QUAL_DR6_BITS 0x600Full

/* A host NMI made the guest exit (NMI exiting): it is the host's, run its handler. */
static void decode_exception_or_nmi(struct vmx_vcpu *s, struct hvm_exit *e)
{
    uint32_t info = (uint32_t)vmread(VM_EXIT_INTR_INFO);
    uint8_t vector = (uint8_t)INTR_INFO_VECTOR(info);

    (void)s;
    if (INTR_INFO_TYPE(info) == INTR_TYPE_NMI) {
        __asm__ volatile("int $2");
        e->reason = HVM_EXIT_NONE;
        return;
    }
    if (vector == X86_EXC_DB) {
        uint64_t dr6;

        __asm__ volatile("mov %%db6, %0" : "=r"(dr6));
        dr6 |= vmread(EXIT_QUALIFICATION) & DB_QUAL_DR6_BITS;
        __asm__ volatile("mov %0, %%db6" : : "r"(dr6));
    }
    e->reason = HVM_EXIT_EXCEPTION;
    e->exception.vector = vector;
    e->exception.error_code =
        (info & INTR_INFO_ERROR_VALID) ? (uint32_t)vmread(VM_EXIT_INTR_ERROR_CODE) : 0;
    /* An intercepted #PF leaves CR2 alone: the linear address is the qualification. */
    if (vector == X86_EXC_PF)
        e->exception.fault_addr = vmread(EXIT_QUALIFICATION);
}

static bool gp_outcome(struct hvm_outcome *own)
{
    *own = hvm_exception(X86_EXC_GP, 0);
    return true;
}

/* MOV to CR0 with a value the architecture refuses: #GP, as the CPU would raise. */
static bool cr0_write(struct vcpu *v, uint64_t value, struct hvm_outcome *own)
{
    struct hvm_code c;
    uint64_t efer = vmread(GUEST_IA32_EFER);

    hvm_be->get_code(v, &c);
    if ((value >> 32) || ((value & X86_CR0_PG) && !(value & X86_CR0_PE)) ||
        ((value & X86_CR0_NW) && !(value & X86_CR0_CD)))
        return gp_outcome(own);
    if ((value & X86_CR0_PG) && !(vmx_guest_cr0() & X86_CR0_PG) && (efer & EFER_LME) &&
        !(vmx_guest_cr4() & X86_CR4_PAE))
        return gp_outcome(own);
    if (!(value & X86_CR0_PG) && (efer & EFER_LMA) && (c.cs_attr & X86_SEG_ATTR_L))
        return gp_outcome(own);
    vmx_set_cr0(value);
    return false;
}

static bool cr4_write(uint64_t value, struct hvm_outcome *own)
{
    if ((value & CR4_VMXE) || (value & ~vmx_caps.cr4_fixed1) ||
        ((vmread(GUEST_IA32_EFER) & EFER_LMA) && !(value & X86_CR4_PAE)))
        return gp_outcome(own);
    vmx_set_cr4(value);
    return false;
}

/*
 * Control-register accesses that exit: MOV to CR0/CR4 touching the bits the
 * hypervisor owns, CR8 both ways, CR3 if the CPU forces its exits. The
 * instruction did not execute, so the TLB flush it implies is done here.
 */
static bool cr_access(struct vcpu *v, struct vmx_vcpu *s, struct hvm_outcome *own)
{
    struct vmx_cr_access a = vmx_decode_cr_access(vmread(EXIT_QUALIFICATION));
    uint64_t value = a.type == VMX_CR_MOV_TO ? hvm_be->get_reg(v, a.gpr) : 0;
    unsigned int len = (unsigned int)vmread(VM_EXIT_INSTRUCTION_LEN);

    if (a.type == VMX_CR_MOV_TO) {
        bool refused = false;

        switch (a.cr) {
        case 0: refused = cr0_write(v, value, own); break;
        case 3: vmwrite(GUEST_CR3, value); break;
        case 4: refused = cr4_write(value, own); break;
        case 8:
            if (value > 0xF)
                return gp_outcome(own);
            s->cr8 = value;
            break;
        default: *own = hvm_crash("MOV to an unexpected control register"); return true;
        }
        if (refused)
            return true;
        if (a.cr != 8)
            vmx_flush_guest_tlb(s);
    } else if (a.type == VMX_CR_MOV_FROM && (a.cr == 3 || a.cr == 8)) {
        hvm_be->set_reg(v, a.gpr, a.cr == 3 ? vmread(GUEST_CR3) : s->cr8);
    } else {
        *own = hvm_crash("control-register access exit the hypervisor did not ask for");
        return true;
    }
    *own = hvm_advance(len);
    return true;
}

static void close_interrupt_window(void)
{
    vmwrite(CPU_BASED_CONTROLS, vmread(CPU_BASED_CONTROLS) & ~(uint64_t)CPU_INTR_WINDOW_EXITING);
}

bool vmx_exit_decode(struct vcpu *v, struct vmx_vcpu *s, uint32_t reason, struct hvm_exit *e,
                     struct hvm_outcome *own)
{
    *e = (struct hvm_exit){ .reason = HVM_EXIT_UNKNOWN };
    switch (reason & 0xFFFF) {
    case EXIT_REASON_EXCEPTION_NMI: decode_exception_or_nmi(s, e); break;
    /* The run loop enables interrupts after every exit: the host's handler takes it. */
    case EXIT_REASON_EXT_INTR: e->reason = HVM_EXIT_NONE; break;
    /* The hypervisor never sends INIT or SIPI to a CPU running a guest; nothing to do. */
    case EXIT_REASON_INIT:
    case EXIT_REASON_SIPI: e->reason = HVM_EXIT_NONE; break;
    case EXIT_REASON_INTR_WINDOW:
        close_interrupt_window();
        e->reason = HVM_EXIT_NONE;
        break;
    case EXIT_REASON_TRIPLE_FAULT: e->reason = HVM_EXIT_TRIPLE_FAULT; break;
    case EXIT_REASON_CPUID: e->reason = HVM_EXIT_CPUID; break;
    case EXIT_REASON_HLT: e->reason = HVM_EXIT_HLT; break;
    case EXIT_REASON_IO: vmx_decode_io(vmread(EXIT_QUALIFICATION), e); break;
    case EXIT_REASON_MSR_READ:
    case EXIT_REASON_MSR_WRITE:
        e->reason = HVM_EXIT_MSR;
        e->msr.write = (reason & 0xFFFF) == EXIT_REASON_MSR_WRITE;
        break;
    case EXIT_REASON_VMCALL: e->reason = HVM_EXIT_HYPERCALL; break;
    case EXIT_REASON_INVD:
    case EXIT_REASON_WBINVD: e->reason = HVM_EXIT_CACHE_FLUSH; break;
    /* No performance counters are offered (no vPMU): #GP, as for a counter a CPU lacks. */
    case EXIT_REASON_RDPMC:
        e->reason = HVM_EXIT_EXCEPTION;
        e->exception.vector = X86_EXC_GP;
        break;
    /* Instructions guests are not offered, as on SVM. */
    case EXIT_REASON_GETSEC:
    case EXIT_REASON_VMCLEAR:
    case EXIT_REASON_VMLAUNCH:
    case EXIT_REASON_VMPTRLD:
    case EXIT_REASON_VMPTRST:
    case EXIT_REASON_VMREAD:
    case EXIT_REASON_VMRESUME:
    case EXIT_REASON_VMWRITE:
    case EXIT_REASON_VMXOFF:
    case EXIT_REASON_VMXON:
    case EXIT_REASON_INVEPT:
    case EXIT_REASON_INVVPID:
    case EXIT_REASON_VMFUNC:
    case EXIT_REASON_MWAIT:
    case EXIT_REASON_MONITOR: e->reason = HVM_EXIT_UNDEFINED; break;
    case EXIT_REASON_XSETBV: e->reason = HVM_EXIT_XSETBV; break;
    case EXIT_REASON_EPT_VIOLATION:
        vmx_decode_ept_violation(vmread(EXIT_QUALIFICATION), vmread(GUEST_PHYSICAL_ADDRESS), e);
        break;
    case EXIT_REASON_CR_ACCESS: return cr_access(v, s, own);
    }
    /* The length VMX reports for instruction exits (not for the others: it is left 0). */
    switch (e->reason) {
    case HVM_EXIT_CPUID:
    case HVM_EXIT_HLT:
    case HVM_EXIT_IO:
    case HVM_EXIT_MSR:
    case HVM_EXIT_HYPERCALL:
    case HVM_EXIT_CACHE_FLUSH:
    case HVM_EXIT_XSETBV: e->insn_len = (unsigned int)vmread(VM_EXIT_INSTRUCTION_LEN); break;
    default: break;
    }
    return false;
}

void vmx_dump_guest(struct vcpu *v, const char *why)
{
    const struct vmx_gprs *g = &to_vmx(v)->gprs;

    printk("%s: vCPU %u: %s: exit reason 0x%llx qualification 0x%llx intr 0x%llx idt-vectoring "
           "0x%llx gpa 0x%llx\n",
           v->domain->name, v->id, why, (unsigned long long)vmread(VM_EXIT_REASON),
           (unsigned long long)vmread(EXIT_QUALIFICATION),
           (unsigned long long)vmread(VM_EXIT_INTR_INFO),
           (unsigned long long)vmread(IDT_VECTORING_INFO),
           (unsigned long long)vmread(GUEST_PHYSICAL_ADDRESS));
    printk("  rip %04llx:%016llx rsp %016llx rflags %08llx\n",
           (unsigned long long)vmread(GUEST_CS_SELECTOR), (unsigned long long)vmread(GUEST_RIP),
           (unsigned long long)vmread(GUEST_RSP), (unsigned long long)vmread(GUEST_RFLAGS));
    printk("  cr0 %llx (shadow %llx) cr3 %llx cr4 %llx (shadow %llx) efer %llx cs.ar %llx "
           "entry controls %llx\n",
           (unsigned long long)vmread(GUEST_CR0), (unsigned long long)vmread(CR0_READ_SHADOW),
           (unsigned long long)vmread(GUEST_CR3), (unsigned long long)vmread(GUEST_CR4),
           (unsigned long long)vmread(CR4_READ_SHADOW), (unsigned long long)vmread(GUEST_IA32_EFER),
           (unsigned long long)vmread(GUEST_CS_AR), (unsigned long long)vmread(VM_ENTRY_CONTROLS));
    printk("  rax %016llx rbx %016llx rcx %016llx rdx %016llx\n", (unsigned long long)g->rax,
           (unsigned long long)g->rbx, (unsigned long long)g->rcx, (unsigned long long)g->rdx);
    printk("  rsi %016llx rdi %016llx rbp %016llx r8  %016llx\n", (unsigned long long)g->rsi,
           (unsigned long long)g->rdi, (unsigned long long)g->rbp, (unsigned long long)g->r8);
}
