/* SPDX-License-Identifier: MIT */
/* The 16550 UART used as the hypervisor console (polled, no interrupts). */
#ifndef ASM_SERIAL_H
#define ASM_SERIAL_H

#include <hv/types.h>

#define SERIAL_COM1         0x3F8
#define SERIAL_COM2         0x2F8
#define SERIAL_DEFAULT_BAUD 115200

/* (Re)programs the UART at port: 8N1, FIFOs on, interrupts off. */
void serial_init(uint16_t port, uint32_t baud);
/* Applies console= and baud= from the command line. */
void serial_configure_from_cmdline(void);
/* Writes bytes, turning "\n" into "\r\n". */
void serial_write(const char *s, size_t len);
/* The next received byte, or -1 if none is waiting. */
int serial_getc(void);

#endif
