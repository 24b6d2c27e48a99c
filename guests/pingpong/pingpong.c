// SPDX-License-Identifier: MIT
/*
 * pingpong: two domains exchange messages through a static shared memory
 * region and wake each other through a static event channel; a third may read
 * the region read-only. Each finds the region, by its xen,shm-id, in its
 * shared memory table (public/tessera/shm.h), prints what the table says and
 * checks that the memory map reports it reserved. The command line:
 *   mode=ping|pong|reader  which side (ping sends first)
 *   port=P                 its end of the static event channel
 *   ring=ID                the region's xen,shm-id (default ring0)
 *   count=N                round trips (default 1000)
 *   reader-port=P          ping only: its end of a channel to a reader
 * Message i (1..N): ping writes value and seq = 2i-1 and sends an event; pong
 * answers with value ^ mask and seq = 2i. Both fold every value, in order, into
 * a checksum and print "pingpong: <mode>: N messages, checksum X: PASS"; ping
 * also prints the mean round-trip time.
 * With a reader, ping then offers it data in the region's second page and
 * wakes it through their channel; the reader (which must map the region
 * read-only) checks the data, tells ping through the channel and writes to the
 * region, which must crash it; ping waits 1 s more and checks that its data
 * is intact.
 * FAIL if the region is missing, not reserved or mapped with the wrong access,
 * a hypercall fails, an answer is wrong or the reader's write went through.
 * No callback vector is set: SCHEDOP_block returns once an event is pending.
 */
#include <stdbool.h>
#include <stdint.h>

#include <public/arch-x86/hvm/start_info.h>
#include <public/event_channel.h>
#include <public/sched.h>
#include <public/tessera/shm.h>
#include <public/vcpu.h>
#include <public/xen.h>

#include "guest.h"
#include "xen-guest.h"

#define ANSWER_MASK  0x5A5A5A5A5A5A5A5Aull
#define OFFER_OFFSET 0x1000 /* the reader's data: the region's second page */
#define OFFER_WORDS  64
#define OFFER_READY  0x52454144590Aull
#define REGION_MIN   (OFFER_OFFSET + 0x1000)
#define GRACE_NS     1000000000ull /* how long ping gives the reader to write */

struct ring {
    uint64_t seq; /* last message written: odd from ping, even from pong */
    uint64_t value;
};

struct offer {
    uint64_t ready; /* OFFER_READY once words are written */
    uint64_t words[OFFER_WORDS];
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

/*
 * The region named by ring= from the shared memory table, reported; NULL
 * (reported) if it is missing, not reserved, too small or not mapped with the
 * access this side needs.
 */
static const struct tessera_shm_entry *find_region(const struct hvm_start_info *si, bool writable)
{
    const char *start = guest_cmdline(si), *p = NULL;
    char id[TESSERA_SHM_ID_SIZE];
    const struct tessera_shm_entry *e;
    const char *fail = NULL;

    if (start)
        p = guest_cmdline_find(start, start, "ring=");
    if (!p || !guest_copy_word(p + 5, id, sizeof(id)))
        guest_copy_word("ring0", id, sizeof(id));
    e = guest_shm_find(si, id);
    guest_puts("pingpong: shared memory '");
    guest_puts(id);
    if (!e) {
        guest_puts("'");
        guest_put_verdict("not in the shared memory table");
        return NULL;
    }
    guest_puts("' at ");
    guest_put_hex(e->gpa);
    guest_puts(", ");
    guest_put_hex(e->size);
    guest_puts(" bytes, ");
    guest_puts((e->flags & TESSERA_SHM_WRITABLE) ? "read-write" : "read-only");
    guest_puts((e->flags & TESSERA_SHM_OWNER) ? ", owner" : ", borrower");
    if (!reserved_in_memmap(si, e->gpa, e->size))
        fail = "not reserved in the memory map";
    else if (e->size < REGION_MIN)
        fail = "smaller than 8 KiB";
    else if (!(e->flags & TESSERA_SHM_WRITABLE) != !writable)
        fail = writable ? "this side writes it" : "this side must not write it";
    if (fail)
        guest_put_verdict(fail);
    else
        guest_puts("\n");
    return fail ? NULL : e;
}

/* Waits until the peer has written message seq; false if blocking failed. */
static bool wait_for(volatile struct ring *r, unsigned int port, uint64_t seq)
{
    while (__atomic_load_n(&r->seq, __ATOMIC_ACQUIRE) != seq)
        if (!xen_take_event(port) && xen_hypercall(__HYPERVISOR_sched_op, SCHEDOP_block, 0, 0))
            return false;
    return true;
}

/* Waits for an event on port; false if blocking failed. */
static bool wait_event(unsigned int port)
{
    while (!xen_take_event(port))
        if (xen_hypercall(__HYPERVISOR_sched_op, SCHEDOP_block, 0, 0))
            return false;
    return true;
}

static bool notify(unsigned int port)
{
    struct evtchn_send s = { .port = port };

    return xen_hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_send, (uintptr_t)&s, 0) == 0;
}

