// SPDX-License-Identifier: MIT
/*
 * VCPUOP_register_vcpu_time_memory_area (Linux's vDSO clock): a copy of the
 * vCPU's vcpu_time_info at a guest-virtual address, written whenever
 * vcpu_info's is, with the same version and fields; its
 * XEN_PVCLOCK_TSC_STABLE_BIT set exactly when the TSC its CPUID shows is
 * invariant. Valid and hostile registrations, an
 * area across a page boundary, 0 to unregister, the 32-bit caller.
 */
#include <stdbool.h>
#include <stdint.h>

#include <public/arch-x86/shared_info.h>
#include <public/vcpu.h>
#include <public/xen.h>

#include "abi-test.h"

#define UNMAPPED_GVA 0x80000000ull

static volatile struct vcpu_time_info area __attribute__((aligned(64)));
/* Two pages: an area 16 bytes before the boundary spans both. */
static volatile uint8_t straddle[8192] __attribute__((aligned(4096)));

long abi_register_time_area(uint32_t vcpu, uint64_t addr)
{
    struct vcpu_register_time_memory_area r = { .addr = addr };

    return abi_hypercall(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_time_memory_area, vcpu,
                         (uintptr_t)&r);
}

static bool same_time(const volatile struct vcpu_time_info *a,
                      const volatile struct vcpu_time_info *b)
{
    return a->version == b->version && a->system_time == b->system_time &&
           a->tsc_timestamp == b->tsc_timestamp && a->tsc_to_system_mul == b->tsc_to_system_mul &&
           a->tsc_shift == b->tsc_shift && a->flags == b->flags;
}

/*
 * Whether the copy matches vcpu_info's time, read with interrupts off; a few
 * tries, as a switch between the two reads may rewrite both.
 */
static bool copy_matches(const volatile struct vcpu_time_info *copy)
{
    const volatile struct vcpu_time_info *t = abi_vcpu0_time();
    bool same = false;
    uint64_t flags;

    __asm__ volatile("pushfq; pop %0; cli" : "=r"(flags) : : "memory");
    for (unsigned int i = 0; i < 3 && !same; i++)
        same = same_time(copy, t) && !(t->version & 1) && t->version;
    __asm__ volatile("push %0; popfq" : : "r"(flags) : "memory", "cc");
    return same;
}

static bool tsc_invariant(void)
{
    uint32_t a, b, c, d;

    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000007u), "c"(0));
    return (d >> 8) & 1;
}

void check_time_area(void)
{
    const volatile struct vcpu_time_info *split =
        (const volatile struct vcpu_time_info *)(straddle + 4096 - 16);
    uint64_t before;
    uint32_t addr32[2];

    check(abi_register_time_area(0, (uintptr_t)&area) == 0 && copy_matches(&area),
          "register_vcpu_time_memory_area: a copy of vcpu_info's time at once");
    check(((abi_vcpu0_time()->flags & XEN_PVCLOCK_TSC_STABLE_BIT) != 0) == tsc_invariant() &&
              ((area.flags & XEN_PVCLOCK_TSC_STABLE_BIT) != 0) == tsc_invariant(),
          "vcpu time: TSC_STABLE exactly when the TSC is invariant (CPUID 8000_0007 EDX[8])");
    before = area.system_time;
    yield();
    check(area.system_time > before && copy_matches(&area),
          "vcpu time area: rewritten with vcpu_info's at a switch");

    check(abi_register_time_area(0, (uintptr_t)split) == 0 && copy_matches(split),
          "vcpu time area across a page boundary: both pieces written");
    check(abi_register_time_area(0, 0) == 0, "vcpu time area unregistered (address 0)");
    before = split->system_time;
    yield();
    check(split->system_time == before, "an unregistered time area is not written");

    check(abi_register_time_area(0, UNMAPPED_GVA) == 0,
          "vcpu time area at an unmapped address: taken, as Xen");
    yield();
    check(abi_hypercall(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_time_memory_area, 0,
                        UNMAPPED_GVA) == -14,
          "register_vcpu_time_memory_area with an unmapped argument: -EFAULT");
    check(abi_register_time_area(7, (uintptr_t)&area) == -2,
          "register_vcpu_time_memory_area for vCPU 7: -ENOENT");

    /* 32-bit callers pass the same 64-bit address field. */
    addr32[0] = (uint32_t)(uintptr_t)&area;
    addr32[1] = 0;
    area.version = 0;
    check(abi_hypercall32(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_time_memory_area, 0,
                          (uint32_t)(uintptr_t)addr32) == 0 &&
              copy_matches(&area),
          "32-bit register_vcpu_time_memory_area");
    check(abi_register_time_area(0, 0) == 0, "vcpu time area unregistered again");
}
