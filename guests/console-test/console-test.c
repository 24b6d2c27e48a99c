// SPDX-License-Identifier: MIT
/*
 * console-test: the console as a Xen guest sees it, through console_io and
 * through Xen's PV console ring (HVM_PARAM_CONSOLE_PFN/EVTCHN), which the
 * hypervisor serves. In its default mode it:
 *   - writes with console_io, binds VIRQ_CONSOLE and reads one input line
 *     with CONSOLEIO_read (sleeping in SCHEDOP_poll on the VIRQ's port);
 *   - writes lines alternately into the ring and with console_io, one ring
 *     line without notifying, to show they come out in the order written;
 *   - makes its ring's indices absurd (out_prod far beyond out_cons, over a
 *     ring full of 'Z'), notifies, waits, repairs them: the hypervisor must
 *     say so once and print none of it;
 *   - reads a second input line from the ring's in[] (input goes there once
 *     the guest has notified its console port);
 *   - powers off after "console-test: PASS".
 * With "flood" on its command line it instead writes 64 KiB of numbered
 * lines into the ring as fast as the ring takes them, and checks that the
 * hypervisor took them no faster than the domain's serial budget (32 KiB
 * burst, 4 KiB/s): a flooding guest is throttled by its ring filling up.
 * A failed check prints "console-test: FAIL: <what>" and crashes the domain.
 */
#include <stdbool.h>
#include <stdint.h>

#include <public/event_channel.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <public/io/console.h>
#include <public/sched.h>
#include <public/xen.h>

#include "guest.h"
#include "xen-guest.h"

#define LINE_MAX    128
#define FLOOD_BYTES (64 * 1024)
#define FLOOD_LINE  64
/* The hypervisor's serial budget per domain (docs/domains.md, Consoles). */
#define BUDGET_BURST 32768
#define BUDGET_RATE  4096 /* bytes per second */

static volatile struct xencons_interface *ring;
static evtchn_port_t ring_port;

static __attribute__((noreturn)) void shutdown(unsigned int reason)
{
    struct sched_shutdown sd = { .reason = reason };

    for (;;)
        xen_hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (uintptr_t)&sd, 0);
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

static evtchn_port_t bind_console_virq(void)
{
    struct evtchn_bind_virq virq = { .virq = VIRQ_CONSOLE, .vcpu = 1 };

    /* A global VIRQ binds to vCPU 0 only. */
    require(xen_hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq, (uintptr_t)&virq, 0) ==
                -22,
            "bind_virq VIRQ_CONSOLE to vCPU 1: -EINVAL");
    virq.vcpu = 0;
    require(xen_hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq, (uintptr_t)&virq, 0) ==
                0,
            "bind_virq VIRQ_CONSOLE");
    return virq.port;
}

static void wait_on(evtchn_port_t port)
{
    struct sched_poll poll = { .ports = (uintptr_t)&port, .nr_ports = 1 };

    require(xen_hypercall(__HYPERVISOR_sched_op, SCHEDOP_poll, (uintptr_t)&poll, 0) == 0,
            "sched_op poll");
}

/* Reads console_io input into line until a newline; the number of VIRQ_CONSOLE events seen. */
static unsigned int read_line(evtchn_port_t port, char *line, size_t size)
{
    unsigned int events = 0;
    size_t len = 0;
    char buf[32];
    long n, i;

    for (;;) {
        events += xen_take_event(port);
        n = xen_hypercall(__HYPERVISOR_console_io, CONSOLEIO_read, sizeof(buf), (uintptr_t)buf);
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
            wait_on(port);
    }
}

static uint64_t hvm_param(uint32_t index)
{
    struct xen_hvm_param p = { .domid = DOMID_SELF, .index = index };

    require(xen_hypercall(__HYPERVISOR_hvm_op, HVMOP_get_param, (uintptr_t)&p, 0) == 0,
            "hvm_op get_param of a console parameter");
    return p.value;
}

