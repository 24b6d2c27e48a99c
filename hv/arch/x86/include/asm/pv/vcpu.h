/* SPDX-License-Identifier: MIT */
/*
 * An x86-64 PV vCPU's own state (struct arch_vcpu, asm/domain.h), beside the
 * HVM container state its vCPU runs in (docs/decisions.md item 27).
 */
#ifndef ASM_PV_VCPU_H
#define ASM_PV_VCPU_H

#include <hv/types.h>

/*
 * A handler of the guest's trap table (set_trap_table), packed: all 256
 * of them live in the vCPU's page.
 */
struct pv_trap {
    uint64_t address;     /* 0: none */
    bool mask_events : 1; /* TI_GET_IF: an interrupt gate */
    uint8_t dpl : 2;      /* TI_GET_DPL: the least privileged ring INT n reaches it from */
} __attribute__((packed));

/*
 * Xen's GDT layout: the guest's entries below FIRST_RESERVED_GDT_ENTRY
 * (14 frames of 512), Xen's own from there (selector 0xe000).
 */
#define PV_GDT_RESERVED_ENTRY 0x1C00u
#define PV_GDT_FRAMES_MAX     14u

/* Xen's virtual IDT: every vector, the exceptions' and INT n's. */
#define PV_NR_TRAPS 256

struct pv_vcpu {
    struct pv_trap traps[PV_NR_TRAPS];
    /*
     * Whether the guest runs its kernel (true) or its user space. Both are
     * at CPL 3, as on Xen x86-64: only the hypervisor's transitions switch
     * it, and only the kernel may make hypercalls.
     */
    bool kernel_mode;
    /* MMUEXT_NEW_USER_BASEPTR's tables (guest-physical), for guest user mode; 0: none. */
    uint64_t user_baseptr;
    /* The kernel's tables (NEW_BASEPTR) while user mode runs on the user ones. */
    uint64_t kernel_baseptr;
    /* stack_switch: where a transition from user mode puts its frame. */
    uint64_t kernel_sp;
    /* set_callbacks, callback_op: the entry points (0: none) and whether they mask events. */
    uint64_t event_callback, failsafe_callback, syscall_callback;
    bool failsafe_masks_events, syscall_masks_events;
    /* set_gdt: the guest's GDT frames (mfn == gfn) and entries; 0 entries: none. */
    uint64_t gdt_frames[PV_GDT_FRAMES_MAX];
    unsigned int gdt_ents;
    /* MMUEXT_SET_LDT: the LDT's linear address and entries; 0 entries: none. */
    uint64_t ldt_base;
    unsigned int ldt_ents;
    /* PHYSDEVOP_set_iopl: the virtual IOPL (0-3) the guest sees in its exception frames. */
    uint8_t iopl;
};

#endif
