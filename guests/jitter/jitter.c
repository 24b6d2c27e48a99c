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
 *                (default 3000) of Xen system time, counting its loops, then
 *                prints "busy: N loops in M ms: PASS" and powers off: the load
 *                another pool must not feel, and the CPU hog whose share of
 *                its CPU the loop count shows.
 * No callback vector is set: SCHEDOP_block returns once an event is pending,
 * and the guest takes the event off its shared info itself.
 */
#include <stdbool.h>
#include <stdint.h>

#include <public/arch-x86/hvm/start_info.h>
#include <public/event_channel.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/xen.h>

#include "guest.h"
#include "xen-guest.h"

/* Lateness of one singleshot timer period_ns ahead, in ns; -1 if it failed or fired early. */
static int64_t one_sample(unsigned int port, uint64_t period_ns)
{
    struct vcpu_set_singleshot_timer ss = { .timeout_abs_ns = xen_system_time_ns() + period_ns };
    uint64_t woke;

    if (xen_hypercall(__HYPERVISOR_vcpu_op, VCPUOP_set_singleshot_timer, 0, (uintptr_t)&ss))
        return -1;
    while (!xen_take_event(port))
        xen_hypercall(__HYPERVISOR_sched_op, SCHEDOP_block, 0, 0);
    woke = xen_system_time_ns();
    return woke < ss.timeout_abs_ns ? -1 : (int64_t)(woke - ss.timeout_abs_ns);
}

static void run_jitter(const struct hvm_start_info *si)
{
    struct evtchn_bind_virq bind = { .virq = VIRQ_TIMER, .vcpu = 0 };
    uint64_t samples = guest_cmdline_u64(si, "samples", 200);
    uint64_t period_ns = guest_cmdline_u64(si, "period-us", 1000) * 1000;
    uint64_t n = 0, max = 0, sum = 0;

    if (xen_hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_virq, (uintptr_t)&bind, 0)) {
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
    uint64_t ms = guest_cmdline_u64(si, "busy-ms", 3000);
    uint64_t end = xen_system_time_ns() + ms * 1000000, loops = 0;

    while (xen_system_time_ns() < end) {
        __asm__ volatile("pause");
        loops++;
    }
    guest_puts("busy: ");
    guest_put_dec(loops);
    guest_puts(" loops in ");
    guest_put_dec(ms);
    guest_puts(" ms: PASS\n");
}

void guest_main(const struct hvm_start_info *si)
{
    if (!xen_setup())
        return;
    guest_set_output(xen_console_write);
    if (!xen_map_shared_info())
        guest_puts("jitter: FAIL: cannot map the shared info\n");
    else if (guest_cmdline_has(si, "mode=busy"))
        run_busy(si);
    else
        run_jitter(si);
    xen_power_off();
}
