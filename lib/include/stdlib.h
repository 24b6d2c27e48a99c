/* SPDX-License-Identifier: MIT */
/* Freestanding stdlib subset: only what libfdt's headers and code need. */
#ifndef TESSERA_LIBC_STDLIB_H
#define TESSERA_LIBC_STDLIB_H

#include <stddef.h>

unsigned long strtoul(const char *s, char **end, int base);

#endif
