/* SPDX-License-Identifier: MIT */
/*
 * The vendor-neutral HVM layer (hv/arch/x86/hvm/) and the contract with its
 * hardware back-ends (svm/ today, vmx/ later).
 *
 * A back-end enters the guest and decodes each exit into a struct hvm_exit;
 * hvm_handle_exit() handles it once for every back-end (CPUID, MSRs, port
 * I/O, HLT, hypercalls, nested page faults, exceptions) and applies the
 * outcome (RIP advance, exception injection) through the back-end's register
 * accessors. Back-ends are listed in hvm/backend.c and chosen at boot by
 * their probe.
 */
#ifndef ASM_HVM_HVM_H
#define ASM_HVM_HVM_H

#include <hv/types.h>
#include <asm/domain_type.h>

struct vcpu;

/* Guest registers the back-end holds for hvm/ (get_reg/set_reg). */
enum guest_reg {
    GREG_RAX,
    GREG_RBX,
    GREG_RCX,
    GREG_RDX,
    GREG_RSI,
    GREG_RDI,
    GREG_RBP,
    GREG_RSP,
    GREG_R8,
    GREG_R9,
    GREG_R10,
    GREG_R11,
    GREG_R12,
    GREG_R13,
    GREG_R14,
    GREG_R15,
    GREG_RIP,
    GREG_RFLAGS,
    GREG_DR6,
    GREG_EFER, /* as the guest sees it: without the back-end's own bits (SVME) */
    GREG_PAT,
    GREG_CR2, /* set with a #PF hvm/ injects */
    GREG_CR3, /* set: the caller flushes the guest's TLB (flush_guest_tlb) */
    GREG_CR0, /* set: only TS changes (PV fpu_taskswitch) */
    GREG_CR4, /* set: a value the caller checked (PV's MOV to CR4) */
    GREG_FS_BASE,
    GREG_GS_BASE,
    GREG_SHADOW_GS_BASE, /* KERNEL_GS_BASE, which SWAPGS exchanges with GS's base */
    GREG_COUNT
};

/* A data or code segment register, for the MMIO instruction emulator. */
enum hvm_seg {
    HVM_SEG_ES,
    HVM_SEG_CS,
    HVM_SEG_SS,
    HVM_SEG_DS,
    HVM_SEG_FS,
    HVM_SEG_GS
};
struct hvm_segment {
    uint64_t base;
    uint32_t limit; /* byte granular */
    uint16_t attr;  /* X86_SEG_ATTR_* (12-bit form) */
    uint16_t selector;
};

/* The guest's code segment, for instruction fetch and RIP arithmetic. */
struct hvm_code {
    uint64_t cs_base;
    uint16_t cs_attr; /* X86_SEG_ATTR_* (12-bit form) */
};

enum hvm_exit_reason {
    HVM_EXIT_NONE, /* the back-end dealt with it (host interrupt, NMI, window) */
    HVM_EXIT_CPUID,
    HVM_EXIT_MSR,
    HVM_EXIT_IO,
    HVM_EXIT_HLT,
    HVM_EXIT_HYPERCALL,   /* the back-end's hypercall instruction (VMMCALL, VMCALL) */
    HVM_EXIT_NPF,         /* nested (EPT/NPT) page fault */
    HVM_EXIT_EXCEPTION,   /* an intercepted exception, reflected */
    HVM_EXIT_UNDEFINED,   /* an instruction guests are not offered: #UD */
    HVM_EXIT_CACHE_FLUSH, /* INVD, WBINVD */
    HVM_EXIT_XSETBV,
    HVM_EXIT_TRIPLE_FAULT,
    HVM_EXIT_UNKNOWN, /* an exit nothing handles */
};

/* One exit, decoded by the back-end. */
struct hvm_exit {
    enum hvm_exit_reason reason;
    /* Instruction length when the hardware reports it, else 0 (hvm/ reads the bytes). */
    unsigned int insn_len;
    union {
        struct {
            uint16_t port;
            uint8_t size; /* 1, 2 or 4 */
            bool in, string;
        } io;
        struct {
            bool write;
        } msr;
        struct {
            gpaddr_t gpa;
            bool present, write, fetch, in_walk;
        } npf;
        struct {
            uint8_t vector;
            uint32_t error_code;
            uint64_t fault_addr; /* #PF: the linear address (CR2) */
        } exception;
    };
};

/* What an exit needs done before the guest runs again. */
enum hvm_action {
    HVM_RESUME,  /* run the guest again as it is */
    HVM_ADVANCE, /* skip insn_len bytes of instruction, then run */
    HVM_INJECT,  /* deliver exception vector (error_code if it has one), RIP unchanged */
    HVM_CRASH,   /* the domain crashes, for the reason in why */
};

struct hvm_outcome {
    enum hvm_action action;
    uint8_t insn_len;
    uint8_t vector;
    bool has_error;
    uint32_t error_code;
    const char *why;
};

