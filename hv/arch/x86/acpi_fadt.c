/* SPDX-License-Identifier: MIT */
/* FADT (PM timer, PM1 control blocks, reset register, DSDT) and the HPET table. */
#include <string.h>
#include <asm/acpi.h>
#include <hv/printk.h>

/* Byte offsets in the FADT (ACPI 6.5, table 5.9); older FADTs end earlier. */
#define FADT_DSDT           40
#define FADT_PM1A_CNT_BLK   64
#define FADT_PM1B_CNT_BLK   68
#define FADT_PM_TMR_BLK     76
#define FADT_PM1_CNT_LEN    89
#define FADT_PM_TMR_LEN     91
#define FADT_FLAGS          112
#define FADT_RESET_REG      116
#define FADT_RESET_VALUE    128
#define FADT_X_DSDT         140
#define FADT_X_PM1A_CNT_BLK 172
#define FADT_X_PM1B_CNT_BLK 184
#define FADT_X_PM_TMR_BLK   208

#define FADT_F_TMR_VAL_EXT   (1u << 8)
#define FADT_F_RESET_REG_SUP (1u << 10)
#define FADT_F_HW_REDUCED    (1u << 20)

#define HPET_ADDRESS 40

/* Copies size bytes at off if the table is long enough; false otherwise. */
static bool field(const struct acpi_header *t, size_t off, void *out, size_t size)
{
    if (off + size > t->length)
        return false;
    memcpy(out, (const uint8_t *)t + off, size);
    return true;
}

static uint32_t field32(const struct acpi_header *t, size_t off)
{
    uint32_t v = 0;

    field(t, off, &v, sizeof(v));
    return v;
}

/* An I/O port from a GAS, if it names a non-zero port in I/O space. */
static uint16_t gas_port(const struct acpi_header *t, size_t off)
{
    struct acpi_gas g;

    if (!field(t, off, &g, sizeof(g)) || g.space_id != ACPI_GAS_IO || g.address == 0 ||
        g.address > 0xFFFF)
        return 0;
    return (uint16_t)g.address;
}

/* The 32-bit block address, if it is a valid I/O port. */
static uint16_t legacy_port(const struct acpi_header *t, size_t off)
{
    uint32_t port = field32(t, off);

    return port <= 0xFFFF ? (uint16_t)port : 0;
}

/* X_ block first (ACPI 2.0+), then the 32-bit one. */
static uint16_t block_port(const struct acpi_header *t, size_t x_off, size_t off)
{
    uint16_t port = gas_port(t, x_off);

    return port ? port : legacy_port(t, off);
}

static void parse_pm_timer(const struct acpi_header *fadt, uint32_t flags, struct acpi_info *info)
{
    uint8_t len = 0;

    info->pm_tmr_port = gas_port(fadt, FADT_X_PM_TMR_BLK);
    if (!info->pm_tmr_port && field(fadt, FADT_PM_TMR_LEN, &len, 1) && len == 4)
        info->pm_tmr_port = legacy_port(fadt, FADT_PM_TMR_BLK);
    info->pm_tmr_32bit = flags & FADT_F_TMR_VAL_EXT;
}

static void parse_reset(const struct acpi_header *fadt, uint32_t flags, struct acpi_info *info)
{
    struct acpi_gas g;

    if (!(flags & FADT_F_RESET_REG_SUP) || !field(fadt, FADT_RESET_REG, &g, sizeof(g)) ||
        !field(fadt, FADT_RESET_VALUE, &info->reset_value, 1))
        return;
    if (g.address == 0 || (g.space_id != ACPI_GAS_IO && g.space_id != ACPI_GAS_MEMORY) ||
        (g.space_id == ACPI_GAS_IO && g.address > 0xFFFF)) {
        printk("tessera: acpi: FADT reset register (space %u, address 0x%lx) unsupported\n",
               g.space_id, (unsigned long)g.address);
        return;
    }
    info->reset_reg = g;
    info->have_reset_reg = true;
}

void acpi_parse_fadt(const struct acpi_header *fadt, struct acpi_info *info)
{
    uint64_t x_dsdt = 0;
    uint32_t flags = field32(fadt, FADT_FLAGS);
    uint8_t cnt_len = 0;

    info->have_fadt = true;
    info->hw_reduced = flags & FADT_F_HW_REDUCED;
    parse_pm_timer(fadt, flags, info);
    parse_reset(fadt, flags, info);

    field(fadt, FADT_PM1_CNT_LEN, &cnt_len, 1);
    info->pm1a_cnt_port = block_port(fadt, FADT_X_PM1A_CNT_BLK, FADT_PM1A_CNT_BLK);
    info->pm1b_cnt_port = block_port(fadt, FADT_X_PM1B_CNT_BLK, FADT_PM1B_CNT_BLK);
    if (info->pm1a_cnt_port && cnt_len < 2) {
        printk("tessera: acpi: FADT PM1_CNT_LEN %u < 2: no ACPI power-off\n", cnt_len);
        info->pm1a_cnt_port = info->pm1b_cnt_port = 0;
    }

    field(fadt, FADT_X_DSDT, &x_dsdt, sizeof(x_dsdt));
    info->dsdt_paddr = mk_paddr(x_dsdt ? x_dsdt : field32(fadt, FADT_DSDT));
}

void acpi_parse_hpet(const struct acpi_header *hpet, struct acpi_info *info)
{
    struct acpi_gas g;

    if (!field(hpet, HPET_ADDRESS, &g, sizeof(g))) {
        printk("tessera: acpi: HPET table too short (%u bytes); ignored\n", hpet->length);
        return;
    }
    if (g.space_id != ACPI_GAS_MEMORY || g.address == 0 || !IS_ALIGNED(g.address, 1024)) {
        printk("tessera: acpi: HPET base (space %u, address 0x%lx) unusable; ignored\n", g.space_id,
               (unsigned long)g.address);
        return;
    }
    info->hpet_paddr = mk_paddr(g.address);
}
