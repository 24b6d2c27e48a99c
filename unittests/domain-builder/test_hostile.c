// SPDX-License-Identifier: MIT
/*
 * Hostile and broken inputs: every one is refused by db_prepare() with the
 * expected error code and a message naming the field. Plus the legacy
 * __xen_guest form accepted, and db_build() stopping at an unbacked frame.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <domain-builder/builder.h>

#include "bzimage_gen.h"
#include "elf_gen.h"
#include "helpers.h"

#define MiB (1024ull * 1024)

enum base {
    HELLO,
    PV_HELLO,
    BZIMAGE,
    RANDOM
};

struct hostile {
    const char *what;
    enum base base;
    void (*mutate)(uint8_t *img, uint64_t *size, struct db_domain_spec *spec);
    enum db_err code;
    const char *needle;
};

static void put(uint8_t *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Program header i of an ELF64. */
static uint8_t *ph(uint8_t *img, unsigned int i)
{
    return img + th_le(img + 32, 8) + i * 56;
}

static unsigned int first_load(uint8_t *img, unsigned int nth)
{
    for (unsigned int i = 0;; i++)
        if (th_le(ph(img, i), 4) == 1 && nth-- == 0)
            return i;
}

/* The descriptor of the first Xen note of `type` in the file. */
static uint8_t *note_desc(uint8_t *img, uint64_t size, uint32_t type, uint32_t *descsz)
{
    for (uint64_t o = 0; o + 16 < size; o += 4)
        if (th_le(img + o, 4) == 4 && th_le(img + o + 8, 4) == type &&
            !memcmp(img + o + 12, "Xen", 4)) {
            *descsz = (uint32_t)th_le(img + o + 4, 4);
            return img + o + 16;
        }
    fail_msg("note %u not found", type);
    return NULL;
}

static uint8_t *find(uint8_t *img, uint64_t size, const char *s)
{
    for (uint64_t o = 0; o + strlen(s) <= size; o++)
        if (!memcmp(img + o, s, strlen(s)))
            return img + o;
    fail_msg("\"%s\" not found", s);
    return NULL;
}

#define M(name) static void name(uint8_t *img, uint64_t *size, struct db_domain_spec *spec)
#define UNUSED  (void)img, (void)size, (void)spec

