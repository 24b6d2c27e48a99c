/* SPDX-License-Identifier: MIT */
/*
 * Errors of the domain builder: a typed code plus a message naming the
 * offending field and its values, written into the caller's struct db_diag.
 * No allocation, no I/O.
 */
#ifndef DOMAIN_BUILDER_DIAG_H
#define DOMAIN_BUILDER_DIAG_H

#include <stdint.h>

enum db_err {
    DB_OK = 0,
    DB_ERR_SPEC,        /* the domain spec itself is invalid */
    DB_ERR_FORMAT,      /* not an image kind the builder knows */
    DB_ERR_TRUNCATED,   /* a header field points beyond the file */
    DB_ERR_HEADER,      /* a header field has an invalid value */
    DB_ERR_SEGMENT,     /* a loadable segment is invalid */
    DB_ERR_NOTE,        /* a Xen ELF note or __xen_guest string is invalid */
    DB_ERR_UNSUPPORTED, /* valid, but needs something the builder does not do */
    DB_ERR_OVERLAP,     /* two things would occupy the same guest memory */
    DB_ERR_NO_MEMORY,   /* does not fit the domain's memory */
    DB_ERR_GUEST_MEM,   /* the guest memory interface refused a frame */
    DB_ERR__COUNT
};

struct db_diag {
    enum db_err code;
    const char *domain; /* the spec's name, set by db_prepare()/db_build() */
    char msg[240];
};

/* Short constant name of a code, e.g. "truncated". */
const char *db_err_name(enum db_err code);

#endif
