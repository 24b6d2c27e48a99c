/* SPDX-License-Identifier: MIT */
/* Model-specific registers the core code uses. */
#ifndef ASM_MSR_H
#define ASM_MSR_H

#include <hv/types.h>

#define MSR_SPEC_CTRL      0x48u
#define MSR_PRED_CMD       0x49u
#define MSR_EFER           0xC0000080u
#define MSR_TSC_AUX        0xC0000103u
#define MSR_VIRT_SPEC_CTRL 0xC001011Fu

#define SPEC_CTRL_IBRS     (1ull << 0)
#define SPEC_CTRL_STIBP    (1ull << 1)
#define SPEC_CTRL_SSBD     (1ull << 2)
#define SPEC_CTRL_PSFD     (1ull << 7)
#define PRED_CMD_IBPB      (1ull << 0)
#define VIRT_SPEC_CTRL_SSBD (1ull << 2)
#define MSR_FS_BASE        0xC0000100u
#define MSR_GS_BASE        0xC0000101u
#define MSR_KERNEL_GS_BASE 0xC0000102u

#define EFER_SCE  (1ull << 0)
#define EFER_LME  (1ull << 8)
#define EFER_LMA  (1ull << 10)
#define EFER_NXE  (1ull << 11)
#define EFER_SVME (1ull << 12)

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;

    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

#endif
