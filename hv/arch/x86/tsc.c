/* SPDX-License-Identifier: MIT */
/*
 * The TSC rate: from CPUID 15h/16h when the CPU states it and a short
 * measurement agrees, else measured against the ACPI PM timer or the HPET over
 * a short window whose error is bounded and printed; now_ns(), udelay().
 */
#include <asm/acpi.h>
#include <asm/cpu.h>
#include <asm/io.h>
#include <asm/paging.h>
#include <asm/tsc.h>
#include <hv/printk.h>
#include <hv/time.h>

#define PM_TIMER_HZ 3579545ull
/* Window limits and the error bound that ends a window early (measure_window()). */
#define WINDOW_MIN_US 1000
#define WINDOW_MAX_US 20000
#define TARGET_PPM    100
/* The check of a stated rate: a window ends within CHECK_PPM, and the rate stands if the
 * measurement agrees with it to that bound plus AGREE_PPM. */
#define CHECK_PPM         10000
#define AGREE_PPM         20000
#define START_EDGES       16
#define CALIBRATION_TRIES 3
/* Give up on a reference clock that has not advanced after this many TSC ticks (~10 s). */
#define REFERENCE_STUCK_TSC (1ull << 35)

#define HPET_CAPABILITIES  0x000
#define HPET_CONFIG        0x010
#define HPET_COUNTER       0x0F0
#define HPET_CAP_64BIT     (1ull << 13)
#define HPET_CFG_ENABLE    1ull
#define HPET_MAX_PERIOD_FS 100000000ull /* 100 ns, the specification's limit */

#define CPUID_TSC_CRYSTAL 0x15u
#define CPUID_FREQUENCY   0x16u

#define FALLBACK_KHZ 2000000ull
/* Below real CPUs' rates, but not emulators': Bochs's TSC runs at ~50 MHz. */
#define MIN_PLAUSIBLE_KHZ 10000ull /* 10 MHz */

/* A free-running reference counter of `mask` width at `hz`. */
struct reference_clock {
    const char *name;
    uint64_t (*read)(void);
    uint64_t mask;
    uint64_t hz;
};

/* One reading of the reference, with the TSC read just before and just after it. */
struct sample {
    uint64_t value, tsc_before, tsc_after;
};

/* The instant the reference took `value`, known to lie in TSC [lo, hi]. */
struct edge {
    uint64_t value, lo, hi;
};

struct measurement {
    uint64_t khz, ppm, window_us;
};

/* CPUID 8000_0007 EDX[8]: constant rate, running in every C-state (tsc_calibrate). */

static uint16_t pm_timer_port;
static volatile uint64_t *hpet;

static uint64_t pm_timer_read(void)
{
    return inl(pm_timer_port);
}

static uint64_t hpet_read(void)
{
    return *(volatile uint64_t *)((uintptr_t)hpet + HPET_COUNTER);
}

static void take_sample(const struct reference_clock *ref, struct sample *s)
{
    s->tsc_before = rdtsc();
    s->value = ref->read() & ref->mask;
    s->tsc_after = rdtsc();
}

/*
 * Reads until the reference changes. It changed after the last read that
 * still saw the old value began and before the read that saw the new one
 * ended: that bracket holds whatever a read costs, including a host
 * preemption in the middle of one. false if it does not move before limit.
 */
static bool next_edge(const struct reference_clock *ref, struct sample *last, struct edge *e,
                      uint64_t limit)
{
    struct sample s;

    for (;;) {
        take_sample(ref, &s);
        if (s.value != last->value)
            break;
        if (s.tsc_after > limit)
            return false;
        *last = s;
    }
    e->value = s.value;
    e->lo = last->tsc_before;
    e->hi = s.tsc_after;
    *last = s;
    return true;
}

/*
 * The rate over the window from e0 to e1, exactly (e1.value - e0.value)
 * reference ticks apart. The TSC ticks between them lie in
 * [e1.lo - e0.hi, e1.hi - e0.lo]: the midpoint is the estimate and half the
 * width over the estimate the relative error, relative to the reference's own
 * rate (whose accuracy software cannot know), plus 1e6 / khz ppm for
 * rounding to whole kHz. False if the TSC did not move.
 */
