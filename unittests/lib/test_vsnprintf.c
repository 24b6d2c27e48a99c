// SPDX-License-Identifier: MIT
/* lib's vsnprintf (lib/src/vsnprintf.c) against the C library's. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

/* lib/src/vsnprintf.c, renamed by unittests/lib/CMakeLists.txt */
int lib_snprintf(char *buf, size_t size, const char *fmt, ...);

/* Formats with both implementations and checks output and return value agree. */
#define SAME(fmt, ...)                                                \
    do {                                                              \
        char want[256], got[256];                                     \
        int want_n = snprintf(want, sizeof(want), fmt, __VA_ARGS__);  \
        int got_n = lib_snprintf(got, sizeof(got), fmt, __VA_ARGS__); \
        assert_string_equal(got, want);                               \
        assert_int_equal(got_n, want_n);                              \
    } while (0)

static void test_integers(void **state)
{
    (void)state;
    SAME("%d %i %u", 0, -1, 4294967295u);
    SAME("%d|%5d|%-5d|%05d|%+d|% d", 42, 42, 42, 42, 42, 42);
    SAME("%d %d", -2147483647 - 1, 2147483647);
    SAME("%lld %llu", -9223372036854775807ll - 1, 18446744073709551615ull);
    SAME("%ld %lu %zu %zd", -5l, 5ul, (size_t)123456789, (ptrdiff_t)-3);
    SAME("%hhd %hhu %hd %hu", 200, 200, 70000, 70000);
    SAME("%x %X %#x %#X %08x %#010x", 0xbeefu, 0xbeefu, 0xbeefu, 0xbeefu, 0xbeefu, 0xbeefu);
    SAME("%llx %#llx %16llx %-16llx|", 0xffff800000000000ull, 0x1000ull, 1ull, 1ull);
    SAME("%o %#o %#x %#o", 8u, 8u, 0u, 0u);
    SAME("%.3d %.0d %5.3d %-5.3d|", 7, 0, 7, 7);
    SAME("%*d %-*d| %.*d", 6, 1, 6, 1, 4, 1);
    SAME("%*d|", -6, 1);
    SAME("[%8llu.%03llu]", 12345ull, 678ull);
}

static void test_strings_and_chars(void **state)
{
    (void)state;
    SAME("%s|%10s|%-10s|%.2s|%.*s", "abc", "abc", "abc", "abc", 1, "abc");
    SAME("%c%c%3c%-3c|", 'a', 'b', 'c', 'd');
    SAME("100%% %s", "done");
    SAME("%s", "");
}

/* The formats of the loader's console, hyperlaunch's and the domain builder's messages. */
static void test_callers_formats(void **state)
{
    (void)state;
    SAME("launch tree at 0x%lx (%lu bytes), command line \"%s\"", 0x7e000000ul, 4096ul, "");
    SAME("framebuffer 0x%lx %ux%u, TSC %lu kHz", 0ul, 1280u, 800u, 2994000ul);
    SAME("%#lx %#lx", 0ul, 0x1000ul);
    SAME("header says %u bytes, only %zu present", 64u, (size_t)40);
    SAME("host 0x%llx size 0x%llx", 0x80000000ull, 0x200000ull);
    SAME("%llu.%llu %s", 99ull, 3ull, "MiB");
    SAME("<address size> in %d + %d cells (%d bytes)", 2, 2, -16);
    SAME("phandle 0x%x (no such node)", 0xffffffffu);
    SAME("guest range 0x%lx + 0x%lx wraps", 0xfffffffffffff000ul, 0x2000ul);
    SAME("%s%s", " -> ", "dom1");
    SAME("%c%s", 'x', "(yz)");
}

static void test_pointer_and_null(void **state)
{
    char buf[64];

    (void)state;
    lib_snprintf(buf, sizeof(buf), "%p", (void *)0x1000);
    assert_string_equal(buf, "0x0000000000001000");
    lib_snprintf(buf, sizeof(buf), "%p", (void *)0xffff800000001000ull);
    assert_string_equal(buf, "0xffff800000001000");
    lib_snprintf(buf, sizeof(buf), "%s", (char *)NULL);
    assert_string_equal(buf, "(null)");
}

static void test_truncation(void **state)
{
    char buf[8];

    (void)state;
    memset(buf, 'X', sizeof(buf));
    assert_int_equal(lib_snprintf(buf, sizeof(buf), "%s-%d", "abcdef", 12345), 12);
    assert_string_equal(buf, "abcdef-");
    assert_int_equal(lib_snprintf(buf, 1, "abc"), 3);
    assert_string_equal(buf, "");
    buf[0] = 'Y';
    assert_int_equal(lib_snprintf(buf, 0, "abc"), 3);
    assert_int_equal(buf[0], 'Y'); /* size 0 writes nothing */
    assert_int_equal(lib_snprintf(NULL, 0, "%d", 123), 3);
    assert_int_equal(lib_snprintf(buf, 4, "%d", -12345), 6);
    assert_string_equal(buf, "-12");
}

static void test_malformed(void **state)
{
    char buf[32];

    (void)state;
    /* A lone '%' at the end and an unknown conversion are shown, not followed. */
    lib_snprintf(buf, sizeof(buf), "50%");
    assert_string_equal(buf, "50");
    lib_snprintf(buf, sizeof(buf), "%q!");
    assert_string_equal(buf, "%q!");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_integers),        cmocka_unit_test(test_strings_and_chars),
        cmocka_unit_test(test_callers_formats), cmocka_unit_test(test_pointer_and_null),
        cmocka_unit_test(test_truncation),      cmocka_unit_test(test_malformed),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
