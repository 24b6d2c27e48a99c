// SPDX-License-Identifier: MIT
/*
 * Output on the firmware console. Every line starts with "tessera-loader: "
 * so boot logs can be searched for the loader's part.
 */
#include <stdarg.h>

#include "loader.h"

#define LINE_MAX 512

static SIMPLE_TEXT_OUTPUT_INTERFACE *con_out;

void con_init(EFI_SYSTEM_TABLE *st)
{
    con_out = st->ConOut;
}

struct buf {
    char *p;
    size_t len, cap;
};

static void put(struct buf *b, char c)
{
    if (b->len + 1 < b->cap)
        b->p[b->len++] = c;
}

static void put_str(struct buf *b, const char *s)
{
    while (*s)
        put(b, *s++);
}

static void put_num(struct buf *b, uint64_t v, unsigned base, bool neg)
{
    char digits[24];
    int n = 0;

    do {
        digits[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    if (neg)
        put(b, '-');
    while (n)
        put(b, digits[--n]);
}

/* The printf subset the loader uses: %s %c %d %u %x, 'l' length, '#' for 0x. */
static void format(struct buf *b, const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        bool alt = false, is_long = false;

        if (*fmt != '%') {
            put(b, *fmt);
            continue;
        }
        fmt++;
        if (*fmt == '#') {
            alt = true;
            fmt++;
        }
        if (*fmt == 'l') {
            is_long = true;
            fmt++;
        }
        switch (*fmt) {
        case 's':
            put_str(b, va_arg(ap, const char *));
            break;
        case 'c':
            put(b, (char)va_arg(ap, int));
            break;
        case 'd': {
            int64_t v = is_long ? va_arg(ap, long) : va_arg(ap, int);

            put_num(b, v < 0 ? -(uint64_t)v : (uint64_t)v, 10, v < 0);
            break;
        }
        case 'u':
            put_num(b, is_long ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 10, false);
            break;
        case 'x':
            if (alt)
                put_str(b, "0x");
            put_num(b, is_long ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 16, false);
            break;
        case '%':
            put(b, '%');
            break;
        default:
            put(b, '?');
            break;
        }
    }
}

static void emit_line(const char *prefix, const char *fmt, va_list ap)
{
    char text[LINE_MAX];
    CHAR16 wide[LINE_MAX + 2];
    struct buf b = { text, 0, sizeof(text) };
    size_t i;

    put_str(&b, prefix);
    format(&b, fmt, ap);
    for (i = 0; i < b.len; i++)
        wide[i] = (CHAR16)(unsigned char)text[i];
    wide[i++] = L'\r';
    wide[i++] = L'\n';
    wide[i] = 0;
    if (con_out)
        con_out->OutputString(con_out, wide);
}

void con_info(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    emit_line("tessera-loader: ", fmt, ap);
    va_end(ap);
}

void con_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    emit_line("tessera-loader: error: ", fmt, ap);
    va_end(ap);
}

const char *efi_status_text(EFI_STATUS s)
{
    switch (s) {
    case EFI_SUCCESS:          return "success";
    case EFI_NOT_FOUND:        return "not found";
    case EFI_OUT_OF_RESOURCES: return "out of memory";
    case EFI_INVALID_PARAMETER:return "invalid parameter";
    case EFI_UNSUPPORTED:      return "unsupported";
    case EFI_DEVICE_ERROR:     return "device error";
    case EFI_VOLUME_CORRUPTED: return "volume corrupted";
    case EFI_ACCESS_DENIED:    return "access denied";
    case EFI_NO_MEDIA:         return "no media";
    case EFI_MEDIA_CHANGED:    return "media changed";
    case EFI_LOAD_ERROR:       return "load error";
    case EFI_BUFFER_TOO_SMALL: return "buffer too small";
    default:                   return "firmware error";
    }
}
