// SPDX-License-Identifier: MIT
/*
 * Exit decoding: the VMCB's exit code and information fields into the
 * vendor-neutral record hvm/ handles (asm/hvm/hvm.h). Only what is SVM's
 * own is done here: the virtual-interrupt window the run loop opened.
 */
#include <hv/printk.h>
#include "svm.h"

#define IOIO_IN      (1ull << 0)
#define IOIO_STRING  (1ull << 2)
#define IOIO_SIZE16  (1ull << 5)
#define IOIO_SIZE32  (1ull << 6)
#define IOIO_PORT(i) ((uint16_t)((i) >> 16))

#define NPF_PRESENT (1ull << 0)
#define NPF_WRITE   (1ull << 1)
#define NPF_FETCH   (1ull << 4)
#define NPF_IN_WALK (1ull << 33)

static void decode_ioio(const struct svm_vcpu *s, struct hvm_exit *e)
{
    uint64_t info = s->vmcb->control.exitinfo1;
    /* IOIO is the one exit that reports the next RIP (EXITINFO2), even without NRIP save. */
    uint64_t len = s->vmcb->control.exitinfo2 - s->vmcb->save.rip;

    e->reason = HVM_EXIT_IO;
    e->insn_len = len <= X86_MAX_INSN_LEN ? (unsigned int)len : 0;
    e->io.port = IOIO_PORT(info);
    e->io.size = (info & IOIO_SIZE32) ? 4 : (info & IOIO_SIZE16) ? 2 : 1;
    e->io.in = (info & IOIO_IN) != 0;
    e->io.string = (info & IOIO_STRING) != 0;
}

static void decode_npf(const struct svm_vcpu *s, struct hvm_exit *e)
{
    uint64_t err = s->vmcb->control.exitinfo1;

    e->reason = HVM_EXIT_NPF;
    e->npf.gpa = mk_gpaddr(s->vmcb->control.exitinfo2);
    e->npf.present = (err & NPF_PRESENT) != 0;
    e->npf.write = (err & NPF_WRITE) != 0;
    e->npf.fetch = (err & NPF_FETCH) != 0;
    e->npf.in_walk = (err & NPF_IN_WALK) != 0;
}

/*
 * VINTR: the guest can take the upcall the run loop asked a window for; the
 * next entry injects it. Physical interrupts and NMIs need nothing here: the
 * run loop enables interrupts after every exit and the host's own handler
 * takes the interrupt (NMIs are taken at STGI).
 */
static void close_interrupt_window(struct svm_vcpu *s)
{
    s->vmcb->control.vintr &= ~VMCB_VINTR_IRQ;
    s->vmcb->control.intercept_misc1 &= ~VMCB_INTERCEPT_VINTR;
}

void svm_exit_decode(struct vcpu *v, struct svm_vcpu *s, struct hvm_exit *e)
{
    uint64_t code = s->vmcb->control.exitcode;

    (void)v;
    *e = (struct hvm_exit){ .reason = HVM_EXIT_UNKNOWN };
    /* The intercepted ones (vmcb.c): #DB and #AC, every one in a PV container. */
    if (code >= VMEXIT_EXCEPTION_BASE && code < VMEXIT_EXCEPTION_BASE + 32) {
        e->reason = HVM_EXIT_EXCEPTION;
        e->exception.vector = (uint8_t)(code - VMEXIT_EXCEPTION_BASE);
        e->exception.error_code = (uint32_t)s->vmcb->control.exitinfo1;
        if (e->exception.vector == X86_EXC_PF)
            e->exception.fault_addr = s->vmcb->control.exitinfo2;
        return;
    }
    switch (code) {
    /*
     * No performance counters are offered (no vPMU): RDPMC raises the #GP(0)
     * a CPU gives for a counter it does not have, whatever ECX names.
     */
    case VMEXIT_RDPMC:
        e->reason = HVM_EXIT_EXCEPTION;
        e->exception.vector = X86_EXC_GP;
        e->exception.error_code = 0;
        break;
    case VMEXIT_VINTR:
        close_interrupt_window(s);
        e->reason = HVM_EXIT_NONE;
        break;
    /*
     * The NMI handler returns: the next NMI may go in. The IRET has not
     * executed yet, so one injected at once nests at that instruction, which
     * guests tolerate (Linux's NMI entry handles nesting).
     */
    case VMEXIT_IRET:
        s->nmi_masked = false;
        s->vmcb->control.intercept_misc1 &= ~VMCB_INTERCEPT_IRET;
        e->reason = HVM_EXIT_NONE;
        break;
    case VMEXIT_INTR:
    case VMEXIT_NMI: e->reason = HVM_EXIT_NONE; break;
    case VMEXIT_CPUID: e->reason = HVM_EXIT_CPUID; break;
    case VMEXIT_HLT: e->reason = HVM_EXIT_HLT; break;
    case VMEXIT_IOIO: decode_ioio(s, e); break;
    case VMEXIT_MSR:
        e->reason = HVM_EXIT_MSR;
        e->msr.write = s->vmcb->control.exitinfo1 == 1;
        break;
    case VMEXIT_SHUTDOWN: e->reason = HVM_EXIT_TRIPLE_FAULT; break;
    case VMEXIT_VMMCALL: e->reason = HVM_EXIT_HYPERCALL; break;
    case VMEXIT_INVD:
    case VMEXIT_WBINVD: e->reason = HVM_EXIT_CACHE_FLUSH; break;
    case VMEXIT_XSETBV: e->reason = HVM_EXIT_XSETBV; break;
    /* Instructions guests are not offered. */
    case VMEXIT_RSM:
    case VMEXIT_INVLPGA:
    case VMEXIT_VMRUN:
    case VMEXIT_VMLOAD:
    case VMEXIT_VMSAVE:
    case VMEXIT_STGI:
    case VMEXIT_CLGI:
    case VMEXIT_SKINIT:
    case VMEXIT_MONITOR:
    case VMEXIT_MWAIT:
    case VMEXIT_MWAIT_COND:
    case VMEXIT_RDPRU: e->reason = HVM_EXIT_UNDEFINED; break;
    case VMEXIT_NPF: decode_npf(s, e); break;
    }
}

void svm_dump_guest(struct vcpu *v, const char *why)
{
    const struct vmcb *vmcb = to_svm(v)->vmcb;
    const struct svm_gprs *g = &to_svm(v)->gprs;

    printk("%s: vCPU %u: %s: exit 0x%llx info1 0x%llx info2 0x%llx intinfo 0x%llx\n",
           v->domain->name, v->id, why, (unsigned long long)vmcb->control.exitcode,
           (unsigned long long)vmcb->control.exitinfo1, (unsigned long long)vmcb->control.exitinfo2,
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
