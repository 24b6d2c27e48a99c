/* SPDX-License-Identifier: MIT */
/*
 * VMCS field encodings, control bits, exit reasons and capability MSRs of
 * Intel VMX (SDM vol. 3C, appendices A-C), the subset this back-end uses.
 */
#ifndef VMX_VMCS_H
#define VMX_VMCS_H

/* Capability and control MSRs. */
#define MSR_FEATURE_CONTROL        0x3Au
#define FEATURE_CONTROL_LOCK       (1u << 0)
#define FEATURE_CONTROL_VMX_NO_SMX (1u << 2)
#define MSR_VMX_BASIC              0x480u
#define MSR_VMX_PINBASED_CTLS      0x481u
#define MSR_VMX_PROCBASED_CTLS     0x482u
#define MSR_VMX_EXIT_CTLS          0x483u
#define MSR_VMX_ENTRY_CTLS         0x484u
#define MSR_VMX_CR0_FIXED0         0x486u
#define MSR_VMX_CR0_FIXED1         0x487u
#define MSR_VMX_CR4_FIXED0         0x488u
#define MSR_VMX_CR4_FIXED1         0x489u
#define MSR_VMX_PROCBASED_CTLS2    0x48Bu
#define MSR_VMX_EPT_VPID_CAP       0x48Cu
/* The TRUE_ forms (when VMX_BASIC bit 55) let default-1 controls be cleared. */
#define MSR_VMX_TRUE_PINBASED_CTLS  0x48Du
#define MSR_VMX_TRUE_PROCBASED_CTLS 0x48Eu
#define MSR_VMX_TRUE_EXIT_CTLS      0x48Fu
#define MSR_VMX_TRUE_ENTRY_CTLS     0x490u
#define VMX_BASIC_TRUE_CTLS         (1ull << 55)
#define VMX_BASIC_REVISION(b)       ((uint32_t)(b)&0x7FFFFFFFu)

/* IA32_VMX_EPT_VPID_CAP. */
#define EPT_CAP_WALK4           (1ull << 6)
#define EPT_CAP_WB              (1ull << 14)
#define EPT_CAP_2M              (1ull << 16)
#define EPT_CAP_1G              (1ull << 17)
#define EPT_CAP_INVEPT          (1ull << 20)
#define EPT_CAP_INVEPT_SINGLE   (1ull << 25)
#define EPT_CAP_INVEPT_ALL      (1ull << 26)
#define VPID_CAP_INVVPID        (1ull << 32)
#define VPID_CAP_INVVPID_SINGLE (1ull << 41)
#define VPID_CAP_INVVPID_ALL    (1ull << 42)

/* Pin-based controls. */
#define PIN_EXT_INTR_EXITING (1u << 0)
#define PIN_NMI_EXITING      (1u << 3)

/* Primary processor-based controls. */
#define CPU_INTR_WINDOW_EXITING (1u << 2)
#define CPU_TSC_OFFSETTING      (1u << 3)
#define CPU_HLT_EXITING         (1u << 7)
#define CPU_MWAIT_EXITING       (1u << 10)
#define CPU_RDPMC_EXITING       (1u << 11)
#define CPU_CR3_LOAD_EXITING    (1u << 15)
#define CPU_CR3_STORE_EXITING   (1u << 16)
#define CPU_CR8_LOAD_EXITING    (1u << 19)
#define CPU_CR8_STORE_EXITING   (1u << 20)
#define CPU_IO_BITMAPS          (1u << 25)
#define CPU_MSR_BITMAPS         (1u << 28)
#define CPU_MONITOR_EXITING     (1u << 29)
#define CPU_SECONDARY           (1u << 31)

/* Secondary processor-based controls. */
#define CPU2_EPT            (1u << 1)
#define CPU2_RDTSCP         (1u << 3)
#define CPU2_VPID           (1u << 5)
#define CPU2_WBINVD_EXITING (1u << 6)
#define CPU2_UNRESTRICTED   (1u << 7)
#define CPU2_INVPCID        (1u << 12)

/* VM-exit controls. */
#define EXIT_SAVE_DEBUG (1u << 2)
#define EXIT_HOST_64    (1u << 9)
#define EXIT_SAVE_PAT   (1u << 18)
#define EXIT_LOAD_PAT   (1u << 19)
#define EXIT_SAVE_EFER  (1u << 20)
#define EXIT_LOAD_EFER  (1u << 21)

/* VM-entry controls. */
#define ENTRY_LOAD_DEBUG (1u << 2)
#define ENTRY_IA32E_MODE (1u << 9)
#define ENTRY_LOAD_PAT   (1u << 14)
#define ENTRY_LOAD_EFER  (1u << 15)

