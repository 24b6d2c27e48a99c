// SPDX-License-Identifier: MIT
/* Boot timeline arithmetic and table (hv/common/timeline.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <boot/bootinfo.h>
#include <hv/time.h>
#include <hv/timeline.h>
#include "fake_hv.h"

static uint64_t fake_khz;

uint64_t tsc_khz(void)
{
    return fake_khz;
}

static void start(uint64_t loader_tsc, uint64_t ebs_tsc, uint64_t khz)
{
    struct tessera_bootinfo bi = { 0 };

    bi.stamps.loader_start_tsc = loader_tsc;
    bi.stamps.exit_boot_services_tsc = ebs_tsc;
    fake_khz = khz;
    timeline_init(&bi);
}

static void test_conversion(void **state)
{
    (void)state;
    start(1000, 0, 2000000); /* 2 GHz */
    assert_int_equal(timeline_tsc_to_us(1000), 0);
    assert_int_equal(timeline_tsc_to_us(999), 0); /* before the loader: clamped */
    assert_int_equal(timeline_tsc_to_us(1000 + 2000), 1);
    assert_int_equal(timeline_tsc_to_us(1000 + 2000000000ull), 1000000);
    /* A rate that divides nothing evenly, and a year of ticks: no overflow. */
    fake_khz = 2593012;
    assert_int_equal(timeline_tsc_to_us(1000 + 2593012), 1000);
    uint64_t year = 2593012000ull * 3600 * 24 * 365;

    assert_true(timeline_tsc_to_us(1000 + year) == 1000000ull * 3600 * 24 * 365);
    /* No rate known yet: 0, not a division by zero. */
    fake_khz = 0;
    assert_int_equal(timeline_tsc_to_us(5000), 0);
}

static void test_table(void **state)
{
    (void)state;
    start(1000, 1000 + 3000000, 1000000); /* 1 GHz: ExitBootServices at 3000 us */
    timeline_mark("cpu online", 1);
    fake_console_reset();
    timeline_print();
    assert_non_null(strstr(fake_console, "0          0  loader start\n"));
    assert_non_null(strstr(fake_console, "3000       3000  ExitBootServices\n"));
    assert_non_null(strstr(fake_console, "hv entry\n"));
    assert_non_null(strstr(fake_console, "cpu online 1\n"));
    /* Events print in time order. */
    assert_true(strstr(fake_console, "ExitBootServices") < strstr(fake_console, "cpu online"));
}

static unsigned int count(const char *hay, const char *needle)
{
    unsigned int n = 0;

    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* The loader's read stamps (boot information version 3), shown in time order. */
static void test_loader_stamps(void **state)
{
    struct tessera_module modules[2] = {
        { .base = 0x200000, .size = 4096, .read_tsc = 1000 + 2700000 },
        { .base = 0x300000, .size = 4096, .read_tsc = 1000 + 2500000 }, /* stamped earlier */
    };
    struct tessera_bootinfo bi = { 0 };

    (void)state;
    bi.stamps.loader_start_tsc = 1000;
    bi.stamps.tree_read_tsc = 1000 + 1000000;
    bi.stamps.hv_read_tsc = 1000 + 2000000;
    bi.stamps.exit_boot_services_tsc = 1000 + 3000000;
    bi.modules_paddr = (uint64_t)(uintptr_t)modules;
    bi.nr_modules = 2;
    bi.module_entry_size = sizeof(modules[0]);
    fake_khz = 1000000;
    timeline_init(&bi);
    fake_console_reset();
    timeline_print();
    assert_non_null(strstr(fake_console, "1000       1000  tree read\n"));
    assert_non_null(strstr(fake_console, "2000       1000  hypervisor read\n"));
    assert_non_null(strstr(fake_console, "2500        500  module read 1\n"));
    assert_non_null(strstr(fake_console, "2700        200  module read 0\n"));
    assert_true(strstr(fake_console, "module read 0") < strstr(fake_console, "ExitBootServices"));
}

/* A domain's first line is its ready event; the last one's prints the whole timeline. */
static void test_domains_ready(void **state)
{
    (void)state;
    start(1000, 0, 1000000);
    fake_console_reset();
    timeline_domain_output(5); /* before any start: not an event */
    timeline_domains_starting(2);
    timeline_domain_output(5);
    timeline_domain_output(5);
    assert_int_equal(count(fake_console, "every domain is ready"), 0);
    timeline_domain_output(7);
    timeline_domain_output(7);
    assert_int_equal(count(fake_console, "tessera: boot timeline: every domain is ready\n"), 1);
    assert_int_equal(count(fake_console, "domain ready 5\n"), 1);
    assert_int_equal(count(fake_console, "domain ready 7\n"), 1);
    assert_true(strstr(fake_console, "every domain") < strstr(fake_console, "domain ready 5"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conversion),
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_loader_stamps),
        cmocka_unit_test(test_domains_ready),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
