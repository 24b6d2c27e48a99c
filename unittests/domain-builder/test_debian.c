// SPDX-License-Identifier: MIT
/*
 * Debian's stock kernel (linux-image-6.1.0-*-amd64), fetched by
 * scripts/fetch-debian-kernel: the bzImage (argv[1]) built through the Linux
 * 64-bit boot protocol and checked field by field (mode pvh on it is refused
 * with the reason: the PVH entry sits in the XZ payload), and the vmlinux ELF
 * the script unpacked from that payload (argv[2]) built both as PVH and as
 * PV and decoded by the same checkers as our own test kernels.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "linux_verify.h"
#include "pv_verify.h"
#include "pvh_verify.h"

#define MiB (1024ull * 1024)

static const char *kernel_path, *vmlinux_path;
static uint8_t *image, *vmlinux;
static uint64_t image_size, vmlinux_size;

static int load_image(void **state)
{
    (void)state;
    image = th_read_file(kernel_path, &image_size);
    vmlinux = th_read_file(vmlinux_path, &vmlinux_size);
    return image && vmlinux ? 0 : -1;
}

static int free_image(void **state)
{
    (void)state;
    free(image);
    free(vmlinux);
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
    assert_memory_equal(payload,
                        "\xFD"
                        "7zXZ",
                        5);
}

static void test_build(void **state)
{
    static struct db_layout l;
    const char *cmdline = "console=ttyS0,115200 earlyprintk=serial,ttyS0,115200 nokaslr "
                          "acpi=off pci=off tsc_early_khz=2000000 rdinit=/init";
    uint64_t initrd_size = 1 * MiB + 123;
    uint8_t *initrd = malloc(initrd_size);
    struct db_module mod = { initrd, initrd_size, NULL, false, 0 };
    struct db_domain_spec spec = {
        .name = "debian",
        .memory_bytes = 256 * MiB,
        .nr_vcpus = 2,
        .kernel = image,
        .kernel_size = image_size,
        .modules = &mod,
        .nr_modules = 1,
        .cmdline = cmdline,
    };
    struct db_vcpu_state v;
    struct th_guest g;

    (void)state;
    for (uint64_t i = 0; i < initrd_size; i++)
        initrd[i] = (uint8_t)(i * 5 + 3);
    build_domain(&spec, &g, &l, &v);
    assert_int_equal(l.mode, DB_MODE_LINUX);
    assert_int_equal(
        verify_linux(&g, image, image_size, &v, spec.memory_bytes, cmdline, initrd, initrd_size),
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
        .name = "debian",
        .memory_bytes = 256 * MiB,
        .nr_vcpus = 1,
        .kernel = image,
        .kernel_size = image_size,
        .mode = DB_MODE_PVH,
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

static void build_vmlinux(enum db_mode mode, struct db_layout *l, struct th_guest *g,
                          struct db_vcpu_state *v, const struct db_module *mod, const char *cmdline)
{
    struct db_domain_spec spec = {
        .name = "debian-vmlinux",
        .memory_bytes = 256 * MiB,
        .nr_vcpus = 1,
        .kernel = vmlinux,
        .kernel_size = vmlinux_size,
        .mode = mode,
        .modules = mod,
        .nr_modules = 1,
        .cmdline = cmdline,
    };

    build_domain(&spec, g, l, v);
    assert_int_equal(l->mode, mode == DB_MODE_AUTO ? DB_MODE_PVH : mode);
}

static void test_vmlinux_pvh(void **state)
{
    static struct db_layout l;
    static uint8_t initrd[20000];
    const char *cmdline = "console=ttyS0 nokaslr acpi=off";
    struct db_module mod = { initrd, sizeof(initrd), "initrd", false, 0 };
    struct db_vcpu_state v;
    struct th_guest g;
    uint64_t entry, si, ml;

    (void)state;
    for (size_t i = 0; i < sizeof(initrd); i++)
        initrd[i] = (uint8_t)(i * 3);
    assert_true(th_xen_note(vmlinux, 18, &entry));
    build_vmlinux(DB_MODE_AUTO, &l, &g, &v, &mod, cmdline); /* PHYS32_ENTRY wins */
    si = verify_pvh(&g, vmlinux, entry, &v, 256 * MiB, cmdline);
    assert_int_equal(th_rd32(&g, si + 12), 1);
    ml = th_rd64(&g, si + 16);
    assert_int_equal(th_rd64(&g, ml + 8), sizeof(initrd));
    assert_memory_equal(th_ptr(&g, th_rd64(&g, ml), sizeof(initrd)), initrd, sizeof(initrd));
    printf("debian vmlinux PVH: entry 0x%llx, start_info 0x%llx\n", (unsigned long long)v.rip,
           (unsigned long long)si);
    th_guest_free(&g);
}

static void test_vmlinux_pv(void **state)
{
    static struct db_layout l;
    static uint8_t initrd[20000];
    const char *cmdline = "console=hvc0 earlyprintk=xen";
    struct db_module mod = { initrd, sizeof(initrd), NULL, false, 0 };
    struct pv_frames frames = { NULL, NULL };
    struct db_vcpu_state v;
    struct th_guest g;

    (void)state;
    for (size_t i = 0; i < sizeof(initrd); i++)
        initrd[i] = (uint8_t)(i * 11);
    build_vmlinux(DB_MODE_PV, &l, &g, &v, &mod, cmdline);
    verify_pv(&g, vmlinux, &v, 256 * MiB, cmdline, initrd, sizeof(initrd), &frames);
    printf("debian vmlinux PV: entry 0x%llx, %llu page-table frames, map end 0x%llx\n",
           (unsigned long long)v.rip, (unsigned long long)(l.page_tables.size >> 12),
           (unsigned long long)l.pv_map_end);
    th_guest_free(&g);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header),     cmocka_unit_test(test_build),
        cmocka_unit_test(test_refusals),   cmocka_unit_test(test_vmlinux_pvh),
        cmocka_unit_test(test_vmlinux_pv),
    };

    if (argc != 3) {
        fprintf(stderr, "usage: %s VMLINUZ VMLINUX\n", argv[0]);
        return 2;
    }
    kernel_path = argv[1];
    vmlinux_path = argv[2];
    return cmocka_run_group_tests(tests, load_image, free_image);
}
