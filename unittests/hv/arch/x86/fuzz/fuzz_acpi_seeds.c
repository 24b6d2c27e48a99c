/* SPDX-License-Identifier: MIT */
/* Writes seed inputs for fuzz-acpi (fuzz_acpi.h format) into the given directory. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fuzz_acpi.h"

static uint8_t image[1 + FUZZ_ACPI_MEM];

static uint8_t *chunk(unsigned int i)
{
    return image + 1 + FUZZ_ACPI_CHUNK * i;
}

static void put(uint8_t *at, const void *v, size_t len)
{
    memcpy(at, v, len);
}

static void put32(uint8_t *at, uint32_t v)
{
    put(at, &v, 4);
}

static void put64(uint8_t *at, uint64_t v)
{
    put(at, &v, 8);
}

/* Header with the checksum left to the harness. */
static uint8_t *table(unsigned int i, const char *sig, uint32_t len)
{
    uint8_t *t = chunk(i);

    put(t, sig, 4);
    put32(t + 4, len);
    t[8] = 2;
    return t;
}

static void gas(uint8_t *at, uint8_t space, uint64_t address)
{
    at[0] = space;
    at[1] = 32;
    put64(at + 4, address);
}

static void q35(void)
{
    static const uint8_t madt_entries[] = {
        0, 8, 0,    0, 1, 0,  0, 0,  0,    8,    1,    1,    1,    0,    0, 0, 0,
        8, 2, 2,    0, 0, 0,  0, 9,  16,   0,    0,    3,    0,    0,    0, 1, 0,
        0, 0, 3,    0, 0, 0,  1, 12, 0,    0,    0x00, 0x00, 0xC0, 0xFE, 0, 0, 0,
        0, 2, 10,   0, 0, 2,  0, 0,  0,    0,    0,    2,    10,   0,    9, 9, 0,
        0, 0, 0x0D, 0, 5, 12, 0, 0,  0x00, 0x00, 0xE0, 0xFE, 0,    0,    0, 0,
    };
    static const uint8_t dsdt_aml[] = {
        0x10, 0x05, '_',  'S',  'B',  '_', 0x00, 0x08, '\\', '_',  'S',  '5',  '_',  0x12,
        0x4B, 0x00, 0x04, 0x0C, 0x05, 0,   0,    0,    0x0B, 0x01, 0x00, 0x00, 0x00,
    };
    const unsigned int madt = 3, fadt = 4, dsdt = 5, hpet = 6;
    uint8_t *t;

    memset(image, 0, sizeof(image));
    t = chunk(0);
    put(t, "RSD PTR ", 8);
    t[15] = 2;
    put32(t + 16, (uint32_t)FUZZ_ACPI_PA(1));
    put32(t + 20, 36);
    put64(t + 24, FUZZ_ACPI_PA(2));

    t = table(1, "RSDT", 36 + 3 * 4);
    put32(t + 36, (uint32_t)FUZZ_ACPI_PA(madt));
    put32(t + 40, (uint32_t)FUZZ_ACPI_PA(fadt));
    put32(t + 44, (uint32_t)FUZZ_ACPI_PA(hpet));
    t = table(2, "XSDT", 36 + 3 * 8);
    put64(t + 36, FUZZ_ACPI_PA(madt));
    put64(t + 44, FUZZ_ACPI_PA(fadt));
    put64(t + 52, FUZZ_ACPI_PA(hpet));

    t = table(madt, "APIC", 44 + sizeof(madt_entries));
    put32(t + 36, 0xFEE00000);
    put32(t + 40, 1);
    put(t + 44, madt_entries, sizeof(madt_entries));

    t = table(fadt, "FACP", 276);
    put32(t + 40, (uint32_t)FUZZ_ACPI_PA(dsdt));
    put32(t + 64, 0x604);
    put32(t + 76, 0x608);
    t[89] = 2;
    t[91] = 4;
    put32(t + 112, (1u << 8) | (1u << 10));
    gas(t + 116, 1, 0xCF9);
    t[128] = 6;
    put64(t + 140, FUZZ_ACPI_PA(dsdt));
    gas(t + 172, 1, 0x604);
    gas(t + 208, 1, 0x608);

    t = table(dsdt, "DSDT", 36 + sizeof(dsdt_aml));
    put(t + 36, dsdt_aml, sizeof(dsdt_aml));

    t = table(hpet, "HPET", 56);
    gas(t + 40, 0, 0xFED00000);
}

static int write_seed(const char *dir, const char *name, size_t len)
{
    char path[4096];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "wb");
    if (!f || fwrite(image, 1, len, f) != len || fclose(f) != 0) {
        perror(path);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int err = 0;

    if (argc != 2) {
        fprintf(stderr, "usage: %s SEED_DIR\n", argv[0]);
        return 2;
    }
    q35();
    err |= write_seed(argv[1], "q35", 1 + FUZZ_ACPI_CHUNK * 7);
    image[0] = FUZZ_ACPI_NO_FIXUP;
    err |= write_seed(argv[1], "q35-no-fixup", 1 + FUZZ_ACPI_CHUNK * 7);
    image[0] = 0;
    image[1 + 15] = 0; /* ACPI 1.0 RSDP: RSDT only */
    err |= write_seed(argv[1], "q35-rsdt", 1 + FUZZ_ACPI_CHUNK * 7);
    return err;
}
