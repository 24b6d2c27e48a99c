// SPDX-License-Identifier: MIT
/*
 * vsnprintf for the hypervisor, the loader, hyperlaunch and the domain builder:
 * %d %i %u %x %X %o %p %s %c %%, flags "-0+ #", width and precision (also "*"),
 * length modifiers hh h l ll z t j. No floating point. Output is always
 * NUL-terminated when size > 0; the return value is the length the full
 * output would have. %p is always 0x and 16 digits, so addresses line up.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

struct out {
    char *buf;
    size_t size;
    size_t len;
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void pad(struct out *o, char c, int n)
{
    while (n-- > 0)
        put(o, c);
}

#define FLAG_LEFT  (1u << 0)
#define FLAG_ZERO  (1u << 1)
#define FLAG_PLUS  (1u << 2)
#define FLAG_SPACE (1u << 3)
#define FLAG_ALT   (1u << 4)

struct spec {
    unsigned int flags;
    int width;
    int precision; /* -1: none */
};

static void put_string(struct out *o, const char *s, const struct spec *sp)
{
    int len = 0;

    if (!s)
        s = "(null)";
    while (s[len] && (sp->precision < 0 || len < sp->precision))
        len++;
    if (!(sp->flags & FLAG_LEFT))
        pad(o, ' ', sp->width - len);
    for (int i = 0; i < len; i++)
        put(o, s[i]);
    if (sp->flags & FLAG_LEFT)
        pad(o, ' ', sp->width - len);
}

static void put_number(struct out *o, uint64_t v, bool negative, unsigned int base, bool upper,
                       const struct spec *sp)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0;
    const char *prefix = "";

    while (v) {
        tmp[n++] = digits[v % base];
        v /= base;
    }
    if (negative)
        prefix = "-";
    else if (sp->flags & FLAG_PLUS)
        prefix = "+";
    else if (sp->flags & FLAG_SPACE)
        prefix = " ";
    if ((sp->flags & FLAG_ALT) && n > 0) {
        if (base == 16)
            prefix = upper ? "0X" : "0x";
        else if (base == 8)
            prefix = "0";
    }

    int prefix_len = 0;

    while (prefix[prefix_len])
        prefix_len++;
    /* Precision gives the minimum digits; 0 with precision 0 prints nothing. */
    int digits_len = sp->precision >= 0 ? MAX(sp->precision, n) : MAX(n, 1);
    int zeros = digits_len - n;
    int total = prefix_len + digits_len;

    if (sp->precision < 0 && (sp->flags & FLAG_ZERO) && !(sp->flags & FLAG_LEFT)) {
        zeros += MAX(sp->width - total, 0);
        total = MAX(sp->width, total);
    }
    if (!(sp->flags & FLAG_LEFT))
        pad(o, ' ', sp->width - total);
    for (int i = 0; i < prefix_len; i++)
        put(o, prefix[i]);
    pad(o, '0', zeros);
    while (n > 0)
        put(o, tmp[--n]);
    if (sp->flags & FLAG_LEFT)
        pad(o, ' ', sp->width - total);
}

enum length {
    LEN_INT,
    LEN_CHAR,
    LEN_SHORT,
    LEN_LONG,
    LEN_LLONG,
    LEN_SIZE
};

static uint64_t arg_unsigned(va_list *ap, enum length len)
{
    switch (len) {
    case LEN_CHAR: return (unsigned char)va_arg(*ap, unsigned int);
    case LEN_SHORT: return (unsigned short)va_arg(*ap, unsigned int);
    case LEN_LONG: return va_arg(*ap, unsigned long);
    case LEN_LLONG: return va_arg(*ap, unsigned long long);
    case LEN_SIZE: return va_arg(*ap, size_t);
    default: return va_arg(*ap, unsigned int);
    }
}

