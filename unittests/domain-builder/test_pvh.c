// SPDX-License-Identifier: MIT
/*
 * PVH: our hello guest (ELF64 and its ELF32 conversion) built into a host
 * buffer, then decoded from guest memory as the guest would: hvm_start_info
 * at EBX, the memory map and module list it points to, the loaded segments,
 * the GDT behind GDTR, and the 32-bit register state.
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

struct seg_check {
    const uint8_t *file;
    const struct th_guest *g;
    unsigned int count;
};

static void check_segment(void *ctx, uint64_t offset, uint64_t vaddr, uint64_t paddr,
                          uint64_t filesz, uint64_t memsz)
{
    struct seg_check *c = ctx;

    (void)vaddr;
    assert_memory_equal(th_ptr(c->g, paddr, filesz), c->file + offset, filesz);
    for (uint64_t i = filesz; i < memsz; i++)
        assert_int_equal(th_rd8(c->g, paddr + i), 0);
    c->count++;
}

/* Decodes one built PVH domain; returns the start_info gpa. */
static uint64_t verify_pvh(const struct th_guest *g, const uint8_t *kernel,
                           const struct db_vcpu_state *v, uint64_t mem, const char *cmdline)
{
    struct seg_check sc = { kernel, g, 0 };
    struct th_e820 e[32];
    uint64_t si = v->rbx, mm, gdt;
    uint32_t n;

    /* Registers: 32-bit protected mode, paging off, flat segments. */
    assert_int_equal(v->mode, DB_CPU_PROT32);
    assert_int_equal(v->rip, th_elf_entry(kernel));   /* hello: PHYS32_ENTRY == e_entry */
    assert_int_equal(v->cr0, 0x11);                    /* PE | ET */
    assert_int_equal(v->cr4, 0);
    assert_int_equal(v->efer, 0);
    assert_int_equal(v->rflags, 0x2);
    assert_int_equal(v->cs.base, 0);
    assert_int_equal(v->cs.limit, 0xFFFFFFFF);
    assert_int_equal(v->cs.attrib, 0xC9B);             /* code, S, P, D, G */
    assert_int_equal(v->ds.attrib, 0xC93);
    assert_int_equal(v->ss.attrib, 0xC93);
    assert_int_equal(v->es.attrib, 0xC93);
    assert_int_equal(v->tr.attrib & 0x9F, 0x8B);       /* present busy 32-bit TSS */
    assert_int_equal(v->tr.limit, 0x67);

    /* The GDT behind GDTR has CS's descriptor: flat 32-bit code. */
    gdt = v->gdtr.base;
    assert_true(v->gdtr.limit >= (uint32_t)v->cs.selector + 7);
    assert_int_equal(th_rd64(g, gdt + v->cs.selector), 0x00CF9B000000FFFFull);
    assert_int_equal(th_rd64(g, gdt + v->ds.selector), 0x00CF93000000FFFFull);

    /* hvm_start_info v1, below 1 GiB. */
    assert_true(si && si < 1024 * MiB);
    assert_int_equal(th_rd32(g, si + 0), 0x336EC578);
    assert_int_equal(th_rd32(g, si + 4), 1);
    mm = th_rd64(g, si + 40);
    n = th_rd32(g, si + 48);
    assert_true(mm && mm + n * 24 <= 1024 * MiB);
    assert_true(n >= 4 && n <= 32);
    for (uint32_t i = 0; i < n; i++) {
        e[i].addr = th_rd64(g, mm + i * 24);
        e[i].size = th_rd64(g, mm + i * 24 + 8);
        e[i].type = th_rd32(g, mm + i * 24 + 16);
    }
    /* Well formed, with the low hole and RAM adding up to what was asked. */
    assert_int_equal(th_e820_check(e, n) + (1 * MiB - 0x9FC00), mem);
    assert_int_equal(e[0].addr, 0);
    assert_int_equal(e[0].size, 0x9FC00);
    assert_int_equal(e[0].type, 1);
    assert_int_equal(th_e820_type_of(e, n, 0x9FC00, 1 * MiB - 0x9FC00), 2);
    assert_int_equal(th_e820_type_of(e, n, 0xFEC00000, 4096), 2);
    assert_int_equal(th_e820_type_of(e, n, 0xFEE00000, 4096), 2);
    assert_int_equal(th_e820_type_of(e, n, 1 * MiB, 4096), 1);

    /* Loaded segments: file bytes then zeros, inside RAM. */
    th_elf_for_each_load(kernel, check_segment, &sc);
    assert_true(sc.count >= 2);

    /* Command line. */
    if (cmdline) {
        uint64_t c = th_rd64(g, si + 24);

        assert_true(c && c < 1024 * MiB);
        assert_string_equal((const char *)th_ptr(g, c, strlen(cmdline) + 1), cmdline);
    } else {
        assert_int_equal(th_rd64(g, si + 24), 0);
    }
    return si;
}

