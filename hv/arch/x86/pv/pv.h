/* SPDX-License-Identifier: MIT */
/*
 * pv/'s private interface. An x86-64 PV domain runs in the hardware
 * back-end's container (docs/decisions.md item 27): pv/ reaches the
 * back-end only through hvm_be and the HVM type's ops, never a vendor's
 * symbol.
 */
#ifndef PV_PV_H
#define PV_PV_H

#include <public/arch-x86/shared_info.h>
#include <asm/domain_type.h>
#include <asm/hvm/hvm.h>
#include <arch/x86-defs.h>
#include <hv/domain.h>

static inline struct pv_vcpu *to_pv(struct vcpu *v)
{
    return &v->arch.pv;
}

static inline bool pv_canonical(uint64_t va)
{
    return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

/* vcpu_info's evtchn_upcall_mask: events are masked (1) without a vcpu_info. */
static inline uint8_t pv_upcall_mask(const struct vcpu *v)
{
    return v->ev.info ? __atomic_load_n(&v->ev.info->evtchn_upcall_mask, __ATOMIC_RELAXED) : 1;
}

static inline void pv_set_upcall_mask(struct vcpu *v, uint8_t mask)
{
    if (v->ev.info)
        __atomic_store_n(&v->ev.info->evtchn_upcall_mask, mask, __ATOMIC_SEQ_CST);
}

/* Xen's x86-64 PV hypercall page, with the back-end's call instruction (hypercall_page.c). */
bool pv_hypercall_page_write(struct domain *d, gpaddr_t gpa);

/* The PV-only hypercalls, then the common ones (hypercall.c). */
enum hypercall_return pv_hypercall(struct vcpu *v, uint64_t nr, const uint64_t *args,
                                   int64_t *result);
/* HYPERVISOR_set_trap_table, HYPERVISOR_iret, HYPERVISOR_fpu_taskswitch (traps.c). */
int64_t pv_set_trap_table(struct vcpu *v, uint64_t list);
enum hypercall_return pv_iret(struct vcpu *v, int64_t *result);
int64_t pv_fpu_taskswitch(struct vcpu *v, uint64_t set);

/* The PV MMU calls (mm.c). */
int64_t pv_mmu_update(struct vcpu *v, uint64_t reqs, uint64_t count, uint64_t pdone,
                      uint64_t domid);
int64_t pv_update_va_mapping(struct vcpu *v, uint64_t va, uint64_t val, uint64_t flags);
int64_t pv_mmuext_op(struct vcpu *v, uint64_t ops, uint64_t count, uint64_t pdone, uint64_t domid);
/* MMUEXT_NEW_BASEPTR (and MOV to CR3): the kernel's tables at frame mfn; 0 or -EINVAL. */
int64_t pv_new_baseptr(struct vcpu *v, uint64_t mfn);

/*
 * A PV guest's privileged instruction after its #GP(0), or Xen's forced
 * CPUID after its #UD (emul_priv.c, emul_inv.c): true if emulated, *o then
 * what follows (RIP advanced, or another exception bounced); false leaves
 * the exception to the guest's trap table.
 */
bool pv_emulate(struct vcpu *v, uint8_t vector, uint32_t error_code, struct hvm_outcome *o);
bool pv_emulate_forced_cpuid(struct vcpu *v, struct hvm_outcome *o);
/* Port I/O after its #GP(0), in kernel or user mode as the virtual IOPL allows (emul_io.c). */
bool pv_emulate_port_io(struct vcpu *v, struct hvm_outcome *o);
/*
 * MOV to CR0/CR3/CR4 and XSETBV (len bytes; *o: advanced, or #UD bounced)
 * as Xen does them for a PV kernel (emul_cr.c); false: #GP.
 */
bool pv_write_cr(struct vcpu *v, unsigned int cr, uint64_t value);
bool pv_xsetbv(struct vcpu *v, unsigned int len, struct hvm_outcome *o);

/*
 * A #PF of the guest at va before it is bounced (page_fault.c): true if
 * the access is to be tried again (entries given _PAGE_USER as Xen gives
 * them, or a fault the current tables do not explain).
 */
bool pv_page_fault_fixed(struct vcpu *v, uint32_t error_code, uint64_t va);

/* The CPUID a PV guest sees (cpuid.c). */
void pv_cpuid(struct vcpu *v, uint32_t leaf, uint32_t subleaf, uint32_t r[4]);

/*
 * RDMSR/WRMSR as Xen's PV emulation answers them (msr.c); false: #GP. FS,
 * GS and the shadow GS base are written through pv_write_segment_base().
 */
bool pv_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val);
bool pv_msr_write(struct vcpu *v, uint32_t msr, uint64_t val);
void pv_write_segment_base(struct vcpu *v, enum guest_reg reg, uint64_t base);

