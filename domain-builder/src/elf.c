// SPDX-License-Identifier: MIT
/*
 * ELF32/ELF64 headers of a kernel image. Every offset and size is checked
 * against the file before it is used; segments are checked for wrap-around
 * and mutual overlap (by physical address).
 */
#include <string.h>

#include "internal.h"

#define EI_CLASS    4
#define EI_DATA     5
#define EI_VERSION  6
#define ELFCLASS32  1
#define ELFCLASS64  2
#define ELFDATA2LSB 1
#define ET_EXEC     2
#define EM_386      3
#define EM_X86_64   62
#define PT_LOAD     1
#define SHT_NOBITS  8

#define EHDR32_SIZE      52
#define EHDR64_SIZE      64
#define PHDR32_SIZE      32
#define PHDR64_SIZE      56
#define SHDR32_SIZE      40
#define SHDR64_SIZE      64
#define DB_ELF_MAX_PHNUM 64

bool db_elf_probe(const uint8_t *data, uint64_t size)
{
    return size >= 4 && data[0] == 0x7f && data[1] == 'E' && data[2] == 'L' && data[3] == 'F';
}

/* One program header in ELF64 form. */
static void read_phdr(const struct db_elf *elf, const uint8_t *p, uint32_t *type,
                      struct db_elf_seg *s)
{
    *type = db_le32(p);
    if (elf->is64) {
        s->flags = db_le32(p + 4);
        s->offset = db_le64(p + 8);
        s->vaddr = db_le64(p + 16);
        s->paddr = db_le64(p + 24);
        s->filesz = db_le64(p + 32);
        s->memsz = db_le64(p + 40);
    } else {
        s->offset = db_le32(p + 4);
        s->vaddr = db_le32(p + 8);
        s->paddr = db_le32(p + 12);
        s->filesz = db_le32(p + 16);
        s->memsz = db_le32(p + 20);
        s->flags = db_le32(p + 24);
    }
}

static int check_segment(struct db_elf *elf, unsigned int i, const struct db_elf_seg *s,
                         struct db_diag *diag)
{
    if (!db_in_bounds(s->offset, s->filesz, elf->size))
        return db_fail(
            diag, DB_ERR_TRUNCATED,
            "ELF program header %u: p_offset 0x%lx + p_filesz 0x%lx beyond file size 0x%lx", i,
            s->offset, s->filesz, elf->size);
    if (s->filesz > s->memsz)
        return db_fail(diag, DB_ERR_SEGMENT,
                       "ELF program header %u: p_filesz 0x%lx > p_memsz 0x%lx", i, s->filesz,
                       s->memsz);
    if (s->paddr + s->memsz < s->paddr || s->vaddr + s->memsz < s->vaddr)
        return db_fail(diag, DB_ERR_SEGMENT,
                       "ELF program header %u: address 0x%lx + p_memsz 0x%lx wraps", i, s->paddr,
                       s->memsz);
    if (elf->nr_load == DB_ELF_MAX_LOAD)
        return db_fail(diag, DB_ERR_UNSUPPORTED, "ELF: more than %u PT_LOAD segments",
                       DB_ELF_MAX_LOAD);
    for (uint32_t j = 0; j < elf->nr_load; j++) {
        const struct db_elf_seg *o = &elf->load[j];

        if (db_overlaps(s->paddr, s->memsz, o->paddr, o->memsz))
            return db_fail(diag, DB_ERR_SEGMENT,
                           "ELF program header %u: [0x%lx, 0x%lx) overlaps segment [0x%lx, 0x%lx)",
                           i, s->paddr, s->paddr + s->memsz, o->paddr, o->paddr + o->memsz);
    }
    return 0;
}

