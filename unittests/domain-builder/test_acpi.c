// SPDX-License-Identifier: MIT
/*
 * Guest ACPI tables: built for PVH (our hello guest) and Linux boot-protocol
 * (a synthetic bzImage) domains with 1 to 128 vCPUs and decoded by
 * acpi_verify.c from the pointer the guest is given (hvm_start_info's
 * rsdp_paddr, boot_params' acpi_rsdp_addr) and the memory map it is given;
 * none for PV domains; more vCPUs than APIC ids allow refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <domain-builder/builder.h>

#include "acpi_verify.h"
#include "bzimage_gen.h"
#include "linux_verify.h"

#define MiB (1024ull * 1024)

static void pvh(uint32_t nr_vcpus)
{
    static struct db_layout l;
    struct db_vcpu_state v;
    struct th_guest g;
    struct th_e820 e[32];
    uint64_t size, si, mm;
    uint8_t *k = th_read_file(TESSERA_GUESTS_DIR "/hello.elf", &size);
    struct db_domain_spec spec = {
        .name = "acpi",
        .memory_bytes = 32 * MiB,
        .nr_vcpus = nr_vcpus,
        .kernel = k,
        .kernel_size = size,
    };
    uint32_t n;

    assert_non_null(k);
    build_domain(&spec, &g, &l, &v);
    si = v.rbx;
    assert_int_equal(th_rd32(&g, si + 4), 1); /* still hvm_start_info v1 */
    mm = th_rd64(&g, si + 40);
    n = th_rd32(&g, si + 48);
    assert_true(n <= 32);
    for (uint32_t i = 0; i < n; i++) {
        e[i].addr = th_rd64(&g, mm + i * 24);
        e[i].size = th_rd64(&g, mm + i * 24 + 8);
        e[i].type = th_rd32(&g, mm + i * 24 + 16);
    }
    th_hvm_e820_check(&g, e, n, spec.memory_bytes);
    verify_acpi(&g, th_rd64(&g, si + 32), nr_vcpus, e, n);
    th_guest_free(&g);
    free(k);
}

static void test_pvh_1(void **state)
{
    (void)state;
    pvh(1);
}

static void test_pvh_2(void **state)
{
    (void)state;
    pvh(2);
}

static void test_pvh_4(void **state)
{
    (void)state;
    pvh(4);
}

/* The most there can be: APIC id 254, a DSDT whose scope needs a 2-byte PkgLength. */
static void test_pvh_128(void **state)
{
    (void)state;
    pvh(DB_MAX_VCPUS);
}

/*
 * The tables depend on nothing the tree gives but the vCPU count, so every
 * count is built and decoded: the builder's whole ACPI input space, where a
 * fuzzer would only sample it.
 */
static void test_pvh_every_count(void **state)
{
    (void)state;
    for (uint32_t n = 1; n <= DB_MAX_VCPUS; n++)
        pvh(n);
}

static void test_linux_boot_params(void **state)
{
    static struct db_layout l;
    struct db_vcpu_state v;
    struct th_guest g;
    struct th_e820 e[128];
    uint64_t size;
    uint8_t *img = make_bzimage(true, &size);
    struct db_domain_spec spec = {
        .name = "linux",
        .memory_bytes = 32 * MiB,
        .nr_vcpus = 3,
        .kernel = img,
        .kernel_size = size,
    };
    uint32_t n;

    (void)state;
    build_domain(&spec, &g, &l, &v);
    n = th_rd8(&g, v.rsi + 0x1E8);
    for (uint32_t i = 0; i < n; i++) {
        e[i].addr = th_rd64(&g, v.rsi + 0x2D0 + i * 20);
        e[i].size = th_rd64(&g, v.rsi + 0x2D0 + i * 20 + 8);
        e[i].type = th_rd32(&g, v.rsi + 0x2D0 + i * 20 + 16);
    }
    th_hvm_e820_check(&g, e, n, spec.memory_bytes);
    verify_acpi(&g, th_rd64(&g, v.rsi + 0x70), 3, e, n); /* acpi_rsdp_addr */
    th_guest_free(&g);
    free(img);
}

