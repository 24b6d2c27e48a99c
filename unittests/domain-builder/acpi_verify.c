// SPDX-License-Identifier: MIT
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "acpi_verify.h"

struct ctx {
    const struct th_guest *g;
    const struct th_e820 *e;
    unsigned int n;
};

static uint8_t sum(const uint8_t *p, uint64_t len)
{
    uint8_t s = 0;

    for (uint64_t i = 0; i < len; i++)
        s = (uint8_t)(s + p[i]);
    return s;
}

/* A table with the standard header: signature, length >= min, checksum, in an ACPI range. */
static const uint8_t *table(const struct ctx *c, uint64_t gpa, const char *sig, uint32_t min,
                            uint32_t *len)
{
    const uint8_t *h;

    assert_true(gpa && gpa < (1ull << 32));
    h = th_ptr(c->g, gpa, 36);
    assert_memory_equal(h, sig, 4);
    *len = (uint32_t)th_le(h + 4, 4);
    assert_true(*len >= min);
    assert_int_equal(th_e820_type_of(c->e, c->n, gpa, *len), 3);
    h = th_ptr(c->g, gpa, *len);
    assert_int_equal(sum(h, *len), 0);
    return h;
}

/* AML reader: just the forms the DSDT may hold, anything else fails. */
struct aml {
    const uint8_t *p, *end;
};

static uint8_t aml_byte(struct aml *a)
{
    assert_true(a->p < a->end);
    return *a->p++;
}

/* A PkgLength; returns the end of the package it opens. */
static const uint8_t *aml_pkg_end(struct aml *a)
{
    const uint8_t *start = a->p;
    uint8_t lead = aml_byte(a);
    uint32_t extra = lead >> 6, len = extra ? lead & 0xF : lead & 0x3F;

    for (uint32_t i = 0; i < extra; i++)
        len |= (uint32_t)aml_byte(a) << (4 + 8 * i);
    assert_true(len >= 1 + extra && len <= (uint64_t)(a->end - start));
    return start + len;
}

static uint64_t aml_integer(struct aml *a)
{
    uint8_t op = aml_byte(a);
    int size;

    switch (op) {
    case 0x00: return 0;
    case 0x01: return 1;
    case 0xFF: return ~0ull;
    case 0x0A: size = 1; break;
    case 0x0B: size = 2; break;
    case 0x0C: size = 4; break;
    case 0x0E: size = 8; break;
    default: fail_msg("AML: integer opcode 0x%02x", op); return 0;
    }
    assert_true(a->end - a->p >= size);
    a->p += size;
    return th_le(a->p - size, size);
}

/* Device (PRnn) { Name (_HID, "ACPI0007") Name (_UID, uid) } */
static void aml_cpu_device(struct aml *a, uint32_t expect_uid)
{
    struct aml in;
    bool hid = false, uid = false;

    assert_int_equal(aml_byte(a), 0x5B);
    assert_int_equal(aml_byte(a), 0x82);
    in.end = aml_pkg_end(a);
    in.p = a->p;
    assert_true(in.end - in.p >= 4);
    in.p += 4; /* its NameSeg */
    while (in.p < in.end) {
        const uint8_t *name;

        assert_int_equal(aml_byte(&in), 0x08); /* NameOp */
        assert_true(in.end - in.p >= 4);
        name = in.p;
        in.p += 4;
        if (!memcmp(name, "_HID", 4)) {
            assert_int_equal(aml_byte(&in), 0x0D);
            assert_true(in.end - in.p >= 9);
            assert_memory_equal(in.p, "ACPI0007", 9);
            in.p += 9;
            hid = true;
        } else if (!memcmp(name, "_UID", 4)) {
            assert_int_equal(aml_integer(&in), expect_uid);
            uid = true;
        } else {
            fail_msg("AML: unexpected Name %.4s", (const char *)name);
        }
    }
    assert_true(hid && uid);
    a->p = in.end;
}

static void check_dsdt(const uint8_t *t, uint32_t len, uint32_t nr_vcpus)
{
    struct aml a = { t + 36, t + len };
    const uint8_t *scope_end;
    uint32_t devices = 0;

    assert_int_equal(t[8], 2);            /* revision 2: 64-bit integers */
    assert_int_equal(aml_byte(&a), 0x10); /* Scope (\_SB) */
    scope_end = aml_pkg_end(&a);
    assert_true(a.end - a.p >= 5);
    assert_memory_equal(a.p, "\\_SB_", 5);
    a.p += 5;
    a.end = scope_end;
    while (a.p < a.end)
        aml_cpu_device(&a, devices++);
    assert_ptr_equal(scope_end, t + len); /* nothing after the scope */
    assert_int_equal(devices, nr_vcpus);
}

