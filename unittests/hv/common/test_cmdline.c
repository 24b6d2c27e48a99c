// SPDX-License-Identifier: MIT
/* The hypervisor command line (hv/common/cmdline.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <hv/cmdline.h>
#include "fake_hv.h"

static void test_tree_then_loader(void **state)
{
    (void)state;
    cmdline_init("console=com2 debug-exit", "baud=9600 console=com1");
    assert_string_equal(cmdline_full(), "console=com2 debug-exit baud=9600 console=com1");
    /* The last occurrence wins: loader options come after the tree's. */
    assert_string_equal(cmdline_get("console"), "com1");
    assert_string_equal(cmdline_get("baud"), "9600");
    assert_string_equal(cmdline_get("debug-exit"), "");
    assert_true(cmdline_has("debug-exit"));
    assert_null(cmdline_get("crash-test"));
    assert_false(cmdline_has("crash-test"));
}

static void test_missing_parts(void **state)
{
    (void)state;
    cmdline_init(NULL, NULL);
    assert_string_equal(cmdline_full(), "");
    assert_null(cmdline_get("console"));
    cmdline_init(NULL, "debug-exit");
    assert_string_equal(cmdline_full(), "debug-exit");
    cmdline_init("debug-exit", "");
    assert_string_equal(cmdline_full(), "debug-exit");
}

static void test_key_is_whole_word(void **state)
{
    (void)state;
    cmdline_init("debug-exit=0x501 consoles=x", NULL);
    assert_null(cmdline_get("debug"));
    assert_null(cmdline_get("console"));
    assert_string_equal(cmdline_get("debug-exit"), "0x501");
    assert_string_equal(cmdline_get("consoles"), "x");
}

static void test_whitespace(void **state)
{
    (void)state;
    cmdline_init("  a=1\t\tb=2 \n", " c ");
    assert_string_equal(cmdline_get("a"), "1");
    assert_string_equal(cmdline_get("b"), "2");
    assert_string_equal(cmdline_get("c"), "");
}

static void test_numbers(void **state)
{
    (void)state;
    cmdline_init("dec=115200 hex=0xf4 HEX=0XFF bad=12z empty= flag neg=-1 "
                 "max=18446744073709551615 over=18446744073709551616 x=0x",
                 NULL);
    assert_int_equal(cmdline_get_u64("dec", 7), 115200);
    assert_int_equal(cmdline_get_u64("hex", 7), 0xf4);
    assert_int_equal(cmdline_get_u64("HEX", 7), 0xff);
    assert_int_equal(cmdline_get_u64("bad", 7), 7);
    assert_int_equal(cmdline_get_u64("empty", 7), 7);
    assert_int_equal(cmdline_get_u64("flag", 7), 7);
    assert_int_equal(cmdline_get_u64("neg", 7), 7);
    assert_int_equal(cmdline_get_u64("absent", 7), 7);
    assert_true(cmdline_get_u64("max", 7) == UINT64_MAX);
    assert_int_equal(cmdline_get_u64("over", 7), 7);
    assert_int_equal(cmdline_get_u64("x", 7), 7);
}

static void test_too_long(void **state)
{
    static char longer[5000];

    (void)state;
    memset(longer, 'a', sizeof(longer) - 1);
    memcpy(longer, "k=", 2);
    fake_console_reset();
    cmdline_init("first=1", longer);
    assert_true(strlen(cmdline_full()) < sizeof(longer) - 1);
    assert_string_equal(cmdline_get("first"), "1");
    assert_non_null(strstr(fake_console, "the rest is ignored"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tree_then_loader),  cmocka_unit_test(test_missing_parts),
        cmocka_unit_test(test_key_is_whole_word), cmocka_unit_test(test_whitespace),
        cmocka_unit_test(test_numbers),           cmocka_unit_test(test_too_long),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