/* Frames the backend hands over dirty: the tables and their range come out the same. */
static void test_dirty_backend(void **state)
{
    static struct db_layout l;
    struct db_vcpu_state v;
    struct db_guest_mem mem;
    struct db_buffer_mem bm;
    struct db_diag diag;
    struct th_guest g, clean;
    uint64_t size;
    uint8_t *k = th_read_file(TESSERA_GUESTS_DIR "/hello.elf", &size);
    struct db_domain_spec spec = {
        .name = "dirty",
        .memory_bytes = 32 * MiB,
        .nr_vcpus = 5,
        .kernel = k,
        .kernel_size = size,
    };

    (void)state;
    assert_non_null(k);
    build_domain(&spec, &clean, &l, &v);
    th_guest_alloc(&g, l.nr_frames);
    memset(g.buf, 0xA5, l.nr_frames * 4096);
    db_buffer_mem_init(&mem, &bm, g.buf, g.nr_frames);
    assert_int_equal(db_build(&spec, &l, &mem, &v, &diag), 0);
    assert_memory_equal(th_ptr(&g, 0xE0000, 0x20000), th_ptr(&clean, 0xE0000, 0x20000), 0x20000);
    th_guest_free(&g);
    th_guest_free(&clean);
    free(k);
}

/* PV domains get no ACPI: no ACPI range, no RSDP anywhere a guest would scan. */
static void test_pv_none(void **state)
{
    static struct db_layout l;
    struct db_vcpu_state v;
    struct th_guest g;
    uint64_t size;
    uint8_t *k = th_read_file(TESSERA_GUESTS_DIR "/pv-hello.elf", &size);
    struct db_domain_spec spec = {
        .name = "pv",
        .memory_bytes = 16 * MiB,
        .nr_vcpus = 2,
        .kernel = k,
        .kernel_size = size,
    };

    (void)state;
    assert_non_null(k);
    build_domain(&spec, &g, &l, &v);
    assert_int_equal(l.mode, DB_MODE_PV);
    assert_int_equal(l.rsdp, 0);
    for (uint32_t i = 0; i < l.nr_e820; i++)
        assert_int_not_equal(l.e820[i].type, DB_E820_ACPI);
    for (uint64_t gpa = 0; gpa < MiB; gpa += 16)
        assert_false(memcmp(th_ptr(&g, gpa, 8), "RSD PTR ", 8) == 0);
    th_guest_free(&g);
    free(k);
}

static void test_too_many_vcpus(void **state)
{
    static struct db_layout l;
    struct db_diag diag;
    uint64_t size;
    uint8_t *k = th_read_file(TESSERA_GUESTS_DIR "/hello.elf", &size);
    struct db_domain_spec spec = {
        .name = "big",
        .memory_bytes = 32 * MiB,
        .nr_vcpus = DB_MAX_VCPUS + 1,
        .kernel = k,
        .kernel_size = size,
    };

    (void)state;
    assert_non_null(k);
    assert_int_equal(db_prepare(&spec, &l, &diag), -1);
    assert_int_equal(diag.code, DB_ERR_SPEC);
    assert_non_null(strstr(diag.msg, "129 vCPUs"));
    assert_non_null(strstr(diag.msg, "APIC ids"));
    free(k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pvh_1),           cmocka_unit_test(test_pvh_2),
        cmocka_unit_test(test_pvh_4),           cmocka_unit_test(test_pvh_128),
        cmocka_unit_test(test_pvh_every_count), cmocka_unit_test(test_linux_boot_params),
        cmocka_unit_test(test_dirty_backend),   cmocka_unit_test(test_pv_none),
        cmocka_unit_test(test_too_many_vcpus),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
