/* SPDX-License-Identifier: MIT */
/* Freestanding stdio subset: formatting into memory (lib/src/vsnprintf.c). */
#ifndef TESSERA_LIBC_STDIO_H
#define TESSERA_LIBC_STDIO_H

#include <stdarg.h>
#include <stddef.h>

int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

#endif
