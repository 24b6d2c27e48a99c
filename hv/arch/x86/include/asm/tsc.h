/* SPDX-License-Identifier: MIT */
/*
 * Time-stamp counter: its rate (CPUID 15h/16h, else a short measurement
 * against the ACPI PM timer or the HPET with a bounded error), and
 * TSC <-> nanosecond conversion for now_ns(), udelay() and the timers.
 * The TSC is assumed invariant (constant rate, synchronised across CPUs).
 */
#ifndef ASM_TSC_H
#define ASM_TSC_H

#include <hv/types.h>

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/*
 * Sets the TSC rate and starts now_ns() at 0. Needs acpi_init() first. The
 * rate CPUID 15h/16h states if any, else a window of 1-20 ms against the PM
 * timer (or the HPET when there is no PM timer), ended once the error bound is
 * within 100 ppm (docs/hypervisor-core.md). Prints e.g.
 * "tessera: tsc: 2593.012 MHz calibrated against PM timer over 1000 us, error <= 40 ppm".
 */
void tsc_calibrate(void);

/* The loader's estimate (bootinfo stamps.loader_tsc_khz), used until calibration. */
void tsc_set_loader_estimate(uint64_t khz);

/* Sets the rate and the TSC value at which now_ns() is 0 (hv/common/time.c). */
void time_set_tsc_rate(uint64_t khz, uint64_t tsc_at_zero);
uint64_t tsc_to_ns(uint64_t tsc); /* absolute TSC value -> now_ns() time */
uint64_t ns_to_tsc(uint64_t ns);  /* now_ns() time -> absolute TSC value */
/* A duration in ns as TSC ticks at khz, rounded up (before calibration too). */
uint64_t ns_to_tsc_ticks(uint64_t ns, uint64_t khz);

#endif
