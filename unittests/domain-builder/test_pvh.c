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

#include "pvh_verify.h"

#define MiB (1024ull * 1024)

static void build(const struct db_domain_spec *spec, struct th_guest *g, struct db_layout *l,
                  struct db_vcpu_state *v)
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
        .name = "hello",
        .memory_bytes = 64 * MiB,
        .nr_vcpus = 1,
        .kernel = k,
        .kernel_size = size,
        .cmdline = cmdline,
    };

    (void)state;
    assert_non_null(k);
    build(&spec, &g, &l, &v);
    assert_int_equal(l.mode, DB_MODE_PVH);
    verify_pvh(&g, k, th_elf_entry(k), &v, spec.memory_bytes,
               cmdline);                          /* hello: PHYS32_ENTRY == e_entry */
    assert_int_equal(th_rd32(&g, v.rbx + 8), 0);  /* not privileged */
    assert_int_equal(th_rd32(&g, v.rbx + 12), 0); /* no modules */
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
    assert_int_equal(k[4], 1); /* really ELFCLASS32 */
    free(k);
    test_hello(state, TESSERA_GUESTS_DIR "/hello32.elf");
}

/* The memory map hvm_start_info at si points to, into e (32 entries at most). */
static uint32_t read_memmap(const struct th_guest *g, uint64_t si, struct th_e820 *e)
{
    uint32_t n = th_rd32(g, si + 48);
    uint64_t mm = th_rd64(g, si + 40);

    assert_true(n <= 32);
    for (uint32_t i = 0; i < n; i++) {
        e[i].addr = th_rd64(g, mm + i * 24);
        e[i].size = th_rd64(g, mm + i * 24 + 8);
        e[i].type = th_rd32(g, mm + i * 24 + 16);
    }
    return n;
}

/* Modules with command lines, a reserved range, privileged flag. */
static void test_modules(void **state)
{
    static struct db_layout l;
    static uint8_t m0[10000], m1[4096];
    struct db_vcpu_state v;
    struct th_guest g;
    uint64_t size, si, ml;
    uint8_t *k = th_read_file(TESSERA_GUESTS_DIR "/hello.elf", &size);
    struct db_module mods[2] = { { m0, sizeof(m0), "initrd-args", false, 0 },
                                 { m1, sizeof(m1), NULL, false, 0 } };
    struct db_guest_range shm = { 0xE0000000, 2 * MiB, 0 };
    struct db_domain_spec spec = {
        .name = "mods",
        .memory_bytes = 32 * MiB,
        .nr_vcpus = 2,
        .kernel = k,
        .kernel_size = size,
        .modules = mods,
        .nr_modules = 2,
        .reserved = &shm,
        .nr_reserved = 1,
        .flags = DB_SPEC_PRIVILEGED,
    };
    struct th_e820 e[32];
    uint32_t n;

    (void)state;
    for (size_t i = 0; i < sizeof(m0); i++)
        m0[i] = (uint8_t)(i * 7);
    memset(m1, 0x5A, sizeof(m1));
    build(&spec, &g, &l, &v);
    si = verify_pvh(&g, k, th_elf_entry(k), &v, spec.memory_bytes, NULL);
    assert_int_equal(th_rd32(&g, si + 8), 1);       /* SIF_PRIVILEGED */
    assert_int_equal(th_rd64(&g, si + 32), l.rsdp); /* rsdp (test_acpi.c decodes it) */
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
    n = read_memmap(&g, si, e);
    assert_int_equal(th_e820_type_of(e, n, 0xE0000000, 2 * MiB), 2);
    th_guest_free(&g);
    free(k);
}

/*
 * Decodes the shared memory table as a guest would, by byte offsets (not the
 * header's structs): the module list entry with its command line, then each
 * entry's id, address, size and flags.
 */
static uint64_t find_shm_table(const struct th_guest *g, uint64_t si, uint64_t *size)
{
    uint32_t n = th_rd32(g, si + 12);
    uint64_t ml = th_rd64(g, si + 16);

    for (uint32_t i = 1; i < n; i++) {
        uint64_t cl = th_rd64(g, ml + i * 32 + 16);

        if (cl && strcmp((const char *)th_ptr(g, cl, 18), "tessera,shm-table") == 0) {
            *size = th_rd64(g, ml + i * 32 + 8);
            return th_rd64(g, ml + i * 32);
        }
    }
    return 0;
}

static void check_shm_entry(const struct th_guest *g, uint64_t e, const char *id, uint64_t gpa,
                            uint64_t size, uint32_t flags)
{
    assert_memory_equal(th_ptr(g, e, 16), id, strlen(id) + 1);
    for (size_t i = strlen(id); i < 16; i++)
        assert_int_equal(th_rd8(g, e + i), 0);
    assert_int_equal(th_rd64(g, e + 16), gpa);
    assert_int_equal(th_rd64(g, e + 24), size);
    assert_int_equal(th_rd32(g, e + 32), flags); /* bit 0 writable, bit 1 owner */
    assert_int_equal(th_rd32(g, e + 36), 0);
}

