// SPDX-License-Identifier: MIT
/*
 * Linux boot protocol on synthetic bzImages made here byte by byte: the
 * relocatable kernel at pref_address, relocated when that does not fit, a
 * non-relocatable one, and what the zero page says.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bzimage_gen.h"
#include "linux_verify.h"

#define MiB (1024ull * 1024)

static void run(uint64_t mem, bool relocatable, uint64_t expect_load)
{
    static struct db_layout l;
    static uint8_t initrd[300000];
    struct db_vcpu_state v;
    struct th_guest g;
    uint64_t size;
    uint8_t *img = make_bzimage(relocatable, &size);
    const char *cmdline = "console=ttyS0 nokaslr acpi=off";
    struct db_module mod = { initrd, sizeof(initrd), NULL, false, 0 };
    struct db_domain_spec spec = {
        .name = "linux",
        .memory_bytes = mem,
        .nr_vcpus = 1,
        .kernel = img,
        .kernel_size = size,
        .modules = &mod,
        .nr_modules = 1,
        .cmdline = cmdline,
    };

    for (size_t i = 0; i < sizeof(initrd); i++)
        initrd[i] = (uint8_t)(i * 13 + 1);
    build_domain(&spec, &g, &l, &v);
    assert_int_equal(l.mode, DB_MODE_LINUX);
    assert_int_equal(verify_linux(&g, img, size, &v, mem, cmdline, initrd, sizeof(initrd)),
                     expect_load);
    assert_true(l.rsdp);
    assert_int_equal(th_rd64(&g, v.rsi + 0x70), l.rsdp); /* acpi_rsdp_addr */
    th_guest_free(&g);
    free(img);
}

static void test_at_pref_address(void **state)
{
    (void)state;
    run(64 * MiB, true, BZGEN_PREF_ADDRESS);
}

static void test_relocated(void **state)
{
    (void)state;
    /* 16 MiB + 4 MiB init_size does not fit 18 MiB: lowest 2 MiB-aligned fit. */
    run(18 * MiB, true, 2 * MiB);
}

static void test_not_relocatable(void **state)
{
    (void)state;
    run(64 * MiB, false, BZGEN_PREF_ADDRESS);
}

static void test_no_cmdline_no_initrd(void **state)
{
    static struct db_layout l;
    struct db_vcpu_state v;
    struct th_guest g;
    uint64_t size;
    uint8_t *img = make_bzimage(true, &size);
    struct db_domain_spec spec = {
        .name = "bare",
        .memory_bytes = 32 * MiB,
        .nr_vcpus = 4,
        .kernel = img,
        .kernel_size = size,
    };

    (void)state;
    build_domain(&spec, &g, &l, &v);
    verify_linux(&g, img, size, &v, spec.memory_bytes, NULL, NULL, 0);
    assert_int_equal(th_rd64(&g, v.rsi + 0x70), l.rsdp);
    th_guest_free(&g);
    free(img);
}

/* 6 GiB (layout only): initrd under initrd_addr_max, RAM above 4 GiB in the map. */
static void test_big_memory_layout(void **state)
{
    static struct db_layout l;
    static const uint8_t initrd[8192] = { 1 };
    struct db_module mod = { initrd, sizeof(initrd), NULL, false, 0 };
    uint64_t size;
    uint8_t *img = make_bzimage(true, &size);
    struct db_domain_spec spec = {
        .name = "big",
        .memory_bytes = 6144 * MiB,
        .nr_vcpus = 1,
        .kernel = img,
        .kernel_size = size,
        .modules = &mod,
        .nr_modules = 1,
    };
    struct db_diag diag;
    bool high = false;

    (void)state;
    assert_int_equal(db_prepare(&spec, &l, &diag), 0);
    assert_int_equal(l.modules[0].gpa + l.modules[0].size, 0x80000000ull); /* max + 1 */
    assert_int_equal(l.kernel.gpa, BZGEN_PREF_ADDRESS);
    for (uint32_t i = 0; i < l.nr_e820; i++)
        if (l.e820[i].addr == 4096 * MiB && l.e820[i].type == 1)
            high = l.e820[i].size == 3072 * MiB;
    assert_true(high);
    free(img);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_at_pref_address),   cmocka_unit_test(test_relocated),
        cmocka_unit_test(test_not_relocatable),   cmocka_unit_test(test_no_cmdline_no_initrd),
        cmocka_unit_test(test_big_memory_layout),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
