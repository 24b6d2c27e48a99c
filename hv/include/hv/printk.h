/* SPDX-License-Identifier: MIT */
/*
 * Console output. Every line printk() emits starts with a timestamp in
 * microseconds since the loader started ("[    1234.567] "), then "(XEN)"-style
 * origin is left to the caller. Lines from different CPUs never interleave.
 */
#ifndef HV_PRINTK_H
#define HV_PRINTK_H

#include <stdarg.h>
#include <stdio.h> /* snprintf, vsnprintf: lib/src/vsnprintf.c */
#include <hv/types.h>

void printk(const char *fmt, ...) __printf(1, 2);
void vprintk(const char *fmt, va_list ap);

/* Raw output of bytes, no timestamp (used by domain consoles). */
void console_write(const char *s, size_t len);

/* From now on a CPU that cannot take the console lock within ~1 s writes anyway. */
void console_enter_panic(void);

#endif
