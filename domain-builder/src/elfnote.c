// SPDX-License-Identifier: MIT
/*
 * Xen ELF notes and the legacy "__xen_guest" string. Each note's header and
 * payload are checked against its PT_NOTE segment; strings never extend past
 * their descriptor; numbers are 1, 2, 4 or 8 bytes.
 */
#include <string.h>

#include <public/elfnote.h>
#include <public/features.h>

#include "internal.h"

#define PT_NOTE 4

static const char *const feature_names[] = {
    [XENFEAT_writable_page_tables] = "writable_page_tables",
    [XENFEAT_writable_descriptor_tables] = "writable_descriptor_tables",
    [XENFEAT_auto_translated_physmap] = "auto_translated_physmap",
    [XENFEAT_supervisor_mode_kernel] = "supervisor_mode_kernel",
    [XENFEAT_pae_pgdir_above_4gb] = "pae_pgdir_above_4gb",
    [XENFEAT_mmu_pt_update_preserve_ad] = "mmu_pt_update_preserve_ad",
    [XENFEAT_highmem_assist] = "highmem_assist",
    [XENFEAT_gnttab_map_avail_bits] = "gnttab_map_avail_bits",
    [XENFEAT_hvm_callback_vector] = "hvm_callback_vector",
    [XENFEAT_hvm_safe_pvclock] = "hvm_safe_pvclock",
    [XENFEAT_hvm_pirqs] = "hvm_pirqs",
    [XENFEAT_dom0] = "dom0",
    [XENFEAT_grant_map_identity] = "grant_map_identity",
    [XENFEAT_memory_op_vnode_supported] = "memory_op_vnode_supported",
    [XENFEAT_ARM_SMCCC_supported] = "ARM_SMCCC_supported",
    [XENFEAT_linux_rsdp_unrestricted] = "linux_rsdp_unrestricted",
    [XENFEAT_direct_mapped] = "direct_mapped",
    [XENFEAT_not_direct_mapped] = "not_direct_mapped",
};

/* "a|!b|c" (or ','-separated in the legacy form) -> feature bits. */
static int parse_features(const char *s, size_t len, char sep, struct db_xen_notes *n,
                          struct db_diag *diag)
{
    size_t i = 0;

    while (i < len) {
        size_t start, end;
        bool required = false;
        unsigned int f;

        if (s[i] == '!') {
            required = true;
            i++;
        }
        start = i;
        while (i < len && s[i] != sep)
            i++;
        end = i;
        if (i < len)
            i++;
        if (end == start)
            continue;
        for (f = 0; f < DB_ARRAY_SIZE(feature_names); f++)
            if (strlen(feature_names[f]) == end - start &&
                memcmp(feature_names[f], s + start, end - start) == 0)
                break;
        if (f == DB_ARRAY_SIZE(feature_names)) {
            if (required)
                return db_fail(diag, DB_ERR_NOTE,
                               "Xen note FEATURES: unknown required feature at offset %lu",
                               (unsigned long)start);
            continue; /* unknown optional features are ignored, as Xen does */
        }
        n->supported_features |= 1u << f;
        if (required)
            n->required_features |= 1u << f;
    }
    return 0;
}

/*
 * Strings end at their NUL or at the end of the descriptor: Linux writes
 * FEATURES with .ascii, unterminated (the note padding follows).
 */
static int copy_string(char *dst, const uint8_t *desc, uint32_t descsz)
{
    size_t len = strnlen((const char *)desc, descsz);

    if (len >= DB_XEN_STR_MAX)
        len = DB_XEN_STR_MAX - 1; /* informational strings: keep the start */
    memcpy(dst, desc, len);
    dst[len] = 0;
    return 0;
}

static int read_number(const uint8_t *desc, uint32_t descsz, uint32_t type, uint64_t *v,
                       struct db_diag *diag)
{
    switch (descsz) {
    case 1: *v = desc[0]; return 0;
    case 2: *v = db_le16(desc); return 0;
    case 4: *v = db_le32(desc); return 0;
    case 8: *v = db_le64(desc); return 0;
    default:
        return db_fail(diag, DB_ERR_NOTE, "Xen note %u: numeric value of %u bytes", type, descsz);
    }
}

static int handle_note(struct db_xen_notes *n, uint32_t type, const uint8_t *desc, uint32_t descsz,
                       struct db_diag *diag)
{
    uint64_t v;