M(cut_40)
{
    UNUSED;
    *size = 40;
}
M(cut_63)
{
    UNUSED;
    *size = 63;
}
M(phoff_end)
{
    UNUSED;
    put(img + 32, *size - 10, 8);
}
M(phnum_0)
{
    UNUSED;
    put(img + 56, 0, 2);
}
M(phnum_huge)
{
    UNUSED;
    put(img + 56, 0xFFFF, 2);
}
M(phentsize)
{
    UNUSED;
    put(img + 54, 32, 2);
}
M(offset_huge)
{
    UNUSED;
    put(ph(img, first_load(img, 0)) + 8, 0xFFFFFFFFFFFFFF00ull, 8);
}
M(filesz_gt_memsz)
{
    UNUSED;
    uint8_t *p = ph(img, first_load(img, 0));
    put(p + 40, th_le(p + 32, 8) - 1, 8);
}
M(overlap)
{
    UNUSED;
    put(ph(img, first_load(img, 1)) + 24, th_le(ph(img, first_load(img, 0)) + 24, 8), 8);
}
M(wrap)
{
    UNUSED;
    put(ph(img, first_load(img, 0)) + 24, 0xFFFFFFFFFFFFFF00ull, 8);
}
M(class3)
{
    UNUSED;
    img[4] = 3;
}
M(big_endian)
{
    UNUSED;
    img[5] = 2;
}
M(dyn)
{
    UNUSED;
    put(img + 16, 3, 2);
}
M(arm)
{
    UNUSED;
    put(img + 18, 40, 2);
}
M(note_descsz)
{
    UNUSED;
    uint32_t d;
    uint8_t *p = note_desc(img, *size, 18, &d);
    put(p - 12, 0x7FFFFFF0, 4);
}
M(entry_outside)
{
    UNUSED;
    uint32_t d;
    put(note_desc(img, *size, 18, &d), 0x5000000, 4);
}
M(note_num_size)
{
    UNUSED;
    uint32_t d;
    uint8_t *p = note_desc(img, *size, 18, &d);
    put(p - 12, 3, 4);
}
M(note_unterminated)
{
    UNUSED;
    uint32_t d;
    uint8_t *p = note_desc(img, *size, 6, &d);
    p[d - 1] = 'X';
}
M(seg_in_hole)
{
    UNUSED;
    put(ph(img, first_load(img, 0)) + 24, 0xA0000, 8);
}
M(seg_beyond_ram)
{
    UNUSED;
    spec->memory_bytes = 4 * MiB;
    put(ph(img, first_load(img, 0)) + 24, 0x3FFF00, 8);
}
M(no_notes)
{
    UNUSED;
    for (unsigned int i = 0; i < th_le(img + 56, 2); i++)
        if (th_le(ph(img, i), 4) == 4)
            put(ph(img, i), 0, 4);
}
M(mode_linux_on_elf)
{
    UNUSED;
    spec->mode = DB_MODE_LINUX;
}
M(mode_pv_on_pvh)
{
    UNUSED;
    spec->mode = DB_MODE_PV;
}
M(pv_feature_unsupported)
{
    UNUSED;
    memcpy(find(img, *size, "writable_page_tables|"), "hvm_callback_vector\0", 20);
}
M(pv_feature_unknown)
{
    UNUSED;
    memcpy(find(img, *size, "writable_page_tables|"), "writable_page_tablez", 20);
}
M(pv_hypercall_outside)
{
    UNUSED;
    uint32_t d;
    put(note_desc(img, *size, 2, &d), 0xffffffff90000000ull, 8);
}
M(pv_hypercall_unaligned)
{
    UNUSED;
    uint32_t d;
    uint8_t *p = note_desc(img, *size, 2, &d);
    put(p, th_le(p, 8) + 8, 8);
}
M(pv_entry_outside)
{
    UNUSED;
    uint32_t d;
    put(note_desc(img, *size, 1, &d), 0xffffffff00000000ull, 8);
}
M(pv_virt_base_above)
{
    UNUSED;
    uint32_t d;
    put(note_desc(img, *size, 4, &d), 0x200000, 8);
}
M(pv_small)
{
    UNUSED;
    spec->memory_bytes = 2 * MiB;
}
M(pv_cmdline)
{
    UNUSED;
    static char s[1100];
    memset(s, 'a', sizeof(s) - 1);
    spec->cmdline = s;
}
M(bz_old)
{
    UNUSED;
    put(img + 0x206, 0x020B, 2);
}
M(bz_no64)
{
    UNUSED;
    put(img + 0x236, 0, 2);
}
M(bz_not_high)
{
    UNUSED;
    img[0x211] = 0;
}
M(bz_setup_sects)
{
    UNUSED;
    img[0x1F1] = 200;
}
M(bz_init_size)
{
    UNUSED;
    put(img + 0x260, 0x1000, 4);
}
M(bz_align)
{
    UNUSED;
    put(img + 0x230, 0x3000, 4);
}
M(bz_payload)
{
    UNUSED;
    put(img + 0x248, 0xFFFFFFF0, 4);
}
M(bz_cut)
{
    UNUSED;
    *size = 0x230;
}
M(bz_jump)
{
    UNUSED;
    img[0x201] = 0x10;
}
M(bz_pref)
{
    UNUSED;
    img[0x234] = 0;
    put(img + 0x258, 0x1234, 8);
}
M(bz_cmdline)
{
    UNUSED;
    put(img + 0x238, 10, 4);
    spec->cmdline = "0123456789abc";
}
M(bz_two_modules)
{
    UNUSED;
    static const uint8_t d[1] = { 1 };
    static struct db_module m[2] = { { d, 1, 0, false, 0 }, { d, 1, 0, false, 0 } };
    spec->modules = m;
    spec->nr_modules = 2;
}
M(bz_pvh)
{
    UNUSED;
    spec->mode = DB_MODE_PVH;
}
M(bz_small)
{
    UNUSED;
    spec->memory_bytes = 4 * MiB;
}
M(mem_odd)
{
    UNUSED;
    spec->memory_bytes = 5000;
}
M(mem_tiny)
{
    UNUSED;
    spec->memory_bytes = 1 * MiB;
}
M(vcpus_0)
{
    UNUSED;
    spec->nr_vcpus = 0;
}
M(reserved_on_ram)
{
    UNUSED;
    static const struct db_guest_range r = { 2 * MiB, 4096, 0 };
    spec->reserved = &r;
    spec->nr_reserved = 1;
}
M(reserved_wrap)
{
    UNUSED;
    static const struct db_guest_range r = { 0xFFFFFFFFFFFFF000ull, 0x2000, 0 };
    spec->reserved = &r;
    spec->nr_reserved = 1;
}
M(shm_on_ram)
{
    UNUSED;
    static const struct db_shm m = { "ring0", 2 * MiB, 4096, true, true };
    spec->shm = &m;
    spec->nr_shm = 1;
}
M(shm_unaligned)
{
    UNUSED;
    static const struct db_shm m = { "ring0", 0xE0000800ull, 4096, true, true };
    spec->shm = &m;
    spec->nr_shm = 1;
}
M(shm_long_id)
{
    UNUSED;
    static const struct db_shm m = { "abcdefghijklmnop", 0xE0000000ull, 4096, true, true };
    spec->shm = &m;
    spec->nr_shm = 1;
}
M(module_empty)
{
    UNUSED;
    static const struct db_module m = { NULL, 0, NULL, false, 0 };
    spec->modules = &m;
    spec->nr_modules = 1;
}
M(random_bytes)
{
    UNUSED;
}

