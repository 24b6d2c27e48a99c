/* SPDX-License-Identifier: MIT */
/*
 * ACPI: the firmware tables the platform layer needs (MADT, FADT, HPET, the
 * \_S5_ object of the DSDT), parsed once at boot into struct acpi_info.
 *
 * The parser (acpi_tables.c, acpi_madt.c, acpi_fadt.c, acpi_s5.c) touches no
 * hardware: it reads tables through phys_to_virt() and reports through
 * printk(), so it also builds into host unit tests. Every field it uses is
 * bounds-checked against the table's length; a malformed table is reported
 * ("tessera: acpi: ...") and ignored, never trusted.
 */
#ifndef ASM_ACPI_H
#define ASM_ACPI_H

#include <hv/types.h>
#include <hv/smp.h>

#define ACPI_MAX_IOAPICS   16
#define ACPI_MAX_OVERRIDES 32
/* Larger than any real table (big DSDTs are a few hundred KiB); the fuzzer lowers it. */
#ifndef ACPI_MAX_TABLE_LEN
#define ACPI_MAX_TABLE_LEN MiB(16)
#endif

struct acpi_rsdp {
    char signature[8]; /* "RSD PTR " */
    uint8_t checksum;  /* first 20 bytes */
    char oem_id[6];
    uint8_t revision; /* 0 = ACPI 1.0, 2 = ACPI 2.0+ */
    uint32_t rsdt_paddr;
    /* ACPI 2.0+ */
    uint32_t length;
    uint64_t xsdt_paddr;
    uint8_t ext_checksum; /* whole structure */
    uint8_t reserved[3];
} __packed;

struct acpi_header {
    char signature[4];
    uint32_t length; /* whole table, header included */
    uint8_t revision;
    uint8_t checksum;
    char oem_id[6];
    char oem_table_id[8];
    uint32_t oem_revision;
    uint32_t creator_id;
    uint32_t creator_revision;
} __packed;

/* Generic Address Structure. */
struct acpi_gas {
    uint8_t space_id; /* ACPI_GAS_* */
    uint8_t bit_width;
    uint8_t bit_offset;
    uint8_t access_size;
    uint64_t address;
} __packed;

#define ACPI_GAS_MEMORY 0
#define ACPI_GAS_IO     1

struct acpi_ioapic {
    uint8_t id;
    paddr_t paddr;
    uint32_t gsi_base;
};

/* MADT interrupt source override: ISA IRQ source is wired to gsi. */
struct acpi_override {
    uint8_t source;
    uint32_t gsi;
    uint16_t flags; /* MPS INTI polarity/trigger */
};

struct acpi_info {
    bool present; /* a valid RSDP and root table were found */
    bool xsdt;    /* root table is the XSDT (else RSDT) */
    uint8_t rsdp_revision;

    /* MADT */
    bool have_madt;
    paddr_t lapic_paddr;
    bool pcat_compat;     /* dual 8259 PICs present */
    unsigned int nr_cpus; /* enabled local APICs, MADT order */
    uint32_t cpu_apic_id[HV_MAX_CPUS];
    unsigned int nr_ioapics;
    struct acpi_ioapic ioapic[ACPI_MAX_IOAPICS];
    unsigned int nr_overrides;
    struct acpi_override override[ACPI_MAX_OVERRIDES];

    /* FADT */
    bool have_fadt;
    bool hw_reduced;
    uint16_t pm_tmr_port; /* 0: no PM timer */
    bool pm_tmr_32bit;    /* else 24-bit counter */
    bool have_reset_reg;
    struct acpi_gas reset_reg; /* I/O or memory space only */
    uint8_t reset_value;
    uint16_t pm1a_cnt_port; /* 0: none */
    uint16_t pm1b_cnt_port; /* 0: none */
    paddr_t dsdt_paddr;

    /* \_S5_ from the DSDT: SLP_TYPa/b for soft power-off */
    bool have_s5;
    uint8_t s5_slp_typ_a;
    uint8_t s5_slp_typ_b;

    /* HPET */
    paddr_t hpet_paddr; /* 0: no HPET */
};

/* What acpi_init() found; all zero (present == false) without ACPI. */
extern struct acpi_info acpi;

/* Parses the tables from the RSDP; prints a summary line per table. */
void acpi_init(paddr_t rsdp_paddr);

/*
 * First table with this signature listed in the root table, with a valid
 * length and checksum; NULL otherwise. Only after acpi_init().
 */
const struct acpi_header *acpi_find_table(const char signature[4]);

/* Parser interface (no hardware access; used by acpi_init() and host tests). */
struct acpi_root {
    const struct acpi_header *table; /* RSDT or XSDT; NULL if none */
    bool xsdt;
    unsigned int entries;
};

bool acpi_checksum_ok(const void *p, size_t len);
/* Validates the RSDP and its root table; fills root and info->present/xsdt. */
bool acpi_parse_rsdp(paddr_t rsdp_paddr, struct acpi_root *root, struct acpi_info *info);
const struct acpi_header *acpi_root_find(const struct acpi_root *root, const char signature[4]);
/* Maps and validates one table (header, length, checksum); NULL if bad. */
const struct acpi_header *acpi_map_table(paddr_t pa, const char *what);
void acpi_parse_madt(const struct acpi_header *madt, struct acpi_info *info);
void acpi_parse_fadt(const struct acpi_header *fadt, struct acpi_info *info);
void acpi_parse_hpet(const struct acpi_header *hpet, struct acpi_info *info);
/* Scans DSDT AML for Name(_S5_, Package(){a, b, ...}); bounded, no interpreter. */
bool acpi_find_s5(const struct acpi_header *dsdt, uint8_t *slp_typ_a, uint8_t *slp_typ_b);
/* Everything acpi_init() does, minus remembering the root table. */
void acpi_parse_all(paddr_t rsdp_paddr, struct acpi_root *root, struct acpi_info *info);

#endif