    if (type < 32)
        n->seen |= 1u << type;
    switch (type) {
    case XEN_ELFNOTE_ENTRY: return read_number(desc, descsz, type, &n->entry, diag);
    case XEN_ELFNOTE_HYPERCALL_PAGE:
        return read_number(desc, descsz, type, &n->hypercall_page, diag);
    case XEN_ELFNOTE_VIRT_BASE: return read_number(desc, descsz, type, &n->virt_base, diag);
    case XEN_ELFNOTE_PADDR_OFFSET: return read_number(desc, descsz, type, &n->paddr_offset, diag);
    case XEN_ELFNOTE_INIT_P2M: return read_number(desc, descsz, type, &n->init_p2m, diag);
    case XEN_ELFNOTE_HV_START_LOW: return read_number(desc, descsz, type, &n->hv_start_low, diag);
    case XEN_ELFNOTE_PHYS32_ENTRY: return read_number(desc, descsz, type, &n->phys32_entry, diag);
    case XEN_ELFNOTE_MOD_START_PFN: return read_number(desc, descsz, type, &n->mod_start_pfn, diag);
    case XEN_ELFNOTE_SUSPEND_CANCEL:
        return read_number(desc, descsz, type, &n->suspend_cancel, diag);
    case XEN_ELFNOTE_SUPPORTED_FEATURES:
        if (read_number(desc, descsz, type, &v, diag))
            return -1;
        n->supported_features |= (uint32_t)v;
        return 0;
    case XEN_ELFNOTE_XEN_VERSION: return copy_string(n->xen_version, desc, descsz);
    case XEN_ELFNOTE_GUEST_OS: return copy_string(n->guest_os, desc, descsz);
    case XEN_ELFNOTE_GUEST_VERSION: return copy_string(n->guest_version, desc, descsz);
    case XEN_ELFNOTE_LOADER: return copy_string(n->loader, desc, descsz);
    case XEN_ELFNOTE_PAE_MODE: return copy_string(n->pae_mode, desc, descsz);
    case XEN_ELFNOTE_BSD_SYMTAB: return copy_string(n->bsd_symtab, desc, descsz);
    case XEN_ELFNOTE_FEATURES:
        return parse_features((const char *)desc, strnlen((const char *)desc, descsz), '|', n,
                              diag);
    case XEN_ELFNOTE_PHYS32_RELOC:
        if (descsz != 12 && descsz != 24)
            return db_fail(diag, DB_ERR_NOTE, "Xen note PHYS32_RELOC: %u bytes (want 12 or 24)",
                           descsz);
        for (int i = 0; i < 3; i++)
            n->phys32_reloc[i] = descsz == 12 ? db_le32(desc + 4 * i) : db_le64(desc + 8 * i);
        return 0;
    default: return 0; /* INFO, L1_MFN_VALID and unknown types carry nothing we use */
    }
}

/* Walks one PT_NOTE segment. */
static int parse_note_segment(const uint8_t *p, uint64_t size, struct db_xen_notes *n,
                              struct db_diag *diag)
{
    uint64_t off = 0;

    while (size - off >= 12) {
        uint32_t namesz = db_le32(p + off), descsz = db_le32(p + off + 4);
        uint32_t type = db_le32(p + off + 8);
        uint64_t name_off = off + 12;
        uint64_t desc_off = name_off + DB_ALIGN_UP((uint64_t)namesz, 4);
        uint64_t next = desc_off + DB_ALIGN_UP((uint64_t)descsz, 4);

        if (desc_off > size || next > size)
            return db_fail(
                diag, DB_ERR_TRUNCATED,
                "ELF note at offset 0x%lx: namesz %u / descsz %u beyond its segment (0x%lx bytes)",
                off, namesz, descsz, size);
        if (namesz == 4 && memcmp(p + name_off, XEN_ELFNOTE_NAME, 4) == 0 &&
            handle_note(n, type, p + desc_off, descsz, diag))
            return -1;
        off = next;
    }
    return 0;
}

/* Base-0 number as Xen's strtoull reads it: 0x.. hex, 0.. octal, else decimal. */
static int parse_u64(const char *s, size_t len, uint64_t *v)
{
    unsigned int base = 10;
    size_t i = 0;

    if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        i = 2;
    } else if (len > 1 && s[0] == '0') {
        base = 8;
        i = 1;
    }
    if (i == len)
        return -1;
    for (*v = 0; i < len; i++) {
        unsigned int d;
        char c = s[i];

        if (c >= '0' && c <= '9')
            d = (unsigned int)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (unsigned int)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = (unsigned int)(c - 'A' + 10);
        else
            return -1;
        if (d >= base || *v > (UINT64_MAX - d) / base)
            return -1;
        *v = *v * base + d;
    }
    return 0;
}

static bool key_is(const char *k, size_t klen, const char *name)
{
    return strlen(name) == klen && memcmp(k, name, klen) == 0;
}

static void copy_value(char *dst, const char *v, size_t len)
{
    if (len >= DB_XEN_STR_MAX)
        len = DB_XEN_STR_MAX - 1;
    memcpy(dst, v, len);
    dst[len] = 0;
}

/*
 * "GUEST_OS=linux,XEN_VER=xen-3.0,VIRT_BASE=0x...,ELF_PADDR_OFFSET=0x...,
 * HYPERCALL_PAGE=<pfn from VIRT_BASE>,LOADER=generic,FEATURES=a|b,...".
 * FEATURES, being '|'-separated, runs to the next ','.
 */
