/* SPDX-License-Identifier: MIT */
/*
 * The VMX back-end's private interface: per-vCPU and per-CPU state, the VMX
 * instructions, VMCS set-up, exit decoding and the run loop. Exits are
 * handled by hvm/ (asm/hvm/hvm.h). Nothing outside hv/arch/x86/vmx/
 * includes this header.
 */
#ifndef VMX_VMX_H
#define VMX_VMX_H

#include <hv/types.h>
#include <hv/domain.h>
#include <asm/hvm/hvm.h>
#include <arch/x86-defs.h>
#include <domain-builder/vcpu.h>
#include "vmcs.h"

/* Guest registers the VMCS does not hold (RSP and RIP live in it). Order used by entry.S. */
struct vmx_gprs {
    uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};

/* Guest MSRs neither the VMCS nor hvm/ switches: on the CPU while the vCPU runs there. */
struct vmx_syscall_msrs {
    uint64_t star, lstar, cstar, sfmask, kernel_gs_base;
};

struct vmx_vcpu {
    void *vmcs;
    paddr_t vmcs_pa;
    struct vmx_gprs gprs;
    struct vmx_syscall_msrs msrs;
    uint64_t cr2, dr6, cr8; /* guest values kept in the CPU's registers while it runs */
    uint64_t tsc_offset;
    uint32_t pending_event; /* VM-entry interruption information, 0 if none */
    uint32_t pending_error;
    uint32_t pending_insn_len; /* of a software event delivered again */
    uint64_t p2m_gen;          /* p2m_unmap_gen() its EPT translations were last flushed at */
    bool tlb_flush_pending;    /* its linear translations go before the next entry (PV MMU) */
    uint16_t vpid;
    unsigned int last_cpu; /* CPU whose cached translations may be stale, ~0 after reset */
    bool vmcs_fresh;       /* controls not yet written (creation, reset) */
    bool start_pending;    /* start holds the state to load at the next run */
    struct db_vcpu_state start;
    unsigned int vmcs_cpu; /* CPU the VMCS is current on while the vCPU runs, else ~0 */
    /* Paging state as of the last run or start state, for guest accesses while off its CPU. */
    struct guest_paging paging;
};

/* Per-CPU VMX state. */
struct vmx_cpu {
    paddr_t vmxon_pa;
    uint32_t last_domid; /* domain whose vCPU ran here last (IBPB), or ~0 */
};

/* What the capability MSRs gave, chosen at boot (vmx.c). */
struct vmx_caps {
    uint32_t revision;
    uint32_t pin, cpu, cpu2, exit, entry; /* control values every VMCS starts from */
    uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
    uint64_t ept_vpid;
};
extern struct vmx_caps vmx_caps;
extern paddr_t vmx_msr_bitmap_pa, vmx_io_bitmap_pa;

struct vmx_cpu *vmx_this_cpu(void);

static inline struct vmx_vcpu *to_vmx(const struct vcpu *v)
{
    return v->arch.vendor.vmx;
}

/* A VMX instruction failed: panics naming it, the field or address, and the error's name. */
__noreturn void vmx_insn_failed(const char *insn, uint64_t arg);

static inline uint64_t vmread(enum vmcs_field f)
{
    uint64_t value;
    bool fail;

    __asm__ volatile("vmread %[f], %[v]"
                     : [v] "=rm"(value), "=@ccbe"(fail)
                     : [f] "r"((uint64_t)f)
                     : "cc");
    if (fail)
        vmx_insn_failed("VMREAD", f);
    return value;
}

static inline void vmwrite(enum vmcs_field f, uint64_t value)
{
    bool fail;

    __asm__ volatile("vmwrite %[v], %[f]"
                     : "=@ccbe"(fail)
                     : [f] "r"((uint64_t)f), [v] "rm"(value)
                     : "cc");
    if (fail)
        vmx_insn_failed("VMWRITE", f);
}

static inline void vmptrld(paddr_t pa)
{
    uint64_t raw = paddr_val(pa);
    bool fail;

    __asm__ volatile("vmptrld %[pa]" : "=@ccbe"(fail) : [pa] "m"(raw) : "cc", "memory");
    if (fail)
        vmx_insn_failed("VMPTRLD", raw);
}

static inline void vmclear(paddr_t pa)
{
    uint64_t raw = paddr_val(pa);
    bool fail;

    __asm__ volatile("vmclear %[pa]" : "=@ccbe"(fail) : [pa] "m"(raw) : "cc", "memory");
    if (fail)
        vmx_insn_failed("VMCLEAR", raw);
}

/* EPTP of v's domain: its P2M's root, 4-level walk, write-back structures (vmx.c). */
uint64_t vmx_eptp(const struct vcpu *v);
/* Cached EPT translations of the domain and VPID translations of the vCPU (vmx.c). */
void vmx_flush_translations(const struct vcpu *v, const struct vmx_vcpu *s);
/* The vCPU's linear translations, after an emulated CR write that flushes them. */
void vmx_flush_guest_tlb(const struct vmx_vcpu *s);

/* The guest's paging registers from the current VMCS. */
void vmx_read_paging(struct guest_paging *p);

/* VMCS set-up (vmcs.c): controls once, host state at each run, the start state. */
void vmx_vmcs_init(struct vcpu *v, struct vmx_vcpu *s);
void vmx_vmcs_host_state(void);
void vmx_vmcs_load_start(struct vmx_vcpu *s, const struct db_vcpu_state *st);
/* CR0/CR4 as the CPU needs them (fixed bits) from the guest's value; their shadows. */
void vmx_set_cr0(uint64_t guest_cr0);
void vmx_set_cr4(uint64_t guest_cr4);
uint64_t vmx_guest_cr0(void);
uint64_t vmx_guest_cr4(void);
/* EFER, and the IA-32e-mode entry control that must follow its LMA bit. */
void vmx_set_efer(uint64_t efer);

/*
 * The exit just taken, as hvm/ sees it (exit.c); true when the exit was
 * VMX's own (control-register writes) and *own is its outcome instead.
 */
bool vmx_exit_decode(struct vcpu *v, struct vmx_vcpu *s, uint32_t reason, struct hvm_exit *e,
                     struct hvm_outcome *own);
/* Prints the exit and the guest's registers (unhandled exits, crashes). */
void vmx_dump_guest(struct vcpu *v, const char *why);

/* The run loop (run.c). */
void vmx_vcpu_run(struct vcpu *v);

/*
 * entry.S: enters the guest (VMRESUME if launched, else VMLAUNCH), returns
 * at its exit: 0, or 1 (VMfailInvalid) / 2 (VMfailValid) if the entry failed.
 */
int vmx_enter_guest(struct vmx_gprs *gprs, bool launched);
/* Where VM exits land (HOST_RIP). */
extern const char vmx_exit_return[];

#endif