int db_elf_parse(const uint8_t *data, uint64_t size, struct db_elf *elf, struct db_diag *diag)
{
    uint16_t phentsize, shentsize;
    unsigned int i;

    memset(elf, 0, sizeof(*elf));
    elf->data = data;
    elf->size = size;
    if (size < EHDR32_SIZE || !db_elf_probe(data, size))
        return db_fail(diag, DB_ERR_FORMAT, "not an ELF image (size 0x%lx)", size);
    if (data[EI_CLASS] != ELFCLASS32 && data[EI_CLASS] != ELFCLASS64)
        return db_fail(diag, DB_ERR_HEADER, "ELF: EI_CLASS %u is neither 32 nor 64 bit",
                       data[EI_CLASS]);
    elf->is64 = data[EI_CLASS] == ELFCLASS64;
    if (elf->is64 && size < EHDR64_SIZE)
        return db_fail(diag, DB_ERR_TRUNCATED, "ELF64 header needs 64 bytes, file has 0x%lx", size);
    if (data[EI_DATA] != ELFDATA2LSB || data[EI_VERSION] != 1)
        return db_fail(diag, DB_ERR_HEADER, "ELF: EI_DATA %u / EI_VERSION %u (want 1 / 1)",
                       data[EI_DATA], data[EI_VERSION]);
    if (db_le16(data + 16) != ET_EXEC)
        return db_fail(diag, DB_ERR_HEADER, "ELF: e_type %u is not ET_EXEC", db_le16(data + 16));
    elf->machine = db_le16(data + 18);
    if (elf->machine != (elf->is64 ? EM_X86_64 : EM_386) && elf->machine != EM_X86_64)
        return db_fail(diag, DB_ERR_HEADER, "ELF%s: e_machine %u is not x86",
                       elf->is64 ? "64" : "32", elf->machine);
    if (elf->is64) {
        elf->entry = db_le64(data + 24);
        elf->phoff = db_le64(data + 32);
        elf->shoff = db_le64(data + 40);
        phentsize = db_le16(data + 54);
        elf->phnum = db_le16(data + 56);
        shentsize = db_le16(data + 58);
        elf->shnum = db_le16(data + 60);
        elf->shstrndx = db_le16(data + 62);
    } else {
        elf->entry = db_le32(data + 24);
        elf->phoff = db_le32(data + 28);
        elf->shoff = db_le32(data + 32);
        phentsize = db_le16(data + 42);
        elf->phnum = db_le16(data + 44);
        shentsize = db_le16(data + 46);
        elf->shnum = db_le16(data + 48);
        elf->shstrndx = db_le16(data + 50);
    }
    if (phentsize != (elf->is64 ? PHDR64_SIZE : PHDR32_SIZE))
        return db_fail(diag, DB_ERR_HEADER, "ELF: e_phentsize %u (want %u)", phentsize,
                       elf->is64 ? PHDR64_SIZE : PHDR32_SIZE);
    if (elf->phnum == 0 || elf->phnum > DB_ELF_MAX_PHNUM)
        return db_fail(diag, DB_ERR_HEADER, "ELF: e_phnum %u (want 1..%u)", elf->phnum,
                       DB_ELF_MAX_PHNUM);
    if (!db_in_bounds(elf->phoff, (uint64_t)elf->phnum * phentsize, size))
        return db_fail(
            diag, DB_ERR_TRUNCATED,
            "ELF: program headers at e_phoff 0x%lx (%u x %u bytes) beyond file size 0x%lx",
            elf->phoff, elf->phnum, phentsize, size);
    if (elf->shnum && shentsize != (elf->is64 ? SHDR64_SIZE : SHDR32_SIZE))
        elf->shnum = 0; /* sections are optional; unusable ones are ignored */

    elf->paddr_lo = elf->vaddr_lo = UINT64_MAX;
    for (i = 0; i < elf->phnum; i++) {
        struct db_elf_seg s;
        uint32_t type;

        read_phdr(elf, data + elf->phoff + (uint64_t)i * phentsize, &type, &s);
        if (type != PT_LOAD || s.memsz == 0)
            continue;
        if (check_segment(elf, i, &s, diag))
            return -1;
        elf->load[elf->nr_load++] = s;
        if (s.paddr < elf->paddr_lo)
            elf->paddr_lo = s.paddr;
        if (s.paddr + s.memsz > elf->paddr_hi)
            elf->paddr_hi = s.paddr + s.memsz;
        if (s.vaddr < elf->vaddr_lo)
            elf->vaddr_lo = s.vaddr;
        if (s.vaddr + s.memsz > elf->vaddr_hi)
            elf->vaddr_hi = s.vaddr + s.memsz;
    }
    if (elf->nr_load == 0)
        return db_fail(diag, DB_ERR_SEGMENT, "ELF: no PT_LOAD segment with p_memsz > 0");
    return 0;
}

