/* SPDX-License-Identifier: MIT */
/* TSC calibration against the ACPI PM timer or the HPET; now_ns(), udelay(). */
#include <asm/acpi.h>
#include <asm/cpu.h>
#include <asm/io.h>
#include <asm/paging.h>
#include <asm/tsc.h>
#include <hv/printk.h>
#include <hv/time.h>

#define PM_TIMER_HZ        3579545ull
#define CALIBRATION_MS     10
#define CALIBRATION_RUNS   3
/* Give up on a reference clock that has not advanced after this many TSC ticks (~10 s). */
#define REFERENCE_STUCK_TSC (1ull << 35)

#define HPET_CAPABILITIES  0x000
#define HPET_CONFIG        0x010
#define HPET_COUNTER       0x0F0
#define HPET_CAP_64BIT     (1ull << 13)
#define HPET_CFG_ENABLE    1ull
#define HPET_MAX_PERIOD_FS 100000000ull  /* 100 ns, the specification's limit */

#define FALLBACK_KHZ       2000000ull
#define MIN_PLAUSIBLE_KHZ  100000ull     /* 100 MHz */

/* A free-running reference counter of `mask` width at `hz`. */
struct reference_clock {
    const char *name;
    uint64_t (*read)(void);
    uint64_t mask;
    uint64_t hz;
};

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

/* TSC kHz over one CALIBRATION_MS window, or 0 if the reference does not move. */
static uint64_t measure_once(const struct reference_clock *ref)
{
    uint64_t window = ref->hz * CALIBRATION_MS / 1000;
    uint64_t start, ref0, ref1, tsc0, tsc1, limit;

    /* Start on a reference edge so the window is not short by up to one tick. */
    start = ref->read() & ref->mask;
    limit = rdtsc() + REFERENCE_STUCK_TSC;
    do {
        ref0 = ref->read() & ref->mask;
        tsc0 = rdtsc();
        if (tsc0 > limit)
            return 0;
    } while (ref0 == start);
    do {
        ref1 = ref->read() & ref->mask;
        tsc1 = rdtsc();
        if (tsc1 > limit)
            return 0;
    } while (((ref1 - ref0) & ref->mask) < window);
    return (tsc1 - tsc0) * ref->hz / (((ref1 - ref0) & ref->mask) * 1000);
}

/* Median of a few windows: one window stretched by a host preemption does not count. */
static uint64_t measure(const struct reference_clock *ref)
{
    uint64_t khz[CALIBRATION_RUNS];

    for (int i = 0; i < CALIBRATION_RUNS; i++) {
        khz[i] = measure_once(ref);
        if (!khz[i]) {
            printk("tessera: tsc: %s does not advance\n", ref->name);
            return 0;
        }
        for (int j = i; j > 0 && khz[j] < khz[j - 1]; j--) {
            uint64_t tmp = khz[j];

            khz[j] = khz[j - 1];
            khz[j - 1] = tmp;
        }
    }
    if (khz[CALIBRATION_RUNS / 2] < MIN_PLAUSIBLE_KHZ) {
        printk("tessera: tsc: %llu kHz against %s is implausible\n",
               (unsigned long long)khz[CALIBRATION_RUNS / 2], ref->name);
        return 0;
    }
    return khz[CALIBRATION_RUNS / 2];
}

static uint64_t calibrate_pm_timer(void)
{
    struct reference_clock ref = {
        .name = "PM timer", .read = pm_timer_read, .hz = PM_TIMER_HZ,
        .mask = acpi.pm_tmr_32bit ? 0xFFFFFFFFull : 0xFFFFFFull,
    };

    pm_timer_port = acpi.pm_tmr_port;
    return measure(&ref);
}

static uint64_t calibrate_hpet(void)
{
    struct reference_clock ref = { .name = "HPET", .read = hpet_read };
    uint64_t cap, period_fs;

    hpet = ioremap(acpi.hpet_paddr, PAGE_SIZE);
    cap = *(volatile uint64_t *)((uintptr_t)hpet + HPET_CAPABILITIES);
    period_fs = cap >> 32;
    if (period_fs == 0 || period_fs > HPET_MAX_PERIOD_FS) {
        printk("tessera: tsc: HPET period %llu fs is invalid\n", (unsigned long long)period_fs);
        return 0;
    }
    ref.hz = 1000000000000000ull / period_fs;
    ref.mask = (cap & HPET_CAP_64BIT) ? UINT64_MAX : 0xFFFFFFFFull;
    *(volatile uint64_t *)((uintptr_t)hpet + HPET_CONFIG) |= HPET_CFG_ENABLE;
    return measure(&ref);
}

void tsc_calibrate(void)
{
    const char *against = NULL;
    uint64_t khz = 0;

    if (acpi.pm_tmr_port && (khz = calibrate_pm_timer()) != 0)
        against = "calibrated against PM timer";
    else if (acpi.hpet_paddr && (khz = calibrate_hpet()) != 0)
        against = "calibrated against HPET";
    else if ((khz = tsc_khz()) != 0)
        against = "(loader's estimate; no PM timer or HPET)";
    else {
        khz = FALLBACK_KHZ;
        against = "ASSUMED: no PM timer, HPET or loader estimate; timing is wrong";
    }
    time_set_tsc_rate(khz, rdtsc());
    printk("tessera: tsc: %llu.%03llu MHz %s\n", (unsigned long long)(khz / 1000),
           (unsigned long long)(khz % 1000), against);
    if (cpuid_max_extended_leaf() < 0x80000007u || !(cpuid(0x80000007u, 0).edx & (1u << 8)))
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
