/* SPDX-License-Identifier: MIT */
/*
 * x86-64 PV guest selectors, virtual address space limits and the PV calls
 * structures (trap table, iret frame, MMU updates), from Xen's
 * xen/include/public/arch-x86/xen-x86_64.h, xen.h and arch-x86/xen.h.
 */
#ifndef TESSERA_PUBLIC_ARCH_X86_XEN_X86_64_H
#define TESSERA_PUBLIC_ARCH_X86_XEN_X86_64_H

#include <stdint.h>

/* Flat ring-3 selectors a 64-bit PV kernel starts with. */
#define FLAT_RING3_CS32 0xe023
#define FLAT_RING3_CS64 0xe033
#define FLAT_RING3_DS32 0xe02b
#define FLAT_RING3_DS64 0x0000
#define FLAT_RING3_SS32 0xe02b
#define FLAT_RING3_SS64 0xe02b

#define FLAT_KERNEL_DS64 FLAT_RING3_DS64
#define FLAT_KERNEL_DS32 FLAT_RING3_DS32
#define FLAT_KERNEL_DS   FLAT_KERNEL_DS64
#define FLAT_KERNEL_CS64 FLAT_RING3_CS64
#define FLAT_KERNEL_CS32 FLAT_RING3_CS32
#define FLAT_KERNEL_CS   FLAT_KERNEL_CS64
#define FLAT_KERNEL_SS64 FLAT_RING3_SS64
#define FLAT_KERNEL_SS32 FLAT_RING3_SS32
#define FLAT_KERNEL_SS   FLAT_KERNEL_SS64

/* Guest user space's flat selectors (the kernel's, RPL 3 like everything a PV guest runs). */
#define FLAT_USER_CS64 FLAT_RING3_CS64
#define FLAT_USER_SS64 FLAT_RING3_SS64
#define FLAT_USER_DS32 FLAT_RING3_DS32

/* The hypervisor owns this part of a PV guest's virtual address space. */
#define HYPERVISOR_VIRT_START 0xFFFF800000000000ull
#define HYPERVISOR_VIRT_END   0xFFFF880000000000ull
/* The read-only M2P a PV guest reads (machine_to_phys_mapping): Xen's RO_MPT_VIRT_START. */
#define MACH2PHYS_VIRT_START 0xFFFF800000000000ull

/* Page-table entry bits a PV guest's initial tables use. */
#define XEN_PV_PTE_PRESENT  (1ull << 0)
#define XEN_PV_PTE_RW       (1ull << 1)
#define XEN_PV_PTE_USER     (1ull << 2)
#define XEN_PV_PTE_ACCESSED (1ull << 5)
#define XEN_PV_PTE_DIRTY    (1ull << 6)

/*
 * HYPERVISOR_set_trap_table's entries (Xen's arch-x86/xen.h): a list ended
 * by an entry with address 0. flags bits 0-1: the DPL software interrupts
 * need; bit 2: events are masked on entry (an interrupt gate).
 */
struct trap_info {
    uint8_t vector;
    uint8_t flags;
    uint16_t cs;
    uint64_t address;
};
#define TI_GET_DPL(ti) ((ti)->flags & 3)
#define TI_GET_IF(ti)  ((ti)->flags & 4)

/*
 * HYPERVISOR_iret's frame at the caller's RSP: what the hypercall page's
 * iret stub pushed (RAX, R11, RCX) above the kernel's own (flags, then a
 * hardware-style frame).
 */
struct iret_context {
    uint64_t rax, r11, rcx, flags, rip, cs, rflags, rsp, ss;
};
/* HYPERVISOR_mmu_update: the command is in ptr's low 3 bits, the rest a machine address. */
#define MMU_NORMAL_PT_UPDATE      0
#define MMU_MACHPHYS_UPDATE       1
#define MMU_PT_UPDATE_PRESERVE_AD 2
struct mmu_update {
    uint64_t ptr;
    uint64_t val;
};