/* Interruption information (entry injection, exit, IDT vectoring). */
#define INTR_INFO_VECTOR(i)     ((i)&0xFFu)
#define INTR_INFO_TYPE_SHIFT    8
#define INTR_INFO_TYPE(i)       (((i) >> 8) & 7u)
#define INTR_TYPE_EXT_INTR      0u
#define INTR_TYPE_NMI           2u
#define INTR_TYPE_HW_EXCEPTION  3u
#define INTR_TYPE_SOFT_INTR     4u
#define INTR_TYPE_PRIV_SOFT_EXC 5u
#define INTR_TYPE_SOFT_EXC      6u
#define INTR_INFO_ERROR_VALID   (1u << 11)
#define INTR_INFO_VALID         (1u << 31)

/* Guest interruptibility state. */
#define INTERRUPTIBILITY_STI    (1u << 0)
#define INTERRUPTIBILITY_MOV_SS (1u << 1)
#define INTERRUPTIBILITY_NMI    (1u << 3)

/* Exit reasons (basic, bits 15:0). */
#define EXIT_REASON_EXCEPTION_NMI 0
#define EXIT_REASON_EXT_INTR      1
#define EXIT_REASON_TRIPLE_FAULT  2
#define EXIT_REASON_INIT          3
#define EXIT_REASON_SIPI          4
#define EXIT_REASON_INTR_WINDOW   7
#define EXIT_REASON_TASK_SWITCH   9
#define EXIT_REASON_CPUID         10
#define EXIT_REASON_GETSEC        11
#define EXIT_REASON_HLT           12
#define EXIT_REASON_INVD          13
#define EXIT_REASON_RDPMC         15
#define EXIT_REASON_VMCALL        18
#define EXIT_REASON_VMCLEAR       19
#define EXIT_REASON_VMLAUNCH      20
#define EXIT_REASON_VMPTRLD       21
#define EXIT_REASON_VMPTRST       22
#define EXIT_REASON_VMREAD        23
#define EXIT_REASON_VMRESUME      24
#define EXIT_REASON_VMWRITE       25
#define EXIT_REASON_VMXOFF        26
#define EXIT_REASON_VMXON         27
#define EXIT_REASON_CR_ACCESS     28
#define EXIT_REASON_IO            30
#define EXIT_REASON_MSR_READ      31
#define EXIT_REASON_MSR_WRITE     32
#define EXIT_REASON_INVALID_STATE 33
#define EXIT_REASON_MSR_LOADING   34
#define EXIT_REASON_MWAIT         36
#define EXIT_REASON_MONITOR       39
#define EXIT_REASON_MACHINE_CHECK 41
#define EXIT_REASON_EPT_VIOLATION 48
#define EXIT_REASON_EPT_MISCONFIG 49
#define EXIT_REASON_INVEPT        50
#define EXIT_REASON_INVVPID       53
#define EXIT_REASON_WBINVD        54
#define EXIT_REASON_XSETBV        55
#define EXIT_REASON_VMFUNC        59
#define EXIT_REASON_ENTRY_FAILURE (1u << 31)