/* Shared memory without a ramdisk: entry 0 stays empty (Linux's initrd), the table is entry 1. */
static void test_shm_table(void **state)
{
    static struct db_layout l;
    struct db_vcpu_state v;
    struct th_guest g;
    uint64_t size, si, ml, t, tsize;
    uint8_t *k = th_read_file(TESSERA_GUESTS_DIR "/hello.elf", &size);
    const struct db_shm shm[2] = {
        { "ring0", 0x20000000, 0x10000, true, true },
        { "abcdefghijklmno", 0xE0000000, 2 * MiB, false, false },
    };
    struct db_domain_spec spec = {
        .name = "shm",
        .memory_bytes = 32 * MiB,
        .nr_vcpus = 1,
        .kernel = k,
        .kernel_size = size,
        .shm = shm,
        .nr_shm = 2,
    };
    struct th_e820 e[32];
    uint32_t n;

    (void)state;
    assert_non_null(k);
    build(&spec, &g, &l, &v);
    si = verify_pvh(&g, k, th_elf_entry(k), &v, spec.memory_bytes, NULL);
    assert_int_equal(th_rd32(&g, si + 12), 2);
    ml = th_rd64(&g, si + 16);
    for (int i = 0; i < 4; i++)
        assert_int_equal(th_rd64(&g, ml + i * 8), 0); /* entry 0: empty */
    t = find_shm_table(&g, si, &tsize);
    assert_true(t && t < 1024 * MiB && t % 8 == 0);
    assert_int_equal(tsize, 16 + 2 * 40);
    assert_int_equal(th_rd32(&g, t), 0x4d485354);
    assert_int_equal(th_rd16(&g, t + 4), 1);  /* version */
    assert_int_equal(th_rd16(&g, t + 6), 40); /* entry size */
    assert_int_equal(th_rd32(&g, t + 8), 2);
    assert_int_equal(th_rd32(&g, t + 12), 0);
    check_shm_entry(&g, t + 16, "ring0", 0x20000000, 0x10000, 3);
    check_shm_entry(&g, t + 56, "abcdefghijklmno", 0xE0000000, 2 * MiB, 0);
    /* The table is in RAM; the regions are reserved. */
    n = read_memmap(&g, si, e);
    assert_int_equal(th_e820_type_of(e, n, t, tsize), 1);
    assert_int_equal(th_e820_type_of(e, n, 0x20000000, 0x10000), 2);
    assert_int_equal(th_e820_type_of(e, n, 0xE0000000, 2 * MiB), 2);
    th_guest_free(&g);
    free(k);
}

