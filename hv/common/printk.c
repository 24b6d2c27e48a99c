// SPDX-License-Identifier: MIT
/*
 * The console: printk() formats into a local buffer, then writes whole lines
 * under one lock, each prefixed with "[ms.µs] " since the loader started, to
 * the serial port and, once it is on, the framebuffer console (hv/fbcon.h).
 * After console_enter_panic() a CPU that cannot get the lock within about a
 * second (or that holds it already: a fault inside printk) writes anyway.
 *
 * During the boot, from console_offload_start() to console_offload_stop(),
 * the serial port's bytes go through a ring that another, idle CPU writes
 * out (console_offload_drain()), so that the boot CPU does not wait for the
 * UART: a byte costs about 1.6 us under QEMU, and about 5 KiB are printed
 * between the hypervisor's entry and the domains' start. The order of the
 * output is the order of the writes either way; the framebuffer is written
 * as before.
 */
#include <stdarg.h>
#include <hv/fbcon.h>
#include <hv/percpu.h>
#include <hv/printk.h>
#include <hv/sched.h>
#include <hv/smp.h>
#include <hv/spinlock.h>
#include <hv/timeline.h>
#include <asm/cpu.h>
#include <asm/serial.h>
#include <asm/tsc.h>

#define PRINTK_BUF_SIZE     512
#define OFFLOAD_RING_SIZE   16384 /* a power of two */
#define OFFLOAD_CHUNK       64    /* bytes the draining CPU writes with interrupts off */
#define NO_OWNER            (~0u)
#define PANIC_LOCK_WAIT_TSC 3000000000ull /* ~1 s at 3 GHz, before calibration too */

static spinlock_t console_lock = SPINLOCK_INIT;
static volatile unsigned int console_owner = NO_OWNER;
static volatile bool console_panicking;
static bool at_line_start = true;

/* Serial bytes not yet written: [ring_tail, ring_head), indices modulo the size. */
static char ring[OFFLOAD_RING_SIZE];
static uint32_t ring_head;                     /* under console_lock */
static uint32_t ring_tail;                     /* under serial_lock */
static spinlock_t serial_lock = SPINLOCK_INIT; /* the UART while the ring is in use */
static bool offloading; /* set under console_lock; cleared by a panic; read by the drainer */
static unsigned int offload_cpu;

static void ring_flush(void);

void console_enter_panic(void)
{
    console_panicking = true;
    __atomic_store_n(&offloading, false, __ATOMIC_RELEASE);
    ring_flush();
    fbcon_enter_panic();
}

/* Returns whether the lock was taken (false: busted during a panic). */
static bool console_acquire(unsigned long *irq)
{
    unsigned int me = this_cpu()->cpu_id;

    *irq = irq_save();
    if (!console_panicking) {
        spin_lock(&console_lock);
    } else {
        uint64_t start = rdtsc();

        while (!spin_trylock(&console_lock)) {
            if (console_owner == me || rdtsc() - start > PANIC_LOCK_WAIT_TSC)
                return false;
            cpu_relax();
        }
    }
    console_owner = me;
    return true;
}

static void console_release(bool locked, unsigned long irq)
{
    if (locked) {
        console_owner = NO_OWNER;
        spin_unlock(&console_lock);
    }
    irq_restore(irq);
}

/* Writes out up to max bytes of the ring; serial_lock held (or none to be had: a panic). */
static void ring_write_out(uint32_t max)
{
    uint32_t head = __atomic_load_n(&ring_head, __ATOMIC_ACQUIRE);

    while (ring_tail != head && max) {
        uint32_t at = ring_tail % OFFLOAD_RING_SIZE;
        uint32_t n = MIN(MIN(head - ring_tail, OFFLOAD_RING_SIZE - at), max);

        serial_write(ring + at, n);
        __atomic_store_n(&ring_tail, ring_tail + n, __ATOMIC_RELEASE);
        max -= n;
    }
}

/*
 * The ring written out whole, with console_lock held (nothing is added
 * meanwhile). During a panic the draining CPU may have stopped holding
 * serial_lock: it is waited for about a second at most, as console_lock.
 */
