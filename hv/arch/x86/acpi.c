/* SPDX-License-Identifier: MIT */
/* ACPI at boot: parse once, print what was found. */
#include <asm/acpi.h>
#include <hv/printk.h>

struct acpi_info acpi;
static struct acpi_root acpi_root;

const struct acpi_header *acpi_find_table(const char signature[4])
{
    return acpi_root_find(&acpi_root, signature);
}

void acpi_init(paddr_t rsdp_paddr)
{
    acpi_parse_all(rsdp_paddr, &acpi_root, &acpi);
    if (!acpi.present) {
        printk("tessera: acpi: no usable tables: one CPU, no PM timer, no ACPI power-off\n");
        return;
    }
    printk("tessera: acpi: RSDP revision %u, %s with %u tables\n", acpi.rsdp_revision,
           acpi.xsdt ? "XSDT" : "RSDT", acpi_root.entries);
    if (acpi.have_madt)
        printk("tessera: acpi: MADT: %u CPUs, %u I/O APICs, %u overrides, LAPIC at 0x%lx\n",
               acpi.nr_cpus, acpi.nr_ioapics, acpi.nr_overrides,
               (unsigned long)paddr_val(acpi.lapic_paddr));
    if (acpi.have_fadt)
        printk("tessera: acpi: FADT: PM timer port 0x%x (%u-bit), PM1a_CNT 0x%x, "
               "PM1b_CNT 0x%x, reset %s, S5 %s (SLP_TYP %u/%u)\n",
               acpi.pm_tmr_port, acpi.pm_tmr_32bit ? 32 : 24, acpi.pm1a_cnt_port,
               acpi.pm1b_cnt_port, acpi.have_reset_reg ? "register" : "legacy",
               acpi.have_s5 ? "found" : "missing", acpi.s5_slp_typ_a, acpi.s5_slp_typ_b);
    if (paddr_val(acpi.hpet_paddr))
        printk("tessera: acpi: HPET at 0x%lx\n", (unsigned long)paddr_val(acpi.hpet_paddr));
}