/* VMCS fields. */
enum vmcs_field {
    VMCS_VPID = 0x0000,
    GUEST_ES_SELECTOR = 0x0800,
    GUEST_CS_SELECTOR = 0x0802,
    GUEST_SS_SELECTOR = 0x0804,
    GUEST_DS_SELECTOR = 0x0806,
    GUEST_FS_SELECTOR = 0x0808,
    GUEST_GS_SELECTOR = 0x080A,
    GUEST_LDTR_SELECTOR = 0x080C,
    GUEST_TR_SELECTOR = 0x080E,
    HOST_ES_SELECTOR = 0x0C00,
    HOST_CS_SELECTOR = 0x0C02,
    HOST_SS_SELECTOR = 0x0C04,
    HOST_DS_SELECTOR = 0x0C06,
    HOST_FS_SELECTOR = 0x0C08,
    HOST_GS_SELECTOR = 0x0C0A,
    HOST_TR_SELECTOR = 0x0C0C,
    IO_BITMAP_A = 0x2000,
    IO_BITMAP_B = 0x2002,
    MSR_BITMAP = 0x2004,
    TSC_OFFSET = 0x2010,
    EPT_POINTER = 0x201A,
    GUEST_PHYSICAL_ADDRESS = 0x2400,
    VMCS_LINK_POINTER = 0x2800,
    GUEST_IA32_DEBUGCTL = 0x2802,
    GUEST_IA32_PAT = 0x2804,
    GUEST_IA32_EFER = 0x2806,
    HOST_IA32_PAT = 0x2C00,
    HOST_IA32_EFER = 0x2C02,
    PIN_BASED_CONTROLS = 0x4000,
    CPU_BASED_CONTROLS = 0x4002,
    EXCEPTION_BITMAP = 0x4004,
    PAGE_FAULT_ERROR_CODE_MASK = 0x4006,
    PAGE_FAULT_ERROR_CODE_MATCH = 0x4008,
    CR3_TARGET_COUNT = 0x400A,
    VM_EXIT_CONTROLS = 0x400C,
    VM_EXIT_MSR_STORE_COUNT = 0x400E,
    VM_EXIT_MSR_LOAD_COUNT = 0x4010,
    VM_ENTRY_CONTROLS = 0x4012,
    VM_ENTRY_MSR_LOAD_COUNT = 0x4014,
    VM_ENTRY_INTR_INFO = 0x4016,
    VM_ENTRY_EXCEPTION_ERROR_CODE = 0x4018,
    VM_ENTRY_INSTRUCTION_LEN = 0x401A,
    SECONDARY_CONTROLS = 0x401E,
    VM_INSTRUCTION_ERROR = 0x4400,
    VM_EXIT_REASON = 0x4402,
    VM_EXIT_INTR_INFO = 0x4404,
    VM_EXIT_INTR_ERROR_CODE = 0x4406,
    IDT_VECTORING_INFO = 0x4408,
    IDT_VECTORING_ERROR_CODE = 0x440A,
    VM_EXIT_INSTRUCTION_LEN = 0x440C,
    GUEST_ES_LIMIT = 0x4800,
    GUEST_CS_LIMIT = 0x4802,
    GUEST_SS_LIMIT = 0x4804,
    GUEST_DS_LIMIT = 0x4806,
    GUEST_FS_LIMIT = 0x4808,
    GUEST_GS_LIMIT = 0x480A,
    GUEST_LDTR_LIMIT = 0x480C,
    GUEST_TR_LIMIT = 0x480E,
    GUEST_GDTR_LIMIT = 0x4810,
    GUEST_IDTR_LIMIT = 0x4812,
    GUEST_ES_AR = 0x4814,
    GUEST_CS_AR = 0x4816,
    GUEST_SS_AR = 0x4818,
    GUEST_DS_AR = 0x481A,
    GUEST_FS_AR = 0x481C,
    GUEST_GS_AR = 0x481E,
    GUEST_LDTR_AR = 0x4820,
    GUEST_TR_AR = 0x4822,
    GUEST_INTERRUPTIBILITY = 0x4824,
    GUEST_ACTIVITY_STATE = 0x4826,
    GUEST_SYSENTER_CS = 0x482A,
    HOST_SYSENTER_CS = 0x4C00,
    CR0_GUEST_HOST_MASK = 0x6000,
    CR4_GUEST_HOST_MASK = 0x6002,
    CR0_READ_SHADOW = 0x6004,
    CR4_READ_SHADOW = 0x6006,
    EXIT_QUALIFICATION = 0x6400,
    GUEST_CR0 = 0x6800,
    GUEST_CR3 = 0x6802,
    GUEST_CR4 = 0x6804,
    GUEST_ES_BASE = 0x6806,
    GUEST_CS_BASE = 0x6808,
    GUEST_SS_BASE = 0x680A,
    GUEST_DS_BASE = 0x680C,
    GUEST_FS_BASE = 0x680E,
    GUEST_GS_BASE = 0x6810,
    GUEST_LDTR_BASE = 0x6812,
    GUEST_TR_BASE = 0x6814,
    GUEST_GDTR_BASE = 0x6816,
    GUEST_IDTR_BASE = 0x6818,
    GUEST_DR7 = 0x681A,
    GUEST_RSP = 0x681C,
    GUEST_RIP = 0x681E,
    GUEST_RFLAGS = 0x6820,
    GUEST_PENDING_DBG_EXCEPTIONS = 0x6822,
    GUEST_SYSENTER_ESP = 0x6824,
    GUEST_SYSENTER_EIP = 0x6826,
    HOST_CR0 = 0x6C00,
    HOST_CR3 = 0x6C02,
    HOST_CR4 = 0x6C04,
    HOST_FS_BASE = 0x6C06,
    HOST_GS_BASE = 0x6C08,
    HOST_TR_BASE = 0x6C0A,
    HOST_GDTR_BASE = 0x6C0C,
    HOST_IDTR_BASE = 0x6C0E,
    HOST_SYSENTER_ESP = 0x6C10,
    HOST_SYSENTER_EIP = 0x6C12,
    HOST_RSP = 0x6C14,
    HOST_RIP = 0x6C16,
};

/* CR4.VMXE: set while in VMX operation (the guest sees its own value). */
#define CR4_VMXE (1ull << 13)

/* Segment access rights in the VMCS: the descriptor's bits 8-15 and 20-23, plus "unusable". */
#define VMX_AR_UNUSABLE (1u << 16)

#endif