static int64_t arg_signed(va_list *ap, enum length len)
{
    switch (len) {
    case LEN_CHAR: return (signed char)va_arg(*ap, int);
    case LEN_SHORT: return (short)va_arg(*ap, int);
    case LEN_LONG: return va_arg(*ap, long);
    case LEN_LLONG: return va_arg(*ap, long long);
    case LEN_SIZE: return va_arg(*ap, ptrdiff_t);
    default: return va_arg(*ap, int);
    }
}

static const char *parse_spec(const char *f, struct spec *sp, enum length *len, va_list *ap)
{
    *sp = (struct spec){ 0, 0, -1 };
    for (;; f++) {
        if (*f == '-')
            sp->flags |= FLAG_LEFT;
        else if (*f == '0')
            sp->flags |= FLAG_ZERO;
        else if (*f == '+')
            sp->flags |= FLAG_PLUS;
        else if (*f == ' ')
            sp->flags |= FLAG_SPACE;
        else if (*f == '#')
            sp->flags |= FLAG_ALT;
        else
            break;
    }
    if (*f == '*') {
        sp->width = va_arg(*ap, int);
        if (sp->width < 0) {
            sp->flags |= FLAG_LEFT;
            sp->width = -sp->width;
        }
        f++;
    } else {
        while (*f >= '0' && *f <= '9')
            sp->width = sp->width * 10 + (*f++ - '0');
    }
    if (*f == '.') {
        f++;
        sp->precision = 0;
        if (*f == '*') {
            sp->precision = va_arg(*ap, int);
            if (sp->precision < 0)
                sp->precision = -1;
            f++;
        } else {
            while (*f >= '0' && *f <= '9')
                sp->precision = sp->precision * 10 + (*f++ - '0');
        }
    }
    *len = LEN_INT;
    if (*f == 'h') {
        *len = f[1] == 'h' ? LEN_CHAR : LEN_SHORT;
        f += f[1] == 'h' ? 2 : 1;
    } else if (*f == 'l') {
        *len = f[1] == 'l' ? LEN_LLONG : LEN_LONG;
        f += f[1] == 'l' ? 2 : 1;
    } else if (*f == 'z' || *f == 't' || *f == 'j') {
        *len = LEN_SIZE;
        f++;
    }
    return f;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap_in)
{
    struct out o = { buf, size, 0 };
    va_list ap;

    va_copy(ap, ap_in);
    for (const char *f = fmt; *f; f++) {
        struct spec sp;
        enum length len;

        if (*f != '%') {
            put(&o, *f);
            continue;
        }
        f = parse_spec(f + 1, &sp, &len, &ap);
        switch (*f) {
        case 'd':
        case 'i': {
            int64_t v = arg_signed(&ap, len);

            put_number(&o, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0, 10, false, &sp);
            break;
        }
        case 'u': put_number(&o, arg_unsigned(&ap, len), false, 10, false, &sp); break;
        case 'x':
        case 'X': put_number(&o, arg_unsigned(&ap, len), false, 16, *f == 'X', &sp); break;
        case 'o': put_number(&o, arg_unsigned(&ap, len), false, 8, false, &sp); break;
        case 'p':
            sp.flags |= FLAG_ALT | FLAG_ZERO;
            sp.width = 18;
            put_number(&o, (uint64_t)(uintptr_t)va_arg(ap, void *), false, 16, false, &sp);
            break;
        case 's': put_string(&o, va_arg(ap, const char *), &sp); break;
        case 'c':
            pad(&o, ' ', (sp.flags & FLAG_LEFT) ? 0 : sp.width - 1);
            put(&o, (char)va_arg(ap, int));
            pad(&o, ' ', (sp.flags & FLAG_LEFT) ? sp.width - 1 : 0);
            break;
        case '%': put(&o, '%'); break;
        case '\0':
            f--; /* lone '%' at the end */
            break;
        default: /* unknown conversion: show it as written */
            put(&o, '%');
            put(&o, *f);
            break;
        }
    }
    va_end(ap);
    if (size > 0)
        buf[MIN(o.len, size - 1)] = '\0';
    return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
