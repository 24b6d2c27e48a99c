// SPDX-License-Identifier: MIT
/*
 * Image placement planning (docs/performance.md, "Image placement"): a
 * ramdisk whose host pages the caller maps goes to a guest address
 * congruent to them modulo 2 MiB (a page when there is no room for that),
 * its frames are left out of the frames to back and nothing but the zeros
 * after its end is written into them; every other RAM frame is still
 * backed. An ELF kernel the caller maps leaves the whole pages of its
 * segments to it, and what the builder writes around them makes, with the
 * file's pages mapped in, the same guest as a copy does. A caller's bulk
 * copy (db_guest_mem.copy) gets every image byte and the result is the
 * frame-by-frame build's, byte for byte. The frames the layout says the
 * build fills whole (layout.filled) are: built over stale bytes there, and
 * zeros everywhere else, the guest is the one built into zeroed RAM, byte for
 * byte (every byte is image or zero), for PVH and for the Linux boot protocol.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <domain-builder/builder.h>

#include "bzimage_gen.h"
#include "helpers.h"

#define MiB  (1024ull * 1024)
#define PAGE 4096ull

static uint8_t *kernel;
static uint64_t kernel_size;
static uint8_t *ramdisk;

#define RAMDISK_SIZE (3 * MiB + 100)

static int setup(void **state)
{
    (void)state;
    kernel = th_read_file(TESSERA_GUESTS_DIR "/hello.elf", &kernel_size);
    ramdisk = malloc(RAMDISK_SIZE);
    if (!kernel || !ramdisk)
        return -1;
    for (uint64_t i = 0; i < RAMDISK_SIZE; i++)
        ramdisk[i] = (uint8_t)(i * 31 + i / PAGE + 7);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(kernel);
    free(ramdisk);
    return 0;
}

static void spec_for(struct db_domain_spec *spec, struct db_module *m, uint64_t mem, bool map,
                     uint64_t host_addr)
{
    *m = (struct db_module){ ramdisk, RAMDISK_SIZE, "rd", map, host_addr };
    *spec = (struct db_domain_spec){
        .name = "placement",
        .memory_bytes = mem,
        .nr_vcpus = 1,
        .kernel = kernel,
        .kernel_size = kernel_size,
        .modules = m,
        .nr_modules = 1,
        .cmdline = "x",
    };
}

static void prepare(const struct db_domain_spec *spec, struct db_layout *l)
{
    struct db_diag diag;

    if (db_prepare(spec, l, &diag))
        fail_msg("prepare: %s: %s", db_err_name(diag.code), diag.msg);
}

/* Frames the layout backs, and whether [gfn, gfn + nr) overlaps any of them. */
static uint64_t backed(const struct db_layout *l, uint64_t gfn, uint64_t nr, bool *overlap)
{
    uint64_t total = 0;

    *overlap = false;
    for (uint32_t i = 0; i < l->nr_populate; i++) {
        const struct db_frame_range *r = &l->populate[i];

        assert_true(r->nr > 0);
        total += r->nr;
        if (r->gfn < gfn + nr && gfn < r->gfn + r->nr)
            *overlap = true;
        for (uint32_t j = 0; j < i; j++) /* the ranges never overlap one another */
            assert_false(l->populate[j].gfn < r->gfn + r->nr &&
                         r->gfn < l->populate[j].gfn + l->populate[j].nr);
    }
    return total;
}

/* The bulk copy: records what it is given and writes it into the buffer. */
static struct {
    uint8_t *buf;
    uint64_t calls, bytes;
} copies;

static int record_copy(void *ctx, uint64_t gpa, const void *src, uint64_t len)
{
    (void)ctx;
    copies.calls++;
    copies.bytes += len;
    memcpy(copies.buf + gpa, src, len);
    return 0;
}

static void load_bytes(void *ctx, uint64_t offset, uint64_t vaddr, uint64_t paddr, uint64_t filesz,
                       uint64_t memsz)
{
    (void)offset;
    (void)vaddr;
    (void)paddr;
    (void)memsz;
    *(uint64_t *)ctx += filesz;
}

