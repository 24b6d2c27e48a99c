/* SPDX-License-Identifier: MIT */
/* TSC <-> nanosecond conversions (hv/common/time.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <asm/tsc.h>
#include <hv/time.h>

/* TSC ticks since the zero point -> ns at khz. */
static uint64_t ticks_to_ns(uint64_t ticks, uint64_t khz)
{
    time_set_tsc_rate(khz, 0);
    return tsc_to_ns(ticks);
}

static void test_ticks_and_ns(void **state)
{
    (void)state;
    /* 2.5 GHz: 2.5 ticks per ns. */
    assert_in_range(ticks_to_ns(2500000000ull, 2500000), 1000000000ull - 1, 1000000000ull);
    assert_in_range(ns_to_tsc_ticks(1000000000ull, 2500000), 2500000000ull, 2500000000ull + 1);
    assert_in_range(ns_to_tsc_ticks(1000, 2500000), 2500, 2501);
    assert_int_equal(ns_to_tsc_ticks(0, 2500000), 0);
    /* 1 GHz, and a rate that is not a whole number of ticks per ns. */
    assert_int_equal(ticks_to_ns(12345, 1000000), 12345);
    assert_in_range(ticks_to_ns(2593012, 2593012), 999999, 1000000);
}

static void test_round_trip_precision(void **state)
{
    static const uint64_t rates_khz[] = { 1000000, 2593012, 3700000, 4999999 };

    (void)state;
    for (size_t i = 0; i < sizeof(rates_khz) / sizeof(rates_khz[0]); i++) {
        /* An hour of ticks converts within a nanosecond or a tick. */
        uint64_t ticks = rates_khz[i] * 1000 * 3600;
        uint64_t ns = ticks_to_ns(ticks, rates_khz[i]);

        assert_in_range(ns, 3600000000000ull - 1, 3600000000000ull);
        assert_in_range(ns_to_tsc_ticks(3600000000000ull, rates_khz[i]), ticks, ticks + 1);
    }
}

static void test_absolute_time(void **state)
{
    (void)state;
    time_set_tsc_rate(2593012, 1000000);
    assert_int_equal(tsc_khz(), 2593012);
    assert_int_equal(tsc_to_ns(1000000), 0);
    assert_int_equal(tsc_to_ns(999), 0); /* before the zero point */
    assert_in_range(tsc_to_ns(1000000 + 2593012000ull), 999999999, 1000000000);
    assert_in_range(ns_to_tsc(1000000000ull), 1000000 + 2593012000ull - 1, 1000000 + 2593012000ull);
    /* A deadline's TSC value is never early: tsc_to_ns(ns_to_tsc(t)) >= t. */
    for (uint64_t ns = 0; ns < 100000000; ns += 999983)
        assert_true(tsc_to_ns(ns_to_tsc(ns)) >= ns);
    for (uint64_t tsc = 1000000; tsc < 1000000 + 100000; tsc += 977)
        assert_true(tsc_to_ns(tsc + 1) >= tsc_to_ns(tsc));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ticks_and_ns),
        cmocka_unit_test(test_round_trip_precision),
        cmocka_unit_test(test_absolute_time),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
