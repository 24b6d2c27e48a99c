/* SPDX-License-Identifier: MIT */
/*
 * Time-stamp counter: calibration against the ACPI PM timer or the HPET, and
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
 * Measures the TSC rate over ~20 ms against the PM timer (or the HPET when
 * there is no PM timer) and starts now_ns() at 0. Needs acpi_init() first.
 * Prints "tessera: tsc: 2593.012 MHz calibrated against PM timer".
 */
void tsc_calibrate(void);

/* The loader's estimate (bootinfo stamps.loader_tsc_khz), used until calibration. */
void tsc_set_loader_estimate(uint64_t khz);

/* Sets the rate and the TSC value at which now_ns() is 0 (hv/common/time.c). */
void time_set_tsc_rate(uint64_t khz, uint64_t tsc_at_zero);
uint64_t tsc_to_ns(uint64_t tsc);       /* absolute TSC value -> now_ns() time */
uint64_t ns_to_tsc(uint64_t ns);        /* now_ns() time -> absolute TSC value */
/* A duration in ns as TSC ticks at khz, rounded up (before calibration too). */
uint64_t ns_to_tsc_ticks(uint64_t ns, uint64_t khz);

#endif
