// SPDX-License-Identifier: MIT
/* The ACPI table sink and the AML encoders of aml.h. */
#include <string.h>

#include "aml.h"

#define OEM_TABLE_ID "TESSERA " /* 8 bytes */
#define OEM_REVISION 1
#define CREATOR_ID   "TSRA"
#define CREATOR_REV  1
#define HEADER_SIZE  36
#define CHECKSUM_AT  9

/* AML opcodes. */
#define AML_ZERO        0x00
#define AML_ONE         0x01
#define AML_NAME        0x08
#define AML_BYTE        0x0A
#define AML_WORD        0x0B
#define AML_DWORD       0x0C
#define AML_STRING      0x0D
#define AML_QWORD       0x0E
#define AML_SCOPE       0x10
#define AML_EXT_PREFIX  0x5B
#define AML_EXT_DEVICE  0x82
#define AML_ROOT_CHAR   '\\'
#define AML_DUAL_PREFIX 0x2E

void acpi_emit(struct acpi_sink *s, const void *bytes, uint32_t n)
{
    const uint8_t *b = bytes;

    if (s->err)
        return;
    if (s->mem && db_mem_write(s->mem, s->gpa, b, n, s->diag)) {
        s->err = 1;
        return;
    }
    for (uint32_t i = 0; i < n; i++)
        s->sum = (uint8_t)(s->sum + b[i]);
    s->gpa += n;
    s->len += n;
}

void acpi_emit8(struct acpi_sink *s, uint8_t v)
{
    acpi_emit(s, &v, 1);
}

void acpi_emit16(struct acpi_sink *s, uint16_t v)
{
    uint8_t b[2];

    db_put16(b, v);
    acpi_emit(s, b, sizeof(b));
}

void acpi_emit32(struct acpi_sink *s, uint32_t v)
{
    uint8_t b[4];

    db_put32(b, v);
    acpi_emit(s, b, sizeof(b));
}

void acpi_emit64(struct acpi_sink *s, uint64_t v)
{
    uint8_t b[8];

    db_put64(b, v);
    acpi_emit(s, b, sizeof(b));
}

uint32_t acpi_measure(acpi_body_fn body, const void *ctx)
{
    struct acpi_sink count = { 0 };

    body(&count, ctx);
    return count.len;
}

void acpi_table(struct acpi_sink *s, const char sig[4], uint8_t revision, acpi_body_fn body,
                const void *ctx)
{
    uint64_t start = s->gpa;
    uint32_t len = HEADER_SIZE + acpi_measure(body, ctx);
    uint8_t checksum;

    s->sum = 0;
    acpi_emit(s, sig, 4);
    acpi_emit32(s, len);
    acpi_emit8(s, revision);
    acpi_emit8(s, 0); /* checksum, patched below */
    acpi_emit(s, ACPI_OEM_ID, 6);
    acpi_emit(s, OEM_TABLE_ID, 8);
    acpi_emit32(s, OEM_REVISION);
    acpi_emit(s, CREATOR_ID, 4);
    acpi_emit32(s, CREATOR_REV);
    body(s, ctx);
    checksum = (uint8_t)-s->sum;
    if (s->mem && !s->err && db_mem_write(s->mem, start + CHECKSUM_AT, &checksum, 1, s->diag))
        s->err = 1;
}

/*
 * PkgLength: the length of what follows the opcode, itself included, in 1
 * byte up to 63, else a lead byte (count of extra bytes in bits 7:6, the low
 * nibble in bits 3:0) and 1 to 3 bytes holding the rest.
 */
static void aml_pkg_length(struct acpi_sink *s, uint32_t body)
{
    uint32_t extra, v;

    if (body + 1 <= 0x3F) {
        acpi_emit8(s, (uint8_t)(body + 1));
        return;
    }
    for (extra = 1; extra < 3 && body + 1 + extra > (1u << (4 + 8 * extra)) - 1; extra++)
        ;
    v = body + 1 + extra;
    acpi_emit8(s, (uint8_t)(extra << 6 | (v & 0xF)));
    for (uint32_t i = 0; i < extra; i++)
        acpi_emit8(s, (uint8_t)(v >> (4 + 8 * i)));
}

/* "\" and segments: one, or two with DualNamePrefix (all this builder needs). */
static uint32_t name_string(uint8_t *out, const char *name)
{
    uint32_t n = 0, len = (uint32_t)strlen(name), segs;

    if (*name == AML_ROOT_CHAR) {
        out[n++] = AML_ROOT_CHAR;
        name++;
        len--;
    }
    segs = len / 4;
    if (segs == 2)
        out[n++] = AML_DUAL_PREFIX;
    memcpy(out + n, name, segs * 4);
    return n + segs * 4;
}

struct block {
    const uint8_t *name;
    uint32_t name_len;
    acpi_body_fn body;
    const void *ctx;
};

static void block_body(struct acpi_sink *s, const void *ctx)
{
    const struct block *b = ctx;

    acpi_emit(s, b->name, b->name_len);
    b->body(s, b->ctx);
}

static void aml_block(struct acpi_sink *s, const uint8_t *op, uint32_t op_len,
                      const struct block *b)
{
    acpi_emit(s, op, op_len);
    aml_pkg_length(s, acpi_measure(block_body, b));
    block_body(s, b);
}

void aml_scope(struct acpi_sink *s, const char *name, acpi_body_fn body, const void *ctx)
{
    static const uint8_t op[] = { AML_SCOPE };
    uint8_t ns[10];
    struct block b = { ns, name_string(ns, name), body, ctx };

    aml_block(s, op, sizeof(op), &b);
}

void aml_device(struct acpi_sink *s, const char name[4], acpi_body_fn body, const void *ctx)
{
    static const uint8_t op[] = { AML_EXT_PREFIX, AML_EXT_DEVICE };
    struct block b = { (const uint8_t *)name, 4, body, ctx };

    aml_block(s, op, sizeof(op), &b);
}

void aml_name_string(struct acpi_sink *s, const char name[4], const char *value)
{
    acpi_emit8(s, AML_NAME);
    acpi_emit(s, name, 4);
    acpi_emit8(s, AML_STRING);
    acpi_emit(s, value, (uint32_t)strlen(value) + 1);
}

void aml_name_integer(struct acpi_sink *s, const char name[4], uint64_t value)
{
    acpi_emit8(s, AML_NAME);
    acpi_emit(s, name, 4);
    if (value <= 1) {
        acpi_emit8(s, value ? AML_ONE : AML_ZERO);
    } else if (value <= 0xFF) {
        acpi_emit8(s, AML_BYTE);
        acpi_emit8(s, (uint8_t)value);
    } else if (value <= 0xFFFF) {
        acpi_emit8(s, AML_WORD);
        acpi_emit16(s, (uint16_t)value);
    } else if (value <= 0xFFFFFFFF) {
        acpi_emit8(s, AML_DWORD);
        acpi_emit32(s, (uint32_t)value);
    } else {
        acpi_emit8(s, AML_QWORD);
        acpi_emit64(s, value);
    }
}
