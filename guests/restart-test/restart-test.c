// SPDX-License-Identifier: MIT
/*
 * restart-test: the guest of the domain restart tests
 * (tests/cases/domains-restart*.case). Every boot first checks that its RAM
 * holds nothing from an earlier run (the page at MARK_GPA, outside the image
 * and the builder's structures, must read zero; then it is marked), and says
 *   "restart-test: <mode>: boot, RAM clean: PASS"   (or FAIL: and the reason)
 * then, by its command line:
 *   mode=ticker ticks=N ms=M port=P
 *       prints "restart-test: tick I" every M ms, each followed by an event
 *       on static channel P, then "restart-test: ticker: N ticks: PASS";
 *       powers off.
 *   mode=crash port=P
 *       checks its PV console ring is empty (every boot gets it zeroed) and
 *       served: writes "restart-test: crash: written through the PV console
 *       ring" into it and waits for the hypervisor to take it, then says
 *       "restart-test: crash: PV console ring: PASS"; waits (at most 10 s)
 *       for an event on static channel P, says
 *       "restart-test: crash: event from the peer: PASS", then triple-faults.
 *   mode=reboot shm=A reboots=N
 *       counts its boots in the shared memory at guest address A (decimal),
 *       which survives restarts; says "restart-test: reboot: boot I of N+1"
 *       and reboots (SHUTDOWN_reboot) until it has booted N+1 times, then
 *       powers off. Before each reboot it registers a runstate area in the
 *       mark page: a restart must forget it, else the hypervisor writes it
 *       before the next boot's first instruction and finds "RAM not zeroed".
 */
#include <stdbool.h>
#include <stdint.h>

#include <public/arch-x86/hvm/start_info.h>
#include <public/event_channel.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <public/io/console.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/xen.h>

#include "guest.h"
#include "xen-guest.h"

#define MARK_GPA         0x800000ull /* 8 MiB: RAM of a 16 MiB domain, past the image */
#define MARK_VALUE       0x5245535441525421ull
#define WAIT_FOR_PEER_NS 10000000000ull
#define WAIT_FOR_RING_NS 1000000000ull

static void shutdown(unsigned int reason)
{
    struct sched_shutdown sd = { .reason = reason };

    xen_hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (uintptr_t)&sd, 0);
}

/* Waits until system time reaches deadline, giving the CPU away meanwhile. */
static void wait_until(uint64_t deadline)
{
    while (xen_system_time_ns() < deadline)
        xen_hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
}

/* The memory map has a RAM entry covering the page at gpa. */
static bool ram_in_memmap(const struct hvm_start_info *si, uint64_t gpa)
{
    const struct hvm_memmap_table_entry *mm;
    uint32_t i;

    if (si->version < 1 || !si->memmap_paddr)
        return false;
    mm = (const struct hvm_memmap_table_entry *)(uintptr_t)si->memmap_paddr;
    for (i = 0; i < si->memmap_entries; i++)
        if (mm[i].type == XEN_HVM_MEMMAP_TYPE_RAM && mm[i].addr <= gpa &&
            gpa + 4096 <= mm[i].addr + mm[i].size)
            return true;
    return false;
}

/* NULL if the mark page was all zero (then marks it), else why not. */
static const char *check_ram_clean(const struct hvm_start_info *si)
{
    volatile uint64_t *mark = (volatile uint64_t *)(uintptr_t)MARK_GPA;
    unsigned int i;

    if (!ram_in_memmap(si, MARK_GPA))
        return "the mark page is not RAM";
    for (i = 0; i < 4096 / sizeof(*mark); i++)
        if (mark[i])
            return mark[i] == MARK_VALUE ? "RAM still holds the mark of an earlier run"
                                         : "RAM not zeroed";
    for (i = 0; i < 4096 / sizeof(*mark); i++)
        mark[i] = MARK_VALUE;
    return 0;
}

static void say(const char *what)
{
    guest_puts("restart-test: ");
    guest_puts(what);
}

static void run_ticker(const struct hvm_start_info *si)
{
    uint64_t ticks = guest_cmdline_u64(si, "ticks", 20);
    uint64_t period = guest_cmdline_u64(si, "ms", 250) * 1000000ull;
    struct evtchn_send send = { .port = (uint32_t)guest_cmdline_u64(si, "port", 0) };
    uint64_t i, next = xen_system_time_ns();

    for (i = 1; i <= ticks; i++) {
        next += period;
        wait_until(next);
        /* The line first: the event it sends may make the peer crash and restart. */
        say("tick ");
        guest_put_dec(i);
        guest_puts("\n");
        if (send.port &&
            xen_hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_send, (uintptr_t)&send, 0)) {
            say("ticker: ");
            guest_put_verdict("EVTCHNOP_send failed");
            return;
        }
    }
    say("ticker: ");
    guest_put_dec(ticks);
    guest_puts(" ticks");
    guest_put_verdict(0);
}

