/* SPDX-License-Identifier: MIT */
/* The AMD VMCB (AMD64 APM vol. 2, appendix B): control area, then state save area. */
#ifndef SVM_VMCB_H
#define SVM_VMCB_H

#include <hv/types.h>

struct vmcb_segment {
    uint16_t selector;
    uint16_t attrib; /* type:4 S:1 DPL:2 P:1 AVL:1 L:1 DB:1 G:1 */
    uint32_t limit;
    uint64_t base;
};

struct vmcb_control {
    uint32_t intercept_cr;         /* 0x000: reads 15:0, writes 31:16 */
    uint32_t intercept_dr;         /* 0x004 */
    uint32_t intercept_exceptions; /* 0x008 */
    uint32_t intercept_misc1;      /* 0x00C: INTR ... SHUTDOWN */
    uint32_t intercept_misc2;      /* 0x010: VMRUN ... */
    uint32_t intercept_misc3;      /* 0x014 */
    uint8_t reserved1[0x03C - 0x018];
    uint16_t pause_filter_threshold; /* 0x03C */
    uint16_t pause_filter_count;     /* 0x03E */
    uint64_t iopm_base_pa;           /* 0x040 */
    uint64_t msrpm_base_pa;          /* 0x048 */
    uint64_t tsc_offset;             /* 0x050 */
    uint32_t asid;                   /* 0x058 */
    uint8_t tlb_control;             /* 0x05C */
    uint8_t reserved2[3];
    uint64_t vintr;            /* 0x060: V_TPR, V_IRQ, V_INTR_PRIO, V_INTR_MASKING, vector */
    uint64_t interrupt_shadow; /* 0x068 */
    uint64_t exitcode;         /* 0x070 */
    uint64_t exitinfo1;        /* 0x078 */
    uint64_t exitinfo2;        /* 0x080 */
    uint64_t exitintinfo;      /* 0x088 */
    uint64_t np_enable;        /* 0x090 */
    uint64_t avic_apic_bar;    /* 0x098 */
    uint64_t ghcb_pa;          /* 0x0A0 */
    uint64_t eventinj;         /* 0x0A8 */
    uint64_t n_cr3;            /* 0x0B0 */
    uint64_t lbr_virt_enable;  /* 0x0B8 */
    uint32_t clean_bits;       /* 0x0C0 */
    uint32_t reserved3;
    uint64_t next_rip; /* 0x0C8 */
    uint8_t insn_len;  /* 0x0D0 */
    uint8_t insn_bytes[15];
    uint8_t reserved4[0x400 - 0x0E0];
};

struct vmcb_save {
    struct vmcb_segment es, cs, ss, ds, fs, gs, gdtr, ldtr, idtr, tr; /* 0x400 */
    uint8_t reserved1[0x4CB - 0x4A0];
    uint8_t cpl; /* 0x4CB */
    uint32_t reserved2;
    uint64_t efer; /* 0x4D0 */
    uint8_t reserved3[0x548 - 0x4D8];
    uint64_t cr4; /* 0x548 */
    uint64_t cr3;
    uint64_t cr0;
    uint64_t dr7;
    uint64_t dr6;
    uint64_t rflags;
    uint64_t rip; /* 0x578 */
    uint8_t reserved4[0x5D8 - 0x580];
    uint64_t rsp; /* 0x5D8 */
    uint64_t s_cet, ssp, isst_addr;
    uint64_t rax; /* 0x5F8 */
    uint64_t star, lstar, cstar, sfmask, kernel_gs_base;
    uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
    uint64_t cr2; /* 0x640 */
    uint8_t reserved5[0x668 - 0x648];
    uint64_t g_pat; /* 0x668 */
    uint64_t dbgctl;
    uint64_t br_from, br_to, last_excp_from, last_excp_to;
    uint8_t reserved6[0x6E0 - 0x698];
    uint64_t spec_ctrl; /* 0x6E0: guest SPEC_CTRL with V_SPEC_CTRL */
};

struct vmcb {
    struct vmcb_control control;
    struct vmcb_save save;
    uint8_t reserved[4096 - 0x400 - sizeof(struct vmcb_save)];
};

