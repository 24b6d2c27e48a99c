// SPDX-License-Identifier: MIT
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "linux_verify.h"

#define MiB (1024ull * 1024)

void build_domain(const struct db_domain_spec *spec, struct th_guest *g, struct db_layout *l,
                  struct db_vcpu_state *v)
{
    struct db_guest_mem mem;
    struct db_buffer_mem bm;
    struct db_diag diag;

    if (db_prepare(spec, l, &diag))
        fail_msg("prepare: %s: %s", db_err_name(diag.code), diag.msg);
    th_guest_alloc(g, l->nr_frames);
    db_buffer_mem_init(&mem, &bm, g->buf, g->nr_frames);
    if (db_build(spec, l, &mem, v, &diag))
        fail_msg("build: %s: %s", db_err_name(diag.code), diag.msg);
}

/* Zero-page bytes the loader writes itself instead of copying from the image. */
static int loader_owned(uint64_t off)
{
    return (off >= 0x1FA && off < 0x1FC) || /* vid_mode */
           off == 0x210 ||                  /* type_of_loader */
           (off >= 0x214 && off < 0x220) || /* code32_start, ramdisk_image/size */
           (off >= 0x228 && off < 0x22C);   /* cmd_line_ptr */
}

static int in(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
    return a < b + bs && b < a + as;
}

uint64_t verify_linux(const struct th_guest *g, const uint8_t *image, uint64_t image_size,
                      const struct db_vcpu_state *v, uint64_t mem, const char *cmdline,
                      const uint8_t *initrd, uint64_t initrd_size)
{
    uint64_t zp = v->rsi, hdr_end = 0x202 + image[0x201], gpa, load;
    unsigned int setup_sects = image[0x1F1] ? image[0x1F1] : 4, n;
    uint64_t pm_off = (setup_sects + 1) * 512ull, pm_size = image_size - pm_off;
    uint32_t align = (uint32_t)th_le(image + 0x230, 4),
             init_size = (uint32_t)th_le(image + 0x260, 4);
    uint32_t initrd_max = (uint32_t)th_le(image + 0x22C, 4);
    struct th_e820 e[128];
    bool rw;

    /* Registers: long mode, paging with our tables, RSI = zero page. */
    assert_int_equal(v->mode, DB_CPU_LONG64);
    assert_int_equal(v->cr0 & 0x80000001, 0x80000001);
    assert_int_equal(v->cr4 & 0x20, 0x20);
    assert_int_equal(v->efer & 0x500, 0x500);
    assert_int_equal(v->rflags & 0x200, 0);        /* IF = 0 */
    assert_int_equal(v->cs.attrib & 0x200, 0x200); /* L */
    assert_int_equal(v->cs.attrib & 0x400, 0);     /* D = 0 with L */
    assert_int_equal(v->cs.selector, 0x10);        /* __BOOT_CS */
    assert_int_equal(v->ds.selector, 0x18);        /* __BOOT_DS */
    assert_int_equal(th_rd64(g, v->gdtr.base + v->cs.selector), 0x00AF9B000000FFFFull);
    assert_int_equal(th_rd64(g, v->gdtr.base + v->ds.selector), 0x00CF93000000FFFFull);
    assert_int_equal(zp % 4096, 0);

    /* Kernel: protected-mode part at an aligned address, entry at +0x200. */
    load = v->rip - 0x200;
    assert_int_equal(load % align, 0);
    if (image[0x234] == 0)
        assert_int_equal(load, th_le(image + 0x258, 8));
    assert_memory_equal(th_ptr(g, load, pm_size), image + pm_off, pm_size);

    /* Zero page: setup header copied, loader fields set, the rest zero. */
    for (uint64_t off = 0; off < 4096; off++) {
        uint8_t b = th_rd8(g, zp + off);

        if (off >= 0x1F1 && off < hdr_end && !loader_owned(off))
            assert_int_equal(b, image[off]);
        else if (off < 0x1F1 && off != 0x1E8 && off >= 0x78 && off < 0x1E8)
            assert_int_equal(b, 0);
    }
    assert_int_equal(th_rd8(g, zp + 0x210), 0xFF);
    assert_int_equal(th_rd16(g, zp + 0x1FA), 0xFFFF);
    assert_int_equal(th_rd32(g, zp + 0x214), load);

    /* e820 in the zero page: well formed, low hole, RAM = what was asked. */
    n = th_rd8(g, zp + 0x1E8);
    assert_true(n >= 2 && n <= 128);
    for (unsigned int i = 0; i < n; i++) {
        e[i].addr = th_rd64(g, zp + 0x2D0 + i * 20);
        e[i].size = th_rd64(g, zp + 0x2D0 + i * 20 + 8);
        e[i].type = th_rd32(g, zp + 0x2D0 + i * 20 + 16);
    }
    th_hvm_e820_check(g, e, n, mem);
    /* The kernel's whole init_size is RAM. */
    assert_int_equal(th_e820_type_of(e, n, load, init_size), 1);
    assert_int_equal(th_e820_type_of(e, n, zp, 4096), 1);

    /* Command line. */
    gpa = th_rd32(g, zp + 0x228) | (uint64_t)th_rd32(g, zp + 0xC8) << 32;
    if (cmdline) {
        assert_string_equal((const char *)th_ptr(g, gpa, strlen(cmdline) + 1), cmdline);
        assert_false(in(gpa, strlen(cmdline) + 1, load, init_size));
    } else {
        assert_int_equal(gpa, 0);
    }

    /* initrd: page aligned, under initrd_addr_max, clear of the kernel's init_size. */
    gpa = th_rd32(g, zp + 0x218) | (uint64_t)th_rd32(g, zp + 0xC0) << 32;
    assert_int_equal(th_rd32(g, zp + 0x21C), initrd_size);
    if (initrd) {
        assert_int_equal(gpa % 4096, 0);
        assert_true(gpa + initrd_size - 1 <= initrd_max);
        assert_false(in(gpa, initrd_size, load, init_size));
        assert_false(in(gpa, initrd_size, zp, 4096));
        assert_int_equal(th_e820_type_of(e, n, gpa, initrd_size), 1);
        assert_memory_equal(th_ptr(g, gpa, initrd_size), initrd, initrd_size);
    }

    /* Page tables: identity map of the low 4 GiB, writable. */
    {
        const uint64_t probes[] = { 0,          zp,         v->rip,    load + init_size - 1,
                                    0x12345678, 0xFEE00000, 0xFFFFFFFF };

        for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
            assert_true(th_walk(g, v->cr3, probes[i], NULL, &gpa, &rw));
            assert_int_equal(gpa, probes[i]);
            assert_true(rw);
        }
        assert_false(th_walk(g, v->cr3, 0x100000000ull, NULL, &gpa, &rw));
    }
    return load;
}
