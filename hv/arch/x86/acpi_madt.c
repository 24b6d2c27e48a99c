/* SPDX-License-Identifier: MIT */
/* MADT: local APICs (types 0 and 9), I/O APICs, overrides, LAPIC address. */
#include <string.h>
#include <asm/acpi.h>
#include <hv/printk.h>

#define MADT_FLAGS_END   44u /* header, LAPIC address, flags */
#define MADT_PCAT_COMPAT (1u << 0)
#define MADT_ENABLED     (1u << 0)

enum madt_type {
    MADT_LAPIC = 0,
    MADT_IOAPIC = 1,
    MADT_OVERRIDE = 2,
    MADT_LAPIC_ADDRESS = 5,
    MADT_X2APIC = 9,
};

struct madt_lapic {
    uint8_t type, length, processor_uid, apic_id;
    uint32_t flags;
} __packed;

struct madt_ioapic {
    uint8_t type, length, id, reserved;
    uint32_t address;
    uint32_t gsi_base;
} __packed;

struct madt_override {
    uint8_t type, length, bus, source;
    uint32_t gsi;
    uint16_t flags;
} __packed;

struct madt_lapic_address {
    uint8_t type, length;
    uint16_t reserved;
    uint64_t address;
} __packed;

struct madt_x2apic {
    uint8_t type, length;
    uint16_t reserved;
    uint32_t x2apic_id;
    uint32_t flags;
    uint32_t processor_uid;
} __packed;

static void add_cpu(struct acpi_info *info, uint32_t apic_id, uint32_t flags)
{
    if (!(flags & MADT_ENABLED))
        return;
    for (unsigned int i = 0; i < info->nr_cpus; i++)
        if (info->cpu_apic_id[i] == apic_id) {
            printk("tessera: acpi: MADT lists APIC id %u twice; ignoring the second\n", apic_id);
            return;
        }
    if (info->nr_cpus == HV_MAX_CPUS) {
        printk("tessera: acpi: MADT: more than %u CPUs; ignoring APIC id %u\n", HV_MAX_CPUS,
               apic_id);
        return;
    }
    info->cpu_apic_id[info->nr_cpus++] = apic_id;
}

static void add_ioapic(struct acpi_info *info, const struct madt_ioapic *e)
{
    if (info->nr_ioapics == ACPI_MAX_IOAPICS) {
        printk("tessera: acpi: MADT: more than %u I/O APICs; ignoring id %u\n", ACPI_MAX_IOAPICS,
               e->id);
        return;
    }
    info->ioapic[info->nr_ioapics++] = (struct acpi_ioapic){
        .id = e->id,
        .paddr = mk_paddr(e->address),
        .gsi_base = e->gsi_base,
    };
}

static void add_override(struct acpi_info *info, const struct madt_override *e)
{
    if (info->nr_overrides == ACPI_MAX_OVERRIDES) {
        printk("tessera: acpi: MADT: more than %u interrupt overrides; ignoring IRQ %u\n",
               ACPI_MAX_OVERRIDES, e->source);
        return;
    }
    info->override[info->nr_overrides++] = (struct acpi_override){
        .source = e->source,
        .gsi = e->gsi,
        .flags = e->flags,
    };
}

/* Minimum length of each entry type this parser reads; 0 for types it skips. */
static size_t entry_min_length(uint8_t type)
{
    switch (type) {
    case MADT_LAPIC: return sizeof(struct madt_lapic);
    case MADT_IOAPIC: return sizeof(struct madt_ioapic);
    case MADT_OVERRIDE: return sizeof(struct madt_override);
    case MADT_LAPIC_ADDRESS: return sizeof(struct madt_lapic_address);
    case MADT_X2APIC: return sizeof(struct madt_x2apic);
    default: return 0;
    }
}

void acpi_parse_madt(const struct acpi_header *madt, struct acpi_info *info)
{
    const uint8_t *base = (const uint8_t *)madt;
    uint32_t lapic32, flags;
    size_t off = MADT_FLAGS_END;

    if (madt->length < MADT_FLAGS_END) {
        printk("tessera: acpi: MADT too short (%u bytes): only the boot CPU will run\n",
               madt->length);
        return;
    }
    memcpy(&lapic32, base + 36, sizeof(lapic32));
    memcpy(&flags, base + 40, sizeof(flags));
    info->lapic_paddr = mk_paddr(lapic32);
    info->pcat_compat = flags & MADT_PCAT_COMPAT;

    while (off + 2 <= madt->length) {
        const uint8_t *e = base + off;
        uint8_t type = e[0], len = e[1];
        size_t min = entry_min_length(type);

        if (len < 2 || off + len > madt->length) {
            printk("tessera: acpi: MADT entry type %u at offset %u: bad length %u; "
                   "ignoring the rest of the table\n",
                   type, (unsigned int)off, len);
            break;
        }
        if (len < min) {
            printk("tessera: acpi: MADT entry type %u at offset %u: length %u < %u; "
                   "skipped\n",
                   type, (unsigned int)off, len, (unsigned int)min);
            off += len;
            continue;
        }
        switch (type) {
        case MADT_LAPIC: {
            const struct madt_lapic *l = (const void *)e;
            add_cpu(info, l->apic_id, l->flags);
            break;
        }
        case MADT_X2APIC: {
            const struct madt_x2apic *x = (const void *)e;
            add_cpu(info, x->x2apic_id, x->flags);
            break;
        }
        case MADT_IOAPIC: add_ioapic(info, (const void *)e); break;
        case MADT_OVERRIDE: add_override(info, (const void *)e); break;
        case MADT_LAPIC_ADDRESS:
            info->lapic_paddr =
                mk_paddr(((const struct madt_lapic_address *)(const void *)e)->address);
            break;
        default: break;
        }
        off += len;
    }
    info->have_madt = true;
    if (info->nr_cpus == 0)
        printk("tessera: acpi: MADT lists no enabled CPU: only the boot CPU will run\n");
}
