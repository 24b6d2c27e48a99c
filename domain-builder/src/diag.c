// SPDX-License-Identifier: MIT
/* Error names and the small formatter behind db_fail(). */
#include <stdarg.h>

#include "internal.h"

static const char *const err_names[DB_ERR__COUNT] = {
    [DB_OK] = "ok",
    [DB_ERR_SPEC] = "invalid-spec",
    [DB_ERR_FORMAT] = "unknown-format",
    [DB_ERR_TRUNCATED] = "truncated",
    [DB_ERR_HEADER] = "bad-header",
    [DB_ERR_SEGMENT] = "bad-segment",
    [DB_ERR_NOTE] = "bad-note",
    [DB_ERR_UNSUPPORTED] = "unsupported",
    [DB_ERR_OVERLAP] = "overlap",
    [DB_ERR_NO_MEMORY] = "no-memory",
    [DB_ERR_GUEST_MEM] = "guest-memory",
};

const char *db_err_name(enum db_err code)
{
    if ((unsigned int)code >= DB_ERR__COUNT)
        return "?";
    return err_names[code];
}

size_t db_strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

struct out {
    char *buf;
    size_t size, len;
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len++] = c;
}

static void put_num(struct out *o, unsigned long v, unsigned int base)
{
    char tmp[24];
    int i = 0;

    do {
        tmp[i++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    while (i)
        put(o, tmp[--i]);
}

int db_fail(struct db_diag *diag, enum db_err code, const char *fmt, ...)
{
    struct out o = { diag->msg, sizeof(diag->msg), 0 };
    va_list ap;

    diag->code = code;
    va_start(ap, fmt);
    for (; *fmt; fmt++) {
        bool is_long = false;

        if (*fmt != '%') {
            put(&o, *fmt);
            continue;
        }
        fmt++;
        if (*fmt == 'l') {
            is_long = true;
            fmt++;
        }
        switch (*fmt) {
        case 's': {
            const char *s = va_arg(ap, const char *);

            for (s = s ? s : "(null)"; *s; s++)
                put(&o, *s);
            break;
        }
        case 'c':
            put(&o, (char)va_arg(ap, int));
            break;
        case 'd': {
            int v = va_arg(ap, int);

            if (v < 0)
                put(&o, '-');
            put_num(&o, v < 0 ? -(unsigned long)v : (unsigned long)v, 10);
            break;
        }
        case 'u':
        case 'x': {
            unsigned long v = is_long ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);

            put_num(&o, v, *fmt == 'u' ? 10 : 16);
            break;
        }
        case '%':
            put(&o, '%');
            break;
        default:
            put(&o, '?');
            if (!*fmt)
                fmt--;
            break;
        }
    }
    va_end(ap);
    o.buf[o.len] = 0;
    return -1;
}
