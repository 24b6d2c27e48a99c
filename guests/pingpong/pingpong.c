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

#include <public/arch-x86/cpuid.h>
#include <public/arch-x86/hvm/start_info.h>
#include <public/arch-x86/shared_info.h>
#include <public/event_channel.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/xen.h>

#include "guest.h"

#define ANSWER_MASK 0x5A5A5A5A5A5A5A5Aull

void hello_main(const struct hvm_start_info *si);

struct ring {
    uint64_t seq;    /* last message written: odd from ping, even from pong */
    uint64_t value;
};

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
        if (!take_event(port) && hypercall(__HYPERVISOR_sched_op, SCHEDOP_block, 0, 0))
            return false;
    return true;
}

static bool send(volatile struct ring *r, unsigned int port, uint64_t seq, uint64_t value)
{
    struct evtchn_send s = { .port = port };

    r->value = value;
    __atomic_store_n(&r->seq, seq, __ATOMIC_RELEASE);
    return hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_send, (uintptr_t)&s, 0) == 0;
}

static uint64_t fold(uint64_t sum, uint64_t v)
{
    return (sum ^ v) * 0x100000001B3ull;
}

static void run(const struct hvm_start_info *si, bool ping)
{
    unsigned int port = (unsigned int)cmdline_u64(si, "port", 0);
    uint64_t gpa = cmdline_u64(si, "shm", 0), count = cmdline_u64(si, "count", 1000);
    volatile struct ring *r = (volatile struct ring *)(uintptr_t)gpa;
    uint64_t i, sum = 0xCBF29CE484222325ull, t0 = system_time_ns();
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
        guest_put_dec((system_time_ns() - t0) / count);
        guest_puts(" ns\n");
    }
}

void hello_main(const struct hvm_start_info *si)
{
    if (!xen_setup())
        return;
    guest_set_output(xen_console_write);
    if (si->magic != XEN_HVM_START_MAGIC_VALUE)
        guest_puts("pingpong: FAIL: bad start info\n");
    else if (!map_shared_info())
        guest_puts("pingpong: FAIL: cannot map the shared info\n");
    else
        run(si, cmdline_has(si, "mode=ping"));
    power_off();
}
