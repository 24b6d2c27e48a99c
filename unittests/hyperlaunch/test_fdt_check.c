/* SPDX-License-Identifier: MIT */
/*
 * hl_fdt_check(), the bounded structure check every reader of a launch tree
 * runs before libfdt: each refusal on a blob built word by word, the blob
 * that made libfdt 1.6.1's fdt_check_full() loop forever, and every
 * single-byte change and truncation of a real tree (each check must end;
 * SIGALRM fails the test if one does not).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <libfdt.h>
#include <hyperlaunch/fdt_check.h>
#include "dts_helper.h"

enum {
    BEGIN = 1,
    END_NODE = 2,
    PROP = 3,
    NOP = 4,
    END = 9
};
#define NAME(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static uint8_t blob[4096];
static char why[160];

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* Header (v17) + empty reservation map + the words as structure block + strings. */
static size_t raw(const uint32_t *words, size_t n, const char *strings, size_t strings_size)
{
    memset(blob, 0, sizeof(blob));
    uint32_t rsv = 40, st = rsv + 16, str = st + (uint32_t)(n * 4);
    uint32_t total = str + (uint32_t)strings_size;
    put32(blob, 0xd00dfeed);
    put32(blob + 4, total);
    put32(blob + 8, st);
    put32(blob + 12, str);
    put32(blob + 16, rsv);
    put32(blob + 20, 17);
    put32(blob + 24, 16);
    put32(blob + 32, (uint32_t)strings_size);
    put32(blob + 36, (uint32_t)(n * 4));
    for (size_t i = 0; i < n; i++)
        put32(blob + st + 4 * i, words[i]);
    memcpy(blob + str, strings, strings_size);
    return total;
}

static const char strings[] = "reg\0";

static void refused(size_t size, const char *text)
{
    assert_int_equal(hl_fdt_check(blob, size, why, sizeof(why)), -1);
    assert_string_equal(why, text);
}

static void test_sound(void **state)
{
    (void)state;
    /* / { a { reg = <7>; b { }; }; }; with a NOP */
    static const uint32_t w[] = {
        BEGIN, 0,   BEGIN, NAME('a', 0, 0, 0), PROP,     4,        0,
        7,     NOP, BEGIN, NAME('b', 0, 0, 0), END_NODE, END_NODE, END_NODE,
        END
    };
    size_t size = raw(w, sizeof(w) / 4, strings, 4);
    assert_int_equal(hl_fdt_check(blob, size, why, sizeof(why)), 0);
    assert_int_equal(fdt_check_full(blob, size), 0);

    size_t dtb_size;
    void *dtb =
        dts_compile("/dts-v1/; / { chosen { hypervisor { compatible = \"hypervisor,xen\"; };"
                    " }; };",
                    &dtb_size);
    assert_int_equal(hl_fdt_check(dtb, dtb_size, why, sizeof(why)), 0);
    free(dtb);
}

static void test_header(void **state)
{
    (void)state;
    static const uint32_t w[] = { BEGIN, 0, END_NODE, END };
    size_t size = raw(w, 4, strings, 4);
    refused(20, "20 bytes, too small for a header");
    assert_int_equal(hl_fdt_check(NULL, 0, why, sizeof(why)), -1);
    refused(size - 1, "header says 76 bytes, 75 present (at least 40 needed)");
    put32(blob, 0xd00dfeee);
    refused(size, "bad magic 0xd00dfeee (expected 0xd00dfeed)");
    raw(w, 4, strings, 4);
    put32(blob + 20, 15);
    refused(size, "format version 15 (16 or later expected)");
    put32(blob + 20, 17);
    put32(blob + 24, 18);
    refused(size, "last compatible version 18 (at most 17 and the version 17 expected)");
    raw(w, 4, strings, 4);
    put32(blob + 16, 44);
    refused(size, "memory reservation map offset 0x2c (8-byte aligned, after the header, "
                  "inside the 76 bytes expected)");
    raw(w, 4, strings, 4);
    put32(blob + 8, 58);
    refused(size, "structure block 0x3a+0x10 (4-byte aligned, after the header, inside the "
                  "76 bytes expected)");
    raw(w, 4, strings, 4);
    put32(blob + 36, 0xfffffff0);
    refused(size, "structure block 0x38+0xfffffff0 (4-byte aligned, after the header, inside "
                  "the 76 bytes expected)");
    raw(w, 4, strings, 4);
    put32(blob + 32, 0x7fffffff);
    refused(size, "strings block 0x48+0x7fffffff (after the header, inside the 76 bytes "
                  "expected)");
    raw(w, 4, strings, 4);
    put32(blob + 12, 0x40);
    refused(size, "structure block 0x38+0x10 overlaps strings block 0x40+0x4");
    /* A reservation map whose entries never end inside the blob. */
    raw(w, 4, strings, 4);
    memset(blob + 40, 0xff, 36);
    put32(blob + 8, 40 + 16);
    refused(size, "memory reservation map at 0x28 has no end inside the blob");
}

