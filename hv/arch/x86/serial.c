// SPDX-License-Identifier: MIT
/* 16550 UART console (polled both ways). */
#include <stdlib.h>
#include <string.h>
#include <hv/cmdline.h>
#include <hv/printk.h>
#include <asm/io.h>
#include <asm/serial.h>

#define UART_THR 0 /* transmit holding (DLAB 0) */
#define UART_RBR 0 /* receive buffer (DLAB 0) */
#define UART_DLL 0 /* divisor latch low (DLAB 1) */
#define UART_IER 1
#define UART_DLM 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5

#define LCR_8N1          0x03
#define LCR_DLAB         0x80
#define FCR_ENABLE_CLEAR 0x07
#define MCR_DTR_RTS      0x03
#define LSR_DR           0x01
#define LSR_THRE         0x20

#define UART_CLOCK_BAUD 115200 /* the 1.8432 MHz crystal / 16 */
/* Bounded wait so a missing UART cannot hang the console. */
#define THRE_SPIN_LIMIT 100000
/*
 * With its FIFOs on (FCR, serial_init()), a 16550's THRE means the whole
 * transmit FIFO is empty: that many bytes go out per status read, as Xen's
 * ns16550 driver writes fifo_size bytes. A UART without FIFO (8250, 16450)
 * would drop bytes; it is not a target.
 */
#define UART_TX_FIFO_BYTES 16

static uint16_t serial_port = SERIAL_COM1;
/*
 * Bytes the transmit FIFO takes before THRE must be seen again; under
 * console_lock, except for a panic's writer without it (signed, so that two
 * such writers at worst overfill the FIFO once).
 */
static int tx_room;

void serial_init(uint16_t port, uint32_t baud)
{
    uint32_t divisor = baud ? UART_CLOCK_BAUD / baud : 1;

    if (divisor == 0 || divisor > 0xFFFF)
        divisor = 1;
    serial_port = port;
    tx_room = 0;
    outb(port + UART_IER, 0);
    outb(port + UART_LCR, LCR_DLAB);
    outb(port + UART_DLL, divisor & 0xFF);
    outb(port + UART_DLM, divisor >> 8);
    outb(port + UART_LCR, LCR_8N1);
    outb(port + UART_FCR, FCR_ENABLE_CLEAR);
    outb(port + UART_MCR, MCR_DTR_RTS);
}

static void serial_putc(char c)
{
    if (tx_room <= 0) {
        for (int i = 0; i < THRE_SPIN_LIMIT && !(inb(serial_port + UART_LSR) & LSR_THRE); i++)
            ;
        tx_room = UART_TX_FIFO_BYTES;
    }
    outb(serial_port + UART_THR, (uint8_t)c);
    tx_room--;
}

void serial_write(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n')
            serial_putc('\r');
        serial_putc(s[i]);
    }
}

int serial_getc(void)
{
    uint8_t lsr = inb(serial_port + UART_LSR);

    /* A missing UART reads as all ones: no data then. */
    if (lsr == 0xFF || !(lsr & LSR_DR))
        return -1;
    return inb(serial_port + UART_RBR);
}

/* console=com1|com2|0xNNN: the UART's I/O port. */
static bool console_port(const char *name, uint16_t *port)
{
    char *end;
    unsigned long v;

    if (strcmp(name, "com1") == 0) {
        *port = SERIAL_COM1;
        return true;
    }
    if (strcmp(name, "com2") == 0) {
        *port = SERIAL_COM2;
        return true;
    }
    if (strncmp(name, "0x", 2) != 0)
        return false;
    v = strtoul(name, &end, 16);
    if (*end != '\0' || v == 0 || v > 0xFFF8) /* eight registers from the base */
        return false;
    *port = (uint16_t)v;
    return true;
}

void serial_configure_from_cmdline(void)
{
    const char *name = cmdline_get("console");
    uint64_t baud = cmdline_get_u64("baud", SERIAL_DEFAULT_BAUD);
    uint16_t port = serial_port;

    if (name && !console_port(name, &port))
        printk("tessera: console=%s not understood (com1, com2 or 0xNNN); keeping %#x\n", name,
               serial_port);
    if (baud == 0 || baud > UART_CLOCK_BAUD || UART_CLOCK_BAUD % baud != 0) {
        printk("tessera: baud=%llu not a divisor of 115200; using 115200\n",
               (unsigned long long)baud);
        baud = SERIAL_DEFAULT_BAUD;
    }
    if (port == serial_port && baud == SERIAL_DEFAULT_BAUD)
        return;
    printk("tessera: console moves to port %#x at %llu baud\n", port, (unsigned long long)baud);
    serial_init(port, (uint32_t)baud);
}