static const struct hostile cases[] = {
    { "ELF cut to 40 bytes", HELLO, cut_40, DB_ERR_FORMAT, "not an ELF" },
    { "ELF64 header cut", HELLO, cut_63, DB_ERR_TRUNCATED, "ELF64 header" },
    { "program headers past EOF", HELLO, phoff_end, DB_ERR_TRUNCATED, "e_phoff" },
    { "no program headers", HELLO, phnum_0, DB_ERR_HEADER, "e_phnum" },
    { "65535 program headers", HELLO, phnum_huge, DB_ERR_HEADER, "e_phnum" },
    { "wrong e_phentsize", HELLO, phentsize, DB_ERR_HEADER, "e_phentsize" },
    { "segment data past EOF", HELLO, offset_huge, DB_ERR_TRUNCATED, "p_offset" },
    { "p_filesz > p_memsz", HELLO, filesz_gt_memsz, DB_ERR_SEGMENT, "p_filesz" },
    { "overlapping segments", HELLO, overlap, DB_ERR_SEGMENT, "overlaps" },
    { "segment wraps", HELLO, wrap, DB_ERR_SEGMENT, "wraps" },
    { "EI_CLASS 3", HELLO, class3, DB_ERR_HEADER, "EI_CLASS" },
    { "big endian", HELLO, big_endian, DB_ERR_HEADER, "EI_DATA" },
    { "ET_DYN", HELLO, dyn, DB_ERR_HEADER, "ET_EXEC" },
    { "ARM", HELLO, arm, DB_ERR_HEADER, "e_machine" },
    { "note descsz past segment", HELLO, note_descsz, DB_ERR_TRUNCATED, "descsz" },
    { "PHYS32_ENTRY outside image", HELLO, entry_outside, DB_ERR_NOTE, "PHYS32_ENTRY" },
    { "3-byte number", HELLO, note_num_size, DB_ERR_NOTE, "3 bytes" },
    { "segment in the VGA hole", HELLO, seg_in_hole, DB_ERR_NO_MEMORY, "RAM" },
    { "segment beyond RAM", HELLO, seg_beyond_ram, DB_ERR_NO_MEMORY, "RAM" },
    { "ELF without Xen notes", HELLO, no_notes, DB_ERR_UNSUPPORTED, "neither" },
    { "mode linux on ELF", HELLO, mode_linux_on_elf, DB_ERR_SPEC, "bzImage" },
    { "mode pv on PVH-only ELF", HELLO, mode_pv_on_pvh, DB_ERR_UNSUPPORTED, "PV notes" },
    { "PV requires unsupported feature", PV_HELLO, pv_feature_unsupported, DB_ERR_UNSUPPORTED,
      "XENFEAT" },
    { "PV requires unknown feature", PV_HELLO, pv_feature_unknown, DB_ERR_NOTE,
      "unknown required" },
    { "PV hypercall page outside", PV_HELLO, pv_hypercall_outside, DB_ERR_NOTE, "HYPERCALL_PAGE" },
    { "PV hypercall page unaligned", PV_HELLO, pv_hypercall_unaligned, DB_ERR_NOTE,
      "HYPERCALL_PAGE" },
    { "PV entry outside", PV_HELLO, pv_entry_outside, DB_ERR_NOTE, "entry" },
    { "PV kernel below VIRT_BASE", PV_HELLO, pv_virt_base_above, DB_ERR_NOTE, "below VIRT_BASE" },
    { "PV domain too small", PV_HELLO, pv_small, DB_ERR_NO_MEMORY, "bootstrap" },
    { "PV command line too long", PV_HELLO, pv_cmdline, DB_ERR_SPEC, "start_info holds" },
    { "boot protocol 2.11", BZIMAGE, bz_old, DB_ERR_UNSUPPORTED, "2.12" },
    { "no 64-bit entry", BZIMAGE, bz_no64, DB_ERR_UNSUPPORTED, "XLF_KERNEL_64" },
    { "zImage (not loaded high)", BZIMAGE, bz_not_high, DB_ERR_UNSUPPORTED, "LOADED_HIGH" },
    { "setup_sects past EOF", BZIMAGE, bz_setup_sects, DB_ERR_TRUNCATED, "setup_sects" },
    { "init_size too small", BZIMAGE, bz_init_size, DB_ERR_HEADER, "init_size" },
    { "kernel_alignment not a power of 2", BZIMAGE, bz_align, DB_ERR_HEADER, "kernel_alignment" },
    { "payload past the kernel", BZIMAGE, bz_payload, DB_ERR_TRUNCATED, "payload" },
    { "setup header cut", BZIMAGE, bz_cut, DB_ERR_TRUNCATED, "setup header" },
    { "header end before init_size", BZIMAGE, bz_jump, DB_ERR_HEADER, "jump" },
    { "fixed kernel at bad address", BZIMAGE, bz_pref, DB_ERR_HEADER, "pref_address" },
    { "command line over cmdline_size", BZIMAGE, bz_cmdline, DB_ERR_SPEC, "at most 10" },
    { "two initrds for Linux", BZIMAGE, bz_two_modules, DB_ERR_UNSUPPORTED, "one initrd" },
    { "mode pvh on bzImage", BZIMAGE, bz_pvh, DB_ERR_UNSUPPORTED, "compressed payload" },
    { "init_size does not fit", BZIMAGE, bz_small, DB_ERR_NO_MEMORY, "init_size" },
    { "memory not 4 KiB multiple", HELLO, mem_odd, DB_ERR_SPEC, "multiple of 4 KiB" },
    { "memory 1 MiB", HELLO, mem_tiny, DB_ERR_SPEC, "2 MiB" },
    { "0 vCPUs", HELLO, vcpus_0, DB_ERR_SPEC, "vCPUs" },
    { "reserved range on RAM", HELLO, reserved_on_ram, DB_ERR_OVERLAP, "overlaps" },
    { "reserved range wraps", HELLO, reserved_wrap, DB_ERR_SPEC, "wrapping" },
    { "shared memory on RAM", HELLO, shm_on_ram, DB_ERR_OVERLAP, "overlaps" },
    { "shared memory unaligned", HELLO, shm_unaligned, DB_ERR_SPEC, "unaligned" },
    { "shared memory id too long", HELLO, shm_long_id, DB_ERR_SPEC, "longer than 15" },
    { "empty module", HELLO, module_empty, DB_ERR_SPEC, "module 0" },
    { "random bytes", RANDOM, random_bytes, DB_ERR_FORMAT, "neither ELF nor" },
};

