// SPDX-License-Identifier: MIT
/*
 * The 16550 console's transmit path (hv/arch/x86/serial.c) against a model
 * UART with a 16-byte transmit FIFO: no byte is written into a full FIFO,
 * THRE is waited for once per FIFO's worth of bytes (not per byte), the wait
 * is bounded when THRE never comes, and a re-programmed UART is waited for
 * before its first byte.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <hv/cmdline.h>
#include <asm/io.h>
#include <asm/serial.h>

#define UART_THR  0
#define UART_LSR  5
#define LSR_THRE  0x20
#define FIFO_SIZE 16

static struct {
    uint16_t base;
    unsigned int fifo;       /* bytes waiting to be sent */
    unsigned int drain;      /* bytes sent per status read */
    bool stuck;              /* THRE never comes (no UART that answers) */
    bool dlab;               /* port 0 is the divisor latch, not THR */
    unsigned int overruns;   /* bytes written into a full FIFO */
    unsigned long lsr_reads; /* status reads */
    unsigned long thre_seen; /* status reads that showed THRE */
    bool read_since_init;    /* a status read since the last write to FCR */
    bool wrote_blind;        /* a byte written after FCR and before any status read */
    char out[4096];
    size_t len;
} uart;

static void uart_reset(uint16_t base, unsigned int drain)
{
    memset(&uart, 0, sizeof(uart));
    uart.base = base;
    uart.drain = drain;
}

void outb(uint16_t port, uint8_t v)
{
    if (port == uart.base + 2) { /* FCR: the FIFOs cleared */
        uart.fifo = 0;
        uart.read_since_init = false;
        return;
    }
    if (port == uart.base + 3) { /* LCR */
        uart.dlab = v & 0x80;
        return;
    }
    if (port != uart.base + UART_THR || uart.dlab)
        return;
    if (!uart.read_since_init)
        uart.wrote_blind = true;
    if (uart.fifo == FIFO_SIZE)
        uart.overruns++;
    else
        uart.fifo++;
    if (uart.len < sizeof(uart.out))
        uart.out[uart.len++] = (char)v;
}

uint8_t inb(uint16_t port)
{
    uint8_t lsr;

    assert_int_equal(port, uart.base + UART_LSR);
    uart.lsr_reads++;
    uart.read_since_init = true;
    if (uart.stuck)
        return 0;
    lsr = uart.fifo == 0 ? LSR_THRE : 0;
    uart.fifo -= uart.fifo < uart.drain ? uart.fifo : uart.drain;
    uart.thre_seen += lsr != 0;
    return lsr;
}

/* serial.c's command-line hooks, unused here. */
const char *cmdline_get(const char *key)
{
    (void)key;
    return NULL;
}

uint64_t cmdline_get_u64(const char *key, uint64_t def)
{
    (void)key;
    return def;
}

static void write_str(const char *s)
{
    serial_write(s, strlen(s));
}

static void test_fifo_burst(void **state)
{
    static const char line[] = "tessera: a console line of some length, as the boot prints\n";
    char expect[sizeof(uart.out)];
    size_t n = 0, bytes;

    (void)state;
    uart_reset(SERIAL_COM1, 3);
    serial_init(SERIAL_COM1, SERIAL_DEFAULT_BAUD);
    for (int i = 0; i < 40; i++) {
        write_str(line);
        memcpy(expect + n, line, sizeof(line) - 2);
        n += sizeof(line) - 2;
        memcpy(expect + n, "\r\n", 2);
        n += 2;
    }
    bytes = n;
    assert_int_equal(uart.len, bytes);
    assert_memory_equal(uart.out, expect, bytes);
    assert_int_equal(uart.overruns, 0);
    assert_false(uart.wrote_blind);
    /* One wait per FIFO's worth: a byte-per-THRE writer sees THRE once a byte. */
    assert_true(uart.thre_seen <= (bytes + FIFO_SIZE - 1) / FIFO_SIZE);
}

/* Writes of a few bytes each still never overfill the FIFO between them. */
static void test_small_writes(void **state)
{
    (void)state;
    uart_reset(SERIAL_COM1, 1);
    serial_init(SERIAL_COM1, SERIAL_DEFAULT_BAUD);
    for (int i = 0; i < 200; i++)
        write_str(i % 3 ? "ab" : "x\n");
    assert_int_equal(uart.overruns, 0);
    assert_true(uart.thre_seen <= (uart.len + FIFO_SIZE - 1) / FIFO_SIZE);
}

static void test_no_thre_bounded(void **state)
{
    (void)state;
    uart_reset(SERIAL_COM1, 1);
    serial_init(SERIAL_COM1, SERIAL_DEFAULT_BAUD);
    uart.stuck = true;
    write_str("nobody reads this line\n");
    assert_int_equal(uart.len, 24);
    /* A bounded wait for each of the two FIFO's worths, then the bytes go anyway. */
    assert_true(uart.lsr_reads >= 2);
    assert_true(uart.lsr_reads <= 2 * 1000000ul);
}

/* After serial_init() (a new port or rate) the first byte waits for THRE again. */
static void test_reinit_waits(void **state)
{
    (void)state;
    uart_reset(SERIAL_COM2, 1);
    serial_init(SERIAL_COM2, SERIAL_DEFAULT_BAUD);
    write_str("abc");
    serial_init(SERIAL_COM2, 9600);
    write_str("def");
    assert_false(uart.wrote_blind);
    assert_int_equal(uart.thre_seen, 2);
    assert_memory_equal(uart.out, "abcdef", 6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fifo_burst),
        cmocka_unit_test(test_small_writes),
        cmocka_unit_test(test_no_thre_bounded),
        cmocka_unit_test(test_reinit_waits),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