static void test_mapped_ramdisk_congruent_and_not_backed(void **state)
{
    static struct db_layout copied, mapped;
    const uint64_t host = 0x76543000;
    struct db_domain_spec spec;
    struct db_module m;
    struct db_vcpu_state v;
    struct db_buffer_mem bm;
    struct db_guest_mem mem;
    struct db_diag diag;
    struct th_guest g;
    uint64_t gpa, frames = (RAMDISK_SIZE + PAGE - 1) / PAGE;
    bool overlap;

    (void)state;
    spec_for(&spec, &m, 64 * MiB, false, 0);
    prepare(&spec, &copied);
    assert_int_equal(copied.mapped_modules, 0);
    spec_for(&spec, &m, 64 * MiB, true, host);
    prepare(&spec, &mapped);
    assert_int_equal(mapped.mapped_modules, 1);
    gpa = mapped.modules[0].gpa;
    assert_int_equal(gpa % (2 * MiB), host % (2 * MiB));
    assert_int_equal(mapped.modules[0].size, frames * PAGE);
    /* Every frame backed as before, less exactly the module's. */
    assert_int_equal(backed(&mapped, gpa / PAGE, frames, &overlap),
                     backed(&copied, 0, 0, &overlap) - frames);
    backed(&mapped, gpa / PAGE, frames, &overlap);
    assert_false(overlap);
    assert_int_equal(mapped.nr_frames, copied.nr_frames);

    /* The module's bytes are already there, with junk after their end in the last page. */
    th_guest_alloc(&g, mapped.nr_frames);
    memcpy(g.buf + gpa, ramdisk, RAMDISK_SIZE);
    memset(g.buf + gpa + RAMDISK_SIZE, 0xEE, frames * PAGE - RAMDISK_SIZE);
    m.data = g.buf + gpa; /* as the caller maps them: the same pages */
    db_buffer_mem_init(&mem, &bm, g.buf, g.nr_frames);
    mem.copy = record_copy;
    copies.buf = g.buf;
    copies.calls = copies.bytes = 0;
    if (db_build(&spec, &mapped, &mem, &v, &diag))
        fail_msg("build: %s: %s", db_err_name(diag.code), diag.msg);
    {
        uint64_t kernel_bytes = 0;

        th_elf_for_each_load(kernel, load_bytes, &kernel_bytes);
        assert_int_equal(copies.bytes, kernel_bytes); /* the kernel, not the module */
    }
    assert_memory_equal(g.buf + gpa, ramdisk, RAMDISK_SIZE);
    for (uint64_t i = RAMDISK_SIZE; i < frames * PAGE; i++)
        assert_int_equal(g.buf[gpa + i], 0);
    /* The guest's module list names it where it is, with its size. */
    {
        uint64_t modlist = th_rd64(&g, v.rbx + 16);

        assert_int_equal(th_rd32(&g, v.rbx + 12), 1);
        assert_int_equal(th_rd64(&g, modlist), gpa);
        assert_int_equal(th_rd64(&g, modlist + 8), RAMDISK_SIZE);
    }
    th_guest_free(&g);
}

/* No room congruent modulo 2 MiB: congruent modulo a page, still mapped. */
static void test_mapped_ramdisk_without_room_for_2mib_phase(void **state)
{
    static struct db_layout l;
    struct db_domain_spec spec;
    struct db_module m;
    bool overlap;

    (void)state;
    /*
     * 5 MiB: RAM from 1 MiB to 0x4FF000, so the 0x301000 bytes of the
     * module start at 0x1FE000 at the highest, below the only address
     * 0x1FF000 modulo 2 MiB that could hold them.
     */
    spec_for(&spec, &m, 5 * MiB, true, 0x1FF000);
    prepare(&spec, &l);
    assert_int_equal(l.mapped_modules, 1);
    assert_int_equal(l.modules[0].gpa, 0x1FE000);
    backed(&l, l.modules[0].gpa / PAGE, l.modules[0].size / PAGE, &overlap);
    assert_false(overlap);
}

static void test_mapped_ramdisk_not_page_aligned_refused(void **state)
{
    static struct db_layout l;
    struct db_domain_spec spec;
    struct db_module m;
    struct db_diag diag;

    (void)state;
    spec_for(&spec, &m, 64 * MiB, true, 0x76543010);
    assert_int_equal(db_prepare(&spec, &l, &diag), -1);
    assert_int_equal(diag.code, DB_ERR_SPEC);
    assert_non_null(strstr(diag.msg, "not page aligned"));
}

/*
 * hello.elf with its bss segment given file bytes (a pattern appended to the
 * file) and moved 0x100 bytes up, so that it has a partial first page, nine
 * whole pages and a partial last page: hello's own segments are each less
 * than a page.
 */
