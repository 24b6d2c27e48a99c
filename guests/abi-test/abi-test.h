/* SPDX-License-Identifier: MIT */
/* Shared by abi-test's C files. */
#ifndef GUESTS_ABI_TEST_H
#define GUESTS_ABI_TEST_H

/* The event-channel callback vector the guest asks for (HVM_PARAM_CALLBACK_IRQ). */
#define ABI_TEST_UPCALL_VECTOR 0xE0

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>

struct hvm_start_info;

/* abi-test.c: a named check (a FAIL line if not ok), counted for the verdict. */
void check(bool ok, const char *what);
/* "abi-test: PASS|FAIL (N checks, M failed)", then powers off (or crashes on failure). */
void finish(void);
/* RDMSR/WRMSR through the #GP handler: *vector / the result is 13 on #GP, else NO_FAULT. */
#define NO_FAULT 0xFFFFFFFFu
uint64_t rdmsr_checked(uint32_t msr, uint32_t *vector);
uint32_t wrmsr_checked(uint32_t msr, uint64_t v);
void yield(void);

/* acpi.c: the domain's ACPI tables, from hvm_start_info, for nr_vcpus vCPUs. */
void check_acpi(const struct hvm_start_info *si, uint32_t nr_vcpus);

/* cpuid.c: mode=cpuid. */
void run_cpuid(const struct hvm_start_info *si);
#endif

#endif
