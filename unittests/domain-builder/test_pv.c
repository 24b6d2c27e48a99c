// SPDX-License-Identifier: MIT
/*
 * PV: our pv-hello guest built into host memory, then decoded by walking the
 * initial page tables from CR3 like the guest's MMU would: start_info at
 * RSI, the P2M list, the initrd, the page tables (read-only), the stack, the
 * hypercall page stubs, the mapping's extent, and the register state. Built
 * once with MFN = GFN and once with a translated machine address space.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <domain-builder/builder.h>

#include "helpers.h"

#define MiB (1024ull * 1024)
#define VIRT_BASE 0xffffffff80000000ull
#define MFN_OFFSET 0x123400ull

static bool translated;

static uint64_t to_mfn(void *ctx, uint64_t gfn)
{
    (void)ctx;
    return gfn + MFN_OFFSET;
}

static uint64_t to_gfn(uint64_t mfn)
{
    return mfn - MFN_OFFSET;
}

static uint64_t mfn_of(uint64_t gfn)
{
    return translated ? gfn + MFN_OFFSET : gfn;
}

/* Xen note `type` of an ELF64 image, found with our own note scan. */
static uint64_t xen_note(const uint8_t *elf, uint32_t type)
{
    uint64_t phoff = th_le(elf + 32, 8);
    unsigned int phnum = (unsigned int)th_le(elf + 56, 2);

    for (unsigned int i = 0; i < phnum; i++) {
        const uint8_t *ph = elf + phoff + i * 56;
        uint64_t off = th_le(ph + 8, 8), size = th_le(ph + 32, 8), o = 0;

        if (th_le(ph, 4) != 4)
            continue;
        while (o + 12 <= size) {
            const uint8_t *n = elf + off + o;
            uint64_t namesz = th_le(n, 4), descsz = th_le(n + 4, 4);

            if (th_le(n + 8, 4) == type && namesz == 4 && !memcmp(n + 12, "Xen", 4))
                return th_le(n + 12 + 4, (int)descsz);
            o += 12 + ((namesz + 3) & ~3ull) + ((descsz + 3) & ~3ull);
        }
    }
    fail_msg("no Xen note %u", type);
    return 0;
}

struct seg_check {
    const uint8_t *file;
    const struct th_guest *g;
    uint64_t cr3;
    uint64_t hypercall_va;   /* the builder fills this page: not file bytes */
};

static uint64_t va2pa(const struct th_guest *g, uint64_t cr3, uint64_t va, bool *rw)
{
    uint64_t gpa;
    bool w;

    if (!th_walk(g, cr3, va, translated ? to_gfn : NULL, &gpa, &w))
        fail_msg("va 0x%llx not mapped", (unsigned long long)va);
    if (rw)
        *rw = w;
    return gpa;
}

static void check_segment(void *ctx, uint64_t offset, uint64_t vaddr, uint64_t paddr,
                          uint64_t filesz, uint64_t memsz)
{
    struct seg_check *c = ctx;

    (void)paddr;
    for (uint64_t i = 0; i < memsz; i++) {
        uint64_t pa = va2pa(c->g, c->cr3, vaddr + i, NULL);

        if (vaddr + i - c->hypercall_va < 4096)
            continue;
        assert_int_equal(th_rd8(c->g, pa), i < filesz ? c->file[offset + i] : 0);
    }
}

