// SPDX-License-Identifier: MIT
/*
 * jitter: measures how late its own vCPU timer fires. The command line picks
 * what it does:
 *   mode=jitter  (default) samples=N (default 200) times: arms a singleshot
 *                timer period-us=P (default 1000) ahead, blocks until its
 *                VIRQ_TIMER event, and records wake-up time minus deadline
 *                (Xen system time). Then prints "jitter: N samples, max X us,
 *                mean Y us: PASS"; FAIL if a wake-up came before its deadline
 *                or a hypercall failed. Powers off.
 *   mode=busy    spins without a single exit for busy-ms=M milliseconds
 *                (default 3000), prints "busy: PASS" and powers off: the load
 *                another pool must not feel.
 * No callback vector is set: SCHEDOP_block returns once an event is pending,
 * and the guest takes the event off its shared info itself.
 */
#include <stdbool.h>
#include <stdint.h>

#include <public/arch-x86/cpuid.h>
#include <public/arch-x86/hvm/start_info.h>
#include <public/arch-x86/shared_info.h>
#include <public/event_channel.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/xen.h>

#include "guest.h"

void hello_main(const struct hvm_start_info *si);

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

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static long hypercall(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3)
{
    long ret;

    __asm__ volatile("call *%[stub]"
                     : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3)
                     : [stub] "r"(hypercall_page + nr * XEN_HYPERCALL_STUB_SIZE)
                     : "memory", "rcx", "r8", "r9", "r10", "r11");
    return ret;
}

static void xen_console_write(const char *s, size_t len)
{
    hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, len, (uint64_t)(uintptr_t)s);
}

/* Installs the hypercall page; false without a Xen CPUID signature. */
static bool xen_setup(void)
{
    uint32_t base, a, b, c, d;

    for (base = XEN_CPUID_FIRST_LEAF; base < XEN_CPUID_LAST_LEAF; base += XEN_CPUID_BASE_STEP) {
        cpuid(base, &a, &b, &c, &d);
        if (b == XEN_CPUID_SIGNATURE_EBX && c == XEN_CPUID_SIGNATURE_ECX &&
            d == XEN_CPUID_SIGNATURE_EDX && a >= base + 2) {
            uint64_t page = (uintptr_t)hypercall_page;

            cpuid(base + 2, &a, &b, &c, &d);
            __asm__ volatile("wrmsr" : : "c"(b), "a"((uint32_t)page),
                             "d"((uint32_t)(page >> 32)));
            return true;
        }
    }
    return false;
}

static void power_off(void)
{
    struct sched_shutdown sd = { .reason = SHUTDOWN_poweroff };

    hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (uintptr_t)&sd, 0);
}

/* The value of "key=value" on the command line, else dflt. */
static uint64_t cmdline_u64(const struct hvm_start_info *si, const char *key, uint64_t dflt)
{
    const char *p, *start;
    uint64_t v = 0;
    size_t k;

    if (si->magic != XEN_HVM_START_MAGIC_VALUE || !si->cmdline_paddr)
        return dflt;
    start = (const char *)(uintptr_t)si->cmdline_paddr;
    for (p = start; *p; p++) {
        if (p != start && p[-1] != ' ')
            continue;
        for (k = 0; key[k] && p[k] == key[k]; k++)
            ;
        if (key[k] || p[k] != '=' || p[k + 1] < '0' || p[k + 1] > '9')
            continue;
        for (p += k + 1; *p >= '0' && *p <= '9'; p++)
            v = v * 10 + (uint64_t)(*p - '0');
        return v;
    }
    return dflt;
}

static bool cmdline_has(const struct hvm_start_info *si, const char *word)
{
    const char *p, *start;
    size_t k;

    if (si->magic != XEN_HVM_START_MAGIC_VALUE || !si->cmdline_paddr)
        return false;
    start = (const char *)(uintptr_t)si->cmdline_paddr;
    for (p = start; *p; p++) {
        if (p != start && p[-1] != ' ')
            continue;
        for (k = 0; word[k] && p[k] == word[k]; k++)
            ;
        if (!word[k] && (p[k] == ' ' || !p[k]))
            return true;
    }
    return false;
}

/* System time from vcpu_time_info, as a Xen guest computes it. */
static uint64_t system_time_ns(void)
{
    volatile struct vcpu_time_info *t = &shinfo.vcpu_info[0].time;
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

static bool map_shared_info(void)
{
    struct xen_add_to_physmap map = { .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info,
                                      .idx = 0, .gpfn = (uintptr_t)&shinfo >> 12 };

    return hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, (uintptr_t)&map, 0) == 0;
}

/* Takes port's event off the shared info if it fired; true if it had. */
static bool take_event(unsigned int port)
{
    struct vcpu_info *vi = &shinfo.vcpu_info[0];
    uint64_t bit = 1ull << (port % 64);

    __atomic_store_n(&vi->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    return __atomic_fetch_and(&shinfo.evtchn_pending[port / 64], ~bit, __ATOMIC_SEQ_CST) & bit;
}

/* Lateness of one singleshot timer period_ns ahead, in ns; -1 if it failed or fired early. */
static int64_t one_sample(unsigned int port, uint64_t period_ns)
{
    struct vcpu_set_singleshot_timer ss = { .timeout_abs_ns = system_time_ns() + period_ns };
    uint64_t woke;

    if (hypercall(__HYPERVISOR_vcpu_op, VCPUOP_set_singleshot_timer, 0, (uintptr_t)&ss))
        return -1;
    while (!take_event(port))
        hypercall(__HYPERVISOR_sched_op, SCHEDOP_block, 0, 0);
    woke = system_time_ns();
    return woke < ss.timeout_abs_ns ? -1 : (int64_t)(woke - ss.timeout_abs_ns);
}

static void run_jitter(const struct hvm_start_info *si)
{
    struct evtchn_bind_virq bind = { .virq = VIRQ_TIMER, .vcpu = 0 };
    uint64_t samples = cmdline_u64(si, "samples", 200);
    uint64_t period_ns = cmdline_u64(si, "period-us", 1000) * 1000;
    uint64_t n = 0, max = 0, sum = 0;

    if (hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq, (uintptr_t)&bind, 0)) {
        guest_puts("jitter: FAIL: cannot bind VIRQ_TIMER\n");
        return;
    }
    for (; n < samples; n++) {
        int64_t late = one_sample(bind.port, period_ns);

        if (late < 0)
            break;
        max = (uint64_t)late > max ? (uint64_t)late : max;
        sum += (uint64_t)late;
    }
    guest_puts("jitter: ");
    guest_put_dec(n);
    guest_puts(" samples, max ");
    guest_put_dec(max / 1000);
    guest_puts(" us, mean ");
    guest_put_dec(n ? sum / n / 1000 : 0);
    guest_puts(n == samples && n ? " us: PASS\n" : " us: FAIL (a timer failed or fired early)\n");
}

static void run_busy(const struct hvm_start_info *si)
{
    uint64_t end = system_time_ns() + cmdline_u64(si, "busy-ms", 3000) * 1000000;

    while (system_time_ns() < end)
        __asm__ volatile("pause");
    guest_puts("busy: PASS\n");
}

void hello_main(const struct hvm_start_info *si)
{
    if (!xen_setup())
        return;
    guest_set_output(xen_console_write);
    if (!map_shared_info())
        guest_puts("jitter: FAIL: cannot map the shared info\n");
    else if (cmdline_has(si, "mode=busy"))
        run_busy(si);
    else
        run_jitter(si);
    power_off();
}