/* With a ramdisk, it stays entry 0 and the table follows it. */
static void test_shm_table_after_ramdisk(void **state)
{
    static struct db_layout l;
    static uint8_t rd[8192];
    struct db_vcpu_state v;
    struct th_guest g;
    uint64_t size, si, ml, t, tsize;
    uint8_t *k = th_read_file(TESSERA_GUESTS_DIR "/hello.elf", &size);
    const struct db_module mods[1] = { { rd, sizeof(rd), NULL, false, 0 } };
    const struct db_shm shm[1] = { { "ring0", 0x30000000, 0x10000, false, false } };
    struct db_domain_spec spec = {
        .name = "shm",
        .memory_bytes = 32 * MiB,
        .nr_vcpus = 1,
        .kernel = k,
        .kernel_size = size,
        .modules = mods,
        .nr_modules = 1,
        .shm = shm,
        .nr_shm = 1,
    };

    (void)state;
    assert_non_null(k);
    memset(rd, 0xA5, sizeof(rd));
    build(&spec, &g, &l, &v);
    si = verify_pvh(&g, k, th_elf_entry(k), &v, spec.memory_bytes, NULL);
    assert_int_equal(th_rd32(&g, si + 12), 2);
    ml = th_rd64(&g, si + 16);
    assert_int_equal(th_rd64(&g, ml + 8), sizeof(rd));
    assert_memory_equal(th_ptr(&g, th_rd64(&g, ml), sizeof(rd)), rd, sizeof(rd));
    t = find_shm_table(&g, si, &tsize);
    assert_int_equal(t, th_rd64(&g, ml + 32));
    assert_int_equal(tsize, 16 + 40);
    assert_int_equal(th_rd32(&g, t + 8), 1);
    check_shm_entry(&g, t + 16, "ring0", 0x30000000, 0x10000, 0);
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
    static const uint8_t initrd[4096] = { 1 };
    struct db_module mod = { initrd, sizeof(initrd), "m", false, 0 };
    struct db_domain_spec spec = {
        .name = "big",
        .memory_bytes = 6144 * MiB,
        .nr_vcpus = 1,
        .kernel = k,
        .kernel_size = size,
        .modules = &mod,
        .nr_modules = 1,
        .cmdline = "c",
    };
    struct th_e820 e[32];
    uint64_t backed = 0;

    (void)state;
    assert_int_equal(db_prepare(&spec, &l, &diag), 0);
    for (uint32_t i = 0; i < l.nr_e820; i++)
        e[i] = (struct th_e820){ l.e820[i].addr, l.e820[i].size, l.e820[i].type };
    assert_int_equal(th_e820_check(e, l.nr_e820) + (1 * MiB - 0x9FC00) + 4096, spec.memory_bytes);
    assert_int_equal(th_e820_type_of(e, l.nr_e820, 1 * MiB, 3072 * MiB - 1 * MiB - 4096), 1);
    /* The console page is the last frame below the hole, not the last one of RAM. */
    assert_int_equal(l.console.gpa, 3072 * MiB - 4096);
    assert_int_equal(th_e820_type_of(e, l.nr_e820, l.console.gpa, 4096), 2);
    assert_int_equal(th_e820_type_of(e, l.nr_e820, 3072 * MiB, 4096), 0); /* the hole */
    assert_int_equal(th_e820_type_of(e, l.nr_e820, 4096 * MiB, 3072 * MiB), 1);
    for (uint32_t i = 0; i < l.nr_populate; i++)
        backed += l.populate[i].nr * 4096;
    assert_int_equal(backed, spec.memory_bytes);
    assert_int_equal(l.nr_frames, (7168 * MiB) >> 12);
    /* Modules stay below the hole (top of low RAM), boot structures below 1 GiB. */
    assert_int_equal(l.modules[0].gpa, 3072 * MiB - 2 * 4096);
    assert_true(l.start_info.gpa < 1024 * MiB && l.memmap.gpa < 1024 * MiB &&
                l.modlist.gpa < 1024 * MiB && l.cmdline.gpa < 1024 * MiB &&
                l.mod_cmdline[0].gpa < 1024 * MiB);
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
    struct db_guest_mem mem = { &s, scattered_map, NULL, NULL };
    struct db_diag diag;
    struct th_guest g;
    uint64_t size;
    uint8_t *k = th_read_file(TESSERA_GUESTS_DIR "/hello.elf", &size);
    struct db_domain_spec spec = {
        .name = "s",
        .memory_bytes = 16 * MiB,
        .nr_vcpus = 1,
        .kernel = k,
        .kernel_size = size,
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

/*
 * The PV console ring page: the top frame of a small domain's RAM, inside
 * what is backed (no extra frame), reserved, never given to anything else;
 * a spec's reserved range on it is refused.
 */
static void test_console_page(void **state)
{
    static struct db_layout l;
    struct db_vcpu_state v;
    struct db_diag diag;
    struct th_guest g;
    uint64_t size, backed = 0;
    uint8_t *k = th_read_file(TESSERA_GUESTS_DIR "/hello.elf", &size);
    static uint8_t initrd[8192];
    struct db_module mod = { initrd, sizeof(initrd), NULL, false, 0 };
    struct db_guest_range shm = { 16 * MiB - 4096, 4096, 0 };
    struct db_domain_spec spec = {
        .name = "con",
        .memory_bytes = 16 * MiB,
        .nr_vcpus = 1,
        .kernel = k,
        .kernel_size = size,
        .modules = &mod,
        .nr_modules = 1,
    };

    (void)state;
    assert_non_null(k);
    build(&spec, &g, &l, &v);
    assert_int_equal(l.console.gpa, 16 * MiB - 4096);
    assert_int_equal(l.console.size, 4096);
    assert_int_equal(l.nr_frames, (16 * MiB) >> 12);
    for (uint32_t i = 0; i < l.nr_populate; i++)
        backed += l.populate[i].nr * 4096;
    assert_int_equal(backed, spec.memory_bytes);
    /* Placed top-down from the top of RAM, the initrd ends right below it. */
    assert_int_equal(l.modules[0].gpa + l.modules[0].size, l.console.gpa);
    verify_pvh(&g, k, th_elf_entry(k), &v, spec.memory_bytes, NULL);
    th_guest_free(&g);

    /* Whatever the backend held there before, the ring starts empty. */
    th_guest_alloc(&g, l.nr_frames);
    memset(g.buf, 0xA5, g.nr_frames * 4096);
    {
        struct db_guest_mem mem;
        struct db_buffer_mem bm;

        db_buffer_mem_init(&mem, &bm, g.buf, g.nr_frames);
        assert_int_equal(db_build(&spec, &l, &mem, &v, &diag), 0);
    }
    for (uint64_t i = 0; i < 4096; i++)
        assert_int_equal(th_rd8(&g, l.console.gpa + i), 0);
    th_guest_free(&g);

    spec.reserved = &shm;
    spec.nr_reserved = 1;
    assert_int_equal(db_prepare(&spec, &l, &diag), -1);
    assert_int_equal(diag.code, DB_ERR_OVERLAP);
    assert_non_null(strstr(diag.msg, "0xfff000"));
    free(k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hello64),
        cmocka_unit_test(test_hello32),
        cmocka_unit_test(test_modules),
        cmocka_unit_test(test_shm_table),
        cmocka_unit_test(test_shm_table_after_ramdisk),
        cmocka_unit_test(test_memory_hole),
        cmocka_unit_test(test_scattered_equals_buffer),
        cmocka_unit_test(test_console_page),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