static bool send(volatile struct ring *r, unsigned int port, uint64_t seq, uint64_t value)
{
    r->value = value;
    __atomic_store_n(&r->seq, seq, __ATOMIC_RELEASE);
    return notify(port);
}

static uint64_t fold(uint64_t sum, uint64_t v)
{
    return (sum ^ v) * 0x100000001B3ull;
}

static uint64_t offer_word(unsigned int i)
{
    return (i + 1) * 0x9E3779B97F4A7C15ull;
}

/* Index of the first word of the offer that is not what ping wrote; OFFER_WORDS if none. */
static unsigned int offer_check(const volatile struct offer *o)
{
    unsigned int i;

    for (i = 0; i < OFFER_WORDS && o->words[i] == offer_word(i); i++)
        ;
    return i;
}

static void verdict(const char *what, const char *fail)
{
    guest_puts(what);
    guest_put_verdict(fail);
}

/* ping's part with a reader: offer the data, wait for the reader's write, check the data. */
static void offer_to_reader(volatile struct offer *o, unsigned int port)
{
    const char *fail = NULL;
    unsigned int i;
    uint64_t t0;

    for (i = 0; i < OFFER_WORDS; i++)
        o->words[i] = offer_word(i);
    __atomic_store_n(&o->ready, OFFER_READY, __ATOMIC_RELEASE);
    if (!notify(port) || !wait_event(port)) {
        fail = "a hypercall failed";
    } else {
        for (t0 = xen_system_time_ns(); xen_system_time_ns() - t0 < GRACE_NS;)
            xen_hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
        if (offer_check(o) != OFFER_WORDS || o->ready != OFFER_READY)
            fail = "the reader changed it";
    }
    verdict("pingpong: ping: data intact after the reader's write", fail);
}

/* The read-only reader: check ping's data, tell ping, then try to write it. */
static void read_only(volatile struct offer *o, unsigned int port)
{
    const char *fail = NULL;

    while (!fail && __atomic_load_n(&o->ready, __ATOMIC_ACQUIRE) != OFFER_READY)
        if (!xen_take_event(port) && xen_hypercall(__HYPERVISOR_sched_op, SCHEDOP_block, 0, 0))
            fail = "a hypercall failed";
    if (!fail && offer_check(o) != OFFER_WORDS)
        fail = "the data differs from what ping wrote";
    if (!fail && !notify(port))
        fail = "a hypercall failed";
    verdict("pingpong: reader: the owner's data read back", fail);
    if (fail)
        return;
    guest_puts("pingpong: reader: writing to read-only shared memory\n");
    o->words[0] = 0;
    guest_puts("pingpong: reader: FAIL: the write to read-only shared memory went through\n");
}

static void exchange(volatile struct ring *r, unsigned int port, uint64_t count, bool ping)
{
    uint64_t i, sum = 0xCBF29CE484222325ull, t0 = xen_system_time_ns();
    const char *fail = NULL;

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
    verdict("", fail);
    if (ping && count && !fail) {
        guest_puts("pingpong: round trip through shared memory + event channel: ");
        guest_put_dec((xen_system_time_ns() - t0) / count);
        guest_puts(" ns\n");
    }
}

static void run(const struct hvm_start_info *si)
{
    bool ping = guest_cmdline_has(si, "mode=ping"), reader = guest_cmdline_has(si, "mode=reader");
    unsigned int port = (unsigned int)guest_cmdline_u64(si, "port", 0);
    unsigned int reader_port = (unsigned int)guest_cmdline_u64(si, "reader-port", 0);
    const struct tessera_shm_entry *e = find_region(si, !reader);
    uintptr_t base;

    if (!e)
        return;
    base = (uintptr_t)e->gpa;
    if (reader) {
        read_only((volatile struct offer *)(base + OFFER_OFFSET), port);
        return;
    }
    exchange((volatile struct ring *)base, port, guest_cmdline_u64(si, "count", 1000), ping);
    if (ping && reader_port)
        offer_to_reader((volatile struct offer *)(base + OFFER_OFFSET), reader_port);
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
        run(si);
    xen_power_off();
}
