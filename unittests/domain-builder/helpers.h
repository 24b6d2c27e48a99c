/* SPDX-License-Identifier: MIT */
/*
 * Test-side decoders, written independently of the builder: they read guest
 * memory as a guest would (raw bytes at ABI offsets) and never call into
 * domain-builder/src.
 */
#ifndef UNITTESTS_DOMAIN_BUILDER_HELPERS_H
#define UNITTESTS_DOMAIN_BUILDER_HELPERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Whole file into malloc'd memory, NULL if it cannot be read. */
uint8_t *th_read_file(const char *path, uint64_t *size);

/* A zeroed guest: buf of nr_frames frames. */
struct th_guest {
    uint8_t *buf;
    uint64_t nr_frames;
};
void th_guest_alloc(struct th_guest *g, uint64_t nr_frames);
void th_guest_free(struct th_guest *g);
uint64_t th_rd64(const struct th_guest *g, uint64_t gpa);
uint32_t th_rd32(const struct th_guest *g, uint64_t gpa);
uint16_t th_rd16(const struct th_guest *g, uint64_t gpa);
uint8_t th_rd8(const struct th_guest *g, uint64_t gpa);
const uint8_t *th_ptr(const struct th_guest *g, uint64_t gpa, uint64_t len);

static inline uint64_t th_le(const uint8_t *p, int n)
{
    uint64_t v = 0;

    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* e820 as raw entries; checks: sorted, non-empty, no overlap. Returns RAM bytes. */
struct th_e820 {
    uint64_t addr, size;
    uint32_t type;
};
uint64_t th_e820_check(const struct th_e820 *e, unsigned int n);
/* Type of the entry covering [addr, addr + size) entirely, 0 if none. */
uint32_t th_e820_type_of(const struct th_e820 *e, unsigned int n, uint64_t addr, uint64_t size);

/*
 * An HVM (PVH, Linux) domain's map of mem bytes below 3 GiB: well formed,
 * the low hole (reserved up to 0xE0000, ACPI from there to 1 MiB), and the
 * PV console ring page reserved and zeroed at the top of RAM; RAM + the
 * non-RAM part of the first MiB + that page = mem.
 */
void th_hvm_e820_check(const struct th_guest *g, const struct th_e820 *e, unsigned int n,
                       uint64_t mem);

/* Minimal ELF program header reader: calls fn for every PT_LOAD. */
typedef void (*th_load_fn)(void *ctx, uint64_t offset, uint64_t vaddr, uint64_t paddr,
                           uint64_t filesz, uint64_t memsz);
void th_elf_for_each_load(const uint8_t *elf, th_load_fn fn, void *ctx);
uint64_t th_elf_entry(const uint8_t *elf);
/* Numeric Xen note `type` of an ELF64 image (our own scan); false if absent. */
bool th_xen_note(const uint8_t *elf, uint32_t type, uint64_t *value);

/*
 * 4-level page walk from cr3 (a machine address); mfn_to_gfn translates the
 * frames found in entries (NULL: identity). Returns the guest-physical
 * address va maps to and the effective RW bit, or false if not present.
 */
bool th_walk(const struct th_guest *g, uint64_t cr3, uint64_t va,
             uint64_t (*mfn_to_gfn)(uint64_t mfn), uint64_t *gpa, bool *writable);

#endif