int db_elf_find_section(const struct db_elf *elf, const char *name, uint64_t *offset,
                        uint64_t *size, struct db_diag *diag)
{
    uint64_t entsize = elf->is64 ? SHDR64_SIZE : SHDR32_SIZE;
    uint64_t stroff, strsize, namelen = strlen(name);
    const uint8_t *sh;

    if (!elf->shnum)
        return 0;
    if (!db_in_bounds(elf->shoff, elf->shnum * entsize, elf->size))
        return db_fail(diag, DB_ERR_TRUNCATED,
                       "ELF: section headers at e_shoff 0x%lx (%u) beyond file size 0x%lx",
                       elf->shoff, elf->shnum, elf->size);
    if (elf->shstrndx >= elf->shnum)
        return db_fail(diag, DB_ERR_HEADER, "ELF: e_shstrndx %u >= e_shnum %u", elf->shstrndx,
                       elf->shnum);
    sh = elf->data + elf->shoff + elf->shstrndx * entsize;
    stroff = elf->is64 ? db_le64(sh + 24) : db_le32(sh + 16);
    strsize = elf->is64 ? db_le64(sh + 32) : db_le32(sh + 20);
    if (!db_in_bounds(stroff, strsize, elf->size))
        return db_fail(diag, DB_ERR_TRUNCATED,
                       "ELF: section name table 0x%lx + 0x%lx beyond file size 0x%lx", stroff,
                       strsize, elf->size);
    for (uint16_t i = 0; i < elf->shnum; i++) {
        uint64_t off, sz;
        uint32_t nameoff;

        sh = elf->data + elf->shoff + i * entsize;
        nameoff = db_le32(sh);
        if (nameoff >= strsize || strsize - nameoff < namelen + 1 ||
            memcmp(elf->data + stroff + nameoff, name, namelen + 1) != 0)
            continue;
        if (db_le32(sh + 4) == SHT_NOBITS)
            return 0;
        off = elf->is64 ? db_le64(sh + 24) : db_le32(sh + 16);
        sz = elf->is64 ? db_le64(sh + 32) : db_le32(sh + 20);
        if (!db_in_bounds(off, sz, elf->size))
            return db_fail(diag, DB_ERR_TRUNCATED,
                           "ELF: section %s at 0x%lx + 0x%lx beyond file size 0x%lx", name, off, sz,
                           elf->size);
        *offset = off;
        *size = sz;
        return 1;
    }
    return 0;
}

bool db_elf_seg_mappable(const struct db_elf_seg *s, uint64_t gpa, uint64_t host, uint64_t *lo,
                         uint64_t *hi)
{
    *lo = DB_ALIGN_UP(gpa, DB_PAGE_SIZE);
    *hi = DB_ALIGN_DOWN(gpa + s->filesz, DB_PAGE_SIZE);
    return (host + s->offset - gpa) % DB_PAGE_SIZE == 0 && *lo < *hi;
}

int db_elf_load(const struct db_elf *elf, uint64_t dest_minus_paddr, uint32_t mapped_segments,
                const struct db_guest_mem *mem, struct db_diag *diag)
{
    for (uint32_t i = 0; i < elf->nr_load; i++) {
        const struct db_elf_seg *s = &elf->load[i];
        const uint8_t *src = elf->data + s->offset;
        uint64_t gpa = s->paddr + dest_minus_paddr, lo = gpa + s->filesz, hi = lo;

        /* A mapped segment's whole pages [lo, hi) are the file's own (host congruence given). */
        if (mapped_segments & (1u << i))
            db_elf_seg_mappable(s, gpa, gpa - s->offset, &lo, &hi);
        if (db_mem_place(mem, gpa, src, lo - gpa, diag) ||
            db_mem_place(mem, hi, src + (hi - gpa), gpa + s->filesz - hi, diag) ||
            db_mem_fill(mem, gpa + s->filesz, 0, s->memsz - s->filesz, diag))
            return -1;
    }
    return 0;
}
