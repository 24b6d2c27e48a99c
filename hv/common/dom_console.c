// SPDX-License-Identifier: MIT
/*
 * Domain consoles (dom_console.h). Output is line-buffered per domain so
 * lines of different domains never mix, control characters are neutralised
 * (a guest cannot drive the terminal), every byte goes to the domain's log
 * ring, and each domain spends from its own serial byte budget. The PV
 * console ring is served here too: the hypervisor is its backend.
 */
#include <string.h>
#include <public/io/console.h>
#include <hv/debug_keys.h>
#include <hv/dom_console.h>
#include <hv/domain.h>
#include <hv/domain_registry.h>
#include <hv/evtchn.h>
#include <hv/printk.h>
#include <hv/time.h>
#include <hv/timeline.h>
#include <hv/timer.h>
#include <asm/serial.h>

/* Serial budget per domain: a burst for boot messages, then a steady rate. */
#define DOM_CONSOLE_BURST KiB(32)
#define DOM_CONSOLE_RATE  KiB(4) /* bytes per second */

/*
 * The UART is polled (its IRQ is not routed). 10 ms keeps up with typing; at
 * 115200 baud a paste of more than 16 bytes per 10 ms can overrun its FIFO.
 */
#define INPUT_POLL_NS        10000000ull
#define INPUT_POLL_MAX_BYTES 256
#define SWITCH_CHAR          0x01 /* Ctrl-A */
/* Serial bytes one ring step may print: one longest line with its prefix. */
#define RING_STEP_SERIAL_MAX (DOM_CONSOLE_NAME_ROOM + 2 + DOM_CONSOLE_LINE_MAX + 1)
#define SWITCH_COUNT         3
#define OWNER_HYPERVISOR     0xFFFFFFFFu

/*
 * Who owns serial input; the lock also covers the poll. The consoles are the
 * domains' in the domain registry, whose lock is taken inside this one.
 */
static spinlock_t input_lock = SPINLOCK_INIT;
static uint32_t input_owner = OWNER_HYPERVISOR;
static unsigned int switch_presses;
static struct timer input_timer;

static void input_poll(struct timer *t);
static void ring_service(struct dom_console *c, bool connect);

void dom_console_init(struct dom_console *c, const char *name, uint16_t domid, bool to_serial)
{
    unsigned long flags;

    memset(c, 0, sizeof(*c));
    c->lock = (spinlock_t)SPINLOCK_INIT;
    c->name = name;
    c->domid = domid;
    c->to_serial = to_serial;
    c->tokens = DOM_CONSOLE_BURST;
    c->refill_ns = now_ns();

    flags = spin_lock_irqsave(&input_lock);
    /* The first console starts the poll, on the boot CPU (domains are built there). */
    if (!input_timer.fn) {
        input_timer.fn = input_poll;
        timer_set(&input_timer, now_ns() + INPUT_POLL_NS);
    }
    spin_unlock_irqrestore(&input_lock, flags);
}

/* The console of the domain with this domid, or NULL. With the registry lock. */
static struct dom_console *console_by_domid(uint32_t domid)
{
    struct domain *d = domid <= UINT16_MAX ? domain_registry_find((uint16_t)domid) : NULL;

    return d ? &d->console : NULL;
}

/* Called with input_lock held. */
static void input_give(const struct dom_console *c)
{
    input_owner = c ? c->domid : OWNER_HYPERVISOR;
    switch_presses = 0;
    if (c)
        printk("tessera: serial input to %s\n", c->name);
    else
        printk("tessera: serial input to the hypervisor\n");
}

void dom_console_give_input(const struct dom_console *c)
{
    unsigned long flags = spin_lock_irqsave(&input_lock);

    input_give(c);
    spin_unlock_irqrestore(&input_lock, flags);
}

/*
 * The registered domain with the next higher id than the owner's, else the
 * hypervisor. With input_lock and the registry lock.
 */
static void input_switch(void)
{
    struct dom_console *c, *next = NULL;
    struct domain *d;
    unsigned int i;

    for (i = 0; i < DOMAIN_REGISTRY_MAX; i++) {
        d = domain_registry_at(i);
        /* Only consoles on the serial line: typing blind into a log-only one helps nobody. */
        c = d && d->console.to_serial ? &d->console : NULL;
        if (c && (input_owner == OWNER_HYPERVISOR || c->domid > input_owner) &&
            (!next || c->domid < next->domid))
            next = c;
    }
    input_give(next);
}