static void build(const struct db_domain_spec *spec, struct th_guest *g,
                  struct db_layout *l, struct db_vcpu_state *v)
{
    struct db_diag diag;
    struct db_guest_mem mem;
    struct db_buffer_mem bm;
    int rc = db_prepare(spec, l, &diag);

    if (rc)
        fail_msg("prepare: %s: %s", db_err_name(diag.code), diag.msg);
    th_guest_alloc(g, l->nr_frames);
    db_buffer_mem_init(&mem, &bm, g->buf, g->nr_frames);
    rc = db_build(spec, l, &mem, v, &diag);
    if (rc)
        fail_msg("build: %s: %s", db_err_name(diag.code), diag.msg);
}

static void test_hello(void **state, const char *file)
{
    static struct db_layout l;
    struct db_vcpu_state v;
    struct th_guest g;
    uint64_t size;
    uint8_t *k = th_read_file(file, &size);
    const char *cmdline = "domain=unit console=hvc0";
    struct db_domain_spec spec = {
        .name = "hello", .memory_bytes = 64 * MiB, .nr_vcpus = 1, .kernel = k,
        .kernel_size = size, .cmdline = cmdline,
    };

    (void)state;
    assert_non_null(k);
    build(&spec, &g, &l, &v);
    assert_int_equal(l.mode, DB_MODE_PVH);
    verify_pvh(&g, k, &v, spec.memory_bytes, cmdline);
    assert_int_equal(th_rd32(&g, v.rbx + 8), 0);        /* not privileged */
    assert_int_equal(th_rd32(&g, v.rbx + 12), 0);       /* no modules */
    th_guest_free(&g);
    free(k);
}

static void test_hello64(void **state)
{
    test_hello(state, TESSERA_GUESTS_DIR "/hello.elf");
}

static void test_hello32(void **state)
{
    uint64_t size;
    uint8_t *k = th_read_file(TESSERA_GUESTS_DIR "/hello32.elf", &size);

    assert_non_null(k);
    assert_int_equal(k[4], 1);   /* really ELFCLASS32 */
    free(k);
    test_hello(state, TESSERA_GUESTS_DIR "/hello32.elf");
}

/* Modules with command lines, RSDP, a reserved range, privileged flag. */
static void test_modules(void **state)
{
    static struct db_layout l;
    static uint8_t m0[10000], m1[4096];
    struct db_vcpu_state v;
    struct th_guest g;
    uint64_t size, si, ml;
    uint8_t *k = th_read_file(TESSERA_GUESTS_DIR "/hello.elf", &size);
    struct db_module mods[2] = { { m0, sizeof(m0), "initrd-args" }, { m1, sizeof(m1), NULL } };
    struct db_guest_range shm = { 0xE0000000, 2 * MiB, 0 };
    struct db_domain_spec spec = {
        .name = "mods", .memory_bytes = 32 * MiB, .nr_vcpus = 2, .kernel = k,
        .kernel_size = size, .modules = mods, .nr_modules = 2, .reserved = &shm,
        .nr_reserved = 1, .rsdp_gpa = 0xF0000, .flags = DB_SPEC_PRIVILEGED,
    };
    struct th_e820 e[32];
    uint32_t n;

    (void)state;
    for (size_t i = 0; i < sizeof(m0); i++)
        m0[i] = (uint8_t)(i * 7);
    memset(m1, 0x5A, sizeof(m1));
    build(&spec, &g, &l, &v);
    si = verify_pvh(&g, k, &v, spec.memory_bytes, NULL);
    assert_int_equal(th_rd32(&g, si + 8), 1);           /* SIF_PRIVILEGED */
    assert_int_equal(th_rd64(&g, si + 32), 0xF0000);    /* rsdp */
    assert_int_equal(th_rd32(&g, si + 12), 2);
    ml = th_rd64(&g, si + 16);
    assert_true(ml && ml < 1024 * MiB);
    for (int i = 0; i < 2; i++) {
        uint64_t pa = th_rd64(&g, ml + i * 32), sz = th_rd64(&g, ml + i * 32 + 8);

        assert_int_equal(sz, mods[i].size);
        assert_int_equal(pa % 4096, 0);
        assert_memory_equal(th_ptr(&g, pa, sz), mods[i].data, sz);
    }
    assert_string_equal((const char *)th_ptr(&g, th_rd64(&g, ml + 16), 12), "initrd-args");
    assert_int_equal(th_rd64(&g, ml + 32 + 16), 0);
    /* Modules don't overlap each other or the kernel. */
    assert_true(th_rd64(&g, ml) >= th_rd64(&g, ml + 32) + 4096 ||
                th_rd64(&g, ml + 32) >= th_rd64(&g, ml) + sizeof(m0));
    /* The shared-memory range shows up reserved. */
    n = th_rd32(&g, si + 48);
    for (uint32_t i = 0; i < n; i++) {
        uint64_t mm = th_rd64(&g, si + 40);

        e[i].addr = th_rd64(&g, mm + i * 24);
        e[i].size = th_rd64(&g, mm + i * 24 + 8);
        e[i].type = th_rd32(&g, mm + i * 24 + 16);
    }
    assert_int_equal(th_e820_type_of(e, n, 0xE0000000, 2 * MiB), 2);
    th_guest_free(&g);
    free(k);
}