static uint8_t *base_image(enum base b, uint64_t *size)
{
    uint8_t *img;

    switch (b) {
    case HELLO: return th_read_file(TESSERA_GUESTS_DIR "/hello.elf", size);
    case PV_HELLO: return th_read_file(TESSERA_GUESTS_DIR "/pv-hello.elf", size);
    case BZIMAGE: return make_bzimage(true, size);
    case RANDOM:
        *size = 8192;
        img = malloc(*size);
        for (uint64_t i = 0; i < *size; i++)
            img[i] = (uint8_t)(i * 2654435761u >> 13);
        return img;
    }
    return NULL;
}

static void test_hostile_refused(void **state)
{
    static struct db_layout l;

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct hostile *c = &cases[i];
        uint64_t size;
        uint8_t *img = base_image(c->base, &size);
        struct db_domain_spec spec = {
            .name = "hostile",
            .memory_bytes = 64 * MiB,
            .nr_vcpus = 1,
        };
        struct db_diag diag;

        assert_non_null(img);
        /* The unmutated base builds: the mutation alone is refused. */
        spec.kernel = img;
        spec.kernel_size = size;
        if (c->base != RANDOM && db_prepare(&spec, &l, &diag) != 0)
            fail_msg("%s: base image refused: %s", c->what, diag.msg);
        c->mutate(img, &size, &spec);
        spec.kernel_size = size;
        if (db_prepare(&spec, &l, &diag) != -1)
            fail_msg("%s: accepted", c->what);
        if (diag.code != c->code || !strstr(diag.msg, c->needle))
            fail_msg("%s: got %s \"%s\", want %s with \"%s\"", c->what, db_err_name(diag.code),
                     diag.msg, db_err_name(c->code), c->needle);
        printf("refused %-36s %-14s %s\n", c->what, db_err_name(diag.code), diag.msg);
        free(img);
    }
}