static void run(bool translate)
{
    static struct db_layout l;
    static uint8_t initrd[5000];
    const char *cmdline = "console=hvc0 pv=yes";
    struct db_module mod = { initrd, sizeof(initrd), NULL };
    struct db_vcpu_state v;
    struct db_guest_mem mem;
    struct db_buffer_mem bm;
    struct db_diag diag;
    struct th_guest g;
    uint64_t size, si, pt_base, nr_pt, p2m, va, hc, end_of_boot;
    uint8_t *k = th_read_file(TESSERA_GUESTS_DIR "/pv-hello.elf", &size);
    struct db_domain_spec spec = {
        .name = "pv", .memory_bytes = 32 * MiB, .nr_vcpus = 1, .kernel = k, .kernel_size = size,
        .modules = &mod, .nr_modules = 1, .cmdline = cmdline, .pv_store_evtchn = 3,
        .pv_console_evtchn = 4, .pv_shared_info_maddr = 0xABC000,
    };
    struct seg_check sc;
    bool rw;

    translated = translate;
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
        mem.gfn_to_mfn = to_mfn;
    if (db_build(&spec, &l, &mem, &v, &diag))
        fail_msg("build: %s", diag.msg);

    /* Registers of the x86-64 PV ABI. */
    assert_int_equal(v.mode, DB_CPU_PV64);
    assert_int_equal(v.rip, xen_note(k, 1));          /* XEN_ELFNOTE_ENTRY */
    assert_int_equal(v.rip, th_elf_entry(k));
    assert_int_equal(v.cs.selector, 0xe033);
    assert_int_equal(v.ss.selector, 0xe02b);
    assert_int_equal(v.ds.selector, 0);
    assert_int_equal(v.rflags, 0x202);
    assert_true(v.rsi >= VIRT_BASE);
    assert_int_equal(v.rsp % 4096, 0);

    /* start_info at RSI. */
    si = va2pa(&g, v.cr3, v.rsi, &rw);
    assert_true(rw);
    assert_string_equal((const char *)th_ptr(&g, si, 15), "xen-3.0-x86_64");
    assert_int_equal(th_rd64(&g, si + 32), spec.memory_bytes / 4096);   /* nr_pages */
    assert_int_equal(th_rd64(&g, si + 40), 0xABC000);                   /* shared_info */
    assert_int_equal(th_rd32(&g, si + 48), 0);                          /* flags */
    assert_int_equal(th_rd32(&g, si + 64), 3);                          /* store_evtchn */
    assert_int_equal(th_rd32(&g, si + 80), 4);                          /* console evtchn */
    assert_string_equal((const char *)th_ptr(&g, si + 128, strlen(cmdline) + 1), cmdline);

    /* pt_base is CR3's frame; every page-table frame is mapped read-only. */
    pt_base = th_rd64(&g, si + 88);
    nr_pt = th_rd64(&g, si + 96);
    assert_int_equal(to_gfn(v.cr3 >> 12) + (translate ? 0 : MFN_OFFSET),
                     va2pa(&g, v.cr3, pt_base, NULL) >> 12);
    assert_true(nr_pt >= 4);
    for (uint64_t i = 0; i < nr_pt; i++) {
        va2pa(&g, v.cr3, pt_base + i * 4096, &rw);
        assert_false(rw);
    }

    /* P2M list: pfn -> mfn for every page. */
    p2m = th_rd64(&g, si + 104);
    for (uint64_t pfn = 0; pfn < spec.memory_bytes / 4096; pfn++)
        assert_int_equal(th_rd64(&g, va2pa(&g, v.cr3, p2m + pfn * 8, NULL)), mfn_of(pfn));

    /* The initrd at mod_start. */
    assert_int_equal(th_rd64(&g, si + 120), sizeof(initrd));
    for (uint64_t i = 0; i < sizeof(initrd); i++)
        assert_int_equal(th_rd8(&g, va2pa(&g, v.cr3, th_rd64(&g, si + 112) + i, NULL)), initrd[i]);

    /* xenstore and console pages: machine frames of mapped, zeroed pages. */
    assert_int_equal(th_rd64(&g, si + 56) - (translate ? MFN_OFFSET : 0) < g.nr_frames, 1);
    assert_int_equal(th_rd64(&g, si + 72) - (translate ? MFN_OFFSET : 0) < g.nr_frames, 1);

    /* The kernel's segments, through the page tables. */
    sc = (struct seg_check){ k, &g, v.cr3, xen_note(k, 2) };
    th_elf_for_each_load(k, check_segment, &sc);

    /* The hypercall page: console_io (18) and iret (23) stubs. */
    hc = va2pa(&g, v.cr3, xen_note(k, 2), NULL);
    {
        static const uint8_t console_io[] = { 0x51, 0x41, 0x53, 0xb8, 18, 0, 0, 0,
                                              0x0f, 0x05, 0x41, 0x5b, 0x59, 0xc3 };
        static const uint8_t iret[] = { 0x51, 0x41, 0x53, 0x50, 0xb8, 23, 0, 0, 0, 0x0f, 0x05 };

        assert_memory_equal(th_ptr(&g, hc + 18 * 32, sizeof(console_io)), console_io,
                            sizeof(console_io));
        assert_memory_equal(th_ptr(&g, hc + 23 * 32, sizeof(iret)), iret, sizeof(iret));
    }

    /* Linear mapping va = VIRT_BASE + pfn * 4K, writable except the tables. */
    for (va = VIRT_BASE; th_walk(&g, v.cr3, va, translate ? to_gfn : NULL, &si, &rw); va += 4096)
        assert_int_equal(si, va - VIRT_BASE);
    /* The stack is the last bootstrap element; >= 512 KiB mapped after it, 4 MiB aligned. */
    end_of_boot = v.rsp;
    assert_true(va - end_of_boot >= 512 * 1024);
    assert_int_equal(va % (4 * MiB), 0);
    assert_true(pt_base < end_of_boot && p2m < pt_base && th_rd64(&g, si + 0) == th_rd64(&g, si));
    va2pa(&g, v.cr3, v.rsp - 8, &rw);
    assert_true(rw);

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