/* Above 3 GiB, RAM continues at 4 GiB (layout only: no 6 GiB buffer). */
static void test_memory_hole(void **state)
{
    static struct db_layout l;
    struct db_diag diag;
    uint64_t size;
    uint8_t *k = th_read_file(TESSERA_GUESTS_DIR "/hello.elf", &size);
    struct db_domain_spec spec = {
        .name = "big", .memory_bytes = 6144 * MiB, .nr_vcpus = 1, .kernel = k, .kernel_size = size,
    };
    struct th_e820 e[32];
    uint64_t backed = 0;

    (void)state;
    assert_int_equal(db_prepare(&spec, &l, &diag), 0);
    for (uint32_t i = 0; i < l.nr_e820; i++)
        e[i] = (struct th_e820){ l.e820[i].addr, l.e820[i].size, l.e820[i].type };
    assert_int_equal(th_e820_check(e, l.nr_e820) + (1 * MiB - 0x9FC00), spec.memory_bytes);
    assert_int_equal(th_e820_type_of(e, l.nr_e820, 1 * MiB, 3072 * MiB - 1 * MiB), 1);
    assert_int_equal(th_e820_type_of(e, l.nr_e820, 3072 * MiB, 4096), 0);   /* the hole */
    assert_int_equal(th_e820_type_of(e, l.nr_e820, 4096 * MiB, 3072 * MiB), 1);
    for (uint32_t i = 0; i < l.nr_populate; i++)
        backed += l.populate[i].nr * 4096;
    assert_int_equal(backed, spec.memory_bytes);
    assert_int_equal(l.nr_frames, (7168 * MiB) >> 12);
    free(k);
}

/* Guest memory that is scattered: every frame is its own allocation. */
struct scattered {
    uint8_t *frames[4096];
};

static void *scattered_map(void *ctx, uint64_t gfn)
{
    struct scattered *s = ctx;

    if (gfn >= 4096)
        return NULL;
    if (!s->frames[gfn])
        s->frames[gfn] = calloc(1, 4096);
    return s->frames[gfn];
}

static void test_scattered_equals_buffer(void **state)
{
    static struct db_layout l;
    static struct scattered s;
    struct db_vcpu_state v1, v2;
    struct db_guest_mem mem = { &s, scattered_map, NULL };
    struct db_diag diag;
    struct th_guest g;
    uint64_t size;
    uint8_t *k = th_read_file(TESSERA_GUESTS_DIR "/hello.elf", &size);
    struct db_domain_spec spec = {
        .name = "s", .memory_bytes = 16 * MiB, .nr_vcpus = 1, .kernel = k, .kernel_size = size,
        .cmdline = "x",
    };

    (void)state;
    build(&spec, &g, &l, &v1);
    assert_int_equal(db_build(&spec, &l, &mem, &v2, &diag), 0);
    assert_memory_equal(&v1, &v2, sizeof(v1));
    for (uint64_t f = 0; f < 4096; f++) {
        if (s.frames[f])
            assert_memory_equal(s.frames[f], g.buf + f * 4096, 4096);
        free(s.frames[f]);
    }
    th_guest_free(&g);
    free(k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hello64),
        cmocka_unit_test(test_hello32),
        cmocka_unit_test(test_modules),
        cmocka_unit_test(test_memory_hole),
        cmocka_unit_test(test_scattered_equals_buffer),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
