/* SPDX-License-Identifier: MIT */
/*
 * A synthetic ELF64 PV kernel that states its needs only through the legacy
 * "__xen_guest" section string (no notes), for tests and fuzz seeds.
 */
#ifndef UNITTESTS_DOMAIN_BUILDER_ELF_GEN_H
#define UNITTESTS_DOMAIN_BUILDER_ELF_GEN_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ELFGEN_VIRT_BASE 0xffffffff80000000ull

static inline void elfgen_put(uint8_t *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint8_t *make_legacy_pv_elf(const char *xen_guest, uint64_t *size)
{
    const char shstr[] = "\0__xen_guest\0.shstrtab";
    uint64_t text_off = 0x1000, text_size = 0x2000;
    uint64_t str_off = text_off + text_size, str_len = strlen(xen_guest) + 1;
    uint64_t shs_off = str_off + str_len, sh_off = (shs_off + sizeof(shstr) + 7) & ~7ull;
    uint8_t *b, *ph, *sh;

    *size = sh_off + 3 * 64;
    b = calloc(1, *size);
    memcpy(b,
           "\x7f"
           "ELF\x02\x01\x01",
           7);
    elfgen_put(b + 16, 2, 2);  /* ET_EXEC */
    elfgen_put(b + 18, 62, 2); /* EM_X86_64 */
    elfgen_put(b + 20, 1, 4);
    elfgen_put(b + 24, ELFGEN_VIRT_BASE + 0x10, 8); /* e_entry */
    elfgen_put(b + 32, 64, 8);                      /* e_phoff */
    elfgen_put(b + 40, sh_off, 8);                  /* e_shoff */
    elfgen_put(b + 52, 64, 2);
    elfgen_put(b + 54, 56, 2);
    elfgen_put(b + 56, 1, 2);
    elfgen_put(b + 58, 64, 2);
    elfgen_put(b + 60, 3, 2);
    elfgen_put(b + 62, 2, 2); /* e_shstrndx */
    ph = b + 64;
    elfgen_put(ph, 1, 4); /* PT_LOAD */
    elfgen_put(ph + 4, 7, 4);
    elfgen_put(ph + 8, text_off, 8);
    elfgen_put(ph + 16, ELFGEN_VIRT_BASE, 8);
    elfgen_put(ph + 24, ELFGEN_VIRT_BASE, 8); /* old-style paddr == vaddr */
    elfgen_put(ph + 32, text_size, 8);
    elfgen_put(ph + 40, text_size + 0x1000, 8);
    for (uint64_t i = 0; i < text_size; i++)
        b[text_off + i] = (uint8_t)(0x90 + (i & 3));
    memset(b + text_off + 0x1000, 0, 0x1000); /* the hypercall page (pfn 1) */
    memcpy(b + str_off, xen_guest, str_len);
    memcpy(b + shs_off, shstr, sizeof(shstr));
    sh = b + sh_off + 64; /* [1] __xen_guest */
    elfgen_put(sh, 1, 4);
    elfgen_put(sh + 4, 1, 4); /* SHT_PROGBITS */
    elfgen_put(sh + 24, str_off, 8);
    elfgen_put(sh + 32, str_len, 8);
    sh += 64; /* [2] .shstrtab */
    elfgen_put(sh, 13, 4);
    elfgen_put(sh + 4, 3, 4); /* SHT_STRTAB */
    elfgen_put(sh + 24, shs_off, 8);
    elfgen_put(sh + 32, sizeof(shstr), 8);
    return b;
}

#define ELFGEN_LEGACY_STRING                                                                \
    "GUEST_OS=linux,GUEST_VER=2.6,XEN_VER=xen-3.0,VIRT_BASE=0xffffffff80000000,"            \
    "ELF_PADDR_OFFSET=0xffffffff80000000,VIRT_ENTRY=0xffffffff80000010,HYPERCALL_PAGE=0x1," \
    "LOADER=generic,FEATURES=writable_page_tables|pae_pgdir_above_4gb"

#endif