static void ring_notify(void)
{
    struct evtchn_send send = { .port = ring_port };

    require(xen_hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_send, (uintptr_t)&send, 0) == 0,
            "evtchn send on the console port");
}

/*
 * Finds the ring (its page is guest RAM the builder reserved: our identity
 * map reaches it, nothing to map) and checks the port is the hypervisor's.
 */
static void ring_setup(void)
{
    uint64_t pfn = hvm_param(HVM_PARAM_CONSOLE_PFN);
    uint32_t port = (uint32_t)hvm_param(HVM_PARAM_CONSOLE_EVTCHN);

    require(pfn != 0 && pfn < (1ull << (30 - 12)), "HVM_PARAM_CONSOLE_PFN in our first GiB");
    require(port != 0, "HVM_PARAM_CONSOLE_EVTCHN set");
    ring = (volatile struct xencons_interface *)(uintptr_t)(pfn << 12);
    ring_port = port;
    require(xen_hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_close, (uintptr_t)&port, 0) ==
                -22,
            "close of the console port: -EINVAL");
}

/* Appends s to out[], waiting (yielding) while the ring is full; notifies if asked. */
static void ring_put(const char *s, size_t len, bool notify)
{
    XENCONS_RING_IDX prod = ring->out_prod;
    size_t i;

    for (i = 0; i < len; i++) {
        while (prod - __atomic_load_n(&ring->out_cons, __ATOMIC_ACQUIRE) >= sizeof(ring->out)) {
            __atomic_store_n(&ring->out_prod, prod, __ATOMIC_RELEASE);
            ring_notify();
            xen_hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
        }
        ring->out[MASK_XENCONS_IDX(prod, ring->out)] = s[i];
        prod++;
    }
    __atomic_store_n(&ring->out_prod, prod, __ATOMIC_RELEASE);
    if (notify)
        ring_notify();
}

/* A guest_write_fn: the PV console ring, notified after each write (as Linux's hvc_xen). */
static void ring_write(const char *s, size_t len)
{
    ring_put(s, len, true);
}

/* Waits until the hypervisor has taken everything in out[]. */
static void ring_wait_empty(void)
{
    while (__atomic_load_n(&ring->out_cons, __ATOMIC_ACQUIRE) != ring->out_prod)
        xen_hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
}

/* Ring and console_io output in the order written, a ring line without a notify among them. */
static void interleave(void)
{
    static const char unnotified[] = "console-test: order 3 (ring, not notified)\n";

    guest_set_output(ring_write);
    guest_puts("console-test: order 1 (ring)\n");
    guest_set_output(xen_console_write);
    guest_puts("console-test: order 2 (console_io)\n");
    ring_put(unnotified, sizeof(unnotified) - 1, false);
    guest_puts("console-test: order 4 (console_io)\n");
    guest_set_output(ring_write);
    guest_puts("console-test: order 5 (ring)\n");
}

/*
 * Absurd indices over a ring of 'Z': out_prod 64 KiB past out_cons, then
 * out_cons past out_prod. The hypervisor must take nothing (out_cons as we
 * left it), print none of it, and carry on once they are sane again.
 */
static void hostile_indices(void)
{
    XENCONS_RING_IDX cons = ring->out_cons, prod = ring->out_prod;
    uint64_t until;
    size_t i;

    require(cons == prod, "ring empty before the hostile indices");
    for (i = 0; i < sizeof(ring->out); i++)
        ring->out[i] = 'Z';
    __atomic_store_n(&ring->out_prod, prod + 0x10000, __ATOMIC_RELEASE);
    ring_notify();
    until = xen_system_time_ns() + 50000000ull; /* polls too, for 50 ms */
    while (xen_system_time_ns() < until)
        xen_hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
    require(ring->out_cons == cons, "hypervisor took nothing from a corrupt ring (out_prod)");
    __atomic_store_n(&ring->out_prod, prod, __ATOMIC_RELEASE);
    __atomic_store_n(&ring->out_cons, prod + 7, __ATOMIC_RELEASE);
    ring_notify();
    require(ring->out_cons == prod + 7, "hypervisor took nothing from a corrupt ring (out_cons)");
    __atomic_store_n(&ring->out_cons, prod, __ATOMIC_RELEASE);
    guest_puts("console-test: ring survived hostile indices\n");
}

