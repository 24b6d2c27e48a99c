// SPDX-License-Identifier: MIT
#include <stdbool.h>
#include <stdint.h>

#include <public/arch-x86/cpuid.h>
#include <public/arch-x86/shared_info.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/xen.h>

#include "xen-guest.h"
#include "xen-hypercall.h"

static uint8_t hypercall_page[4096] __attribute__((aligned(4096)));
static union {
    struct shared_info s;
    uint8_t page[4096];
} shinfo_page __attribute__((aligned(4096)));
#define shinfo (shinfo_page.s)

static void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}

long xen_hypercall(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3)
{
    return xen_hypercall_via(hypercall_page, nr, a1, a2, a3);
}

void xen_console_write(const char *s, size_t len)
{
    xen_hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, len, (uint64_t)(uintptr_t)s);
}

/* Installs the hypercall page; false without a Xen CPUID signature. */
bool xen_setup(void)
{
    uint32_t base, a, b, c, d;

    for (base = XEN_CPUID_FIRST_LEAF; base < XEN_CPUID_LAST_LEAF; base += XEN_CPUID_BASE_STEP) {
        cpuid(base, &a, &b, &c, &d);
        if (b == XEN_CPUID_SIGNATURE_EBX && c == XEN_CPUID_SIGNATURE_ECX &&
            d == XEN_CPUID_SIGNATURE_EDX && a >= base + 2) {
            uint64_t page = (uintptr_t)hypercall_page;

            cpuid(base + 2, &a, &b, &c, &d);
            __asm__ volatile("wrmsr" : : "c"(b), "a"((uint32_t)page), "d"((uint32_t)(page >> 32)));
            return true;
        }
    }
    return false;
}

void xen_power_off(void)
{
    struct sched_shutdown sd = { .reason = SHUTDOWN_poweroff };

    xen_hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (uintptr_t)&sd, 0);
}

uint64_t xen_system_time_ns(void)
{
    return xen_vcpu_time_ns(&shinfo.vcpu_info[0].time);
}

bool xen_map_shared_info(void)
{
    struct xen_add_to_physmap map = { .domid = DOMID_SELF,
                                      .space = XENMAPSPACE_shared_info,
                                      .idx = 0,
                                      .gpfn = (uintptr_t)&shinfo >> 12 };

    return xen_hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, (uintptr_t)&map, 0) == 0;
}

struct shared_info *xen_shared_info(void)
{
    return &shinfo;
}

/* Takes port's event off the shared info if it fired; true if it had. */
bool xen_take_event(unsigned int port)
{
    struct vcpu_info *vi = &shinfo.vcpu_info[0];
    uint64_t bit = 1ull << (port % 64);

    __atomic_store_n(&vi->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    return __atomic_fetch_and(&shinfo.evtchn_pending[port / 64], ~bit, __ATOMIC_SEQ_CST) & bit;
}
