/* SPDX-License-Identifier: MIT */
/* Internals shared by the builder's files. */
#ifndef DOMAIN_BUILDER_INTERNAL_H
#define DOMAIN_BUILDER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <domain-builder/builder.h>

#define DB_KiB(x)           ((uint64_t)(x) << 10)
#define DB_MiB(x)           ((uint64_t)(x) << 20)
#define DB_GiB(x)           ((uint64_t)(x) << 30)
#define DB_ALIGN_UP(x, a)   (((x) + ((a)-1)) & ~((uint64_t)(a)-1))
#define DB_ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a)-1))
#define DB_ARRAY_SIZE(a)    (sizeof(a) / sizeof((a)[0]))

/* Fills diag (code and printf-style message, truncated to fit). Returns -1. */
int db_fail(struct db_diag *diag, enum db_err code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Little-endian loads from byte buffers (no alignment assumed). */
static inline uint16_t db_le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}
static inline uint32_t db_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t db_le64(const uint8_t *p)
{
    return (uint64_t)db_le32(p) | (uint64_t)db_le32(p + 4) << 32;
}
static inline void db_put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static inline void db_put32(uint8_t *p, uint32_t v)
{
    db_put16(p, (uint16_t)v);
    db_put16(p + 2, (uint16_t)(v >> 16));
}
static inline void db_put64(uint8_t *p, uint64_t v)
{
    db_put32(p, (uint32_t)v);
    db_put32(p + 4, (uint32_t)(v >> 32));
}

/* True if [off, off + len) lies within [0, size), without overflow. */
static inline bool db_in_bounds(uint64_t off, uint64_t len, uint64_t size)
{
    return off <= size && len <= size - off;
}

/* True if [a, a + as) and [b, b + bs) intersect (sizes > 0, no overflow). */
static inline bool db_overlaps(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
    return a < b + bs && b < a + as;
}

/*
 * Placement of everything in guest-physical memory: every region claimed
 * must lie inside one RAM entry of the memory map and overlap no other.
 */
#define DB_MAX_CLAIMS 48

struct db_claim {
    uint64_t base, size;
    const char *what;
};

struct db_placer {
    const struct db_layout *layout; /* its e820 */
    struct db_claim claims[DB_MAX_CLAIMS];
    uint32_t nr;
};

void db_placer_init(struct db_placer *p, const struct db_layout *layout);
int db_claim(struct db_placer *p, uint64_t base, uint64_t size, const char *what,
             struct db_diag *diag);
/* Finds and claims size bytes aligned to align inside [lo, hi), lowest or highest first. */
int db_place(struct db_placer *p, uint64_t size, uint64_t align, uint64_t lo, uint64_t hi,
             bool top_down, const char *what, uint64_t *gpa, struct db_diag *diag);
/* The same at an address that is phase (< align) modulo align. */
int db_place_phase(struct db_placer *p, uint64_t size, uint64_t align, uint64_t phase, uint64_t lo,
                   uint64_t hi, bool top_down, const char *what, uint64_t *gpa,
                   struct db_diag *diag);

/* The memory map of an HVM domain (PVH, Linux) or the flat one of a PV domain. */
int db_e820_build(const struct db_domain_spec *spec, bool pv, struct db_layout *layout,
                  struct db_diag *diag);

/*
 * HVM domains' ACPI tables (acpi.c) in the BIOS area of the first MiB, the
 * range a guest scans for the RSDP; reported ACPI in the memory map.
 */
#define DB_ACPI_BASE 0xE0000ull

/* Checks the tables fit layout->acpi and sets layout->rsdp. */
int db_acpi_prepare(const struct db_domain_spec *spec, struct db_layout *layout,
                    struct db_diag *diag);
/* Writes RSDP, XSDT, FADT, FACS, MADT and DSDT into layout->acpi. */
int db_acpi_build(const struct db_domain_spec *spec, const struct db_layout *layout,
                  const struct db_guest_mem *mem, struct db_diag *diag);

/* Per-ABI steps. */
int db_pvh_prepare(const struct db_domain_spec *spec, struct db_layout *layout,
                   struct db_diag *diag);
int db_pvh_build(const struct db_domain_spec *spec, const struct db_layout *layout,
                 const struct db_guest_mem *mem, struct db_vcpu_state *vcpu, struct db_diag *diag);
int db_pv_prepare(const struct db_domain_spec *spec, struct db_layout *layout,
                  struct db_diag *diag);
int db_pv_build(const struct db_domain_spec *spec, const struct db_layout *layout,
                const struct db_guest_mem *mem, struct db_vcpu_state *vcpu, struct db_diag *diag);
int db_linux_prepare(const struct db_domain_spec *spec, struct db_layout *layout,
                     struct db_diag *diag);
int db_linux_build(const struct db_domain_spec *spec, const struct db_layout *layout,
                   const struct db_guest_mem *mem, struct db_vcpu_state *vcpu,
                   struct db_diag *diag);

/* Shared building blocks. */
/*
 * Places every PT_LOAD at its paddr + dest_minus_paddr; of a segment whose
 * bit is set in mapped_segments only the bytes outside its whole pages
 * (the caller maps those from the file).
 */
int db_elf_load(const struct db_elf *elf, uint64_t dest_minus_paddr, uint32_t mapped_segments,
                const struct db_guest_mem *mem, struct db_diag *diag);
/* The whole pages [*lo, *hi) of segment s (at gpa) that can be mapped from the file at host; false if none. */
bool db_elf_seg_mappable(const struct db_elf_seg *s, uint64_t gpa, uint64_t host, uint64_t *lo,
                         uint64_t *hi);
/*
 * Adds a range the caller maps from host pages of its own (page aligned,
 * inside one range of layout->populate, which loses it).
 */
int db_add_mapped(struct db_layout *layout, uint64_t gpa, uint64_t host, uint64_t size,
                  struct db_diag *diag);
int db_write_modules(const struct db_domain_spec *spec, const struct db_layout *layout,
                     const struct db_guest_mem *mem, struct db_diag *diag);
int db_write_string(const struct db_guest_mem *mem, struct db_region r, const char *s,
                    struct db_diag *diag);
/*
 * A flat GDT: 0x08 code32, 0x10 code64, 0x18 data, 0x20 TSS (limit 0x67).
 * 0x10 / 0x18 are what Linux's boot protocol calls __BOOT_CS / __BOOT_DS.
 */
#define DB_GDT_CODE32 0x08
#define DB_GDT_CODE64 0x10
#define DB_GDT_DATA   0x18
#define DB_GDT_TSS    0x20
#define DB_GDT_SIZE   0x30
int db_write_gdt(const struct db_guest_mem *mem, uint64_t gpa, struct db_diag *diag);
void db_vcpu_flat_segments(struct db_vcpu_state *v, uint64_t gdt_gpa, bool long_mode);

/* Identity map of [0, 4 GiB) with 2 MiB pages in 6 frames at gpa (PML4, PDPT, 4 PDs). */
#define DB_IDMAP_FRAMES 6
int db_write_identity_map(const struct db_guest_mem *mem, uint64_t gpa, struct db_diag *diag);

#endif
