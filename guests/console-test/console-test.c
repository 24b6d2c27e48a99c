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

#include <public/event_channel.h>
#include <public/sched.h>
#include <public/xen.h>

#include "guest.h"
#include "xen-guest.h"

#define LINE_MAX 128

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

    require(xen_map_shared_info(), "add_to_physmap shared_info");
    /* A global VIRQ binds to vCPU 0 only. */
    require(xen_hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq, (uintptr_t)&virq, 0) ==
                -22, "bind_virq VIRQ_CONSOLE to vCPU 1: -EINVAL");
    virq.vcpu = 0;
    require(xen_hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq, (uintptr_t)&virq, 0) ==
                0, "bind_virq VIRQ_CONSOLE");
    return virq.port;
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
            require(xen_hypercall(__HYPERVISOR_sched_op, SCHEDOP_poll, (uintptr_t)&poll, 0) == 0,
                    "sched_op poll on the VIRQ_CONSOLE port");
    }
}

void guest_main(const struct hvm_start_info *si)
{
    char line[LINE_MAX];
    unsigned int events;
    evtchn_port_t port;

    (void)si;                       /* console-test takes no command line */
    if (!xen_setup())
        shutdown(SHUTDOWN_crash);
    guest_set_output(xen_console_write);
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
    guest_puts("console-test: PASS\n");
    shutdown(SHUTDOWN_poweroff);
}
