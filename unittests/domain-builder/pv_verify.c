// SPDX-License-Identifier: MIT
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "pv_verify.h"

#define MiB (1024ull * 1024)

struct ctx {
    const struct th_guest *g;
    const uint8_t *file;
    uint64_t cr3, hypercall_va;
    const struct pv_frames *f;
};

static uint64_t va2pa(const struct ctx *c, uint64_t va, bool *rw)
{
    uint64_t gpa;
    bool w;

    if (!th_walk(c->g, c->cr3, va, c->f->mfn_to_gfn, &gpa, &w))
        fail_msg("va 0x%llx not mapped", (unsigned long long)va);
    if (rw)
        *rw = w;
    return gpa;
}

/* Compares guest virtual memory with bytes (NULL: zeros), page by page. */
static void check_virt(const struct ctx *c, uint64_t va, const uint8_t *bytes, uint64_t len)
{
    static const uint8_t zero[4096];

    while (len) {
        uint64_t chunk = 4096 - (va & 4095);

        if (chunk > len)
            chunk = len;
        if ((va & ~4095ull) != c->hypercall_va) /* the builder fills that page */
            assert_memory_equal(th_ptr(c->g, va2pa(c, va, NULL), chunk), bytes ? bytes : zero,
                                chunk);
        va += chunk;
        len -= chunk;
        if (bytes)
            bytes += chunk;
    }
}

static void check_segment(void *ctx, uint64_t offset, uint64_t vaddr, uint64_t paddr,
                          uint64_t filesz, uint64_t memsz)
{
    const struct ctx *c = ctx;
    uint64_t vb = 0, po = 0, va;

    th_xen_note(c->file, 3, &vb); /* VIRT_BASE */
    th_xen_note(c->file, 4, &po); /* PADDR_OFFSET */
    (void)vaddr;
    va = paddr + vb - po; /* where Xen's rules put it */
    check_virt(c, va, c->file + offset, filesz);
    for (uint64_t z = filesz; z < memsz; z += 4096)
        check_virt(c, va + z, NULL, memsz - z < 4096 ? memsz - z : 4096);
}

void verify_pv(const struct th_guest *g, const uint8_t *kernel, const struct db_vcpu_state *v,
               uint64_t mem, const char *cmdline, const uint8_t *initrd, uint64_t initrd_size,
               const struct pv_frames *frames)
{
    struct ctx c = { g, kernel, v->cr3, 0, frames };
    uint64_t si, pt_base, nr_pt, p2m, va, gpa, entry, vb, end_of_boot;
    uint32_t flags;
    bool rw;

    assert_true(th_xen_note(kernel, 1, &entry));
    assert_true(th_xen_note(kernel, 3, &vb));
    if (!th_xen_note(kernel, 2, &c.hypercall_va))
        c.hypercall_va = 1; /* none */

    /* Registers of the x86-64 PV ABI. */
    assert_int_equal(v->mode, DB_CPU_PV64);
    assert_int_equal(v->rip, entry);
    assert_int_equal(v->cs.selector, 0xe033);
    assert_int_equal(v->ss.selector, 0xe02b);
    assert_int_equal(v->ds.selector, 0);
    assert_int_equal(v->rflags, 0x202);
    assert_int_equal(v->rsp % 4096, 0);

    /* start_info at RSI. */
    si = va2pa(&c, v->rsi, &rw);
    assert_true(rw);
    assert_string_equal((const char *)th_ptr(g, si, 15), "xen-3.0-x86_64");
    assert_int_equal(th_rd64(g, si + 32), mem / 4096); /* nr_pages */
    flags = th_rd32(g, si + 48);
    assert_int_equal(flags & ~8u, 0); /* only MOD_START_PFN */
    if (cmdline)
        assert_string_equal((const char *)th_ptr(g, si + 128, strlen(cmdline) + 1), cmdline);
    else
        assert_int_equal(th_rd8(g, si + 128), 0);

    /* pt_base is CR3's frame; every page-table frame is mapped read-only. */
    pt_base = th_rd64(g, si + 88);
    nr_pt = th_rd64(g, si + 96);
    gpa = va2pa(&c, pt_base, &rw);
    assert_false(rw);
    assert_int_equal(gpa >> 12,
                     frames->mfn_to_gfn ? frames->mfn_to_gfn(v->cr3 >> 12) : v->cr3 >> 12);
    assert_true(nr_pt >= 4);
    for (uint64_t i = 0; i < nr_pt; i++) {
        va2pa(&c, pt_base + i * 4096, &rw);
        assert_false(rw);
    }

    /* P2M list: pfn -> mfn for every page. */
    p2m = th_rd64(g, si + 104);
    for (uint64_t pfn = 0; pfn < mem / 4096; pfn++) {
        if (pfn % 512 == 0)
            gpa = va2pa(&c, p2m + pfn * 8, NULL);
        assert_int_equal(th_rd64(g, gpa + (pfn % 512) * 8),
                         frames->gfn_to_mfn ? frames->gfn_to_mfn(pfn) : pfn);
    }

    /* The initrd: a virtual address, or a PFN with SIF_MOD_START_PFN. */
    assert_int_equal(th_rd64(g, si + 120), initrd_size);
    if (initrd_size) {
        uint64_t ms = th_rd64(g, si + 112);

        if (flags & 8)
            ms = vb + ms * 4096;
        check_virt(&c, ms, initrd, initrd_size);
    }

    /* xenstore and console frames are zeroed pages inside the domain. */
    for (int off = 56; off <= 72; off += 16) {
        uint64_t mfn = th_rd64(g, si + off);
        uint64_t gfn = frames->mfn_to_gfn ? frames->mfn_to_gfn(mfn) : mfn;
        static const uint8_t zero[4096];

        assert_true(gfn < g->nr_frames);
        assert_memory_equal(th_ptr(g, gfn * 4096, 4096), zero, 4096);
    }

    /* The kernel's segments, through the page tables. */
    th_elf_for_each_load(kernel, check_segment, &c);

    /* Hypercall page: console_io (18) and iret (23) stubs. */
    if (c.hypercall_va != 1) {
        static const uint8_t console_io[] = { 0x51, 0x41, 0x53, 0xb8, 18,   0,    0,
                                              0,    0x0f, 0x05, 0x41, 0x5b, 0x59, 0xc3 };
        static const uint8_t iret[] = { 0x51, 0x41, 0x53, 0x50, 0xb8, 23, 0, 0, 0, 0x0f, 0x05 };
        uint64_t hc = va2pa(&c, c.hypercall_va, NULL);

        assert_memory_equal(th_ptr(g, hc + 18 * 32, sizeof(console_io)), console_io,
                            sizeof(console_io));
        assert_memory_equal(th_ptr(g, hc + 23 * 32, sizeof(iret)), iret, sizeof(iret));
    }

    /* Linear mapping va = VIRT_BASE + pfn * 4K, writable except the tables. */
    for (va = vb; th_walk(g, v->cr3, va, frames->mfn_to_gfn, &gpa, &rw); va += 4096) {
        assert_int_equal(gpa, va - vb);
        assert_int_equal(rw, !(va >= pt_base && va < pt_base + nr_pt * 4096));
    }
    /* The stack is the last bootstrap element; >= 512 KiB after it, 4 MiB aligned. */
    end_of_boot = v->rsp;
    assert_true(va - end_of_boot >= 512 * 1024);
    assert_int_equal(va % (4 * MiB), 0);
    assert_true(p2m < pt_base && pt_base < end_of_boot && v->rsi < pt_base);
}
