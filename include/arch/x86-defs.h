/* SPDX-License-Identifier: MIT */
/*
 * x86 architectural definitions (Intel SDM vol. 3, AMD APM vol. 2): control
 * register, EFER and RFLAGS bits, exception vectors, page-table entry bits.
 * One name for each: nothing else in the tree defines these. Shared by hv/
 * and domain-builder/ (host-built too), so it includes nothing. Macros only,
 * usable from C and assembly.
 */
#ifndef ARCH_X86_DEFS_H
#define ARCH_X86_DEFS_H

#ifdef __ASSEMBLER__
#define X86_BIT(n) (1 << (n))
#else
#define X86_BIT(n) (1ull << (n))
#endif

#define X86_CR0_PE X86_BIT(0) /* protected mode */
#define X86_CR0_MP X86_BIT(1)
#define X86_CR0_EM X86_BIT(2)
#define X86_CR0_TS X86_BIT(3)
#define X86_CR0_ET X86_BIT(4)
#define X86_CR0_NE X86_BIT(5)
#define X86_CR0_WP X86_BIT(16) /* supervisor writes honour read-only pages */
#define X86_CR0_AM X86_BIT(18)
#define X86_CR0_NW X86_BIT(29)
#define X86_CR0_CD X86_BIT(30)
#define X86_CR0_PG X86_BIT(31) /* paging */

#define X86_CR4_PSE        X86_BIT(4) /* 4 MiB pages with 32-bit paging */
#define X86_CR4_PAE        X86_BIT(5)
#define X86_CR4_PGE        X86_BIT(7)
#define X86_CR4_OSFXSR     X86_BIT(9)  /* FXSAVE/FXRSTOR and SSE */
#define X86_CR4_OSXMMEXCPT X86_BIT(10) /* SIMD floating-point exceptions as #XM */
#define X86_CR4_UMIP       X86_BIT(11)
#define X86_CR4_LA57       X86_BIT(12) /* 5-level paging */
#define X86_CR4_FSGSBASE   X86_BIT(16)
#define X86_CR4_PCIDE      X86_BIT(17)
#define X86_CR4_OSXSAVE    X86_BIT(18)
#define X86_CR4_SMEP       X86_BIT(20)
#define X86_CR4_SMAP       X86_BIT(21)

#define EFER_SCE  X86_BIT(0)
#define EFER_LME  X86_BIT(8)
#define EFER_LMA  X86_BIT(10)
#define EFER_NXE  X86_BIT(11)
#define EFER_SVME X86_BIT(12)

#define X86_RFLAGS_FIXED X86_BIT(1) /* reads as 1 */
#define X86_RFLAGS_TF    X86_BIT(8)
#define X86_RFLAGS_IF    X86_BIT(9)
#define X86_RFLAGS_IOPL  (3ull << 12)
#define X86_RFLAGS_NT    X86_BIT(14)
#define X86_RFLAGS_RF    X86_BIT(16)
#define X86_RFLAGS_VM    X86_BIT(17)
#define X86_RFLAGS_AC    X86_BIT(18)
#define X86_RFLAGS_ID    X86_BIT(21)

#define X86_DR6_BS X86_BIT(14) /* single-step trap */

/* Page-table entry bits (every paging mode; PS in directory entries only). */
#define X86_PTE_P  X86_BIT(0)
#define X86_PTE_RW X86_BIT(1)
#define X86_PTE_US X86_BIT(2)
#define X86_PTE_PS X86_BIT(7)
#define X86_PTE_NX X86_BIT(63) /* PAE and 4/5-level, with EFER.NXE */

/* Segment attributes in the 12-bit form (descriptor bits 40-47 and 52-55). */
#define X86_SEG_TYPE_CODE_XR_A  0xB /* execute/read, accessed */
#define X86_SEG_TYPE_DATA_RW_A  0x3 /* read/write, accessed */
#define X86_SEG_TYPE_TSS32_BUSY 0xB /* with S = 0 */
#define X86_SEG_TYPE_LDT        0x2 /* with S = 0 */
#define X86_SEG_ATTR_S          X86_BIT(4)
#define X86_SEG_ATTR_DPL(n)     ((n) << 5)
#define X86_SEG_ATTR_P          X86_BIT(7)
#define X86_SEG_ATTR_L          X86_BIT(9)
#define X86_SEG_ATTR_DB         X86_BIT(10)
#define X86_SEG_ATTR_G          X86_BIT(11)