/* Queues ch for c; false if its buffer is full (the byte is dropped). */
static bool input_put(struct dom_console *c, char ch)
{
    bool room;

    spin_lock(&c->lock);
    room = c->in_prod - c->in_cons < DOM_CONSOLE_IN_SIZE;
    if (room)
        c->in[c->in_prod++ % DOM_CONSOLE_IN_SIZE] = ch;
    spin_unlock(&c->lock);
    return room;
}

/*
 * As in Xen, the first presses of Ctrl-A still reach the owner, so a guest
 * can be sent a literal Ctrl-A. Input while the hypervisor owns it is a debug key.
 */
static void input_byte(char ch)
{
    struct dom_console *c;

    if (ch != SWITCH_CHAR) {
        switch_presses = 0;
    } else if (++switch_presses == SWITCH_COUNT) {
        input_switch();
        return;
    }
    if (input_owner == OWNER_HYPERVISOR) {
        debug_key(ch);
        return;
    }
    c = console_by_domid(input_owner);
    /* A ring-connected guest gets it through the ring (input_poll serves it next). */
    if (c && input_put(c, ch) && !__atomic_load_n(&c->ring_connected, __ATOMIC_ACQUIRE))
        evtchn_raise_virq_console(container_of(c, struct domain, console));
}

/*
 * Every 10 ms on the boot CPU: serial input to its owner, then one step of
 * every console's ring: output of guests that write without notifying or
 * that the serial budget held back, and input waiting for the ring.
 */
static void input_poll(struct timer *t)
{
    struct domain *d;
    unsigned long flags;
    unsigned int i;
    int ch;

    spin_lock(&input_lock);
    flags = domain_registry_lock();
    /* Bounded: a UART that always has data must not keep this CPU here. */
    for (i = 0; i < INPUT_POLL_MAX_BYTES && (ch = serial_getc()) >= 0; i++)
        input_byte((char)ch);
    for (i = 0; i < DOMAIN_REGISTRY_MAX; i++)
        if ((d = domain_registry_at(i)))
            ring_service(&d->console, false);
    domain_registry_unlock(flags);
    spin_unlock(&input_lock);
    timer_set(t, now_ns() + INPUT_POLL_NS);
}

size_t dom_console_input_peek(struct dom_console *c, char *buf, size_t len)
{
    unsigned long flags = spin_lock_irqsave(&c->lock);
    size_t n = MIN(len, (size_t)(c->in_prod - c->in_cons)), i;

    for (i = 0; i < n; i++)
        buf[i] = c->in[(c->in_cons + i) % DOM_CONSOLE_IN_SIZE];
    spin_unlock_irqrestore(&c->lock, flags);
    return n;
}

void dom_console_input_consume(struct dom_console *c, size_t n)
{
    unsigned long flags = spin_lock_irqsave(&c->lock);

    c->in_cons += (uint32_t)MIN(n, (size_t)(c->in_prod - c->in_cons));
    spin_unlock_irqrestore(&c->lock, flags);
}

static void refill(struct dom_console *c)
{
    uint64_t now = now_ns(), elapsed = now - c->refill_ns;
    uint64_t add = elapsed / (1000000000ull / DOM_CONSOLE_RATE);

    if (add) {
        c->tokens = MIN(DOM_CONSOLE_BURST, c->tokens + add);
        c->refill_ns += add * (1000000000ull / DOM_CONSOLE_RATE);
    }
}

static void log_append(struct dom_console *c, const char *s, size_t len)
{
    while (len--) {
        c->log[c->log_written % DOM_CONSOLE_LOG_SIZE] = *s++;
        c->log_written++;
    }
}

/* Serial bytes of "<name>: <line>\n" for a line of len bytes. */
static size_t line_cost(const struct dom_console *c, size_t len)
{
    return strlen(c->name) + 2 + len + 1;
}

/* Whether a line of len bytes can go out now (or goes only to the log anyway). */
static bool budget_allows(struct dom_console *c, size_t len)
{
    if (!c->to_serial)
        return true;
    refill(c);
    return c->tokens >= line_cost(c, len);
}

