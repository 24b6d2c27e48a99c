// SPDX-License-Identifier: MIT
/*
 * pingpong: two domains exchange messages through a static shared memory
 * region and wake each other through a static event channel. The command line:
 *   mode=ping|pong  which side (ping sends first)
 *   port=P          its end of the static event channel
 *   shm=A           guest-physical address of the region (decimal), which the
 *                   memory map must report reserved
 *   count=N         round trips (default 1000)
 * Message i (1..N): ping writes value and seq = 2i-1 and sends an event; pong
 * answers with value ^ mask and seq = 2i. Both fold every value, in order, into
 * a checksum and print "pingpong: <mode>: N messages, checksum X: PASS"; ping
 * also prints the mean round-trip time. FAIL if the region is not reserved in
 * the memory map, a hypercall fails or an answer is wrong. Powers off.
 * No callback vector is set: SCHEDOP_block returns once an event is pending.
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

#define ANSWER_MASK 0x5A5A5A5A5A5A5A5Aull

struct ring {
    uint64_t seq;    /* last message written: odd from ping, even from pong */
    uint64_t value;
};

/* The memory map has a reserved entry covering [gpa, gpa + size). */
static bool reserved_in_memmap(const struct hvm_start_info *si, uint64_t gpa, uint64_t size)
{
    const struct hvm_memmap_table_entry *mm;
    uint32_t i;

    if (si->version < 1 || !si->memmap_paddr)
        return false;
    mm = (const struct hvm_memmap_table_entry *)(uintptr_t)si->memmap_paddr;
    for (i = 0; i < si->memmap_entries; i++)
        if (mm[i].type == XEN_HVM_MEMMAP_TYPE_RESERVED && mm[i].addr <= gpa &&
            gpa + size <= mm[i].addr + mm[i].size)
            return true;
    return false;
}

/* Waits until the peer has written message seq; false if blocking failed. */
static bool wait_for(volatile struct ring *r, unsigned int port, uint64_t seq)
{
    while (__atomic_load_n(&r->seq, __ATOMIC_ACQUIRE) != seq)
        if (!xen_take_event(port) && xen_hypercall(__HYPERVISOR_sched_op, SCHEDOP_block, 0, 0))
            return false;
    return true;
}

static bool send(volatile struct ring *r, unsigned int port, uint64_t seq, uint64_t value)
{
    struct evtchn_send s = { .port = port };

    r->value = value;
    __atomic_store_n(&r->seq, seq, __ATOMIC_RELEASE);
    return xen_hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_send, (uintptr_t)&s, 0) == 0;
}

static uint64_t fold(uint64_t sum, uint64_t v)
{
    return (sum ^ v) * 0x100000001B3ull;
}

static void run(const struct hvm_start_info *si, bool ping)
{
    unsigned int port = (unsigned int)guest_cmdline_u64(si, "port", 0);
    uint64_t gpa = guest_cmdline_u64(si, "shm", 0), count = guest_cmdline_u64(si, "count", 1000);
    volatile struct ring *r = (volatile struct ring *)(uintptr_t)gpa;
    uint64_t i, sum = 0xCBF29CE484222325ull, t0 = xen_system_time_ns();
    const char *fail = NULL;

    if (!gpa || !reserved_in_memmap(si, gpa, sizeof(*r)))
        fail = "the region is not reserved in the memory map";
    for (i = 1; !fail && i <= count; i++) {
        uint64_t v = i * 0x9E3779B97F4A7C15ull;

        if (ping) {
            if (!send(r, port, 2 * i - 1, v) || !wait_for(r, port, 2 * i))
                fail = "a hypercall failed";
            else if (r->value != (v ^ ANSWER_MASK))
                fail = "a wrong answer";
        } else {
            if (!wait_for(r, port, 2 * i - 1))
                fail = "a hypercall failed";
            else if (r->value != v)
                fail = "a wrong message";
            else if (!send(r, port, 2 * i, v ^ ANSWER_MASK))
                fail = "a hypercall failed";
        }
        sum = fold(fold(sum, v), v ^ ANSWER_MASK);
    }
    guest_puts(ping ? "pingpong: ping: " : "pingpong: pong: ");
    guest_put_dec(i - 1);
    guest_puts(" messages, checksum ");
    guest_put_hex(sum);
    if (fail) {
        guest_puts(": FAIL: ");
        guest_puts(fail);
        guest_puts("\n");
        return;
    }
    guest_puts(": PASS\n");
    if (ping && count) {
        guest_puts("pingpong: round trip through shared memory + event channel: ");
        guest_put_dec((xen_system_time_ns() - t0) / count);
        guest_puts(" ns\n");
    }
}

void guest_main(const struct hvm_start_info *si)
{
    if (!xen_setup())
        return;
    guest_set_output(xen_console_write);
    if (si->magic != XEN_HVM_START_MAGIC_VALUE)
        guest_puts("pingpong: FAIL: bad start info\n");
    else if (!xen_map_shared_info())
        guest_puts("pingpong: FAIL: cannot map the shared info\n");
    else
        run(si, guest_cmdline_has(si, "mode=ping"));
    xen_power_off();
}
