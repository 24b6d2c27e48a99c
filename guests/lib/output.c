// SPDX-License-Identifier: MIT
#include "guest.h"

static guest_write_fn guest_out;

void guest_set_output(guest_write_fn fn)
{
    guest_out = fn;
}

size_t guest_strlen(const char *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

const char *guest_copy_word(const char *p, char *buf, size_t size)
{
    size_t i;

    for (i = 0; i + 1 < size && p[i] && p[i] != ' '; i++)
        buf[i] = p[i];
    buf[i] = 0;
    return i ? buf : 0;
}

void guest_puts(const char *s)
{
    if (guest_out)
        guest_out(s, guest_strlen(s));
}

void guest_put_hex(uint64_t v)
{
    char buf[19];
    int i;

    buf[0] = '0';
    buf[1] = 'x';
    for (i = 0; i < 16; i++)
        buf[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 0xf];
    buf[18] = 0;
    guest_puts(buf);
}

void guest_put_dec(uint64_t v)
{
    char buf[21];
    int i = 20;

    buf[i] = 0;
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    guest_puts(buf + i);
}

void guest_put_verdict(const char *err)
{
    if (err) {
        guest_puts(": FAIL: ");
        guest_puts(err);
        guest_puts("\n");
    } else {
        guest_puts(": PASS\n");
    }
}

void guest_put_bench(const char *what, uint64_t ticks, uint64_t n, uint64_t khz)
{
    guest_puts("bench: ");
    guest_puts(what);
    guest_puts(": ");
    guest_put_dec(ticks / n);
    guest_puts(" TSC ticks = ");
    guest_put_dec(ticks * 1000000 / khz / n);
    guest_puts(" ns per round trip (");
    guest_put_dec(n);
    guest_puts(" iterations)\n");
}

void guest_write_e9(const char *s, size_t len)
{
    while (len--)
        __asm__ volatile("outb %0, $0xe9" : : "a"(*s++));
}