/* Sends "<name>: <line>\n" if the budget allows; counts it as held back otherwise. */
static void emit_line(struct dom_console *c)
{
    char out[DOM_CONSOLE_NAME_ROOM + DOM_CONSOLE_LINE_MAX + 64];
    size_t need = line_cost(c, c->line_len);
    int n;

    timeline_domain_output(c->domid);
    log_append(c, c->line, c->line_len);
    log_append(c, "\n", 1);
    if (!c->to_serial) {
        c->line_len = 0;
        return;
    }
    refill(c);
    if (c->tokens < need) {
        c->suppressed += c->line_len + 1;
        c->line_len = 0;
        return;
    }
    if (c->suppressed) {
        n = snprintf(out, sizeof(out), "%s: [%llu bytes not shown: console rate limit]\n", c->name,
                     (unsigned long long)c->suppressed);
        console_write(out, (size_t)MIN((size_t)n, sizeof(out) - 1));
        c->suppressed = 0;
    }
    n = snprintf(out, sizeof(out), "%s: %.*s\n", c->name, (int)c->line_len, c->line);
    console_write(out, (size_t)MIN((size_t)n, sizeof(out) - 1));
    c->tokens -= need;
    c->line_len = 0;
}

/*
 * Takes guest text into the line buffer (and so the log); the bytes taken.
 * console_io cannot wait (step_room NULL): it takes everything, and a line
 * beyond the budget is only logged. The ring can: it stops before the byte
 * that would end a line the domain's budget, or what is left of this step's
 * serial output (*step_room), cannot pay for yet; the rest stays in the
 * guest's ring. Called with c->lock held.
 */
static size_t console_take(struct dom_console *c, const char *buf, size_t len, size_t *step_room)
{
    size_t i;

    for (i = 0; i < len; i++) {
        char ch = buf[i];
        bool ends_line = ch == '\n' || (ch != '\r' && c->line_len + 1 == DOM_CONSOLE_LINE_MAX);

        if (step_room && ends_line) {
            size_t line = c->line_len + (ch != '\n');

            if (line_cost(c, line) > *step_room || !budget_allows(c, line))
                break;
            *step_room -= line_cost(c, line);
        }
        if (ch == '\n') {
            emit_line(c);
            continue;
        }
        if (ch == '\r')
            continue;
        if ((unsigned char)ch < 0x20 && ch != '\t')
            ch = '.';
        else if ((unsigned char)ch >= 0x7F)
            ch = '?';
        c->line[c->line_len++] = ch;
        if (c->line_len == DOM_CONSOLE_LINE_MAX)
            emit_line(c);
    }
    return i;
}

/*
 * Reads one ring's indices, each once (acquire: the guest's bytes or its
 * reads before them are visible). The page is the guest's and may change at
 * any moment. Indices further apart than the ring are corrupt: false, and
 * nothing is to be taken or given (as xenconsoled does); said once per
 * domain, since the guest can repeat it at will.
 */
static bool ring_indices(struct dom_console *c, const char *which, const XENCONS_RING_IDX *cons_at,
                         const XENCONS_RING_IDX *prod_at, size_t size, XENCONS_RING_IDX *cons,
                         XENCONS_RING_IDX *prod)
{
    *cons = __atomic_load_n(cons_at, __ATOMIC_ACQUIRE);
    *prod = __atomic_load_n(prod_at, __ATOMIC_ACQUIRE);
    if (*prod - *cons <= size)
        return true;
    if (!c->ring_corrupt_reported)
        printk("tessera: domain %s: console ring %s indices corrupt (prod 0x%x, cons 0x%x): "
               "ignored while they are\n",
               c->name, which, *prod, *cons);
    c->ring_corrupt_reported = true;
    return false;
}

/*
 * Takes up to one step of what the guest produced in out[]; the bytes taken.
 * The bytes are copied out before they are looked at, every index masked into
 * the ring, and out_cons is written after the copy (release). A held-back
 * step (a notify, the poll) also stops at the serial output of one longest
 * line, so that many short lines cannot make it long. With c->lock.
 */
static size_t ring_take_output(struct dom_console *c, bool hold_back)
{
    struct xencons_interface *r = c->ring;
    char buf[DOM_CONSOLE_RING_STEP];
    XENCONS_RING_IDX cons, prod;
    size_t n, i, step_room = RING_STEP_SERIAL_MAX;

    if (!ring_indices(c, "output", &r->out_cons, &r->out_prod, sizeof(r->out), &cons, &prod))
        return 0;
    n = MIN((size_t)(prod - cons), sizeof(buf));
    for (i = 0; i < n; i++)
        buf[i] = __atomic_load_n(&r->out[MASK_XENCONS_IDX(cons + i, r->out)], __ATOMIC_RELAXED);
    n = console_take(c, buf, n, hold_back ? &step_room : NULL);
    __atomic_store_n(&r->out_cons, cons + (XENCONS_RING_IDX)n, __ATOMIC_RELEASE);
    return n;
}

