/* SPDX-License-Identifier: MIT */
#ifndef HV_PANIC_H
#define HV_PANIC_H

#include <hv/types.h>

/* Print the reason, stop every other CPU, end the machine with a failure. */
__noreturn void panic(const char *fmt, ...) __printf(1, 2);

/*
 * Hypervisor invariants, always checked. Never use on guest-controlled input:
 * a guest may crash its own domain, never the hypervisor.
 */
#define CHECK(cond)                                                        \
    do {                                                                   \
        if (unlikely(!(cond)))                                             \
            panic("CHECK failed: %s at %s:%d", #cond, __FILE__, __LINE__); \
    } while (0)

#endif
