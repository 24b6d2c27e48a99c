// SPDX-License-Identifier: MIT
/*
 * PV: our pv-hello guest built into host memory and decoded by pv_verify.c,
 * once with MFN = GFN and once with a translated machine address space.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <domain-builder/builder.h>

#include "pv_verify.h"

#define MiB        (1024ull * 1024)
#define MFN_OFFSET 0x123400ull

static uint64_t to_mfn_ctx(void *ctx, uint64_t gfn)
{
    (void)ctx;
    return gfn + MFN_OFFSET;
}
static uint64_t to_mfn(uint64_t gfn)
{
    return gfn + MFN_OFFSET;
}
static uint64_t to_gfn(uint64_t mfn)
{
    return mfn - MFN_OFFSET;
}

static void run(bool translate)
{
    static struct db_layout l;
    static uint8_t initrd[5000];
    const char *cmdline = "console=hvc0 pv=yes";
    struct db_module mod = { initrd, sizeof(initrd), NULL, false, 0 };
    struct pv_frames frames = { translate ? to_gfn : NULL, translate ? to_mfn : NULL };
    struct db_vcpu_state v;
    struct db_guest_mem mem;
    struct db_buffer_mem bm;
    struct db_diag diag;
    struct th_guest g;
    uint64_t size;
    uint8_t *k = th_read_file(TESSERA_GUESTS_DIR "/pv-hello.elf", &size);
    struct db_domain_spec spec = {
        .name = "pv",
        .memory_bytes = 32 * MiB,
        .nr_vcpus = 1,
        .kernel = k,
        .kernel_size = size,
        .modules = &mod,
        .nr_modules = 1,
        .cmdline = cmdline,
        .pv_store_evtchn = 3,
        .pv_console_evtchn = 4,
        .pv_shared_info_maddr = 0xABC000,
    };

    assert_non_null(k);
    for (size_t i = 0; i < sizeof(initrd); i++)
        initrd[i] = (uint8_t)(i ^ 0x3C);
    if (db_prepare(&spec, &l, &diag))
        fail_msg("prepare: %s", diag.msg);
    assert_int_equal(l.mode, DB_MODE_PV);
    th_guest_alloc(&g, l.nr_frames);
    assert_int_equal(g.nr_frames, spec.memory_bytes / 4096);
    db_buffer_mem_init(&mem, &bm, g.buf, g.nr_frames);
    if (translate)
        mem.gfn_to_mfn = to_mfn_ctx;
    if (db_build(&spec, &l, &mem, &v, &diag))
        fail_msg("build: %s", diag.msg);

    verify_pv(&g, k, &v, spec.memory_bytes, cmdline, initrd, sizeof(initrd), &frames);
    assert_int_equal(v.rip, th_elf_entry(k));
    /* What the hypervisor handed in reaches start_info. */
    {
        bool rw;
        uint64_t si;

        assert_true(th_walk(&g, v.cr3, v.rsi, frames.mfn_to_gfn, &si, &rw));
        assert_int_equal(th_rd64(&g, si + 40), 0xABC000); /* shared_info */
        assert_int_equal(th_rd32(&g, si + 64), 3);        /* store_evtchn */
        assert_int_equal(th_rd32(&g, si + 80), 4);        /* console evtchn */
    }
    th_guest_free(&g);
    free(k);
}

static void test_pv_identity(void **state)
{
    (void)state;
    run(false);
}

static void test_pv_translated(void **state)
{
    (void)state;
    run(true);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pv_identity),
        cmocka_unit_test(test_pv_translated),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