/* Every prefix of our images is refused or accepted without reading past it. */
static void test_truncations(void **state)
{
    static struct db_layout l;

    (void)state;
    for (enum base b = HELLO; b <= BZIMAGE; b++) {
        uint64_t size;
        uint8_t *img = base_image(b, &size);

        for (uint64_t cut = 0; cut < size; cut += (cut < 0x400 ? 1 : 61)) {
            /* A fresh copy of exactly `cut` bytes, so ASan sees any overread. */
            uint8_t *part = malloc(cut ? cut : 1);
            struct db_domain_spec spec = {
                .name = "cut",
                .memory_bytes = 64 * MiB,
                .nr_vcpus = 1,
                .kernel = part,
                .kernel_size = cut,
            };
            struct db_diag diag;

            memcpy(part, img, cut);
            /* Accepted only once the loaded parts are all there. */
            if (db_prepare(&spec, &l, &diag) == 0)
                assert_true(b != BZIMAGE || cut >= (BZGEN_SETUP_SECTS + 1) * 512 + 0x8300);
            free(part);
        }
        free(img);
    }
}

static void test_legacy_xen_guest(void **state)
{
    static struct db_layout l;
    struct db_vcpu_state v;
    struct db_guest_mem mem;
    struct db_buffer_mem bm;
    struct db_diag diag;
    struct th_guest g;
    uint64_t size;
    uint8_t *img = make_legacy_pv_elf(ELFGEN_LEGACY_STRING, &size);
    struct db_domain_spec spec = {
        .name = "legacy",
        .memory_bytes = 16 * MiB,
        .nr_vcpus = 1,
        .kernel = img,
        .kernel_size = size,
    };

    (void)state;
    if (db_prepare(&spec, &l, &diag))
        fail_msg("%s", diag.msg);
    assert_int_equal(l.mode, DB_MODE_PV);
    assert_true(l.notes.legacy);
    assert_string_equal(l.notes.guest_os, "linux");
    assert_string_equal(l.notes.xen_version, "xen-3.0");
    assert_int_equal(l.notes.virt_base, ELFGEN_VIRT_BASE);
    assert_int_equal(l.notes.hypercall_page, ELFGEN_VIRT_BASE + 0x1000);
    assert_int_equal(l.notes.supported_features, 0x11);
    assert_int_equal(l.kernel.gpa, 0); /* paddr_offset == virt_base */
    th_guest_alloc(&g, l.nr_frames);
    db_buffer_mem_init(&mem, &bm, g.buf, g.nr_frames);
    if (db_build(&spec, &l, &mem, &v, &diag))
        fail_msg("%s", diag.msg);
    assert_int_equal(v.rip, ELFGEN_VIRT_BASE + 0x10);
    assert_int_equal(th_rd8(&g, 0x1000 + 18 * 32 + 3), 0xB8); /* stubs at pfn 1 */
    assert_int_equal(th_rd8(&g, 0x1000 + 18 * 32 + 4), 18);
    th_guest_free(&g);
    free(img);

    /* A malformed number in the string is refused. */
    img = make_legacy_pv_elf("VIRT_BASE=0xffffffff8000000g", &size);
    spec.kernel = img;
    spec.kernel_size = size;
    assert_int_equal(db_prepare(&spec, &l, &diag), -1);
    assert_int_equal(diag.code, DB_ERR_NOTE);
    free(img);
}

