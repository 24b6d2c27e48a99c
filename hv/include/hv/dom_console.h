/* SPDX-License-Identifier: MIT */
/*
 * Domain consoles: what a domain writes (console_io) appears on the serial
 * port one whole line at a time, prefixed "<name>: ", and in the domain's own
 * log ring. Each domain has a byte budget on the serial line (a token bucket)
 * so one domain cannot starve the others; what exceeds it is still logged and
 * the serial line says how much was held back.
 */
#ifndef HV_DOM_CONSOLE_H
#define HV_DOM_CONSOLE_H

#include <hv/types.h>
#include <hv/spinlock.h>

#define DOM_CONSOLE_LINE_MAX 256      /* longer lines are split */
#define DOM_CONSOLE_NAME_ROOM 32      /* domain names, with their NUL */
#define DOM_CONSOLE_LOG_SIZE KiB(16)  /* per-domain log ring */

struct dom_console {
    spinlock_t lock;
    const char *name;
    size_t line_len;
    char line[DOM_CONSOLE_LINE_MAX];
    uint64_t log_written;             /* bytes ever logged; ring index = this % size */
    char log[DOM_CONSOLE_LOG_SIZE];
    uint64_t tokens;                  /* serial bytes this domain may still send */
    uint64_t refill_ns;               /* now_ns() of the last refill */
    uint64_t suppressed;              /* bytes held back from the serial line */
};

void dom_console_init(struct dom_console *c, const char *name);
/* Appends guest text (already copied into the hypervisor). */
void dom_console_write(struct dom_console *c, const char *buf, size_t len);
/* Emits a partial last line (domain ending). */
void dom_console_flush(struct dom_console *c);

#endif
