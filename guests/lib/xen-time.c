// SPDX-License-Identifier: MIT
#include <stdint.h>

#include <public/arch-x86/shared_info.h>
#include <public/xen.h>

#include "xen-guest.h"

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
    return ((uint64_t)hi << 32) | lo;
}

uint64_t xen_vcpu_time_ns(volatile struct vcpu_time_info *t)
{
    uint32_t version;
    uint64_t ns, delta;

    do {
        version = t->version;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        delta = rdtsc() - t->tsc_timestamp;
        if (t->tsc_shift >= 0)
            delta <<= t->tsc_shift;
        else
            delta >>= -t->tsc_shift;
        ns = t->system_time + (uint64_t)(((unsigned __int128)delta * t->tsc_to_system_mul) >> 32);
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
    } while ((version & 1) || version != t->version);
    return ns;
}
