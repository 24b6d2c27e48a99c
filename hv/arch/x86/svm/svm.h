/* SPDX-License-Identifier: MIT */
/*
 * The SVM back-end's private interface: per-vCPU and per-CPU state, exit
 * decoding, ASIDs, the VMCB and the run loop. Exits are handled by hvm/
 * (asm/hvm/hvm.h). Nothing outside hv/arch/x86/svm/ includes this header.
 */
#ifndef SVM_SVM_H
#define SVM_SVM_H

#include <hv/types.h>
#include <hv/domain.h>
#include <asm/hvm/hvm.h>
#include <arch/x86-defs.h>
#include "vmcb.h"

struct db_vcpu_state;

/* Guest registers the VMCB does not hold (RAX and RSP live in the VMCB). Order used by entry.S. */
struct svm_gprs {
    uint64_t rbx, rcx, rdx, rsi, rdi, rbp;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};

struct svm_vcpu {
    struct vmcb *vmcb;
    paddr_t vmcb_pa;
    struct svm_gprs gprs;
    uint64_t pending_event; /* EVENTINJ for the next entry, 0 if none */
    uint32_t asid;
    uint64_t asid_generation;
    unsigned int asid_cpu; /* CPU the ASID belongs to */
};

/* Per-CPU SVM state. */
struct svm_cpu {
    paddr_t hsave_pa;      /* VM_HSAVE_PA: where VMRUN keeps host state */
    paddr_t host_state_pa; /* VMSAVE/VMLOAD of the host's hidden state */
    uint32_t next_asid;
    uint64_t asid_generation;
    uint32_t last_domid; /* domain whose vCPU ran here last (IBPB), or ~0 */
};

struct svm_cpu *svm_this_cpu(void);
/* Highest ASID the CPU offers (CPUID 8000_000A EBX - 1). */
extern uint32_t svm_max_asid;
/*
 * Whether this CPU is QEMU's TCG emulator, whose VMRUN sometimes sets an
 * entry up wrongly (run.c, decisions.md #20): the only place the retry of
 * such entries applies.
 */
extern bool svm_emulated_by_qemu_tcg;
/* MSR and I/O permission maps, shared by every vCPU. */
extern paddr_t svm_msrpm_pa, svm_iopm_pa;

static inline struct svm_vcpu *to_svm(const struct vcpu *v)
{
    return v->arch.vendor.svm;
}

/* The exit just taken, as hvm/ sees it (exit.c). */
void svm_exit_decode(struct vcpu *v, struct svm_vcpu *s, struct hvm_exit *e);

/* Prints the exit and the guest's registers (unhandled exits, crashes). */
void svm_dump_guest(struct vcpu *v, const char *why);

/* ASIDs (asid.c): gives s an ASID valid on this CPU, flushing when they run out. */
void svm_asid_assign(struct svm_vcpu *s, struct svm_cpu *c, unsigned int cpu);
void svm_asid_init_cpu(struct svm_cpu *c);

/* VMCB set-up (vmcb.c). */
void svm_vmcb_init(struct vcpu *v, struct svm_vcpu *s);
int svm_vmcb_set_start_state(struct svm_vcpu *s, const struct db_vcpu_state *st);

/* The run loop (run.c). */
void svm_vcpu_run(struct vcpu *v);

/* entry.S */
void svm_enter_guest(paddr_t vmcb_pa, struct svm_gprs *gprs, paddr_t host_state_pa);
/* The host's instruction after VMRUN in svm_enter_guest (the RIP VMRUN saves). */
extern const char svm_vmrun_return[];

#endif
