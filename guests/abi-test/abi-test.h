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
struct vcpu_info;
struct vcpu_time_info;

/* abi-test.c: a named check (a FAIL line if not ok), counted for the verdict. */
void check(bool ok, const char *what);
/* "abi-test: PASS|FAIL (N checks, M failed)", then powers off (or crashes on failure). */
void finish(void);
/* RDMSR/WRMSR through the #GP handler: *vector / the result is 13 on #GP, else NO_FAULT. */
#define NO_FAULT 0xFFFFFFFFu
uint64_t rdmsr_checked(uint32_t msr, uint32_t *vector);
uint32_t wrmsr_checked(uint32_t msr, uint64_t v);
/* XSETBV through the #UD/#GP handlers: the vector, else NO_FAULT. */
uint32_t xsetbv_checked(uint32_t xcr, uint64_t v);
void yield(void);
/* Through the hypercall page; from 32-bit code (compatibility mode: Xen's compat ABI). */
long abi_hypercall(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3);
uint32_t abi_hypercall32(uint32_t nr, uint32_t a1, uint32_t a2, uint32_t a3);
/* The frame check_events() made the shared info page. */
uint64_t abi_shared_info_gfn(void);

/* vcpu_info[0]'s time in the shared info page check_events() mapped. */
const volatile struct vcpu_time_info *abi_vcpu0_time(void);

/* time_area.c: VCPUOP_register_vcpu_time_memory_area. */
long abi_register_time_area(uint32_t vcpu, uint64_t addr);
void check_time_area(void);

/* memory.c: memory_op's reservation calls; mode=balloon. */
void check_reservation(void);
/* XENMEM_decrease_reservation of frame gfn: the number of extents given back. */
long abi_give_back(uint64_t gfn);
void run_balloon(void);
/* One console line; sched_op shutdown with reason. */
void abi_say(const char *what);
void abi_shutdown_reason(unsigned int reason);

/* acpi.c: the domain's ACPI tables, from hvm_start_info, for nr_vcpus vCPUs. */
void check_acpi(const struct hvm_start_info *si, uint32_t nr_vcpus);

/* fifo.c: the FIFO event channel ABI, switched to by check_fifo(). */
void check_fifo(void);
long abi_fifo_init_control(uint32_t vcpu, uint64_t gfn, uint32_t offset);
/* The upcall's work once on the FIFO ABI: false while still on the 2-level one. */
bool abi_fifo_upcall(struct vcpu_info *vi);

/*
 * ram_scan.c: every mode's first step: RAM outside what the builder wrote for
 * the guest reads zero; one PASS or FAIL line.
 */
bool check_ram_zeroed(const struct hvm_start_info *si);

/* cpuid.c: mode=cpuid. */
void run_cpuid(const struct hvm_start_info *si);
#endif

#endif