static uint8_t *kernel_with_big_segment(uint64_t *size)
{
    uint64_t phoff = th_le(kernel + 32, 8), phnum = th_le(kernel + 56, 2);
    uint64_t at = (kernel_size + PAGE - 1) & ~(PAGE - 1), grown = 0;
    uint8_t *k;

    for (uint64_t i = 0; i < phnum; i++) {
        const uint8_t *ph = kernel + phoff + i * 56;

        if (th_le(ph, 4) == 1 && th_le(ph + 32, 8) == 0)
            grown = th_le(ph + 40, 8);
    }
    assert_true(grown > 4 * PAGE);
    *size = at + 0x100 + grown;
    k = calloc(1, *size);
    assert_non_null(k);
    memcpy(k, kernel, kernel_size);
    for (uint64_t i = at; i < *size; i++)
        k[i] = (uint8_t)(i * 11 + (i >> 12));
    for (uint64_t i = 0; i < phnum; i++) {
        uint8_t *ph = k + phoff + i * 56;

        if (th_le(ph, 4) != 1 || th_le(ph + 32, 8) != 0)
            continue;
        for (int b = 0; b < 8; b++) {
            ph[8 + b] = (uint8_t)((at + 0x100) >> (8 * b)); /* p_offset */
            ph[32 + b] = (uint8_t)(grown >> (8 * b));       /* p_filesz */
        }
        /* p_vaddr and p_paddr 0x100 up: the offset stays congruent modulo a page. */
        for (int f = 16; f <= 24; f += 8) {
            uint64_t v = th_le(ph + f, 8) + 0x100;

            for (int b = 0; b < 8; b++)
                ph[f + b] = (uint8_t)(v >> (8 * b));
        }
    }
    return k;
}

static void test_mapped_kernel_segments_same_guest(void **state)
{
    static struct db_layout copied, mapped;
    const uint64_t host = 0x40000000;
    struct db_domain_spec spec;
    struct db_module m;
    struct db_vcpu_state v1, v2;
    struct db_buffer_mem bm;
    struct db_guest_mem mem;
    struct db_diag diag;
    struct th_guest a, b;
    uint64_t frames = 0;
    uint8_t *big;
    bool overlap;

    (void)state;
    spec_for(&spec, &m, 64 * MiB, false, 0);
    spec.kernel = big = kernel_with_big_segment(&spec.kernel_size);
    prepare(&spec, &copied);
    spec.kernel_map = true;
    spec.kernel_host_addr = host;
    prepare(&spec, &mapped);
    assert_int_not_equal(mapped.mapped_segments, 0);
    assert_int_equal(mapped.mapped_modules, 0);
    for (uint32_t i = 0; i < mapped.nr_mapped; i++) {
        const struct db_mapped_range *r = &mapped.mapped[i];

        assert_int_equal((r->gpa | r->host | r->size) % PAGE, 0);
        assert_true(r->host >= host && r->host - host + r->size <= spec.kernel_size);
        backed(&mapped, r->gpa / PAGE, r->size / PAGE, &overlap);
        assert_false(overlap);
        frames += r->size / PAGE;
    }
    assert_int_equal(backed(&mapped, 0, 0, &overlap), backed(&copied, 0, 0, &overlap) - frames);

    /* The copy build, and the mapped one over frames holding the file's pages. */
    th_guest_alloc(&a, copied.nr_frames);
    db_buffer_mem_init(&mem, &bm, a.buf, a.nr_frames);
    spec.kernel_map = false;
    assert_int_equal(db_build(&spec, &copied, &mem, &v1, &diag), 0);
    th_guest_alloc(&b, mapped.nr_frames);
    for (uint32_t i = 0; i < mapped.nr_mapped; i++)
        memcpy(b.buf + mapped.mapped[i].gpa, big + (mapped.mapped[i].host - host),
               mapped.mapped[i].size);
    db_buffer_mem_init(&mem, &bm, b.buf, b.nr_frames);
    mem.copy = record_copy;
    copies.buf = b.buf;
    copies.calls = copies.bytes = 0;
    spec.kernel_map = true;
    assert_int_equal(db_build(&spec, &mapped, &mem, &v2, &diag), 0);
    {
        uint64_t file_bytes = RAMDISK_SIZE;

        th_elf_for_each_load(big, load_bytes, &file_bytes);
        /* Every file byte but the mapped ones is copied. */
        assert_int_equal(copies.bytes, file_bytes - frames * PAGE);
    }
    assert_memory_equal(a.buf, b.buf, copied.nr_frames * PAGE);
    assert_memory_equal(&v1, &v2, sizeof(v1));
    th_guest_free(&a);
    th_guest_free(&b);

    spec.kernel_host_addr = host + 8;
    assert_int_equal(db_prepare(&spec, &mapped, &diag), -1);
    assert_non_null(strstr(diag.msg, "not page aligned"));
    free(big);
}