/* A hardware virtualisation back-end. */
struct hvm_backend {
    const char *name;
    /* NULL when this CPU can run the back-end, else why not (for the boot log). */
    const char *(*probe)(void);
    /* Global state on the boot CPU, after probe; false: out of memory. */
    bool (*init)(void);
    /* Enables the back-end on the calling CPU. */
    void (*init_cpu)(void);
    /* Per-vCPU state (VMCB ...); 0 or -errno. hvm_vcpu is set up before. */
    int (*vcpu_create)(struct vcpu *v);
    void (*vcpu_destroy)(struct vcpu *v);
    /* Power-on state in the same pages (domain restart); v is on no CPU. */
    void (*vcpu_reset)(struct vcpu *v);
    /* The builder's start state; -EINVAL for a mode the back-end does not run. */
    int (*vcpu_set_start_state)(struct vcpu *v, const struct db_vcpu_state *s);
    /*
     * Runs v on this CPU until vcpu_must_stop(v), handing each exit to
     * hvm_handle_exit(); between hvm_vcpu_load() and hvm_vcpu_put().
     */
    void (*vcpu_run)(struct vcpu *v);
    void (*get_paging)(const struct vcpu *v, struct guest_paging *p);
    void (*get_code)(const struct vcpu *v, struct hvm_code *c);
    void (*get_segment)(const struct vcpu *v, enum hvm_seg seg, struct hvm_segment *s);
    /* Loads a segment register, selector and hidden state (PV: segment loads, user %gs, iret). */
    void (*set_segment)(struct vcpu *v, enum hvm_seg seg, const struct hvm_segment *s);
    uint64_t (*get_reg)(const struct vcpu *v, enum guest_reg r);
    void (*set_reg)(struct vcpu *v, enum guest_reg r, uint64_t value);
    uint64_t (*tsc_offset)(const struct vcpu *v);
    void (*set_tsc_offset)(struct vcpu *v, uint64_t offset);
    /* An event (re-injected or queued) will be delivered at the next entry. */
    bool (*event_pending)(const struct vcpu *v);
    /* Queues an exception for the next entry (none is pending). */
    void (*inject_exception)(struct vcpu *v, uint8_t vector, bool has_error, uint32_t error);
    /* The vCPU's guest TLB entries are gone before it next runs (PV MMU calls). */
    void (*flush_guest_tlb)(struct vcpu *v);
    /* The instruction completed: an STI/MOV SS interrupt shadow ends. */
    void (*end_interrupt_shadow)(struct vcpu *v);
    /*
     * Whether entry and exit switch SPEC_CTRL (SVM's V_SPEC_CTRL); then
     * set_entry_spec_ctrl stores the guest's value, else hvm/ keeps it in
     * the MSR while the vCPU is on the CPU.
     */
    bool (*switches_spec_ctrl)(void);
    void (*set_entry_spec_ctrl)(struct vcpu *v, uint64_t value);
    /* Bytes of the instruction guests call the hypervisor with (hypercall page stubs). */
    const uint8_t *hypercall_insn;
    unsigned int hypercall_insn_len; /* at most 3 */
    const char *hypercall_insn_name;
};

/* The running vCPU's XCR0; a validated one into the CPU and its state (hvm/xstate.c). */
uint64_t hvm_xcr0_read(struct vcpu *v);
void hvm_xcr0_write(struct vcpu *v, uint64_t xcr0);

/* The back-end in use, chosen by hvm_backend_select() (hvm/backend.c). */
extern const struct hvm_backend *hvm_be;
/* Probes the back-ends in order and initialises the first this CPU can run; false if none. */
bool hvm_backend_select(void);
/* Per CPU, before it runs a vCPU. */
void hvm_init_cpu(void);
/* Whether the host runs with CR4.OSXSAVE (then XCR0 is switched per vCPU). */
extern bool hvm_host_xsave;

/*
 * Up to X86_MAX_INSN_LEN bytes at the guest's CS:RIP, fetched through its
 * page tables and the P2M (hvm/insn.c): how many could be read, the first
 * page that cannot be ending the fetch.
 */
unsigned int hvm_fetch_insn(struct vcpu *v, uint8_t *buf);
/* An x86 legacy prefix byte: segment overrides, operand/address size, LOCK, REP (hvm/insn.c). */
bool hvm_is_legacy_prefix(uint8_t b);

/* Handles one decoded exit (hvm/exit.c): what must happen before the guest runs again. */
struct hvm_outcome hvm_dispatch_exit(struct vcpu *v, const struct hvm_exit *e);
/* Applies an outcome: NULL, or why the domain must crash. */
const char *hvm_apply_outcome(struct vcpu *v, struct hvm_outcome o);
/* Both: the back-end's run loop calls this once per exit. */
const char *hvm_handle_exit(struct vcpu *v, const struct hvm_exit *e);

/*
 * The interrupt a vCPU takes next (hvm/vlapic_vcpu.c), for every back-end:
 * the Xen callback vector while an upcall is pending, else the local APIC's
 * highest vector above its PPR; vector -1 if none. The back-end injects it
 * when the guest can take it, then acknowledges it (APIC: IRR -> ISR).
 */
struct hvm_intack {
    int vector;
    bool lapic;
};
struct hvm_intack hvm_pending_interrupt(struct vcpu *v);
void hvm_interrupt_ack(struct vcpu *v, struct hvm_intack a);
/*
 * An NMI IPI latched in the vCPU's local APIC: whether one waits, and taking
 * it for injection (once). The back-end injects it when the guest is not
 * still in the handler of the previous one (until its IRET).
 */
bool hvm_nmi_pending(struct vcpu *v);
bool hvm_nmi_take(struct vcpu *v);

/* Loads the vCPU's FPU/XSAVE, debug-register and MSR state on this CPU, and puts it back. */
void hvm_vcpu_load(struct vcpu *v);
void hvm_vcpu_put(struct vcpu *v);

/* Outcome constructors. */
static inline struct hvm_outcome hvm_resume(void)
{
    return (struct hvm_outcome){ .action = HVM_RESUME };
}

static inline struct hvm_outcome hvm_advance(unsigned int len)
{
    return (struct hvm_outcome){ .action = HVM_ADVANCE, .insn_len = (uint8_t)len };
}

static inline struct hvm_outcome hvm_crash(const char *why)
{
    return (struct hvm_outcome){ .action = HVM_CRASH, .why = why };
}

/* A hardware exception; the error code is kept for the vectors that push one. */
struct hvm_outcome hvm_exception(unsigned int vector, uint32_t error_code);

#endif