static int parse_legacy(const char *s, size_t len, struct db_xen_notes *n, struct db_diag *diag)
{
    uint64_t hypercall_pfn = 0;
    bool have_hypercall = false;
    size_t i = 0;

    n->legacy = true;
    while (i < len && s[i]) {
        size_t k = i, klen, v, vlen;
        uint64_t num = 0;

        while (i < len && s[i] && s[i] != '=' && s[i] != ',')
            i++;
        klen = i - k;
        v = i;
        if (i < len && s[i] == '=') {
            v = ++i;
            while (i < len && s[i] && s[i] != ',')
                i++;
        }
        vlen = i - v;
        if (i < len && s[i] == ',')
            i++;

        if (key_is(s + k, klen, "VIRT_BASE") || key_is(s + k, klen, "ELF_PADDR_OFFSET") ||
            key_is(s + k, klen, "VIRT_ENTRY") || key_is(s + k, klen, "HYPERCALL_PAGE")) {
            if (parse_u64(s + v, vlen, &num))
                return db_fail(diag, DB_ERR_NOTE, "__xen_guest: bad number for key at offset %lu",
                               (unsigned long)k);
        }
        if (key_is(s + k, klen, "VIRT_BASE")) {
            n->virt_base = num;
            n->seen |= 1u << XEN_ELFNOTE_VIRT_BASE;
        } else if (key_is(s + k, klen, "ELF_PADDR_OFFSET")) {
            n->paddr_offset = num;
            n->seen |= 1u << XEN_ELFNOTE_PADDR_OFFSET;
        } else if (key_is(s + k, klen, "VIRT_ENTRY")) {
            n->entry = num;
            n->seen |= 1u << XEN_ELFNOTE_ENTRY;
        } else if (key_is(s + k, klen, "HYPERCALL_PAGE")) {
            hypercall_pfn = num;
            have_hypercall = true;
        } else if (key_is(s + k, klen, "GUEST_OS")) {
            copy_value(n->guest_os, s + v, vlen);
            n->seen |= 1u << XEN_ELFNOTE_GUEST_OS;
        } else if (key_is(s + k, klen, "GUEST_VER")) {
            copy_value(n->guest_version, s + v, vlen);
            n->seen |= 1u << XEN_ELFNOTE_GUEST_VERSION;
        } else if (key_is(s + k, klen, "XEN_VER")) {
            copy_value(n->xen_version, s + v, vlen);
            n->seen |= 1u << XEN_ELFNOTE_XEN_VERSION;
        } else if (key_is(s + k, klen, "LOADER")) {
            copy_value(n->loader, s + v, vlen);
            n->seen |= 1u << XEN_ELFNOTE_LOADER;
        } else if (key_is(s + k, klen, "PAE")) {
            copy_value(n->pae_mode, s + v, vlen);
            n->seen |= 1u << XEN_ELFNOTE_PAE_MODE;
        } else if (key_is(s + k, klen, "BSD_SYMTAB")) {
            copy_value(n->bsd_symtab, "yes", 3);
            n->seen |= 1u << XEN_ELFNOTE_BSD_SYMTAB;
        } else if (key_is(s + k, klen, "FEATURES")) {
            if (parse_features(s + v, vlen, '|', n, diag))
                return -1;
            n->seen |= 1u << XEN_ELFNOTE_FEATURES;
        }
    }
    if (have_hypercall) {
        /* A page number relative to VIRT_BASE. */
        if (hypercall_pfn > (UINT64_MAX >> DB_PAGE_SHIFT) ||
            n->virt_base + (hypercall_pfn << DB_PAGE_SHIFT) < n->virt_base)
            return db_fail(diag, DB_ERR_NOTE, "__xen_guest: HYPERCALL_PAGE 0x%lx out of range",
                           hypercall_pfn);
        n->hypercall_page = n->virt_base + (hypercall_pfn << DB_PAGE_SHIFT);
        n->seen |= 1u << XEN_ELFNOTE_HYPERCALL_PAGE;
    }
    return 0;
}

int db_xen_notes_parse(const struct db_elf *elf, struct db_xen_notes *n, struct db_diag *diag)
{
    uint64_t phentsize = elf->is64 ? 56 : 32, off, size;
    int found;

    memset(n, 0, sizeof(*n));
    for (uint16_t i = 0; i < elf->phnum; i++) {
        const uint8_t *ph = elf->data + elf->phoff + i * phentsize;

        if (db_le32(ph) != PT_NOTE)
            continue;
        off = elf->is64 ? db_le64(ph + 8) : db_le32(ph + 4);
        size = elf->is64 ? db_le64(ph + 32) : db_le32(ph + 16);
        if (!db_in_bounds(off, size, elf->size))
            return db_fail(diag, DB_ERR_TRUNCATED,
                           "ELF program header %u: PT_NOTE 0x%lx + 0x%lx beyond file size 0x%lx", i,
                           off, size, elf->size);
        if (parse_note_segment(elf->data + off, size, n, diag))
            return -1;
    }
    if (n->seen)
        return 0;
    found = db_elf_find_section(elf, XEN_GUEST_SECTION_NAME, &off, &size, diag);
    if (found < 0)
        return -1;
    if (found)
        return parse_legacy((const char *)elf->data + off, size, n, diag);
    return 0;
}
