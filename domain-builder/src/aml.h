/* SPDX-License-Identifier: MIT */
/*
 * Writing ACPI tables straight into guest memory: a sink that appends bytes
 * at a guest-physical address and keeps their running sum (the tables'
 * checksum), and the few AML encoders the DSDT needs. A sink without mem
 * only counts: AML package lengths and table lengths come first in the
 * bytes, so every block is emitted twice, once to measure and once to write.
 */
#ifndef DOMAIN_BUILDER_AML_H
#define DOMAIN_BUILDER_AML_H

#include <stdint.h>

#include "internal.h"

#define ACPI_OEM_ID "TESSRA" /* 6 bytes, in the RSDP and every table header */

struct acpi_sink {
    const struct db_guest_mem *mem; /* NULL: count only */
    uint64_t gpa;                   /* where the next byte goes */
    uint32_t len;                   /* bytes emitted */
    uint8_t sum;                    /* their sum mod 256 */
    int err;                        /* a write failed: diag says why */
    struct db_diag *diag;
};

void acpi_emit(struct acpi_sink *s, const void *bytes, uint32_t n);
void acpi_emit8(struct acpi_sink *s, uint8_t v);
void acpi_emit16(struct acpi_sink *s, uint16_t v);
void acpi_emit32(struct acpi_sink *s, uint32_t v);
void acpi_emit64(struct acpi_sink *s, uint64_t v);

/* A body emitted twice by the helpers below: once counted, once written. */
typedef void (*acpi_body_fn)(struct acpi_sink *s, const void *ctx);

/* Bytes body() emits. */
uint32_t acpi_measure(acpi_body_fn body, const void *ctx);

/*
 * A whole table at s->gpa: the 36-byte header (signature, length, revision,
 * checksum, the project's OEM fields) then body; the checksum byte makes the
 * bytes sum to 0.
 */
void acpi_table(struct acpi_sink *s, const char sig[4], uint8_t revision, acpi_body_fn body,
                const void *ctx);

/* AML (ACPI 6.4, chapter 20). name is a NameString of 4-character segments. */
void aml_scope(struct acpi_sink *s, const char *name, acpi_body_fn body, const void *ctx);
void aml_device(struct acpi_sink *s, const char name[4], acpi_body_fn body, const void *ctx);
void aml_name_string(struct acpi_sink *s, const char name[4], const char *value);
void aml_name_integer(struct acpi_sink *s, const char name[4], uint64_t value);

#endif
