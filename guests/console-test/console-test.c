// SPDX-License-Identifier: MIT
/*
 * console-test: the console as a Xen guest sees it. It writes through
 * console_io, binds VIRQ_CONSOLE, says "waiting for input", then reads serial
 * input with CONSOLEIO_read (sleeping in SCHEDOP_poll on the VIRQ's port in
 * between) until a newline, echoes the line and powers off:
 *   console-test: console_io write
 *   console-test: waiting for input
 *   console-test: read "<line>" (VIRQ_CONSOLE N times)
 *   console-test: PASS
 * A failed hypercall prints "console-test: FAIL: <what>" and crashes the domain.
 */
#include <stdbool.h>
#include <stdint.h>

#include <public/arch-x86/cpuid.h>
#include <public/arch-x86/shared_info.h>
#include <public/event_channel.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/xen.h>

#include "guest.h"

void console_test_main(void);

#define LINE_MAX 128

static uint8_t hypercall_page[4096] __attribute__((aligned(4096)));
static struct shared_info shinfo __attribute__((aligned(4096)));

static void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
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

static void console_io_write(const char *s, size_t len)
{
    hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, len, (uint64_t)(uintptr_t)s);
}

static __attribute__((noreturn)) void shutdown(unsigned int reason)
{
    struct sched_shutdown sd = { .reason = reason };

    for (;;)
        hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (uintptr_t)&sd, 0);
}

static void require(bool ok, const char *what)
{
    if (ok)
        return;
    guest_puts("console-test: FAIL: ");
    guest_puts(what);
    guest_puts("\n");
    shutdown(SHUTDOWN_crash);
}

static bool setup_hypercalls(void)
{
    uint32_t base, a, b, c, d;
    uint64_t page = (uintptr_t)hypercall_page;

    for (base = XEN_CPUID_FIRST_LEAF; base < XEN_CPUID_LAST_LEAF; base += XEN_CPUID_BASE_STEP) {
        cpuid(base, &a, &b, &c, &d);
        if (b == XEN_CPUID_SIGNATURE_EBX && c == XEN_CPUID_SIGNATURE_ECX &&
            d == XEN_CPUID_SIGNATURE_EDX && a >= base + 2) {
            cpuid(base + 2, &a, &b, &c, &d);
            __asm__ volatile("wrmsr" : : "c"(b), "a"((uint32_t)page), "d"((uint32_t)(page >> 32)));
            return true;
        }
    }
    return false;
}

static evtchn_port_t bind_console_virq(void)
{
    struct xen_add_to_physmap map = { .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info,
                                      .idx = 0, .gpfn = (uintptr_t)&shinfo >> 12 };
    struct evtchn_bind_virq virq = { .virq = VIRQ_CONSOLE, .vcpu = 1 };

    require(hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, (uintptr_t)&map, 0) == 0,
            "add_to_physmap shared_info");
    /* A global VIRQ binds to vCPU 0 only. */
    require(hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq, (uintptr_t)&virq, 0) ==
                -22, "bind_virq VIRQ_CONSOLE to vCPU 1: -EINVAL");
    virq.vcpu = 0;
    require(hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq, (uintptr_t)&virq, 0) ==
                0, "bind_virq VIRQ_CONSOLE");
    return virq.port;
}

/* Clears the port's pending bit; whether it was set. */
static bool take_event(evtchn_port_t port)
{
    uint64_t bit = 1ull << (port % 64);

    return __atomic_fetch_and(&shinfo.evtchn_pending[port / 64], ~bit, __ATOMIC_SEQ_CST) & bit;
}

/* Reads input into line until a newline; the number of VIRQ_CONSOLE events seen. */
static unsigned int read_line(evtchn_port_t port, char *line, size_t size)
{
    struct sched_poll poll = { .ports = (uintptr_t)&port, .nr_ports = 1 };
    unsigned int events = 0;
    size_t len = 0;
    char buf[32];
    long n, i;

    for (;;) {
        events += take_event(port);
        n = hypercall(__HYPERVISOR_console_io, CONSOLEIO_read, sizeof(buf), (uintptr_t)buf);
        require(n >= 0 && n <= (long)sizeof(buf), "console_io read");
        for (i = 0; i < n; i++) {
            if (buf[i] == '\n' || buf[i] == '\r') {
                line[len] = 0;
                return events;
            }
            if (len + 1 < size)
                line[len++] = buf[i];
        }
        if (n == 0)
            require(hypercall(__HYPERVISOR_sched_op, SCHEDOP_poll, (uintptr_t)&poll, 0) == 0,
                    "sched_op poll on the VIRQ_CONSOLE port");
    }
}

void console_test_main(void)
{
    char line[LINE_MAX];
    unsigned int events;
    evtchn_port_t port;

    if (!setup_hypercalls())
        shutdown(SHUTDOWN_crash);
    guest_set_output(console_io_write);
    guest_puts("console-test: console_io write\n");
    require(hypercall(__HYPERVISOR_console_io, CONSOLEIO_read, 0, 0) == 0,
            "console_io read of 0 bytes: 0");
    port = bind_console_virq();
    guest_puts("console-test: waiting for input\n");
    events = read_line(port, line, sizeof(line));
    guest_puts("console-test: read \"");
    guest_puts(line);
    guest_puts("\" (VIRQ_CONSOLE ");
    guest_put_dec(events);
    guest_puts(" times)\n");
    require(events > 0, "input arrived without VIRQ_CONSOLE");
    guest_puts("console-test: PASS\n");
    shutdown(SHUTDOWN_poweroff);
}