/* Note strings end at their descriptor even without a NUL (Linux's FEATURES). */
static void test_unterminated_note_string(void **state)
{
    static struct db_layout l;
    uint64_t size;
    uint8_t *img = base_image(HELLO, &size);
    struct db_domain_spec spec = {
        .name = "str",
        .memory_bytes = 16 * MiB,
        .nr_vcpus = 1,
        .kernel = img,
    };
    struct db_diag diag;

    (void)state;
    note_unterminated(img, &size, &spec);
    spec.kernel_size = size;
    assert_int_equal(db_prepare(&spec, &l, &diag), 0);
    assert_string_equal(l.notes.guest_os, "tessera-helloX");
    free(img);
}

/* A frame the guest-memory backend refuses stops the build with its number. */
static void *holey_map(void *ctx, uint64_t gfn)
{
    struct db_buffer_mem *bm = ctx;

    if (gfn == 0x100 || gfn >= bm->nr_frames)
        return NULL;
    return bm->buf + gfn * 4096;
}

static void test_unbacked_frame(void **state)
{
    static struct db_layout l;
    struct db_vcpu_state v;
    struct db_guest_mem mem;
    struct db_buffer_mem bm;
    struct db_diag diag;
    struct th_guest g;
    uint64_t size;
    uint8_t *img = base_image(HELLO, &size);
    struct db_domain_spec spec = {
        .name = "holey",
        .memory_bytes = 16 * MiB,
        .nr_vcpus = 1,
        .kernel = img,
        .kernel_size = size,
    };

    (void)state;
    assert_int_equal(db_prepare(&spec, &l, &diag), 0);
    th_guest_alloc(&g, l.nr_frames);
    db_buffer_mem_init(&mem, &bm, g.buf, g.nr_frames);
    mem.map = holey_map;
    assert_int_equal(db_build(&spec, &l, &mem, &v, &diag), -1);
    assert_int_equal(diag.code, DB_ERR_GUEST_MEM);
    assert_non_null(strstr(diag.msg, "0x100"));
    th_guest_free(&g);
    free(img);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hostile_refused),  cmocka_unit_test(test_truncations),
        cmocka_unit_test(test_legacy_xen_guest), cmocka_unit_test(test_unterminated_note_string),
        cmocka_unit_test(test_unbacked_frame),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