static void test_structure(void **state)
{
    (void)state;
    static const uint32_t unknown[] = { BEGIN, 0, 7, END_NODE, END };
    refused(raw(unknown, 5, strings, 4), "structure offset 0x8: unknown token 0x7");
    static const uint32_t no_end[] = { BEGIN, 0, END_NODE };
    refused(raw(no_end, 3, strings, 4), "structure block (0xc bytes) ends without FDT_END");
    static const uint32_t open_node[] = { BEGIN, 0, END };
    refused(raw(open_node, 3, strings, 4), "structure offset 0x8: FDT_END inside a node");
    static const uint32_t empty[] = { NOP, END };
    refused(raw(empty, 2, strings, 4), "structure offset 0x4: FDT_END before any node");
    static const uint32_t two_roots[] = { BEGIN, 0, END_NODE, BEGIN, 0, END_NODE, END };
    refused(raw(two_roots, 7, strings, 4),
            "structure offset 0xc: token 1 after the root node (FDT_END expected)");
    static const uint32_t unbalanced[] = { END_NODE, END };
    refused(raw(unbalanced, 2, strings, 4),
            "structure offset 0x0: end of a node that was not begun");
    static const uint32_t named_root[] = { BEGIN, NAME('r', 0, 0, 0), END_NODE, END };
    refused(raw(named_root, 4, strings, 4), "structure offset 0x0: the root node has a name");
    static const uint32_t unnamed[] = { BEGIN, 0, BEGIN, 0, END_NODE, END_NODE, END };
    refused(raw(unnamed, 7, strings, 4), "structure offset 0x8: a node without a name");
    static const uint32_t unterminated[] = { BEGIN, 0, BEGIN, NAME('a', 'b', 'c', 'd') };
    refused(raw(unterminated, 4, strings, 4),
            "structure offset 0x8: node name not terminated inside the structure block");
    static const uint32_t outside[] = { PROP, 0, 0, BEGIN, 0, END_NODE, END };
    refused(raw(outside, 7, strings, 4), "structure offset 0x0: a property outside any node");
    static const uint32_t cut_prop[] = { BEGIN, 0, PROP, 4 };
    refused(raw(cut_prop, 4, strings, 4),
            "structure offset 0x8: property header past the structure block");
    /* The shape of the blob libfdt looped on: a length that would walk backwards. */
    static const uint32_t backwards[] = { BEGIN, 0, PROP, 0xfffffff4, 0, END_NODE, END };
    refused(raw(backwards, 7, strings, 4),
            "structure offset 0x8: property of 4294967284 bytes runs past the structure block "
            "(8 bytes left)");
    static const uint32_t bad_name[] = { BEGIN, 0, PROP, 0, 4, END_NODE, END };
    refused(raw(bad_name, 7, strings, 4),
            "structure offset 0x8: property name offset 0x4 is not a name in the strings "
            "block (0x4 bytes)");
    static const uint32_t far_name[] = { BEGIN, 0, PROP, 0, 0x80000000u, END_NODE, END };
    refused(raw(far_name, 7, strings, 4),
            "structure offset 0x8: property name offset 0x80000000 is not a name in the "
            "strings block (0x4 bytes)");
    static const char unterminated_strings[4] = { 'r', 'e', 'g', 'x' };
    static const uint32_t prop[] = { BEGIN, 0, PROP, 0, 0, END_NODE, END };
    refused(raw(prop, 7, unterminated_strings, 4),
            "structure offset 0x8: property name offset 0x0 is not a name in the strings "
            "block (0x4 bytes)");

    /* Names of HL_FDT_MAX_NAME characters pass, longer ones are refused. */
    static char long_names[HL_FDT_MAX_NAME + 2];
    memset(long_names, 'n', sizeof(long_names) - 1);
    long_names[sizeof(long_names) - 1] = '\0';
    size_t size = raw(prop, 7, long_names + 1, sizeof(long_names) - 1);
    assert_int_equal(hl_fdt_check(blob, size, why, sizeof(why)), 0);
    refused(raw(prop, 7, long_names, sizeof(long_names)),
            "structure offset 0x8: property name at strings offset 0x0 is longer than 255 "
            "characters");

    /* HL_FDT_MAX_DEPTH nested nodes pass, one more is refused. */
    uint32_t deep[2 * (HL_FDT_MAX_DEPTH + 1) + HL_FDT_MAX_DEPTH + 2];
    for (unsigned extra = 0; extra < 2; extra++) {
        unsigned depth = HL_FDT_MAX_DEPTH + extra, n = 0;
        deep[n++] = BEGIN;
        deep[n++] = 0;
        for (unsigned i = 1; i < depth; i++) {
            deep[n++] = BEGIN;
            deep[n++] = NAME('n', 0, 0, 0);
        }
        for (unsigned i = 0; i < depth; i++)
            deep[n++] = END_NODE;
        deep[n++] = END;
        size = raw(deep, n, strings, 4);
        if (extra)
            refused(size, "structure offset 0x200: nodes nested more than 64 deep");
        else
            assert_int_equal(hl_fdt_check(blob, size, why, sizeof(why)), 0);
    }
}