/*
 * Everything the guest had written to its ring, ahead of what follows it
 * (console_io output, the domain's end). At most one ring's worth: another
 * vCPU of the guest writing meanwhile cannot keep this CPU here.
 */
static size_t ring_drain_output(struct dom_console *c)
{
    size_t total = 0, n, steps;

    for (steps = 0; steps < sizeof(c->ring->out) / DOM_CONSOLE_RING_STEP; steps++) {
        n = ring_take_output(c, false);
        total += n;
        if (n < DOM_CONSOLE_RING_STEP)
            break;
    }
    return total;
}

/* Moves pending input into in[] as far as it has room; the bytes moved. With c->lock. */
static size_t ring_give_input(struct dom_console *c)
{
    struct xencons_interface *r = c->ring;
    XENCONS_RING_IDX cons, prod;
    size_t n, i;

    if (!ring_indices(c, "input", &r->in_cons, &r->in_prod, sizeof(r->in), &cons, &prod))
        return 0;
    n = MIN(sizeof(r->in) - (prod - cons), (size_t)(c->in_prod - c->in_cons));
    for (i = 0; i < n; i++)
        __atomic_store_n(&r->in[MASK_XENCONS_IDX(prod + i, r->in)],
                         c->in[(c->in_cons + i) % DOM_CONSOLE_IN_SIZE], __ATOMIC_RELAXED);
    c->in_cons += (uint32_t)n;
    __atomic_store_n(&r->in_prod, prod + (XENCONS_RING_IDX)n, __ATOMIC_RELEASE);
    return n;
}

/*
 * One step of c's ring: output as far as the budget pays, pending input if
 * the guest has connected (connect: it just notified). The guest is notified
 * when anything moved, so it can write or read on.
 */
static void ring_service(struct dom_console *c, bool connect)
{
    unsigned long flags = spin_lock_irqsave(&c->lock);
    bool moved = false;

    if (c->ring) {
        if (connect)
            __atomic_store_n(&c->ring_connected, true, __ATOMIC_RELEASE);
        moved = ring_take_output(c, true) > 0;
        if (c->ring_connected)
            moved |= ring_give_input(c) > 0;
    }
    spin_unlock_irqrestore(&c->lock, flags);
    if (moved)
        evtchn_send_from_hypervisor(container_of(c, struct domain, console), c->ring_port);
}

void dom_console_ring_notify(struct domain *d, unsigned int port)
{
    if (port == d->console.ring_port)
        ring_service(&d->console, true);
}

void dom_console_attach_ring(struct dom_console *c, struct xencons_interface *ring, uint64_t gfn,
                             unsigned int port)
{
    unsigned long flags = spin_lock_irqsave(&c->lock);

    c->ring = ring;
    c->ring_gfn = gfn;
    c->ring_port = port;
    spin_unlock_irqrestore(&c->lock, flags);
}

void dom_console_write(struct dom_console *c, const char *buf, size_t len)
{
    unsigned long flags = spin_lock_irqsave(&c->lock);
    size_t drained = c->ring ? ring_drain_output(c) : 0;

    console_take(c, buf, len, NULL);
    spin_unlock_irqrestore(&c->lock, flags);
    if (drained)
        evtchn_send_from_hypervisor(container_of(c, struct domain, console), c->ring_port);
}

void dom_console_flush(struct dom_console *c)
{
    unsigned long flags = spin_lock_irqsave(&c->lock);

    if (c->ring)
        ring_drain_output(c);
    if (c->line_len)
        emit_line(c);
    spin_unlock_irqrestore(&c->lock, flags);
}

void dom_console_restart(struct dom_console *c, unsigned int restart)
{
    unsigned long flags = spin_lock_irqsave(&c->lock);
    char mark[48];
    int n = snprintf(mark, sizeof(mark), "--- restart %u ---\n", restart);

    log_append(c, mark, (size_t)MIN((size_t)n, sizeof(mark) - 1));
    c->in_cons = c->in_prod;
    /* Its ring is served again once the rebuilt domain's page is attached. */
    c->ring = NULL;
    __atomic_store_n(&c->ring_connected, false, __ATOMIC_RELEASE);
    c->ring_corrupt_reported = false;
    spin_unlock_irqrestore(&c->lock, flags);
}