static uint64_t hvm_param(uint32_t index)
{
    struct xen_hvm_param p = { .domid = DOMID_SELF, .index = index };

    return xen_hypercall(__HYPERVISOR_hvm_op, HVMOP_get_param, (uintptr_t)&p, 0) ? 0 : p.value;
}

/* NULL if the PV console ring is empty at boot and the hypervisor takes a line from it. */
static const char *check_console_ring(void)
{
    static const char line[] = "restart-test: crash: written through the PV console ring\n";
    volatile struct xencons_interface *r =
        (volatile struct xencons_interface *)(uintptr_t)(hvm_param(HVM_PARAM_CONSOLE_PFN) << 12);
    struct evtchn_send send = { .port = (uint32_t)hvm_param(HVM_PARAM_CONSOLE_EVTCHN) };
    uint64_t deadline = xen_system_time_ns() + WAIT_FOR_RING_NS;
    unsigned int i;

    if (!r || !send.port)
        return "no PV console ring";
    if (r->in_cons || r->in_prod || r->out_cons || r->out_prod || r->out[0])
        return "the ring holds an earlier run's indices or bytes";
    for (i = 0; i < sizeof(line) - 1; i++)
        r->out[i] = line[i];
    __atomic_store_n(&r->out_prod, sizeof(line) - 1, __ATOMIC_RELEASE);
    if (xen_hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_send, (uintptr_t)&send, 0))
        return "EVTCHNOP_send on the console port failed";
    while (__atomic_load_n(&r->out_cons, __ATOMIC_ACQUIRE) != sizeof(line) - 1)
        if (xen_system_time_ns() > deadline)
            return "the hypervisor did not take the line";
    return 0;
}

static void run_crash(const struct hvm_start_info *si)
{
    static const struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) no_idt = { 0, 0 };
    unsigned int port = (unsigned int)guest_cmdline_u64(si, "port", 0);
    const char *ring_err = check_console_ring(); /* its line first, then ours */
    uint64_t deadline;

    say("crash: PV console ring");
    guest_put_verdict(ring_err);
    deadline = xen_system_time_ns() + WAIT_FOR_PEER_NS;
    while (!xen_take_event(port) && xen_system_time_ns() < deadline)
        xen_hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
    say("crash: event from the peer");
    guest_put_verdict(xen_system_time_ns() < deadline ? 0 : "none within 10 s");
    __asm__ volatile("lidt %0; int3" : : "m"(no_idt));
}

static void run_reboot(const struct hvm_start_info *si)
{
    volatile uint64_t *boots = (volatile uint64_t *)(uintptr_t)guest_cmdline_u64(si, "shm", 0);
    uint64_t total = guest_cmdline_u64(si, "reboots", 2) + 1, n;

    if (!boots) {
        say("reboot");
        guest_put_verdict("no shm= on the command line");
        return;
    }
    n = ++*boots;
    say("reboot: boot ");
    guest_put_dec(n);
    guest_puts(" of ");
    guest_put_dec(total);
    guest_puts("\n");
    if (n < total) {
        volatile struct vcpu_runstate_info *rs =
            (volatile struct vcpu_runstate_info *)(uintptr_t)(MARK_GPA + 2048);
        struct vcpu_register_runstate_memory_area area = { .addr = (uintptr_t)rs };

        rs->state = -1;
        if (xen_hypercall(__HYPERVISOR_vcpu_op, VCPUOP_register_runstate_memory_area, 0,
                          (uintptr_t)&area) ||
            rs->state != RUNSTATE_running) {
            say("reboot: runstate area");
            guest_put_verdict("not registered");
            return;
        }
        shutdown(SHUTDOWN_reboot);
    }
}

void guest_main(const struct hvm_start_info *si)
{
    const char *mode = guest_cmdline_has(si, "mode=ticker")   ? "ticker"
                       : guest_cmdline_has(si, "mode=crash")  ? "crash"
                       : guest_cmdline_has(si, "mode=reboot") ? "reboot"
                                                              : "?";
    const char *err;

    if (!xen_setup())
        return;
    guest_set_output(xen_console_write);
    err = si->magic != XEN_HVM_START_MAGIC_VALUE ? "bad start info"
          : !xen_map_shared_info()               ? "cannot map the shared info"
          : mode[0] == '?'                       ? "unknown mode"
                                                 : check_ram_clean(si);
    say(mode);
    guest_puts(": boot, RAM clean");
    guest_put_verdict(err);
    if (!err && mode[0] == 't')
        run_ticker(si);
    else if (!err && mode[0] == 'c')
        run_crash(si);
    else if (!err)
        run_reboot(si);
    xen_power_off();
}
