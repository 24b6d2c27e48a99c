// SPDX-License-Identifier: MIT
/*
 * The console: printk() formats into a local buffer, then writes whole lines
 * under one lock, each prefixed with "[ms.µs] " since the loader started, to
 * the serial port and, once it is on, the framebuffer console (hv/fbcon.h).
 * After console_enter_panic() a CPU that cannot get the lock within about a
 * second (or that holds it already: a fault inside printk) writes anyway.
 */
#include <stdarg.h>
#include <hv/fbcon.h>
#include <hv/percpu.h>
#include <hv/printk.h>
#include <hv/spinlock.h>
#include <hv/timeline.h>
#include <asm/cpu.h>
#include <asm/serial.h>
#include <asm/tsc.h>

#define PRINTK_BUF_SIZE     512
#define NO_OWNER            (~0u)
#define PANIC_LOCK_WAIT_TSC 3000000000ull /* ~1 s at 3 GHz, before calibration too */

static spinlock_t console_lock = SPINLOCK_INIT;
static volatile unsigned int console_owner = NO_OWNER;
static volatile bool console_panicking;
static bool at_line_start = true;

void console_enter_panic(void)
{
    console_panicking = true;
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

static void console_out(const char *s, size_t len)
{
    serial_write(s, len);
    fbcon_write(s, len);
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

    write_lines(buf, len);
    if ((size_t)n >= sizeof(buf))
        write_lines("[truncated]\n", 12);
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

    console_out(s, len);
    console_release(locked, irq);
}
