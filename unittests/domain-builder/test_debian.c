// SPDX-License-Identifier: MIT
/*
 * Debian's stock kernel (linux-image-6.1.0-*-amd64), fetched by
 * scripts/fetch-debian-kernel and passed as argv[1]: built through the Linux
 * 64-bit boot protocol and checked field by field; its PVH entry sits in the
 * XZ payload, so mode pvh is refused with the reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "linux_verify.h"

#define MiB (1024ull * 1024)

static const char *kernel_path;
static uint8_t *image;
static uint64_t image_size;

static int load_image(void **state)
{
    (void)state;
    image = th_read_file(kernel_path, &image_size);
    return image ? 0 : -1;
}

static int free_image(void **state)
{
    (void)state;
    free(image);
    return 0;
}

static void test_header(void **state)
{
    struct db_bzimage bz;
    struct db_diag diag;
    const uint8_t *payload;

    (void)state;
    if (db_bzimage_parse(image, image_size, &bz, &diag))
        fail_msg("%s", diag.msg);
    assert_true(bz.version >= 0x020C);
    assert_true(bz.xloadflags & 1);
    assert_true(bz.relocatable);
    assert_int_equal(bz.kernel_alignment, 2 * MiB);
    assert_int_equal(bz.pref_address, 0x1000000);
    assert_true(bz.init_size > bz.pm_size);
    /* The payload is XZ (why mode pvh needs the vmlinux, docs/domain-builder.md). */
    payload = image + bz.pm_offset + bz.payload_offset;
    assert_memory_equal(payload, "\xFD" "7zXZ", 5);
}

static void test_build(void **state)
{
    static struct db_layout l;
    const char *cmdline = "console=ttyS0,115200 earlyprintk=serial,ttyS0,115200 nokaslr "
                          "acpi=off pci=off tsc_early_khz=2000000 rdinit=/init";
    uint64_t initrd_size = 1 * MiB + 123;
    uint8_t *initrd = malloc(initrd_size);
    struct db_module mod = { initrd, initrd_size, NULL };
    struct db_domain_spec spec = {
        .name = "debian", .memory_bytes = 256 * MiB, .nr_vcpus = 2, .kernel = image,
        .kernel_size = image_size, .modules = &mod, .nr_modules = 1, .cmdline = cmdline,
    };
    struct db_vcpu_state v;
    struct th_guest g;

    (void)state;
    for (uint64_t i = 0; i < initrd_size; i++)
        initrd[i] = (uint8_t)(i * 5 + 3);
    build_domain(&spec, &g, &l, &v);
    assert_int_equal(l.mode, DB_MODE_LINUX);
    assert_int_equal(verify_linux(&g, image, image_size, &v, spec.memory_bytes, cmdline, initrd,
                                  initrd_size),
                     0x1000000);
    printf("debian kernel %s: protocol %x, loaded at 0x%llx, entry 0x%llx, zero page 0x%llx\n",
           kernel_path, l.image.bz.version, (unsigned long long)l.kernel.gpa,
           (unsigned long long)v.rip, (unsigned long long)v.rsi);
    th_guest_free(&g);
    free(initrd);
}

static void test_refusals(void **state)
{
    static struct db_layout l;
    struct db_domain_spec spec = {
        .name = "debian", .memory_bytes = 256 * MiB, .nr_vcpus = 1, .kernel = image,
        .kernel_size = image_size, .mode = DB_MODE_PVH,
    };
    struct db_diag diag;

    (void)state;
    assert_int_equal(db_prepare(&spec, &l, &diag), -1);
    assert_int_equal(diag.code, DB_ERR_UNSUPPORTED);
    assert_non_null(strstr(diag.msg, "compressed payload"));

    /* init_size (~64 MiB) does not fit a 64 MiB domain anywhere. */
    spec.mode = DB_MODE_AUTO;
    spec.memory_bytes = 64 * MiB;
    assert_int_equal(db_prepare(&spec, &l, &diag), -1);
    assert_int_equal(diag.code, DB_ERR_NO_MEMORY);
    assert_non_null(strstr(diag.msg, "init_size"));

    /* Cut anywhere in the setup area: refused, never read past the end. */
    for (uint64_t cut = 0; cut < 0x5000; cut += 0x1F) {
        spec.kernel_size = cut;
        assert_int_equal(db_prepare(&spec, &l, &diag), -1);
    }
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header),
        cmocka_unit_test(test_build),
        cmocka_unit_test(test_refusals),
    };

    if (argc != 2) {
        fprintf(stderr, "usage: %s VMLINUZ\n", argv[0]);
        return 2;
    }
    kernel_path = argv[1];
    return cmocka_run_group_tests(tests, load_image, free_image);
}