static void ring_flush(void)
{
    bool locked = true;

    if (__atomic_load_n(&ring_head, __ATOMIC_ACQUIRE) ==
        __atomic_load_n(&ring_tail, __ATOMIC_ACQUIRE))
        return;
    if (!console_panicking) {
        spin_lock(&serial_lock);
    } else {
        uint64_t start = rdtsc();

        while (!(locked = spin_trylock(&serial_lock)) && rdtsc() - start <= PANIC_LOCK_WAIT_TSC)
            cpu_relax();
    }
    ring_write_out(UINT32_MAX);
    if (locked)
        spin_unlock(&serial_lock);
}

static void ring_put(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (ring_head - __atomic_load_n(&ring_tail, __ATOMIC_ACQUIRE) == OFFLOAD_RING_SIZE)
            ring_flush();
        ring[ring_head % OFFLOAD_RING_SIZE] = s[i];
        __atomic_store_n(&ring_head, ring_head + 1, __ATOMIC_RELEASE);
    }
}

static void console_out(const char *s, size_t len)
{
    if (offloading) {
        ring_put(s, len);
    } else {
        ring_flush();
        serial_write(s, len);
    }
    fbcon_write(s, len);
}

/*
 * After a write that found the ring empty (head_before: ring_head before it),
 * the draining CPU is woken; one that found it not empty is written out by the
 * drain under way. The fences pair with console_offload_drain()'s: either this
 * sees the drain's last tail, or the drain sees this write's head.
 */
static void offload_kick(uint32_t head_before)
{
    if (!offloading || smp_processor_id() == offload_cpu)
        return;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (__atomic_load_n(&ring_tail, __ATOMIC_ACQUIRE) == head_before)
        arch_sched_kick(offload_cpu);
}

void console_offload_start(unsigned int cpu)
{
    unsigned long irq;
    bool locked = console_acquire(&irq);

    offload_cpu = cpu;
    __atomic_store_n(&offloading, true, __ATOMIC_RELEASE);
    console_release(locked, irq);
}

void console_offload_stop(void)
{
    unsigned long irq;
    bool locked = console_acquire(&irq);

    __atomic_store_n(&offloading, false, __ATOMIC_RELEASE);
    ring_flush();
    console_release(locked, irq);
}

void console_offload_drain(void)
{
    ASSERT_IRQS_OFF();
    while (__atomic_load_n(&offloading, __ATOMIC_ACQUIRE)) {
        spin_lock(&serial_lock); /* the boot CPU may be writing it out itself (a full ring) */
        ring_write_out(OFFLOAD_CHUNK);
        spin_unlock(&serial_lock);
        __atomic_thread_fence(__ATOMIC_SEQ_CST); /* pairs with offload_kick()'s */
        if (__atomic_load_n(&ring_head, __ATOMIC_ACQUIRE) == ring_tail)
            return;
        /* Cross-CPU calls (the clearing's helpers) are not held up by a long ring. */
        __asm__ volatile("sti; nop; cli" ::: "memory");
    }
}

static void write_timestamp(void)
{
    char ts[32];
    uint64_t us = timeline_tsc_to_us(rdtsc());
    int n = snprintf(ts, sizeof(ts), "[%8llu.%03llu] ", (unsigned long long)(us / 1000),
                     (unsigned long long)(us % 1000));

    console_out(ts, (size_t)n);
}

static void write_lines(const char *s, size_t len)
{
    size_t start = 0;

    for (size_t i = 0; i < len; i++) {
        if (at_line_start) {
            write_timestamp();
            at_line_start = false;
        }
        if (s[i] == '\n') {
            console_out(s + start, i + 1 - start);
            start = i + 1;
            at_line_start = true;
        }
    }
    console_out(s + start, len - start);
}

void vprintk(const char *fmt, va_list ap)
{
    char buf[PRINTK_BUF_SIZE];
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    size_t len = MIN((size_t)n, sizeof(buf) - 1);
    unsigned long irq;
    bool locked = console_acquire(&irq);
    uint32_t head_before = ring_head;

    write_lines(buf, len);
    if ((size_t)n >= sizeof(buf))
        write_lines("[truncated]\n", 12);
    offload_kick(head_before);
    console_release(locked, irq);
}

void printk(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
}

void console_write(const char *s, size_t len)
{
    unsigned long irq;
    bool locked = console_acquire(&irq);
    uint32_t head_before = ring_head;

    console_out(s, len);
    offload_kick(head_before);
    console_release(locked, irq);
}
