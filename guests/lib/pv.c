// SPDX-License-Identifier: MIT
/* The 64-bit PV test guests' hypercalls, console, shutdown and checks (include/pv-guest.h). */
#include <public/sched.h>

#include "guest.h"
#include "pv-guest.h"
#include "xen-hypercall.h"

static const char *check_name;
static unsigned int checks, failed;

long pv_hypercall3(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3)
{
    return xen_hypercall_via(hypercall_page, nr, a1, a2, a3);
}

long pv_hypercall4(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
    register uint64_t r10 __asm__("r10") = a4;
    long ret;

    __asm__ volatile("call *%[stub]"
                     : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10)
                     : [stub] "r"(hypercall_page + nr * XEN_HYPERCALL_STUB_SIZE)
                     : "memory", "rcx", "r8", "r9", "r11");
    return ret;
}

void pv_console_write(const char *s, size_t len)
{
    pv_hypercall3(__HYPERVISOR_console_io, CONSOLEIO_write, len, (uint64_t)(uintptr_t)s);
}

void pv_shutdown(unsigned int reason)
{
    struct sched_shutdown sd = { reason };

    pv_hypercall3(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (uint64_t)(uintptr_t)&sd, 0);
}

void pv_checks_start(const char *name)
{
    check_name = name;
    guest_set_output(pv_console_write);
}

void pv_check(const char *what, bool ok, uint64_t got)
{
    checks++;
    if (ok)
        return;
    failed++;
    guest_puts(check_name);
    guest_puts(": FAIL: ");
    guest_puts(what);
    guest_puts(": got ");
    guest_put_hex(got);
    guest_puts("\n");
}

unsigned int pv_checks_failed(void)
{
    return failed;
}

void pv_checks_done(void)
{
    guest_puts(check_name);
    guest_puts(": ");
    guest_put_dec(checks);
    guest_puts(" checks, ");
    guest_put_dec(failed);
    guest_puts(" failed");
    guest_put_verdict(failed ? "a check failed" : 0);
    pv_shutdown(failed ? SHUTDOWN_crash : SHUTDOWN_poweroff);
}