static bool window_rate(const struct reference_clock *ref, const struct edge *e0,
                        const struct edge *e1, struct measurement *m)
{
    uint64_t ticks = (e1->value - e0->value) & ref->mask;
    uint64_t span2 = (e1->lo + e1->hi) - (e0->lo + e0->hi);
    uint64_t width2 = (e1->hi - e1->lo) + (e0->hi - e0->lo);

    if (span2 == 0 || ticks == 0)
        return false;
    m->khz = span2 * ref->hz / (2000 * ticks);
    if (m->khz == 0)
        return false;
    m->ppm = (width2 * 1000000 + span2 - 1) / span2 + 1000000 / m->khz + 1;
    m->window_us = ticks * 1000000 / ref->hz;
    return true;
}

/*
 * One window: it starts at the narrowest of the first START_EDGES edges and
 * ends at the first edge after WINDOW_MIN_US that brings the bound within
 * target_ppm, or at WINDOW_MAX_US with the tightest bound seen. An edge
 * whose bracket a host preemption widened is thereby never chosen when a
 * better one is at hand. False if the reference or the TSC does not move.
 */
static bool measure_window(const struct reference_clock *ref, struct measurement *best,
                           uint64_t target_ppm)
{
    uint64_t min_ticks = ref->hz * WINDOW_MIN_US / 1000000;
    uint64_t max_ticks = ref->hz * WINDOW_MAX_US / 1000000;
    uint64_t limit = rdtsc() + REFERENCE_STUCK_TSC, ticks;
    struct measurement m;
    struct sample last;
    struct edge e0, e;

    take_sample(ref, &last);
    if (!next_edge(ref, &last, &e0, limit))
        return false;
    for (int i = 1; i < START_EDGES; i++) {
        if (!next_edge(ref, &last, &e, limit))
            return false;
        if (e.hi - e.lo < e0.hi - e0.lo)
            e0 = e;
    }
    best->ppm = UINT64_MAX;
    do {
        if (!next_edge(ref, &last, &e, limit))
            return false;
        ticks = (e.value - e0.value) & ref->mask;
        if (ticks < min_ticks)
            continue;
        if (!window_rate(ref, &e0, &e, &m))
            return false;
        if (m.ppm < best->ppm)
            *best = m;
    } while (best->ppm > target_ppm && ticks < max_ticks);
    return true;
}

/* The first window within target_ppm, else the tightest of CALIBRATION_TRIES. */
static bool measure(const struct reference_clock *ref, struct measurement *best,
                    uint64_t target_ppm)
{
    struct measurement m;

    best->ppm = UINT64_MAX;
    for (int i = 0; i < CALIBRATION_TRIES && best->ppm > target_ppm; i++) {
        if (!measure_window(ref, &m, target_ppm)) {
            printk("tessera: tsc: %s or the TSC does not advance\n", ref->name);
            return false;
        }
        if (m.ppm < best->ppm)
            *best = m;
    }
    if (best->khz < MIN_PLAUSIBLE_KHZ) {
        printk("tessera: tsc: %llu kHz against %s is implausible\n", (unsigned long long)best->khz,
               ref->name);
        return false;
    }
    return true;
}

static bool calibrate_pm_timer(struct measurement *m, uint64_t target_ppm)
{
    struct reference_clock ref = {
        .name = "PM timer",
        .read = pm_timer_read,
        .hz = PM_TIMER_HZ,
        .mask = acpi.pm_tmr_32bit ? 0xFFFFFFFFull : 0xFFFFFFull,
    };

    pm_timer_port = acpi.pm_tmr_port;
    return measure(&ref, m, target_ppm);
}

static bool calibrate_hpet(struct measurement *m, uint64_t target_ppm)
{
    struct reference_clock ref = { .name = "HPET", .read = hpet_read };
    uint64_t cap, period_fs;

    hpet = ioremap(acpi.hpet_paddr, PAGE_SIZE);
    cap = *(volatile uint64_t *)((uintptr_t)hpet + HPET_CAPABILITIES);
    period_fs = cap >> 32;
    if (period_fs == 0 || period_fs > HPET_MAX_PERIOD_FS) {
        printk("tessera: tsc: HPET period %llu fs is invalid\n", (unsigned long long)period_fs);
        return false;
    }
    ref.hz = 1000000000000000ull / period_fs;
    ref.mask = (cap & HPET_CAP_64BIT) ? UINT64_MAX : 0xFFFFFFFFull;
    *(volatile uint64_t *)((uintptr_t)hpet + HPET_CONFIG) |= HPET_CFG_ENABLE;
    return measure(&ref, m, target_ppm);
}

