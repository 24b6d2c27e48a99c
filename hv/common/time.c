/* SPDX-License-Identifier: MIT */
/*
 * TSC <-> nanoseconds. Conversions multiply by a factor with 56 fractional
 * bits computed once from the rate, so the hot paths need no division (and no
 * 128-bit division, which would need libgcc). TSC -> ns rounds down and
 * ns -> TSC rounds up, so a timer programmed for ns_to_tsc(t) never fires
 * before now_ns() reaches t.
 */
#include <asm/tsc.h>
#include <hv/time.h>

#define FRAC_BITS 56
/* Below this rate ns-per-tick no longer fits the factor; no TSC is that slow. */
#define MIN_KHZ 4000

static uint64_t rate_khz;
static uint64_t loader_khz;
static uint64_t tsc_zero;
static uint64_t ns_per_tick;  /* 8.56 fixed point */
static uint64_t ticks_per_ns; /* 8.56 fixed point */

/* num * 2^56 / den, rounded to nearest; num < 2^40, den < 2^32. */
static uint64_t factor(uint64_t num, uint64_t den)
{
    uint64_t a = num << (FRAC_BITS - 32);
    uint64_t q1 = a / den, r1 = a % den;

    return (q1 << 32) + (((r1 << 32) + den / 2) / den);
}

static uint64_t scale_down(uint64_t v, uint64_t f)
{
    return (uint64_t)(((unsigned __int128)v * f) >> FRAC_BITS);
}

static uint64_t scale_up(uint64_t v, uint64_t f)
{
    return (uint64_t)(((unsigned __int128)v * f + ((1ull << FRAC_BITS) - 1)) >> FRAC_BITS);
}

uint64_t ns_to_tsc_ticks(uint64_t ns, uint64_t khz)
{
    return scale_up(ns, factor(MAX(khz, MIN_KHZ), 1000000));
}

void time_set_tsc_rate(uint64_t khz, uint64_t tsc_at_zero)
{
    khz = MAX(khz, MIN_KHZ);
    ns_per_tick = factor(1000000, khz);
    ticks_per_ns = factor(khz, 1000000);
    tsc_zero = tsc_at_zero;
    rate_khz = khz;
}

void tsc_set_loader_estimate(uint64_t khz)
{
    loader_khz = khz;
}

uint64_t tsc_khz(void)
{
    return rate_khz ? rate_khz : loader_khz;
}

uint64_t tsc_to_ns(uint64_t tsc)
{
    return tsc > tsc_zero ? scale_down(tsc - tsc_zero, ns_per_tick) : 0;
}

uint64_t ns_to_tsc(uint64_t ns)
{
    return tsc_zero + scale_up(ns, ticks_per_ns);
}