#define X86_EXC_DE        0 /* divide error */
#define X86_EXC_DB        1
#define X86_EXC_NMI       2
#define X86_EXC_BP        3
#define X86_EXC_OF        4
#define X86_EXC_BR        5
#define X86_EXC_UD        6 /* invalid opcode */
#define X86_EXC_NM        7
#define X86_EXC_DF        8 /* double fault */
#define X86_EXC_TS        10
#define X86_EXC_NP        11
#define X86_EXC_SS        12
#define X86_EXC_GP        13 /* general protection */
#define X86_EXC_PF        14 /* page fault */
#define X86_EXC_MF        16
#define X86_EXC_AC        17
#define X86_EXC_MC        18 /* machine check */
#define X86_EXC_XM        19
#define X86_EXC_VE        20
#define X86_EXC_CP        21
#define X86_EXC_HV        28
#define X86_EXC_VC        29
#define X86_EXC_SX        30
#define X86_NR_EXCEPTIONS 32

#define X86_MAX_INSN_LEN 15

/* MSR numbers. */
#define MSR_TSC                   0x10
#define MSR_SPEC_CTRL             0x48
#define MSR_PRED_CMD              0x49
#define MSR_PATCH_LEVEL           0x8B
#define MSR_PLATFORM_INFO         0xCE
#define MSR_MTRR_CAP              0xFE
#define MSR_MTRR_PHYSBASE(n)      (0x200 + 2 * (n))
#define MSR_MTRR_PHYSMASK(n)      (0x201 + 2 * (n))
#define MSR_MTRR_FIX64K_00000     0x250
#define MSR_MTRR_FIX16K_80000     0x258
#define MSR_MTRR_FIX16K_A0000     0x259
#define MSR_MTRR_FIX4K_C0000      0x268 /* ... 0x26F: FIX4K_F8000 */
#define MSR_MISC_FEATURES_ENABLES 0x140
#define MSR_SYSENTER_CS           0x174
#define MSR_SYSENTER_ESP          0x175
#define MSR_SYSENTER_EIP          0x176
#define MSR_DEBUGCTL              0x1D9
#define MSR_PAT                   0x277
#define MSR_MTRR_DEF_TYPE         0x2FF
#define MSR_EFER                  0xC0000080
#define MSR_STAR                  0xC0000081
#define MSR_LSTAR                 0xC0000082
#define MSR_CSTAR                 0xC0000083
#define MSR_SFMASK                0xC0000084
#define MSR_FS_BASE               0xC0000100
#define MSR_GS_BASE               0xC0000101
#define MSR_KERNEL_GS_BASE        0xC0000102
#define MSR_TSC_AUX               0xC0000103
#define MSR_AMD_HWCR              0xC0010015
#define MSR_AMD_NB_CFG            0xC001001F
#define MSR_AMD_INT_PENDING       0xC0010055
#define MSR_VIRT_SPEC_CTRL        0xC001011F
#define MSR_AMD_LS_CFG            0xC0011020
#define MSR_AMD_DE_CFG            0xC0011029

#define SPEC_CTRL_IBRS               X86_BIT(0)
#define SPEC_CTRL_STIBP              X86_BIT(1)
#define SPEC_CTRL_SSBD               X86_BIT(2)
#define SPEC_CTRL_PSFD               X86_BIT(7)
#define PRED_CMD_IBPB                X86_BIT(0)
#define PLATFORM_INFO_CPUID_FAULTING X86_BIT(31)
#define MISC_FEATURES_CPUID_FAULTING X86_BIT(0)
#define DEBUGCTL_LBR                 X86_BIT(0)
#define DEBUGCTL_BTF                 X86_BIT(1)
#define VIRT_SPEC_CTRL_SSBD          X86_BIT(2)

#endif