/*
 * The rate the CPU states (Intel SDM, CPUID 15h and 16h), 0 if none: the core
 * crystal times the TSC/crystal ratio of leaf 15h; when the crystal is not
 * enumerated, the base frequency of leaf 16h, which the TSC runs at on those
 * parts (what Linux assumes too). AMD CPUs enumerate neither leaf.
 */
static uint64_t cpuid_tsc_khz(const char **how)
{
    uint32_t max = cpuid(0, 0).eax, base_mhz;
    struct cpuid_result r;

    if (max < CPUID_TSC_CRYSTAL)
        return 0;
    r = cpuid(CPUID_TSC_CRYSTAL, 0);
    if (!r.eax || !r.ebx)
        return 0;
    if (r.ecx) {
        *how = "from CPUID 15h (crystal x ratio)";
        return (uint64_t)r.ecx * r.ebx / ((uint64_t)r.eax * 1000);
    }
    if (max < CPUID_FREQUENCY)
        return 0;
    base_mhz = cpuid(CPUID_FREQUENCY, 0).eax & 0xFFFF;
    *how = "from CPUID 16h (nominal base frequency)";
    return base_mhz * 1000ull;
}

/* Measures against the PM timer, else the HPET; false (m->khz 0) without either. */
static bool calibrate(struct measurement *m, uint64_t target_ppm, const char **how)
{
    if (acpi.pm_tmr_port && calibrate_pm_timer(m, target_ppm)) {
        *how = "calibrated against PM timer";
        return true;
    }
    if (paddr_val(acpi.hpet_paddr) && calibrate_hpet(m, target_ppm)) {
        *how = "calibrated against HPET";
        return true;
    }
    m->khz = 0;
    return false;
}

/*
 * A stated rate can be wrong: Bochs's tigerlake states 2419.2 MHz while its
 * TSC counts instructions at ~50 MHz. One coarse window (about 1 ms) checks
 * it; when they disagree, the full measurement is taken instead.
 */
static bool stated_rate_holds(uint64_t khz)
{
    struct measurement m;
    const char *how;
    uint64_t diff;

    if (!calibrate(&m, CHECK_PPM, &how))
        return true; /* nothing to check it against */
    diff = khz > m.khz ? khz - m.khz : m.khz - khz;
    if (diff * 1000000 <= m.khz * (m.ppm + AGREE_PPM))
        return true;
    printk("tessera: tsc: CPUID states %llu kHz, a 1%% check %s gives %llu kHz: measuring\n",
           (unsigned long long)khz, how, (unsigned long long)m.khz);
    return false;
}

void tsc_calibrate(void)
{
    const char *how = NULL;
    struct measurement m = { 0 };
    uint64_t khz = cpuid_tsc_khz(&how);

    if (khz && !stated_rate_holds(khz))
        khz = 0;
    if (!khz)
        khz = calibrate(&m, TARGET_PPM, &how) ? m.khz : 0;
    if (!khz && (khz = tsc_khz()) != 0)
        how = "(loader's estimate; no PM timer or HPET)";
    if (!khz) {
        khz = FALLBACK_KHZ;
        how = "ASSUMED: no PM timer, HPET or loader estimate; timing is wrong";
    }
    time_set_tsc_rate(khz, rdtsc());
    if (m.khz)
        printk("tessera: tsc: %llu.%03llu MHz %s over %llu us, error <= %llu ppm\n",
               (unsigned long long)(khz / 1000), (unsigned long long)(khz % 1000), how,
               (unsigned long long)m.window_us, (unsigned long long)m.ppm);
    else
        printk("tessera: tsc: %llu.%03llu MHz %s\n", (unsigned long long)(khz / 1000),
               (unsigned long long)(khz % 1000), how);
    bool invariant =
        cpuid_max_extended_leaf() >= 0x80000007u && (cpuid(0x80000007u, 0).edx & (1u << 8));
    if (!invariant)
        printk("tessera: tsc: not invariant (CPUID 8000_0007 EDX[8] clear); "
               "time assumes a constant rate\n");
}

uint64_t now_ns(void)
{
    return tsc_to_ns(rdtsc());
}

void udelay(uint64_t us)
{
    /* Before calibration, err on the long side: assume a fast TSC. */
    uint64_t khz = tsc_khz() ? tsc_khz() : 4 * FALLBACK_KHZ;
    uint64_t start = rdtsc(), ticks = ns_to_tsc_ticks(us * 1000, khz);

    while (rdtsc() - start < ticks)
        cpu_relax();
}
