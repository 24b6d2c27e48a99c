/* SPDX-License-Identifier: MIT */
/* RDMSR and WRMSR (the MSR numbers: arch/x86-defs.h). */
#ifndef ASM_MSR_H
#define ASM_MSR_H

#include <hv/types.h>
#include <arch/x86-defs.h>

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
