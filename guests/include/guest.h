/* SPDX-License-Identifier: MIT */
/* Helpers shared by the test guests: output, small string routines. */
#ifndef GUESTS_GUEST_H
#define GUESTS_GUEST_H

#include <stddef.h>
#include <stdint.h>

/* Where text goes: set once by the guest at start. */
typedef void (*guest_write_fn)(const char *s, size_t len);
void guest_set_output(guest_write_fn fn);
void guest_puts(const char *s);
void guest_put_hex(uint64_t v);
void guest_put_dec(uint64_t v);

/* Port 0xE9 (QEMU/Bochs debug console), for when no hypervisor answers. */
void guest_write_e9(const char *s, size_t len);

size_t guest_strlen(const char *s);

#endif
