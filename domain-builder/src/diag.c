// SPDX-License-Identifier: MIT
/* Error names and db_fail(). */
#include <stdarg.h>
#include <stdio.h>

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

int db_fail(struct db_diag *diag, enum db_err code, const char *fmt, ...)
{
    va_list ap;

    diag->code = code;
    va_start(ap, fmt);
    vsnprintf(diag->msg, sizeof(diag->msg), fmt, ap);
    va_end(ap);
    return -1;
}
