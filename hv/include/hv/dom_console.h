/* SPDX-License-Identifier: MIT */
/*
 * Domain consoles: what a domain writes (console_io) appears on the serial
 * port one whole line at a time, prefixed "<name>: ", and in the domain's own
 * log ring. Each domain has a byte budget on the serial line (a token bucket)
 * so one domain cannot starve the others; what exceeds it is still logged and
 * the serial line says how much was held back.
 *
 * A domain writes either with console_io or into Xen's PV console ring (a
 * page of its memory, HVM_PARAM_CONSOLE_PFN/EVTCHN), which the hypervisor
 * serves as the backend: both feed the same line buffer, budget and log.
 * Ring output is taken when the guest notifies its console port and by a
 * 10 ms poll, at most DOM_CONSOLE_RING_STEP bytes and one longest line of
 * serial output a time (interrupts are off meanwhile), and only as far as
 * the serial budget pays for the lines: a flooding guest's ring stays full.
 *
 * Serial input goes to one domain at a time, or to the hypervisor (which
 * drops it): Ctrl-A three times in a row passes it on, hypervisor -> the
 * domain with the lowest id -> ... -> the hypervisor. A domain's input waits
 * in its own buffer: for CONSOLEIO_read (VIRQ_CONSOLE says it arrived) until
 * the guest first notifies its console port, then moved into the ring's in[]
 * (and the port notified).
 */
#ifndef HV_DOM_CONSOLE_H
#define HV_DOM_CONSOLE_H

#include <hv/types.h>
#include <hv/spinlock.h>

#define DOM_CONSOLE_LINE_MAX  256     /* longer lines are split */
#define DOM_CONSOLE_NAME_ROOM 32      /* domain names, with their NUL */
#define DOM_CONSOLE_LOG_SIZE  KiB(16) /* per-domain log ring */
#define DOM_CONSOLE_IN_SIZE   1024    /* per-domain input not yet read; more is dropped */
#define DOM_CONSOLE_RING_STEP 256     /* ring bytes taken at once (time with interrupts off) */

struct domain;
struct xencons_interface;

struct dom_console {
    spinlock_t lock;
    const char *name;
    uint16_t domid;
    bool to_serial;
    size_t line_len;
    char line[DOM_CONSOLE_LINE_MAX];
    uint64_t log_written; /* bytes ever logged; ring index = this % size */
    char log[DOM_CONSOLE_LOG_SIZE];
    uint64_t tokens;           /* serial bytes this domain may still send */
    uint64_t refill_ns;        /* now_ns() of the last refill */
    uint64_t suppressed;       /* bytes held back from the serial line */
    uint32_t in_prod, in_cons; /* input ring indices, free running */
    char in[DOM_CONSOLE_IN_SIZE];
    struct xencons_interface *ring; /* the guest's PV console page, or NULL */
    uint64_t ring_gfn;
    unsigned int ring_port;     /* its event channel, bound to the hypervisor */
    bool ring_connected;        /* the guest notified: input goes to the ring */
    bool ring_corrupt_reported; /* hostile indices said once, not again */
};

/*
 * Sets up c, the console of domain domid (serial input finds it through the
 * domain registry); with to_serial false its output goes only to its log
 * (tessera,console = "none").
 */
void dom_console_init(struct dom_console *c, const char *name, uint16_t domid, bool to_serial);
/* Gives serial input to c (NULL: the hypervisor) and says so on the console. */
void dom_console_give_input(const struct dom_console *c);
/* Appends guest text (already copied into the hypervisor). */
void dom_console_write(struct dom_console *c, const char *buf, size_t len);
/* Takes what is left in the ring, then emits a partial last line (domain ending). */
void dom_console_flush(struct dom_console *c);
/*
 * The domain restarts: its log keeps what the earlier runs wrote and gets a
 * "--- restart N ---" line; input typed for the earlier run is dropped. The
 * serial budget carries over, so a restart loop cannot refill it. Its ring
 * is detached until dom_console_attach_ring() (the rebuilt domain's).
 */
void dom_console_restart(struct dom_console *c, unsigned int restart);
/*
 * Serves ring (the guest's frame gfn, mapped in the hypervisor) as c's PV
 * console, notified through port (bound to the hypervisor, whose sends call
 * dom_console_ring_notify()). Before the domain starts.
 */
void dom_console_attach_ring(struct dom_console *c, struct xencons_interface *ring, uint64_t gfn,
                             unsigned int port);
/* The guest sent on its console port: take its output, give it pending input. */
void dom_console_ring_notify(struct domain *d, unsigned int port);
/* Copies up to len bytes of pending input to buf without taking them; the count. */
size_t dom_console_input_peek(struct dom_console *c, char *buf, size_t len);
/* Takes n bytes (at most what is pending) of input. */
void dom_console_input_consume(struct dom_console *c, size_t n);

#endif