/* Whether gfn (mfn == gfn) is RAM the domain owns: Xen's get_page_from_gfn() for PV (mm.c). */
bool pv_own_ram(struct domain *d, uint64_t gfn);

/* Whether frame mfn of the domain's RAM is pinned (mm.c). */
bool pv_frame_pinned(struct domain *d, uint64_t mfn);
/*
 * A write fault of the guest kernel on a pinned page table it maps
 * read-only (ptwr.c): true if the write was emulated as Xen's writable
 * page tables do (*o what follows), false to bounce the #PF.
 */
bool pv_ptwr_fault(struct vcpu *v, uint32_t error_code, uint64_t va, struct hvm_outcome *o);

/* Pin state: cleared (allocated at the first build) for each build, freed with the domain (mm.c). */
int pv_pins_reset(struct domain *d);
void pv_pins_free(struct domain *d);
/* The builder's L4 starts pinned, as Xen's builder pins it (Linux unpins it). */
void pv_pin_bootstrap(struct domain *d, uint64_t l4_mfn);

/*
 * The guest-physical address va's page table walk from cr3 ends at (4 KiB
 * leaves), as *gpa; false if there is none (mm.c).
 */
bool pv_table_walk(struct domain *d, uint64_t cr3, uint64_t va, uint64_t *gpa);

/*
 * Xen's pages in a PV domain's address space (reserved.c): the shared info
 * frame and the read-only M2P, mapped at each build (allocated at the
 * first); freed with the domain; the machine address start_info names for
 * the shared info; the slot-256 entry written into an L4 of the domain.
 */
int pv_reserved_map(struct domain *d);
void pv_reserved_free(struct domain *d);
uint64_t pv_shared_info_maddr(const struct domain *d);
void pv_l4_insert(struct domain *d, uint64_t l4_mfn);
/* memory_op's PV-only commands (machphys_mapping, machphys_mfn_list): false for the others. */
bool pv_memory_op(struct vcpu *v, uint64_t cmd, uint64_t arg, int64_t *result);
/* xen_version's PV feature map (XENVER_get_features): false for the other subcommands. */
bool pv_xen_version(struct vcpu *v, uint64_t cmd, uint64_t arg, int64_t *result);

/* HYPERVISOR_set_gdt, HYPERVISOR_update_descriptor, MMUEXT_SET_LDT (descriptors.c). */
int64_t pv_set_gdt(struct vcpu *v, uint64_t frame_list, uint64_t entries);
/* set_gdt's checks and effect for frames already read (VCPUOP_initialise's). */
int64_t pv_set_gdt_frames(struct vcpu *v, const uint64_t *frames, uint64_t entries);
int64_t pv_update_descriptor(struct vcpu *v, uint64_t maddr, uint64_t desc);
int64_t pv_set_ldt(struct vcpu *v, uint64_t base, uint64_t entries);
/*
 * A #GP(error_code) that may be a data segment register load the container
 * cannot do (it has no descriptor tables): PV_SEG_DONE (loaded, *len the
 * instruction's length), PV_SEG_FAULT (the fault the hardware would have
 * raised: *vector, *fault_error) or PV_SEG_NOT_A_LOAD.
 */
