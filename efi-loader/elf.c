// SPDX-License-Identifier: MIT
/*
 * The hypervisor image: an ELF64 x86-64 executable whose PT_LOAD segments go
 * to their physical addresses (p_paddr), exactly; the loader does not relocate.
 */
#include <string.h>

#include "loader.h"

#define EI_NIDENT   16
#define ELFCLASS64  2
#define ELFDATA2LSB 1
#define EV_CURRENT  1
#define ET_EXEC     2
#define EM_X86_64   62
#define PT_LOAD     1

struct elf64_ehdr {
    uint8_t e_ident[EI_NIDENT];
    uint16_t e_type, e_machine;
    uint32_t e_version;
    uint64_t e_entry, e_phoff, e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};

struct elf64_phdr {
    uint32_t p_type, p_flags;
    uint64_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};

/* Physical addresses are at most 52 bits wide on x86-64. */
#define MAX_PHYS_ADDR (1ull << 52)

static const char *check_header(const struct elf64_ehdr *eh, uint64_t size)
{
    if (size < sizeof(*eh) || memcmp(eh->e_ident, "\177ELF", 4))
        return "no ELF header";
    if (eh->e_ident[4] != ELFCLASS64)
        return "not ELF64";
    if (eh->e_ident[5] != ELFDATA2LSB || eh->e_version != EV_CURRENT)
        return "not little-endian ELF version 1";
    if (eh->e_machine != EM_X86_64)
        return "machine is not x86-64";
    if (eh->e_type != ET_EXEC)
        return "not an executable (ET_EXEC)";
    if (eh->e_phentsize != sizeof(struct elf64_phdr) || eh->e_phnum == 0 || eh->e_phoff % 8 ||
        eh->e_phoff > size || (size - eh->e_phoff) / sizeof(struct elf64_phdr) < eh->e_phnum)
        return "program headers missing, misaligned or outside the file";
    return NULL;
}

/* PT_LOAD segments must be sane and in ascending, non-overlapping order. */
static const char *check_segments(const struct elf64_ehdr *eh, const struct elf64_phdr *ph,
                                  uint64_t size)
{
    uint64_t prev_end = 0;
    bool entry_inside = false, any = false;

    for (unsigned i = 0; i < eh->e_phnum; i++) {
        const struct elf64_phdr *p = &ph[i];

        if (p->p_type != PT_LOAD || p->p_memsz == 0)
            continue;
        if (p->p_filesz > p->p_memsz || p->p_offset > size || size - p->p_offset < p->p_filesz)
            return "a PT_LOAD segment lies outside the file";
        if (p->p_memsz > MAX_PHYS_ADDR || p->p_paddr > MAX_PHYS_ADDR - p->p_memsz)
            return "a PT_LOAD segment lies beyond the physical address space";
        if (p->p_paddr < prev_end)
            return "PT_LOAD segments overlap or are not in address order";
        if (eh->e_entry >= p->p_paddr && eh->e_entry - p->p_paddr < p->p_memsz)
            entry_inside = true;
        prev_end = p->p_paddr + p->p_memsz;
        any = true;
    }
    if (!any)
        return "no PT_LOAD segment";
    if (!entry_inside)
        return "entry point outside the loaded segments";
    return NULL;
}

const char *elf_check(const void *file, uint64_t size)
{
    const struct elf64_ehdr *eh = file;
    const char *why = check_header(eh, size);

    if (why)
        return why;
    return check_segments(eh, (const struct elf64_phdr *)((const uint8_t *)file + eh->e_phoff),
                          size);
}

static EFI_STATUS place_segments(struct loader *ld, const uint8_t *file,
                                 const struct elf64_ehdr *eh, const struct elf64_phdr *ph)
{
    uint64_t reserved_end = 0;

    ld->hv_base = ~0ull;
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        const struct elf64_phdr *p = &ph[i];
        uint64_t start, end;

        if (p->p_type != PT_LOAD || p->p_memsz == 0)
            continue;
        /* Two segments may share a page; it is reserved once. */
        start = p->p_paddr & ~(PAGE_SIZE - 1);
        if (start < reserved_end)
            start = reserved_end;
        end = page_round_up(p->p_paddr + p->p_memsz);
        if (end > start) {
            EFI_STATUS s = place_reserve(ld, start, end);

            if (EFI_ERROR(s))
                return s;
            reserved_end = end;
        }
        /* Reserved ranges start zeroed: the bss needs no further work. */
        place_write(ld, p->p_paddr, file + p->p_offset, p->p_filesz);
        if (p->p_paddr < ld->hv_base)
            ld->hv_base = p->p_paddr;
        ld->hv_size = p->p_paddr + p->p_memsz - ld->hv_base;
    }
    ld->hv_entry = eh->e_entry;
    return EFI_SUCCESS;
}

EFI_STATUS hv_load(struct loader *ld)
{
    uint64_t addr, size;
    const uint8_t *file;
    const struct elf64_ehdr *eh;
    const char *why;
    EFI_STATUS s;

    s = file_load(ld, ld->hv_path, EfiLoaderData, 0, PAGE_SIZE, NULL, &addr, &size);
    if (EFI_ERROR(s))
        return s;
    file = (const uint8_t *)(uintptr_t)addr;
    eh = (const struct elf64_ehdr *)file;
    why = elf_check(file, size);
    if (why) {
        con_error("%s: not an x86-64 ELF executable: %s", ld->hv_path, why);
        s = EFI_LOAD_ERROR;
    } else {
        s = place_segments(ld, file, eh, (const struct elf64_phdr *)(file + eh->e_phoff));
    }
    pages_free(addr);
    if (EFI_ERROR(s))
        return s;
    con_info("hypervisor %s: 0x%lx-0x%lx, entry 0x%lx", ld->hv_path, (unsigned long)ld->hv_base,
             (unsigned long)(ld->hv_base + ld->hv_size - 1), (unsigned long)ld->hv_entry);
    return EFI_SUCCESS;
}