/* HYPERVISOR_mmuext_op. */
#define MMUEXT_PIN_L1_TABLE     0
#define MMUEXT_PIN_L2_TABLE     1
#define MMUEXT_PIN_L3_TABLE     2
#define MMUEXT_PIN_L4_TABLE     3
#define MMUEXT_UNPIN_TABLE      4
#define MMUEXT_NEW_BASEPTR      5
#define MMUEXT_TLB_FLUSH_LOCAL  6
#define MMUEXT_INVLPG_LOCAL     7
#define MMUEXT_TLB_FLUSH_MULTI  8
#define MMUEXT_INVLPG_MULTI     9
#define MMUEXT_TLB_FLUSH_ALL    10
#define MMUEXT_INVLPG_ALL       11
#define MMUEXT_SET_LDT          13
#define MMUEXT_NEW_USER_BASEPTR 15
#define MMUEXT_CLEAR_PAGE       16 /* arg1: mfn */
#define MMUEXT_COPY_PAGE        17 /* arg1: destination mfn, arg2: source mfn */
struct mmuext_op {
    uint32_t cmd;
    uint32_t pad;
    uint64_t arg1; /* mfn or linear_addr */
    uint64_t arg2; /* nr_ents, vcpumask or src_mfn */
};

/* HYPERVISOR_update_va_mapping's flags: the flush, and whose (a vCPU mask pointer in bits 3+). */
#define UVMF_NONE           0
#define UVMF_TLB_FLUSH      1
#define UVMF_INVLPG         2
#define UVMF_FLUSHTYPE_MASK 3
#define UVMF_ALL            4

/*
 * iret_context.flags: returning from a system call (RCX and R11 are not
 * restored from the frame: they are left as SYSRET leaves them, the new RIP
 * and RFLAGS).
 */
#define VGCF_in_syscall (1u << 8)

/* HYPERVISOR_set_segment_base's registers. */
#define SEGBASE_FS          0
#define SEGBASE_GS_USER     1
#define SEGBASE_GS_KERNEL   2
#define SEGBASE_GS_USER_SEL 3 /* base: a selector loaded into user %gs */

/* A vCPU's registers, as VCPUOP_initialise's context carries them (Xen's x86-64 layout). */
struct cpu_user_regs {
    uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8, rax, rcx, rdx, rsi, rdi;
    uint32_t error_code, entry_vector; /* Xen's own */
    uint64_t rip;
    uint16_t cs, _pad0[1];
    uint8_t saved_upcall_mask, _pad1[3];
    uint64_t rflags, rsp;
    uint16_t ss, _pad2[3];
    uint16_t es, _pad3[3];
    uint16_t ds, _pad4[3];
    uint16_t fs, _pad5[3];
    uint16_t gs, _pad6[3];
};

/* vcpu_guest_context.flags. */
#define VGCF_i387_valid               (1u << 0)
#define VGCF_in_kernel                (1u << 2)
#define VGCF_failsafe_disables_events (1u << 3) /* the failsafe callback masks events */
#define VGCF_syscall_disables_events  (1u << 4) /* the syscall callback masks events */

/*
 * VCPUOP_initialise's context for a PV vCPU (x86-64): 5168 bytes. The user
 * page tables are in ctrlreg[1], the kernel's in ctrlreg[3] (frame << 12).
 */
struct vcpu_guest_context {
    uint8_t fpu_ctxt[512];
    uint64_t flags;
    struct cpu_user_regs user_regs;
    struct trap_info trap_ctxt[256];
    uint64_t ldt_base, ldt_ents;
    uint64_t gdt_frames[16], gdt_ents;
    uint64_t kernel_ss, kernel_sp;
    uint64_t ctrlreg[8];
    uint64_t debugreg[8];
    uint64_t event_callback_eip;
    uint64_t failsafe_callback_eip;
    uint64_t syscall_callback_eip;
    uint64_t vm_assist;
    uint64_t fs_base, gs_base_kernel, gs_base_user;
};

#endif
