// SPDX-License-Identifier: MIT
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers.h"

uint8_t *th_read_file(const char *path, uint64_t *size)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf;
    long n;

    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *size = (uint64_t)n;
    return buf;
}

void th_guest_alloc(struct th_guest *g, uint64_t nr_frames)
{
    g->nr_frames = nr_frames;
    g->buf = calloc(nr_frames, 4096);
    assert_non_null(g->buf);
}

void th_guest_free(struct th_guest *g)
{
    free(g->buf);
    g->buf = NULL;
}

const uint8_t *th_ptr(const struct th_guest *g, uint64_t gpa, uint64_t len)
{
    assert_true(gpa + len >= gpa && gpa + len <= g->nr_frames * 4096);
    return g->buf + gpa;
}

uint64_t th_rd64(const struct th_guest *g, uint64_t gpa)
{
    return th_le(th_ptr(g, gpa, 8), 8);
}
uint32_t th_rd32(const struct th_guest *g, uint64_t gpa)
{
    return (uint32_t)th_le(th_ptr(g, gpa, 4), 4);
}
uint16_t th_rd16(const struct th_guest *g, uint64_t gpa)
{
    return (uint16_t)th_le(th_ptr(g, gpa, 2), 2);
}
uint8_t th_rd8(const struct th_guest *g, uint64_t gpa)
{
    return *th_ptr(g, gpa, 1);
}

uint64_t th_e820_check(const struct th_e820 *e, unsigned int n)
{
    uint64_t ram = 0;

    assert_true(n >= 2);
    for (unsigned int i = 0; i < n; i++) {
        assert_true(e[i].size > 0);
        assert_true(e[i].addr + e[i].size > e[i].addr);
        assert_true(e[i].type >= 1 && e[i].type <= 7);
        if (i)
            assert_true(e[i - 1].addr + e[i - 1].size <= e[i].addr);
        if (e[i].type == 1)
            ram += e[i].size;
    }
    return ram;
}

uint32_t th_e820_type_of(const struct th_e820 *e, unsigned int n, uint64_t addr, uint64_t size)
{
    for (unsigned int i = 0; i < n; i++)
        if (addr >= e[i].addr && addr + size <= e[i].addr + e[i].size)
            return e[i].type;
    return 0;
}

void th_hvm_e820_check(const struct th_guest *g, const struct th_e820 *e, unsigned int n,
                       uint64_t mem)
{
    const uint64_t mib = 1024 * 1024, console = mem - 4096;

    assert_true(mem <= 3072 * mib);
    /* Backed: RAM, the first MiB's reserved and ACPI tail and the console page. */
    assert_int_equal(th_e820_check(e, n) + (mib - 0x9FC00) + 4096, mem);
    assert_int_equal(th_e820_type_of(e, n, 0, 0x9FC00), 1);
    assert_int_equal(th_e820_type_of(e, n, 0x9FC00, 0xE0000 - 0x9FC00), 2);
    assert_int_equal(th_e820_type_of(e, n, 0xE0000, mib - 0xE0000), 3);
    /* The console ring page: the top of RAM, reserved, its own entry, empty. */
    assert_int_equal(th_e820_type_of(e, n, console, 4096), 2);
    assert_int_equal(th_e820_type_of(e, n, console - 4096, 4096), 1);
    for (unsigned int i = 0; i < n; i++)
        if (e[i].addr == console)
            assert_int_equal(e[i].size, 4096);
    for (uint64_t i = 0; i < 4096; i++)
        assert_int_equal(th_rd8(g, console + i), 0);
}

void th_elf_for_each_load(const uint8_t *elf, th_load_fn fn, void *ctx)
{
    bool is64 = elf[4] == 2;
    uint64_t phoff = is64 ? th_le(elf + 32, 8) : th_le(elf + 28, 4);
    unsigned int phnum = (unsigned int)th_le(elf + (is64 ? 56 : 44), 2);
    unsigned int phentsize = (unsigned int)th_le(elf + (is64 ? 54 : 42), 2);

    for (unsigned int i = 0; i < phnum; i++) {
        const uint8_t *p = elf + phoff + (uint64_t)i * phentsize;

        if (th_le(p, 4) != 1)
            continue;
        if (is64)
            fn(ctx, th_le(p + 8, 8), th_le(p + 16, 8), th_le(p + 24, 8), th_le(p + 32, 8),
               th_le(p + 40, 8));
        else
            fn(ctx, th_le(p + 4, 4), th_le(p + 8, 4), th_le(p + 12, 4), th_le(p + 16, 4),
               th_le(p + 20, 4));
    }
}

uint64_t th_elf_entry(const uint8_t *elf)
{
    return elf[4] == 2 ? th_le(elf + 24, 8) : th_le(elf + 24, 4);
}

bool th_walk(const struct th_guest *g, uint64_t cr3, uint64_t va,
             uint64_t (*mfn_to_gfn)(uint64_t mfn), uint64_t *gpa, bool *writable)
{
    uint64_t tgfn = mfn_to_gfn ? mfn_to_gfn(cr3 >> 12) : cr3 >> 12;
    bool rw = true;

    for (int level = 3; level >= 0; level--) {
        unsigned int shift = 12 + 9 * (unsigned int)level;
        uint64_t e = th_rd64(g, (tgfn << 12) + ((va >> shift) & 511) * 8);
        uint64_t frame = (e & 0x000FFFFFFFFFF000ull) >> 12;

        if (!(e & 1))
            return false;
        rw = rw && (e & 2);
        if (mfn_to_gfn)
            frame = mfn_to_gfn(frame);
        if (level == 1 && (e & 0x80)) { /* 2 MiB page */
            *gpa = (frame << 12) + (va & 0x1FFFFF);
            *writable = rw;
            return true;
        }
        if (level == 0) {
            *gpa = (frame << 12) + (va & 0xFFF);
            *writable = rw;
            return true;
        }
        tgfn = frame;
    }
    return false;
}

bool th_xen_note(const uint8_t *elf, uint32_t type, uint64_t *value)
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

            if (th_le(n + 8, 4) == type && namesz == 4 && !memcmp(n + 12, "Xen", 4)) {
                *value = th_le(n + 16, (int)(descsz > 8 ? 8 : descsz));
                return true;
            }
            o += 12 + ((namesz + 3) & ~3ull) + ((descsz + 3) & ~3ull);
        }
    }
    return false;
}