static void *read_corpus(const char *name, size_t *size)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", CORPUS_DIR, name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    void *data = malloc(65536);
    *size = fread(data, 1, 65536, f);
    fclose(f);
    return data;
}

/* The blob fdt_check_full() never returned from: refused at once, by the library too. */
static void test_hang_input(void **state)
{
    (void)state;
    size_t size;
    void *data = read_corpus("060-fdt-check-full-hang.dtb", &size);
    alarm(10);
    assert_int_equal(hl_fdt_check(data, size, why, sizeof(why)), -1);
    assert_string_equal(why, "structure offset 0x46c: property of 4294967284 bytes runs past the "
                             "structure block (480 bytes left)");
    struct result r;
    run_blob(data, size, NULL, &r);
    assert_int_equal(r.nr_diags, 1);
    assert_string_equal(r.lines[0],
                        "error: /: not a valid flattened device tree: structure "
                        "offset 0x46c: property of 4294967284 bytes runs past the structure "
                        "block (480 bytes left)");
    result_free(&r);
    alarm(0);
    free(data);
}

/* Every byte of a real tree changed, and every truncation: each check ends. */
static void test_every_change_ends(void **state)
{
    (void)state;
    size_t size;
    uint8_t *dtb = dts_compile(
        "/dts-v1/; / { chosen { hypervisor { compatible = \"hypervisor,xen\";"
        " d: dom { compatible = \"xen,domain\"; memory = <0 0x4000>; tessera,after-started = <&d>;"
        "   kernel { compatible = \"multiboot,kernel\"; reg = <0 0x100000 0x1000>; }; }; }; }; };",
        &size);
    static const uint8_t masks[] = { 0x01, 0x80, 0xff, 0x5a };
    alarm(60);
    for (size_t i = 0; i < size; i++) {
        for (size_t m = 0; m < sizeof(masks); m++) {
            dtb[i] ^= masks[m];
            if (hl_fdt_check(dtb, size, why, sizeof(why)) == 0)
                (void)fdt_check_full(dtb, size); /* must end too */
            dtb[i] ^= masks[m];
        }
        assert_int_equal(hl_fdt_check(dtb, i, why, sizeof(why)), -1);
    }
    alarm(0);
    free(dtb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sound),
        cmocka_unit_test(test_header),
        cmocka_unit_test(test_structure),
        cmocka_unit_test(test_hang_input),
        cmocka_unit_test(test_every_change_ends),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