static void test_bulk_copy_same_as_frame_by_frame(void **state)
{
    static struct db_layout l;
    struct db_domain_spec spec;
    struct db_module m;
    struct db_vcpu_state v1, v2;
    struct db_buffer_mem bm;
    struct db_guest_mem mem;
    struct db_diag diag;
    struct th_guest a, b;
    uint64_t image_bytes = RAMDISK_SIZE;

    (void)state;
    th_elf_for_each_load(kernel, load_bytes, &image_bytes);
    spec_for(&spec, &m, 64 * MiB, false, 0);
    prepare(&spec, &l);
    th_guest_alloc(&a, l.nr_frames);
    th_guest_alloc(&b, l.nr_frames);
    db_buffer_mem_init(&mem, &bm, a.buf, a.nr_frames);
    assert_int_equal(db_build(&spec, &l, &mem, &v1, &diag), 0);
    db_buffer_mem_init(&mem, &bm, b.buf, b.nr_frames);
    mem.copy = record_copy;
    copies.buf = b.buf;
    copies.calls = copies.bytes = 0;
    assert_int_equal(db_build(&spec, &l, &mem, &v2, &diag), 0);
    assert_int_equal(copies.bytes, image_bytes);
    assert_true(copies.calls >= 2);
    assert_memory_equal(a.buf, b.buf, l.nr_frames * PAGE);
    assert_memory_equal(&v1, &v2, sizeof(v1));
    th_guest_free(&a);
    th_guest_free(&b);
}

/* Whether gfn is in one of the ranges. */
static bool in_ranges(const struct db_frame_range *r, uint32_t n, uint64_t gfn)
{
    for (uint32_t i = 0; i < n; i++)
        if (gfn >= r[i].gfn && gfn < r[i].gfn + r[i].nr)
            return true;
    return false;
}

/*
 * Builds spec twice: into zeroed RAM, and into RAM whose every backed frame
 * holds stale bytes except those the hypervisor clears (backed, not filled);
 * the two guests must be the same. Returns the number of filled frames backed.
 */
static uint64_t same_guest_over_stale_filled_frames(const struct db_domain_spec *spec)
{
    static struct db_layout l;
    struct db_vcpu_state v1, v2;
    struct db_buffer_mem bm;
    struct db_guest_mem mem;
    struct db_diag diag;
    struct th_guest a, b;
    uint64_t filled = 0;

    prepare(spec, &l);
    th_guest_alloc(&a, l.nr_frames);
    th_guest_alloc(&b, l.nr_frames);
    db_buffer_mem_init(&mem, &bm, a.buf, a.nr_frames);
    assert_int_equal(db_build(spec, &l, &mem, &v1, &diag), 0);
    memset(b.buf, 0xA5, b.nr_frames * PAGE);
    for (uint32_t i = 0; i < l.nr_populate; i++)
        for (uint64_t g = l.populate[i].gfn; g < l.populate[i].gfn + l.populate[i].nr; g++) {
            if (in_ranges(l.filled, l.nr_filled, g))
                filled++;
            else
                memset(b.buf + g * PAGE, 0, PAGE);
        }
    db_buffer_mem_init(&mem, &bm, b.buf, b.nr_frames);
    mem.copy = record_copy;
    copies.buf = b.buf;
    assert_int_equal(db_build(spec, &l, &mem, &v2, &diag), 0);
    for (uint32_t i = 0; i < l.nr_populate; i++) {
        uint64_t at = l.populate[i].gfn * PAGE, len = l.populate[i].nr * PAGE;

        for (uint64_t o = at; o < at + len; o++)
            if (a.buf[o] != b.buf[o])
                fail_msg("gpa %#lx: %#x over stale bytes, %#x over zeros (frame %sfilled)",
                         (unsigned long)o, b.buf[o], a.buf[o],
                         in_ranges(l.filled, l.nr_filled, o / PAGE) ? "" : "not ");
    }
    assert_memory_equal(&v1, &v2, sizeof(v1));
    th_guest_free(&a);
    th_guest_free(&b);
    return filled;
}

static void test_filled_frames_need_no_clearing(void **state)
{
    struct db_domain_spec spec;
    struct db_module m;
    uint64_t frames, size;
    uint8_t *k;

    (void)state;
    /* PVH: the ELF's segments (bss included) and the ramdisk's pages. */
    spec_for(&spec, &m, 64 * MiB, false, 0);
    frames = same_guest_over_stale_filled_frames(&spec);
    assert_true(frames >= RAMDISK_SIZE / PAGE + 1);
    spec.kernel = k = kernel_with_big_segment(&spec.kernel_size);
    assert_true(same_guest_over_stale_filled_frames(&spec) >= RAMDISK_SIZE / PAGE + 1);
    free(k);
    /* The Linux boot protocol: the ramdisk's pages. */
    spec.kernel = k = make_bzimage(true, &size);
    spec.kernel_size = size;
    assert_true(same_guest_over_stale_filled_frames(&spec) >= RAMDISK_SIZE / PAGE);
    free(k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mapped_ramdisk_congruent_and_not_backed),
        cmocka_unit_test(test_mapped_ramdisk_without_room_for_2mib_phase),
        cmocka_unit_test(test_mapped_ramdisk_not_page_aligned_refused),
        cmocka_unit_test(test_mapped_kernel_segments_same_guest),
        cmocka_unit_test(test_bulk_copy_same_as_frame_by_frame),
        cmocka_unit_test(test_filled_frames_need_no_clearing),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
