/* SPDX-License-Identifier: MIT */
/*
 * The SVM back-end's private interface: per-vCPU and per-CPU state, the exit
 * handler contract and the helpers the exit families share. Nothing outside
 * hv/arch/x86/svm/ includes this header.
 */
#ifndef SVM_SVM_H
#define SVM_SVM_H

#include <hv/types.h>
#include <hv/arch_vcpu.h>
#include <hv/domain.h>
#include <asm/guest_cpuid.h>
#include <asm/idt.h>
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
    uint64_t pending_event;         /* EVENTINJ for the next entry, 0 if none */
    uint32_t asid;
    uint64_t asid_generation;
    unsigned int asid_cpu;          /* CPU the ASID belongs to */
    uint64_t xcr0;                  /* guest XCR0 while it is not loaded */
    void *fpu_area;                 /* XSAVE/FXSAVE image while not loaded */
    uint64_t dr[4];                 /* DR0-3 while not loaded */
    unsigned int fpu_order;
    struct guest_msr_features msrs; /* what the domain's CPUID says exists */
    uint64_t spec_ctrl;             /* guest MSR_SPEC_CTRL */
    uint64_t virt_spec_ctrl;        /* guest MSR_VIRT_SPEC_CTRL (emulated) */
    uint32_t tsc_aux;               /* guest MSR_TSC_AUX: the vCPU id until it writes one */
};

/* Per-CPU SVM state. */
struct svm_cpu {
    paddr_t hsave_pa;               /* VM_HSAVE_PA: where VMRUN keeps host state */
    paddr_t host_state_pa;          /* VMSAVE/VMLOAD of the host's hidden state */
    uint32_t next_asid;
    uint64_t asid_generation;
    uint32_t last_domid;            /* domain whose vCPU ran here last (IBPB), or ~0 */
};

struct svm_cpu *svm_this_cpu(void);
/* Highest ASID the CPU offers (CPUID 8000_000A EBX - 1). */
extern uint32_t svm_max_asid;
/* Whether the host runs with CR4.OSXSAVE (then XCR0 is switched per vCPU). */
extern bool svm_host_xsave;
extern unsigned int svm_fpu_area_order;
/* MSR and I/O permission maps, shared by every vCPU. */
extern paddr_t svm_msrpm_pa, svm_iopm_pa;

static inline struct svm_vcpu *to_svm(const struct vcpu *v)
{
    return v->arch;
}

/* What an exit handler wants done before the guest runs again. */
enum svm_exit_action {
    SVM_EXIT_RESUME,    /* run the guest again as it is */
    SVM_EXIT_ADVANCE,   /* skip insn_len bytes of instruction, then run */
    SVM_EXIT_INJECT,    /* deliver event (EVENTINJ format), RIP unchanged */
    SVM_EXIT_CRASH,     /* the domain crashes, for the reason in why */
};

struct svm_exit_outcome {
    enum svm_exit_action action;
    uint8_t insn_len;
    uint64_t event;
    const char *why;    /* SVM_EXIT_CRASH: the reason */
};

typedef struct svm_exit_outcome (*svm_exit_handler)(struct vcpu *v, struct svm_vcpu *s);

static inline struct svm_exit_outcome svm_resume(void)
{
    return (struct svm_exit_outcome){ .action = SVM_EXIT_RESUME };
}

static inline struct svm_exit_outcome svm_advance(unsigned int len)
{
    return (struct svm_exit_outcome){ .action = SVM_EXIT_ADVANCE, .insn_len = (uint8_t)len };
}

static inline struct svm_exit_outcome svm_crash(const char *why)
{
    return (struct svm_exit_outcome){ .action = SVM_EXIT_CRASH, .why = why };
}


/* Hardware exception with or without an error code. */
struct svm_exit_outcome svm_exception(unsigned int vector);
struct svm_exit_outcome svm_exception_error(unsigned int vector, uint32_t error_code);

/*
 * Length of the instruction at the guest's CS:RIP, which must be one of the
 * opcodes given (after legacy and REX prefixes); 0 if it cannot be fetched
 * or is something else. QEMU offers no NRIP save, so lengths come from here.
 */
struct svm_opcode {
    uint8_t len;
    uint8_t bytes[3];
};
unsigned int svm_insn_length(struct vcpu *v, const struct svm_opcode *ops, unsigned int nr_ops);
/* Length of a fixed instruction, or a crash outcome when the bytes are not it. */
struct svm_exit_outcome svm_advance_over(struct vcpu *v, const struct svm_opcode *op,
                                         const char *what);

/* True when the guest runs 64-bit code (EFER.LMA and CS.L). */
bool svm_guest_64bit(const struct svm_vcpu *s);

/* Prints the exit and the guest's registers (unhandled exits, crashes). */
void svm_dump_guest(struct vcpu *v, const char *why);

/* Exit dispatch (exit.c) and the handlers of each family. */
struct svm_exit_outcome svm_handle_exit(struct vcpu *v, struct svm_vcpu *s);
struct svm_exit_outcome svm_exit_cpuid(struct vcpu *v, struct svm_vcpu *s);
struct svm_exit_outcome svm_exit_msr(struct vcpu *v, struct svm_vcpu *s);
struct svm_exit_outcome svm_exit_ioio(struct vcpu *v, struct svm_vcpu *s);
struct svm_exit_outcome svm_exit_npf(struct vcpu *v, struct svm_vcpu *s);
struct svm_exit_outcome svm_exit_vmmcall(struct vcpu *v, struct svm_vcpu *s);
struct svm_exit_outcome svm_exit_hlt(struct vcpu *v, struct svm_vcpu *s);
struct svm_exit_outcome svm_exit_intr(struct vcpu *v, struct svm_vcpu *s);
struct svm_exit_outcome svm_exit_nmi(struct vcpu *v, struct svm_vcpu *s);
struct svm_exit_outcome svm_exit_vintr(struct vcpu *v, struct svm_vcpu *s);
struct svm_exit_outcome svm_exit_shutdown(struct vcpu *v, struct svm_vcpu *s);
struct svm_exit_outcome svm_exit_exception(struct vcpu *v, struct svm_vcpu *s);
struct svm_exit_outcome svm_exit_undefined(struct vcpu *v, struct svm_vcpu *s);
struct svm_exit_outcome svm_exit_cache_flush(struct vcpu *v, struct svm_vcpu *s);

/* ASIDs (asid.c): gives s an ASID valid on this CPU, flushing when they run out. */
void svm_asid_assign(struct svm_vcpu *s, struct svm_cpu *c, unsigned int cpu);
void svm_asid_init_cpu(struct svm_cpu *c);

/* VMCB set-up (vmcb.c). */
void svm_vmcb_init(struct vcpu *v, struct svm_vcpu *s);
int svm_vmcb_set_start_state(struct svm_vcpu *s, const struct db_vcpu_state *st);

/* The run loop (run.c). */
void svm_vcpu_run(struct vcpu *v);

/* Guest speculation-control and TSC_AUX state (exit_msr.c): into the CPU while
 * the vCPU is on it, and out when it leaves. */
void svm_load_guest_msrs(struct svm_vcpu *s);
void svm_put_guest_msrs(struct svm_vcpu *s);

/* entry.S */
void svm_enter_guest(paddr_t vmcb_pa, struct svm_gprs *gprs, paddr_t host_state_pa);
/* The host's instruction after VMRUN in svm_enter_guest (the RIP VMRUN saves). */
extern const char svm_vmrun_return[];

#endif
