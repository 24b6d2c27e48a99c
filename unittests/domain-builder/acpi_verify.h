/* SPDX-License-Identifier: MIT */
#ifndef UNITTESTS_DOMAIN_BUILDER_ACPI_VERIFY_H
#define UNITTESTS_DOMAIN_BUILDER_ACPI_VERIFY_H

#include "helpers.h"

/*
 * The ACPI tables reached from the RSDP at rsdp, decoded here byte by byte
 * (own readers, own AML parser): signatures, lengths, checksums, RSDP -> XSDT
 * -> FADT (hardware-reduced, no VGA, no CMOS RTC, -> FACS and DSDT) and MADT,
 * every table inside an ACPI (type 3) range of the memory map e[0..n) below
 * 4 GiB. The MADT has one enabled local APIC per vCPU (UID i, APIC id 2i) at
 * 0xFEE00000 and nothing else; the DSDT one processor device per vCPU
 * (_HID "ACPI0007", _UID i).
 */
void verify_acpi(const struct th_guest *g, uint64_t rsdp, uint32_t nr_vcpus,
                 const struct th_e820 *e, unsigned int n);

#endif