enum pv_seg_result {
    PV_SEG_DONE,
    PV_SEG_FAULT,
    PV_SEG_NOT_A_LOAD
};
enum pv_seg_result pv_emulate_seg_load(struct vcpu *v, uint32_t error_code, unsigned int *len,
                                       uint8_t *vector, uint32_t *fault_error);

/*
 * The state of selector sel (the guest's GDT or LDT, or Xen's reserved
 * entries; null for a data register) loaded into segment register seg at
 * CPL 3, checked as the processor checks the load (CS: present 64-bit
 * code); false if it would fault. pv_start_segment(): the same for a start
 * state, without the LDT (a new vCPU has none yet).
 */
bool pv_segment(struct vcpu *v, enum hvm_seg seg, uint16_t sel, struct hvm_segment *out);
bool pv_start_segment(struct vcpu *v, enum hvm_seg seg, uint16_t sel, struct hvm_segment *out);

/* VCPUOP_initialise's struct vcpu_guest_context (vcpu_context.c). */
int pv_vcpu_context_read(struct vcpu *caller, struct vcpu *target, uint64_t arg,
                         struct db_vcpu_state *st);

/* HYPERVISOR_physdev_op (physdev.c). */
int64_t pv_physdev_op(struct vcpu *v, uint64_t cmd, uint64_t arg);

/*
 * INT n and INT3 behind the exception the container raised for them
 * (softint.c): true if bounced (*o what follows); false leaves the
 * exception to the caller, *error_code Xen's for an INT n refused.
 */
bool pv_software_interrupt(struct vcpu *v, uint8_t vector, uint32_t *error_code,
                           struct hvm_outcome *o);

/* An exception the container intercepted (traps.c). */
struct hvm_outcome pv_exception(struct vcpu *v, uint8_t vector, uint32_t error_code,
                                uint64_t fault_addr);

/*
 * A bounce to a guest kernel entry point (traps.c): Xen's x86-64 frame on
 * the kernel stack, { RCX, R11, [DS, ES, FS, GS,] [error code,] RIP, CS,
 * RFLAGS, RSP, SS }, of the context the vCPU has now; from user mode the
 * vCPU switches to kernel mode first and the frame goes on the stack_switch
 * stack. cs and ss are the interrupted context's selectors as the frame
 * shows them (RPL cleared for the kernel's CS, as Xen marks kernel frames).
 */
struct pv_bounce {
    uint64_t handler;
    uint16_t cs, ss;
    bool mask_events; /* an interrupt gate, the event callback: the upcall mask is set */
    bool has_error;
    uint32_t error_code;
    bool failsafe; /* the failsafe callback's frame: the data segment selectors too */
};
/* The selectors of the vCPU's current context, for a frame. */
void pv_bounce_selectors(struct vcpu *v, struct pv_bounce *b);
/* NULL, or why the frame cannot be written (the domain crashes, as on Xen). */
const char *pv_bounce(struct vcpu *v, const struct pv_bounce *b);

/*
 * Guest user mode (user_mode.c): switching between the kernel's and the
 * user's page tables and GS bases; HYPERVISOR_stack_switch.
 */
void pv_toggle_mode(struct vcpu *v);
int64_t pv_stack_switch(struct vcpu *v, uint64_t ss, uint64_t sp);

/*
 * HYPERVISOR_set_callbacks, HYPERVISOR_callback_op, the event upcall
 * (callbacks.c); pv_register_callback() is callback_op's register (also
 * VCPUOP_initialise's callbacks).
 */
struct callback_register;
int64_t pv_register_callback(struct vcpu *v, const struct callback_register *r);
int64_t pv_set_callbacks(struct vcpu *v, uint64_t event, uint64_t failsafe, uint64_t syscall);
int64_t pv_callback_op(struct vcpu *v, uint64_t cmd, uint64_t arg);
void pv_deliver_events(struct vcpu *v);

/* HYPERVISOR_set_segment_base (segments.c). */
int64_t pv_set_segment_base(struct vcpu *v, uint64_t which, uint64_t base);

/* HYPERVISOR_vm_assist (vm_assist.c). */
int64_t pv_vm_assist(uint64_t cmd, uint64_t type);

#endif
