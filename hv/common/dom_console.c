// SPDX-License-Identifier: MIT
/*
 * Domain consoles (dom_console.h). Output is line-buffered per domain so
 * lines of different domains never mix, control characters are neutralised
 * (a guest cannot drive the terminal), every byte goes to the domain's log
 * ring, and each domain spends from its own serial byte budget.
 */
#include <string.h>
#include <hv/dom_console.h>
#include <hv/printk.h>
#include <hv/time.h>

/* Serial budget per domain: a burst for boot messages, then a steady rate. */
#define DOM_CONSOLE_BURST KiB(32)
#define DOM_CONSOLE_RATE  KiB(4)    /* bytes per second */

void dom_console_init(struct dom_console *c, const char *name)
{
    memset(c, 0, sizeof(*c));
    c->lock = (spinlock_t)SPINLOCK_INIT;
    c->name = name;
    c->tokens = DOM_CONSOLE_BURST;
    c->refill_ns = now_ns();
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
