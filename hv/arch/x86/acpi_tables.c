/* SPDX-License-Identifier: MIT */
/* ACPI RSDP, root table (XSDT/RSDT) and table lookup. No hardware access. */
#include <string.h>
#include <asm/acpi.h>
#include <hv/page_alloc.h>
#include <hv/printk.h>

#define RSDP_V1_LEN 20u

bool acpi_checksum_ok(const void *p, size_t len)
{
    const uint8_t *b = p;
    uint8_t sum = 0;

    for (size_t i = 0; i < len; i++)
        sum = (uint8_t)(sum + b[i]);
    return sum == 0;
}

const struct acpi_header *acpi_map_table(paddr_t pa, const char *what)
{
    const struct acpi_header *h;

    if (!paddr_val(pa)) {
        printk("tessera: acpi: %s: null table address\n", what);
        return NULL;
    }
    h = phys_to_virt(pa);
    if (h->length < sizeof(*h) || h->length > ACPI_MAX_TABLE_LEN) {
        printk("tessera: acpi: %s at 0x%lx: bad length %u\n", what, (unsigned long)paddr_val(pa),
               h->length);
        return NULL;
    }
    if (!acpi_checksum_ok(h, h->length)) {
        printk("tessera: acpi: %s at 0x%lx: bad checksum\n", what, (unsigned long)paddr_val(pa));
        return NULL;
    }
    return h;
}

/* Root table at pa with the given signature and entry size; NULL if unusable. */
static bool root_from(paddr_t pa, bool xsdt, struct acpi_root *root)
{
    const char *sig = xsdt ? "XSDT" : "RSDT";
    const struct acpi_header *h = acpi_map_table(pa, sig);
    size_t entry = xsdt ? 8 : 4;

    if (!h)
        return false;
    if (memcmp(h->signature, sig, 4) != 0) {
        printk("tessera: acpi: %s at 0x%lx: wrong signature\n", sig, (unsigned long)paddr_val(pa));
        return false;
    }
    root->table = h;
    root->xsdt = xsdt;
    root->entries = (unsigned int)((h->length - sizeof(*h)) / entry);
    return true;
}

bool acpi_parse_rsdp(paddr_t rsdp_paddr, struct acpi_root *root, struct acpi_info *info)
{
    const struct acpi_rsdp *rsdp;

    memset(root, 0, sizeof(*root));
    if (!paddr_val(rsdp_paddr)) {
        printk("tessera: acpi: no RSDP from the loader\n");
        return false;
    }
    rsdp = phys_to_virt(rsdp_paddr);
    if (memcmp(rsdp->signature, "RSD PTR ", 8) != 0 || !acpi_checksum_ok(rsdp, RSDP_V1_LEN)) {
        printk("tessera: acpi: RSDP at 0x%lx: bad signature or checksum\n",
               (unsigned long)paddr_val(rsdp_paddr));
        return false;
    }
    info->rsdp_revision = rsdp->revision;
    if (rsdp->revision >= 2) {
        if (rsdp->length < sizeof(*rsdp) || rsdp->length > PAGE_SIZE ||
            !acpi_checksum_ok(rsdp, rsdp->length))
            printk("tessera: acpi: RSDP revision %u: bad length %u or extended checksum, "
                   "using the RSDT\n",
                   rsdp->revision, rsdp->length);
        else if (rsdp->xsdt_paddr != 0 && root_from(mk_paddr(rsdp->xsdt_paddr), true, root))
            goto found;
        else
            printk("tessera: acpi: XSDT unusable, using the RSDT\n");
    }
    if (!root_from(mk_paddr(rsdp->rsdt_paddr), false, root))
        return false;
found:
    info->present = true;
    info->xsdt = root->xsdt;
    return true;
}

static paddr_t root_entry(const struct acpi_root *root, unsigned int i)
{
    const uint8_t *entries = (const uint8_t *)(root->table + 1);

    if (root->xsdt) {
        uint64_t pa;

        memcpy(&pa, entries + 8 * (size_t)i, sizeof(pa));
        return mk_paddr(pa);
    }
    uint32_t pa32;

    memcpy(&pa32, entries + 4 * (size_t)i, sizeof(pa32));
    return mk_paddr(pa32);
}

const struct acpi_header *acpi_root_find(const struct acpi_root *root, const char signature[4])
{
    char what[5] = { signature[0], signature[1], signature[2], signature[3], 0 };

    if (!root->table)
        return NULL;
    for (unsigned int i = 0; i < root->entries; i++) {
        paddr_t pa = root_entry(root, i);
        const struct acpi_header *h;

        if (!paddr_val(pa))
            continue;
        h = phys_to_virt(pa);
        if (memcmp(h->signature, signature, 4) != 0)
            continue;
        h = acpi_map_table(pa, what);
        if (h)
            return h;
    }
    return NULL;
}

static void parse_dsdt(struct acpi_info *info)
{
    const struct acpi_header *dsdt;

    if (!paddr_val(info->dsdt_paddr)) {
        printk("tessera: acpi: FADT names no DSDT\n");
        return;
    }
    dsdt = acpi_map_table(info->dsdt_paddr, "DSDT");
    if (!dsdt)
        return;
    if (memcmp(dsdt->signature, "DSDT", 4) != 0) {
        printk("tessera: acpi: DSDT at 0x%lx: wrong signature\n",
               (unsigned long)paddr_val(info->dsdt_paddr));
        return;
    }
    info->have_s5 = acpi_find_s5(dsdt, &info->s5_slp_typ_a, &info->s5_slp_typ_b);
    if (!info->have_s5)
        printk("tessera: acpi: no usable \\_S5_ in the DSDT: no ACPI power-off\n");
}

void acpi_parse_all(paddr_t rsdp_paddr, struct acpi_root *root, struct acpi_info *info)
{
    const struct acpi_header *t;

    memset(info, 0, sizeof(*info));
    if (!acpi_parse_rsdp(rsdp_paddr, root, info))
        return;

    t = acpi_root_find(root, "APIC");
    if (t)
        acpi_parse_madt(t, info);
    else
        printk("tessera: acpi: no valid MADT: only the boot CPU will run\n");

    t = acpi_root_find(root, "FACP");
    if (t) {
        acpi_parse_fadt(t, info);
        parse_dsdt(info);
    } else {
        printk("tessera: acpi: no valid FADT: no PM timer, no ACPI power-off or reset\n");
    }

    t = acpi_root_find(root, "HPET");
    if (t)
        acpi_parse_hpet(t, info);
}
