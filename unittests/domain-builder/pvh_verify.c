// SPDX-License-Identifier: MIT
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "pvh_verify.h"

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

uint64_t verify_pvh(const struct th_guest *g, const uint8_t *kernel, uint64_t entry,
                    const struct db_vcpu_state *v, uint64_t mem, const char *cmdline)
{
    struct seg_check sc = { kernel, g, 0 };
    struct th_e820 e[32];
    uint64_t si = v->rbx, mm, gdt;
    uint32_t n;

    /* Registers: 32-bit protected mode, paging off, flat segments. */
    assert_int_equal(v->mode, DB_CPU_PROT32);
    assert_int_equal(v->rip, entry);
    assert_int_equal(v->cr0, 0x11); /* PE | ET */
    assert_int_equal(v->cr4, 0);
    assert_int_equal(v->efer, 0);
    assert_int_equal(v->rflags, 0x2);
    assert_int_equal(v->cs.base, 0);
    assert_int_equal(v->cs.limit, 0xFFFFFFFF);
    assert_int_equal(v->cs.attrib, 0xC9B); /* code, S, P, D, G */
    assert_int_equal(v->ds.attrib, 0xC93);
    assert_int_equal(v->ss.attrib, 0xC93);
    assert_int_equal(v->es.attrib, 0xC93);
    assert_int_equal(v->tr.attrib & 0x9F, 0x8B); /* present busy 32-bit TSS */
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
    /* Well formed, with the low hole, the console page and RAM adding up to what was asked. */
    th_hvm_e820_check(g, e, n, mem);
    assert_int_equal(e[0].addr, 0);
    assert_int_equal(e[0].size, 0x9FC00);
    assert_int_equal(e[0].type, 1);
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
