/* SPDX-License-Identifier: MIT */
/*
 * ELF32/ELF64 kernel images: header and program header validation against
 * the file size, Xen ELF notes and the legacy __xen_guest string.
 */
#ifndef DOMAIN_BUILDER_ELF_H
#define DOMAIN_BUILDER_ELF_H

#include <stdbool.h>
#include <stdint.h>

#include "diag.h"

#define DB_ELF_MAX_LOAD 16

struct db_elf_seg {
    uint64_t offset, vaddr, paddr, filesz, memsz;
    uint32_t flags;
};

struct db_elf {
    const uint8_t *data;
    uint64_t size;
    bool is64;
    uint16_t machine;
    uint64_t entry;
    uint32_t nr_load;
    struct db_elf_seg load[DB_ELF_MAX_LOAD]; /* PT_LOAD with memsz > 0, file order */
    uint64_t paddr_lo, paddr_hi;             /* span of the PT_LOADs, [lo, hi) */
    uint64_t vaddr_lo, vaddr_hi;
    uint64_t phoff;
    uint16_t phnum, shnum, shstrndx;
    uint64_t shoff;
};

bool db_elf_probe(const uint8_t *data, uint64_t size);
int db_elf_parse(const uint8_t *data, uint64_t size, struct db_elf *elf, struct db_diag *diag);

/* Finds section `name`: 1 with its file range, 0 if absent, -1 if the headers are bad. */
int db_elf_find_section(const struct db_elf *elf, const char *name, uint64_t *offset,
                        uint64_t *size, struct db_diag *diag);

/* What the Xen notes (or the __xen_guest string) of a kernel say. */
#define DB_XEN_STR_MAX 64

struct db_xen_notes {
    uint32_t seen;           /* bit n: note type n was present */
    bool legacy;             /* read from __xen_guest, not notes */
    uint64_t entry;          /* ENTRY / VIRT_ENTRY (virtual) */
    uint64_t hypercall_page; /* virtual address */
    uint64_t virt_base;
    uint64_t paddr_offset;
    uint64_t init_p2m;
    uint64_t hv_start_low;
    uint64_t phys32_entry;
    uint64_t mod_start_pfn;
    uint64_t suspend_cancel;
    uint32_t supported_features; /* SUPPORTED_FEATURES | FEATURES */
    uint32_t required_features;  /* '!'-prefixed FEATURES */
    uint64_t phys32_reloc[3];    /* align, min, max */
    char guest_os[DB_XEN_STR_MAX];
    char guest_version[DB_XEN_STR_MAX];
    char xen_version[DB_XEN_STR_MAX];
    char loader[DB_XEN_STR_MAX];
    char pae_mode[DB_XEN_STR_MAX];
    char bsd_symtab[DB_XEN_STR_MAX];
};

#define DB_NOTE_SEEN(n, type) (((n)->seen >> (type)) & 1u)

/* Reads the notes of every PT_NOTE, else the legacy section. 0 or -1. */
int db_xen_notes_parse(const struct db_elf *elf, struct db_xen_notes *notes, struct db_diag *diag);

#endif