static void check_madt(const uint8_t *t, uint32_t len, uint32_t nr_vcpus)
{
    uint32_t off = 44, cpus = 0;

    assert_int_equal(th_le(t + 36, 4), 0xFEE00000);
    assert_int_equal(th_le(t + 40, 4), 0); /* no PCAT_COMPAT: no 8259s */
    while (off < len) {
        const uint8_t *s = t + off;

        assert_true(len - off >= 2 && s[1] >= 2 && s[1] <= len - off);
        assert_int_equal(s[0], 0); /* local APIC only: no IOAPIC, no overrides */
        assert_int_equal(s[1], 8);
        assert_int_equal(s[2], cpus);         /* processor UID */
        assert_int_equal(s[3], 2 * cpus);     /* APIC id */
        assert_int_equal(th_le(s + 4, 4), 1); /* enabled */
        cpus++;
        off += s[1];
    }
    assert_int_equal(off, len);
    assert_int_equal(cpus, nr_vcpus);
}

static void check_fadt(const struct ctx *c, const uint8_t *t, uint32_t len, uint32_t nr_vcpus)
{
    uint64_t facs = th_le(t + 132, 8), dsdt = th_le(t + 140, 8);
    const uint8_t *d;
    uint32_t dlen;

    assert_int_equal(len, 276);
    assert_int_equal(t[8], 6); /* ACPI 6.0 */
    assert_int_equal(t[131], 0);
    assert_int_equal(th_le(t + 112, 4) & (1u << 20), 1u << 20); /* HW_REDUCED_ACPI */
    assert_int_equal(th_le(t + 109, 2), (1u << 2) | (1u << 5)); /* NO_VGA | NO_CMOS_RTC */
    assert_int_equal(th_le(t + 46, 2), 0);                      /* no SCI */
    for (uint32_t off = 56; off < 96; off++)                    /* no fixed hardware blocks */
        assert_int_equal(t[off], 0);
    /* FIRMWARE_CTRL 0 beside X_FIRMWARE_CTRL (ACPI 6); DSDT, if given, = X_DSDT. */
    assert_int_equal(th_le(t + 36, 4), 0);
    assert_true(th_le(t + 40, 4) == 0 || th_le(t + 40, 4) == dsdt);

    assert_true(facs && facs % 64 == 0 && facs < (1ull << 32));
    assert_memory_equal(th_ptr(c->g, facs, 4), "FACS", 4);
    assert_int_equal(th_rd32(c->g, facs + 4), 64);
    assert_int_equal(th_e820_type_of(c->e, c->n, facs, 64), 3);

    d = table(c, dsdt, "DSDT", 36, &dlen);
    check_dsdt(d, dlen, nr_vcpus);
}

void verify_acpi(const struct th_guest *g, uint64_t rsdp, uint32_t nr_vcpus,
                 const struct th_e820 *e, unsigned int n)
{
    const struct ctx c = { g, e, n };
    const uint8_t *r, *x;
    uint32_t xlen;
    bool fadt = false, madt = false;

    assert_true(rsdp && rsdp % 16 == 0);
    r = th_ptr(g, rsdp, 36);
    assert_memory_equal(r, "RSD PTR ", 8);
    assert_int_equal(sum(r, 20), 0);
    assert_int_equal(r[15], 2);
    assert_int_equal(th_le(r + 20, 4), 36);
    assert_int_equal(sum(r, 36), 0);
    assert_int_equal(th_e820_type_of(e, n, rsdp, 36), 3);

    x = table(&c, th_le(r + 24, 8), "XSDT", 36, &xlen);
    assert_int_equal((xlen - 36) % 8, 0);
    for (uint32_t off = 36; off < xlen; off += 8) {
        uint64_t gpa = th_le(x + off, 8);
        const uint8_t *t;
        uint32_t len;

        t = th_ptr(g, gpa, 4);
        if (!memcmp(t, "FACP", 4)) {
            assert_false(fadt);
            t = table(&c, gpa, "FACP", 244, &len);
            check_fadt(&c, t, len, nr_vcpus);
            fadt = true;
        } else if (!memcmp(t, "APIC", 4)) {
            assert_false(madt);
            t = table(&c, gpa, "APIC", 44, &len);
            check_madt(t, len, nr_vcpus);
            madt = true;
        } else {
            fail_msg("XSDT entry 0x%llx: table %.4s", (unsigned long long)gpa, (const char *)t);
        }
    }
    assert_true(fadt && madt);
}