/* Every field is naturally aligned: no packing, and these pin the layout. */
_Static_assert(sizeof(struct vmcb_control) == 0x400, "VMCB control area");
_Static_assert(__builtin_offsetof(struct vmcb_control, iopm_base_pa) == 0x040, "VMCB iopm");
_Static_assert(__builtin_offsetof(struct vmcb_control, asid) == 0x058, "VMCB asid");
_Static_assert(__builtin_offsetof(struct vmcb_control, vintr) == 0x060, "VMCB vintr");
_Static_assert(__builtin_offsetof(struct vmcb_control, exitcode) == 0x070, "VMCB exitcode");
_Static_assert(__builtin_offsetof(struct vmcb_control, np_enable) == 0x090, "VMCB np_enable");
_Static_assert(__builtin_offsetof(struct vmcb_control, eventinj) == 0x0A8, "VMCB eventinj");
_Static_assert(__builtin_offsetof(struct vmcb_control, n_cr3) == 0x0B0, "VMCB n_cr3");
_Static_assert(__builtin_offsetof(struct vmcb_control, next_rip) == 0x0C8, "VMCB next_rip");
_Static_assert(__builtin_offsetof(struct vmcb_save, tr) == 0x490 - 0x400, "VMCB tr");
_Static_assert(__builtin_offsetof(struct vmcb_save, cpl) == 0x4CB - 0x400, "VMCB cpl");
_Static_assert(__builtin_offsetof(struct vmcb_save, efer) == 0x4D0 - 0x400, "VMCB efer");
_Static_assert(__builtin_offsetof(struct vmcb_save, cr4) == 0x548 - 0x400, "VMCB cr4");
_Static_assert(__builtin_offsetof(struct vmcb_save, rsp) == 0x5D8 - 0x400, "VMCB rsp");
_Static_assert(__builtin_offsetof(struct vmcb_save, rax) == 0x5F8 - 0x400, "VMCB rax");
_Static_assert(__builtin_offsetof(struct vmcb_save, cr2) == 0x640 - 0x400, "VMCB cr2");
_Static_assert(__builtin_offsetof(struct vmcb_save, g_pat) == 0x668 - 0x400, "VMCB g_pat");
_Static_assert(__builtin_offsetof(struct vmcb_save, spec_ctrl) == 0x6E0 - 0x400, "VMCB spec_ctrl");
_Static_assert(sizeof(struct vmcb) == 4096, "VMCB size");

/* intercept_misc1 */
#define VMCB_INTERCEPT_INTR        (1u << 0)
#define VMCB_INTERCEPT_NMI         (1u << 1)
#define VMCB_INTERCEPT_SMI         (1u << 2)
#define VMCB_INTERCEPT_INIT        (1u << 3)
#define VMCB_INTERCEPT_VINTR       (1u << 4)
#define VMCB_INTERCEPT_RDPMC       (1u << 15)
#define VMCB_INTERCEPT_CPUID       (1u << 18)
#define VMCB_INTERCEPT_RSM         (1u << 19)
#define VMCB_INTERCEPT_IRET        (1u << 20)
#define VMCB_INTERCEPT_INVD        (1u << 22)
#define VMCB_INTERCEPT_HLT         (1u << 24)
#define VMCB_INTERCEPT_INVLPGA     (1u << 26)
#define VMCB_INTERCEPT_IOIO_PROT   (1u << 27)
#define VMCB_INTERCEPT_MSR_PROT    (1u << 28)
#define VMCB_INTERCEPT_TASK_SWITCH (1u << 29)
#define VMCB_INTERCEPT_SHUTDOWN    (1u << 31)
/* intercept_misc2 */
#define VMCB_INTERCEPT_VMRUN      (1u << 0)
#define VMCB_INTERCEPT_VMMCALL    (1u << 1)
#define VMCB_INTERCEPT_VMLOAD     (1u << 2)
#define VMCB_INTERCEPT_VMSAVE     (1u << 3)
#define VMCB_INTERCEPT_STGI       (1u << 4)
#define VMCB_INTERCEPT_CLGI       (1u << 5)
#define VMCB_INTERCEPT_SKINIT     (1u << 6)
#define VMCB_INTERCEPT_ICEBP      (1u << 8)
#define VMCB_INTERCEPT_WBINVD     (1u << 9)
#define VMCB_INTERCEPT_MONITOR    (1u << 10)
#define VMCB_INTERCEPT_MWAIT      (1u << 11)
#define VMCB_INTERCEPT_MWAIT_COND (1u << 12)
#define VMCB_INTERCEPT_XSETBV     (1u << 13)
#define VMCB_INTERCEPT_RDPRU      (1u << 14)

