// SPDX-License-Identifier: MIT
/*
 * Domain consoles (dom_console.h). Output is line-buffered per domain so
 * lines of different domains never mix, control characters are neutralised
 * (a guest cannot drive the terminal), every byte goes to the domain's log
 * ring, and each domain spends from its own serial byte budget.
 */
#include <string.h>
#include <hv/dom_console.h>
#include <hv/domain.h>
#include <hv/event.h>
#include <hv/printk.h>
#include <hv/time.h>
#include <hv/timer.h>
#include <asm/serial.h>

/* Serial budget per domain: a burst for boot messages, then a steady rate. */
#define DOM_CONSOLE_BURST KiB(32)
#define DOM_CONSOLE_RATE  KiB(4)    /* bytes per second */

/*
 * The UART is polled (its IRQ is not routed). 10 ms keeps up with typing; at
 * 115200 baud a paste of more than 16 bytes per 10 ms can overrun its FIFO.
 */
#define INPUT_POLL_NS 10000000ull
#define INPUT_POLL_MAX_BYTES 256
#define SWITCH_CHAR 0x01            /* Ctrl-A */
#define SWITCH_COUNT 3
#define OWNER_HYPERVISOR 0xFFFFFFFFu

/* Registered consoles and who owns serial input; the lock also covers the poll. */
static spinlock_t registry_lock = SPINLOCK_INIT;
static struct dom_console *registry;
static uint32_t input_owner = OWNER_HYPERVISOR;
static unsigned int switch_presses;
static struct timer input_timer;

static void input_poll(struct timer *t);

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

    flags = spin_lock_irqsave(&registry_lock);
    c->next = registry;
    registry = c;
    /* The first console starts the poll, on the boot CPU (domains are built there). */
    if (!input_timer.fn) {
        input_timer.fn = input_poll;
        timer_set(&input_timer, now_ns() + INPUT_POLL_NS);
    }
    spin_unlock_irqrestore(&registry_lock, flags);
}

void dom_console_destroy(struct dom_console *c)
{
    unsigned long flags = spin_lock_irqsave(&registry_lock);
    struct dom_console **p;

    for (p = &registry; *p; p = &(*p)->next) {
        if (*p == c) {
            *p = c->next;
            break;
        }
    }
    spin_unlock_irqrestore(&registry_lock, flags);
}

static struct dom_console *console_by_domid(uint32_t domid)
{
    struct dom_console *c;

    for (c = registry; c; c = c->next)
        if (c->domid == domid)
            return c;
    return NULL;
}

/* Called with registry_lock held. */
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
    unsigned long flags = spin_lock_irqsave(&registry_lock);

    input_give(c);
    spin_unlock_irqrestore(&registry_lock, flags);
}

/* The registered domain with the next higher id than the owner's, else the hypervisor. */
static void input_switch(void)
{
    struct dom_console *c, *next = NULL;

    for (c = registry; c; c = c->next)
        if ((input_owner == OWNER_HYPERVISOR || c->domid > input_owner) &&
            (!next || c->domid < next->domid))
            next = c;
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
 * can be sent a literal Ctrl-A. Input while the hypervisor owns it is dropped.
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
    c = input_owner == OWNER_HYPERVISOR ? NULL : console_by_domid(input_owner);
    if (c && input_put(c, ch))
        events_raise_virq_console(container_of(c, struct domain, console));
}

static void input_poll(struct timer *t)
{
    unsigned int i;
    int ch;

    spin_lock(&registry_lock);
    /* Bounded: a UART that always has data must not keep this CPU here. */
    for (i = 0; i < INPUT_POLL_MAX_BYTES && (ch = serial_getc()) >= 0; i++)
        input_byte((char)ch);
    spin_unlock(&registry_lock);
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

/* Sends "<name>: <line>\n" if the budget allows; counts it as held back otherwise. */
static void emit_line(struct dom_console *c)
{
    char out[DOM_CONSOLE_NAME_ROOM + DOM_CONSOLE_LINE_MAX + 64];
    size_t need = strlen(c->name) + 2 + c->line_len + 1;
    int n;

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
        n = snprintf(out, sizeof(out), "%s: [%llu bytes not shown: console rate limit]\n",
                     c->name, (unsigned long long)c->suppressed);
        console_write(out, (size_t)MIN((size_t)n, sizeof(out) - 1));
        c->suppressed = 0;
    }
    n = snprintf(out, sizeof(out), "%s: %.*s\n", c->name, (int)c->line_len, c->line);
    console_write(out, (size_t)MIN((size_t)n, sizeof(out) - 1));
    c->tokens -= need;
    c->line_len = 0;
}

void dom_console_write(struct dom_console *c, const char *buf, size_t len)
{
    unsigned long flags = spin_lock_irqsave(&c->lock);
    size_t i;

    for (i = 0; i < len; i++) {
        char ch = buf[i];

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
    spin_unlock_irqrestore(&c->lock, flags);
}

void dom_console_flush(struct dom_console *c)
{
    unsigned long flags = spin_lock_irqsave(&c->lock);

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
    spin_unlock_irqrestore(&c->lock, flags);
}
