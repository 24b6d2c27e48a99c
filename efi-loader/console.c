// SPDX-License-Identifier: MIT
/*
 * Output on the firmware console. Every line starts with "tessera-loader: "
 * so boot logs can be searched for the loader's part.
 */
#include <stdarg.h>
#include <stdio.h>

#include "loader.h"

#define LINE_MAX 512

static SIMPLE_TEXT_OUTPUT_INTERFACE *con_out;

void con_init(EFI_SYSTEM_TABLE *st)
{
    con_out = st->ConOut;
}

static void emit_line(const char *prefix, const char *fmt, va_list ap)
{
    char text[LINE_MAX];
    CHAR16 wide[LINE_MAX + 2];
    int n = snprintf(text, sizeof(text), "%s", prefix);
    size_t len, i;

    n += vsnprintf(text + n, sizeof(text) - (size_t)n, fmt, ap);
    len = (size_t)n < sizeof(text) ? (size_t)n : sizeof(text) - 1;
    for (i = 0; i < len; i++)
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
    case EFI_SUCCESS: return "success";
    case EFI_NOT_FOUND: return "not found";
    case EFI_OUT_OF_RESOURCES: return "out of memory";
    case EFI_INVALID_PARAMETER: return "invalid parameter";
    case EFI_UNSUPPORTED: return "unsupported";
    case EFI_DEVICE_ERROR: return "device error";
    case EFI_VOLUME_CORRUPTED: return "volume corrupted";
    case EFI_ACCESS_DENIED: return "access denied";
    case EFI_NO_MEDIA: return "no media";
    case EFI_MEDIA_CHANGED: return "media changed";
    case EFI_LOAD_ERROR: return "load error";
    case EFI_BUFFER_TOO_SMALL: return "buffer too small";
    default: return "firmware error";
    }
}
