/* SPDX-License-Identifier: MIT */
/*
 * Finds Name(_S5_, Package(){SLP_TYPa, SLP_TYPb, ...}) in DSDT AML without an
 * AML interpreter: a bounded byte scan for NameOp "_S5_" followed by a
 * PackageOp whose first two elements are integer constants. Firmware that
 * computes _S5_ in a method is not supported (no ACPI power-off then).
 */
#include <string.h>
#include <asm/acpi.h>
#include <hv/printk.h>

#define AML_ZERO_OP      0x00
#define AML_ONE_OP       0x01
#define AML_NAME_OP      0x08
#define AML_BYTE_PREFIX  0x0A
#define AML_WORD_PREFIX  0x0B
#define AML_DWORD_PREFIX 0x0C
#define AML_QWORD_PREFIX 0x0E
#define AML_PACKAGE_OP   0x12
#define AML_ROOT_CHAR    0x5C /* '\' */

struct aml_cursor {
    const uint8_t *p;
    const uint8_t *end;
};

static bool aml_byte(struct aml_cursor *c, uint8_t *out)
{
    if (c->p >= c->end)
        return false;
    *out = *c->p++;
    return true;
}

/* PkgLength: lead byte bits 7:6 = count of following bytes. */
static bool aml_pkg_length(struct aml_cursor *c, uint32_t *len)
{
    uint8_t lead, b;
    unsigned int follow;

    if (!aml_byte(c, &lead))
        return false;
    follow = lead >> 6;
    if (follow == 0) {
        *len = lead & 0x3F;
        return true;
    }
    *len = lead & 0x0F;
    for (unsigned int i = 0; i < follow; i++) {
        if (!aml_byte(c, &b))
            return false;
        *len |= (uint32_t)b << (4 + 8 * i);
    }
    return true;
}

/* An integer constant element; SLP_TYP is 3 bits, wider values are truncated. */
static bool aml_integer(struct aml_cursor *c, uint8_t *out)
{
    uint8_t op, v;
    unsigned int extra;

    if (!aml_byte(c, &op))
        return false;
    switch (op) {
    case AML_ZERO_OP: *out = 0; return true;
    case AML_ONE_OP: *out = 1; return true;
    case AML_BYTE_PREFIX: extra = 0; break;
    case AML_WORD_PREFIX: extra = 1; break;
    case AML_DWORD_PREFIX: extra = 3; break;
    case AML_QWORD_PREFIX: extra = 7; break;
    default: return false;
    }
    if (!aml_byte(c, &v) || (size_t)(c->end - c->p) < extra)
        return false;
    c->p += extra;
    *out = v;
    return true;
}

/* Parses the package after "_S5_" at c; true with both values if well formed. */
static bool parse_s5_package(struct aml_cursor c, uint8_t *slp_typ_a, uint8_t *slp_typ_b)
{
    const uint8_t *start;
    uint8_t op, count, a, b = 0;
    uint32_t len;

    if (!aml_byte(&c, &op) || op != AML_PACKAGE_OP)
        return false;
    start = c.p;
    if (!aml_pkg_length(&c, &len) || len > (size_t)(c.end - start))
        return false;
    c.end = start + len;
    if (!aml_byte(&c, &count) || count < 1 || !aml_integer(&c, &a))
        return false;
    if (count >= 2 && !aml_integer(&c, &b))
        return false;
    *slp_typ_a = a & 7;
    *slp_typ_b = b & 7;
    return true;
}

bool acpi_find_s5(const struct acpi_header *dsdt, uint8_t *slp_typ_a, uint8_t *slp_typ_b)
{
    const uint8_t *aml = (const uint8_t *)(dsdt + 1);
    size_t len = dsdt->length - sizeof(*dsdt);

    for (size_t i = 1; i + 4 <= len; i++) {
        bool named;

        if (memcmp(aml + i, "_S5_", 4) != 0)
            continue;
        named = aml[i - 1] == AML_NAME_OP ||
                (i >= 2 && aml[i - 1] == AML_ROOT_CHAR && aml[i - 2] == AML_NAME_OP);
        if (!named)
            continue;
        if (parse_s5_package((struct aml_cursor){ aml + i + 4, aml + len }, slp_typ_a, slp_typ_b))
            return true;
        printk("tessera: acpi: DSDT \\_S5_ at offset %u is not a constant package\n",
               (unsigned int)(i + sizeof(*dsdt)));
    }
    return false;
}