/* Reads a line from the ring's in[]; the number of console port events seen. */
static unsigned int ring_read_line(char *line, size_t size)
{
    unsigned int events = 0;
    size_t len = 0;

    for (;;) {
        XENCONS_RING_IDX cons = ring->in_cons;
        XENCONS_RING_IDX prod = __atomic_load_n(&ring->in_prod, __ATOMIC_ACQUIRE);
        bool done = false;

        events += xen_take_event(ring_port);
        require(prod - cons <= sizeof(ring->in), "sane in_prod from the hypervisor");
        while (cons != prod && !done) {
            char ch = ring->in[MASK_XENCONS_IDX(cons, ring->in)];

            cons++;
            if (ch == '\n' || ch == '\r')
                done = true;
            else if (len + 1 < size)
                line[len++] = ch;
        }
        __atomic_store_n(&ring->in_cons, cons, __ATOMIC_RELEASE);
        if (done) {
            line[len] = 0;
            return events;
        }
        ring_notify(); /* room in in[] for more */
        wait_on(ring_port);
    }
}

static void put_line_number(char *line, unsigned int n)
{
    for (int i = 4; i >= 0; i--, n /= 10)
        line[i] = (char)('0' + n % 10);
}

/* Floods the ring; the hypervisor must take it no faster than the budget pays for. */
static void flood(void)
{
    char line[FLOOD_LINE];
    uint64_t start, ms, taken, allowed;
    XENCONS_RING_IDX first;
    unsigned int n;

    guest_set_output(ring_write);
    guest_puts("console-test: flooding the ring\n");
    ring_wait_empty();
    first = ring->out_prod;
    for (n = 0; n < FLOOD_LINE - 1; n++)
        line[n] = (char)('a' + n % 26);
    line[FLOOD_LINE - 1] = '\n';
    start = xen_system_time_ns();
    for (n = 0; n < FLOOD_BYTES / FLOOD_LINE; n++) {
        put_line_number(line, n);
        ring_put(line, sizeof(line), true);
    }
    ms = (xen_system_time_ns() - start) / 1000000;
    taken = (XENCONS_RING_IDX)(ring->out_cons - first);
    allowed = BUDGET_BURST + BUDGET_RATE * (ms + 10) / 1000;
    ring_wait_empty();
    guest_puts("console-test: flood: ");
    guest_put_dec(taken);
    guest_puts(" bytes taken in ");
    guest_put_dec(ms);
    guest_puts(" ms, budget ");
    guest_put_dec(allowed);
    guest_puts("\n");
    require(taken <= allowed, "ring taken faster than the serial budget");
    guest_puts("console-test: flood: PASS\n");
    ring_wait_empty();
    shutdown(SHUTDOWN_poweroff);
}

void guest_main(const struct hvm_start_info *si)
{
    char line[LINE_MAX];
    unsigned int events;
    evtchn_port_t port;

    if (!xen_setup())
        shutdown(SHUTDOWN_crash);
    guest_set_output(xen_console_write);
    require(xen_map_shared_info(), "add_to_physmap shared_info");
    ring_setup();
    if (guest_cmdline_has(si, "flood"))
        flood();

    guest_puts("console-test: console_io write\n");
    require(xen_hypercall(__HYPERVISOR_console_io, CONSOLEIO_read, 0, 0) == 0,
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

    interleave();
    hostile_indices();
    guest_puts("console-test: waiting for ring input\n");
    events = ring_read_line(line, sizeof(line));
    guest_puts("console-test: ring read \"");
    guest_puts(line);
    guest_puts("\" (");
    guest_put_dec(events);
    guest_puts(" console port events)\n");
    require(events > 0, "ring input arrived without an event");
    guest_puts("console-test: PASS\n");
    ring_wait_empty();
    shutdown(SHUTDOWN_poweroff);
}