/* vintr */
#define VMCB_VINTR_TPR_MASK     0xFull
#define VMCB_VINTR_IRQ          (1ull << 8)
#define VMCB_VINTR_PRIO_SHIFT   16
#define VMCB_VINTR_IGN_TPR      (1ull << 20)
#define VMCB_VINTR_MASKING      (1ull << 24)
#define VMCB_VINTR_VECTOR_SHIFT 32

#define VMCB_INTERRUPT_SHADOW (1ull << 0)
#define VMCB_NP_ENABLE        (1ull << 0)
#define VMCB_TLB_FLUSH_NONE   0
#define VMCB_TLB_FLUSH_ALL    1
#define VMCB_TLB_FLUSH_ASID   3 /* this guest's entries only */

/* EVENTINJ and EXITINTINFO */
#define VMCB_EVENT_VECTOR_MASK    0xFFull
#define VMCB_EVENT_TYPE_SHIFT     8
#define VMCB_EVENT_TYPE_MASK      (7ull << VMCB_EVENT_TYPE_SHIFT)
#define VMCB_EVENT_TYPE_INTR      (0ull << VMCB_EVENT_TYPE_SHIFT)
#define VMCB_EVENT_TYPE_NMI       (2ull << VMCB_EVENT_TYPE_SHIFT)
#define VMCB_EVENT_TYPE_EXCEPTION (3ull << VMCB_EVENT_TYPE_SHIFT)
#define VMCB_EVENT_TYPE_SOFT_INT  (4ull << VMCB_EVENT_TYPE_SHIFT)
#define VMCB_EVENT_ERROR_VALID    (1ull << 11)
#define VMCB_EVENT_VALID          (1ull << 31)
#define VMCB_EVENT_ERROR_SHIFT    32

/* Exit codes. */
#define VMEXIT_EXCEPTION_BASE 0x40
#define VMEXIT_INTR           0x60
#define VMEXIT_NMI            0x61
#define VMEXIT_SMI            0x62
#define VMEXIT_INIT           0x63
#define VMEXIT_VINTR          0x64
#define VMEXIT_RDPMC          0x6F
#define VMEXIT_CPUID          0x72
#define VMEXIT_RSM            0x73
#define VMEXIT_IRET           0x74
#define VMEXIT_INVD           0x76
#define VMEXIT_HLT            0x78
#define VMEXIT_INVLPGA        0x7A
#define VMEXIT_IOIO           0x7B
#define VMEXIT_MSR            0x7C
#define VMEXIT_TASK_SWITCH    0x7D
#define VMEXIT_SHUTDOWN       0x7F
#define VMEXIT_VMRUN          0x80
#define VMEXIT_VMMCALL        0x81
#define VMEXIT_VMLOAD         0x82
#define VMEXIT_VMSAVE         0x83
#define VMEXIT_STGI           0x84
#define VMEXIT_CLGI           0x85
#define VMEXIT_SKINIT         0x86
#define VMEXIT_ICEBP          0x88
#define VMEXIT_WBINVD         0x89
#define VMEXIT_MONITOR        0x8A
#define VMEXIT_MWAIT          0x8B
#define VMEXIT_MWAIT_COND     0x8C
#define VMEXIT_XSETBV         0x8D
#define VMEXIT_RDPRU          0x8E
#define VMEXIT_NPF            0x400
/* QEMU stores VMEXIT_INVALID (-1) as 0x00000000FFFFFFFF: compare the low 32 bits. */
#define VMEXIT_INVALID_LOW32 0xFFFFFFFFu

#endif
