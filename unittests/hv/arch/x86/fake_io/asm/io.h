/* SPDX-License-Identifier: MIT */
/* Port I/O for host tests: the test defines these (a model of the device it drives). */
#ifndef ASM_IO_H
#define ASM_IO_H

#include <hv/types.h>

void outb(uint16_t port, uint8_t v);
uint8_t inb(uint16_t port);

#endif
