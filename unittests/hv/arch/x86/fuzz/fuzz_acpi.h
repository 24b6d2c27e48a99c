/* SPDX-License-Identifier: MIT */
/*
 * Input format of the ACPI fuzzer: one flags byte, then up to FUZZ_ACPI_CHUNKS
 * chunks of 4 KiB that become physical memory at FUZZ_ACPI_BASE + 4 KiB * i.
 * Chunk 0 holds the RSDP, every other chunk may hold a table. Unless flag bit 0
 * is set the harness fixes the checksums of the RSDP and of every chunk that
 * looks like a table, so mutations reach past the checksum checks.
 */
#ifndef UNITTESTS_HV_PLATFORM_FUZZ_ACPI_H
#define UNITTESTS_HV_PLATFORM_FUZZ_ACPI_H

#define FUZZ_ACPI_BASE      0x100000ull
#define FUZZ_ACPI_CHUNK     0x1000u
#define FUZZ_ACPI_CHUNKS    8u
#define FUZZ_ACPI_MEM       (FUZZ_ACPI_CHUNK * FUZZ_ACPI_CHUNKS)
#define FUZZ_ACPI_NO_FIXUP  0x01u
#define FUZZ_ACPI_MAX_TABLE 0x10000u

#define FUZZ_ACPI_PA(chunk) (FUZZ_ACPI_BASE + FUZZ_ACPI_CHUNK * (chunk))

#endif
