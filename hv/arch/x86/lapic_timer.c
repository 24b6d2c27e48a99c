/* SPDX-License-Identifier: MIT */
/*
 * The per-CPU timer hardware behind hv/common/timer.c: the LAPIC timer in
 * TSC-deadline mode when the CPU has it (CPUID.1:ECX[24]), else in one-shot
 * mode at the core crystal's rate where CPUID 15h states it and a short check
 * agrees, else at a rate measured against the TSC once, on the boot CPU, over
 * a window ended at a 100 ppm error bound.
 */
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/idt.h>
#include <asm/lapic_regs.h>
#include <asm/msr.h>
#include <asm/timer.h>
#include <asm/tsc.h>
#include <hv/printk.h>
#include <hv/time.h>

#define CPUID1_ECX_TSC_DEADLINE (1u << 24)
#define CPUID_TSC_CRYSTAL       0x15u
#define ONESHOT_MAX_AHEAD_NS    10000000000ull /* keeps ticks * rate in 64 bits */
/*
 * The one-shot rate's window against the TSC: it ends once its error bound is
 * within TARGET_PPM (at WINDOW_MIN_US at the earliest), or at WINDOW_MAX_US
 * with the tightest bound seen. A stated crystal rate stands if a window
 * ended at CHECK_PPM agrees with it to that bound plus AGREE_PPM.
 */
#define TARGET_PPM    100
#define CHECK_PPM     10000
#define AGREE_PPM     20000
#define WINDOW_MIN_US 100
#define WINDOW_MAX_US 10000
#define START_SAMPLES 16

static bool tsc_deadline;
static uint64_t lapic_timer_khz; /* one-shot mode: LAPIC timer ticks per ms */

/* The timer's current count read once, known to lie between TSC values lo and hi. */
struct count_sample {
    uint32_t count;
    uint64_t lo, hi;
};

struct timer_rate {
    uint64_t khz, ppm, window_us;
};

static void timer_vector(struct cpu_regs *regs)
{
    (void)regs;
    lapic_eoi();
    timer_interrupt();
}

static void take_sample(struct count_sample *s)
{
    s->lo = rdtsc();
    s->count = lapic_read(APIC_TIMER_CURRENT);
    s->hi = rdtsc();
}

/*
 * The rate from s0 to s1: s0.count - s1.count timer ticks in a TSC interval
 * that lies in [s1.lo - s0.hi, s1.hi - s0.lo]. The midpoint is the estimate;
 * the bound is half the interval's uncertainty over it, plus one timer tick
 * at each end (a count read is truncated) over the ticks, plus rounding to
 * whole kHz; relative to the TSC's rate, whose own bound the tsc line gives.
 */
static bool window_rate(const struct count_sample *s0, const struct count_sample *s1,
                        struct timer_rate *r)
{
    uint64_t ticks = s0->count - s1->count;
    uint64_t span2 = (s1->lo + s1->hi) - (s0->lo + s0->hi);
    uint64_t width2 = (s1->hi - s1->lo) + (s0->hi - s0->lo);

    if (span2 == 0 || ticks == 0 || s1->count > s0->count)
        return false;
    r->khz = ticks * tsc_khz() * 2 / span2;
    if (r->khz == 0)
        return false;
    r->ppm = (width2 * 1000000 + span2 - 1) / span2 + (2000000 + ticks - 1) / ticks +
             1000000 / r->khz + 1;
    r->window_us = span2 * 1000 / (2 * tsc_khz());
    return true;
}

/*
 * One window: from the narrowest of START_SAMPLES readings (a reading a host
 * preemption stretched is never the start) to the first after WINDOW_MIN_US
 * whose bound is within target_ppm, or the tightest before WINDOW_MAX_US.
 * False if the timer does not count.
 */
static bool measure(struct timer_rate *best, uint64_t target_ppm)
{
    uint64_t min_ticks = ns_to_tsc_ticks(WINDOW_MIN_US * 1000ull, tsc_khz());
    uint64_t max_ticks = ns_to_tsc_ticks(WINDOW_MAX_US * 1000ull, tsc_khz());
    struct count_sample s0, s;
    struct timer_rate r;

    lapic_write(APIC_TIMER_DIVIDE, APIC_TIMER_DIVIDE_1);
    lapic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | VECTOR_APIC_TIMER);
    lapic_write(APIC_TIMER_INITIAL, UINT32_MAX);
    take_sample(&s0);
    for (int i = 1; i < START_SAMPLES; i++) {
        take_sample(&s);
        if (s.hi - s.lo < s0.hi - s0.lo)
            s0 = s;
    }
    best->ppm = UINT64_MAX;
    do {
        take_sample(&s);
        if (s.lo - s0.hi < min_ticks)
            continue;
        if (window_rate(&s0, &s, &r) && r.ppm < best->ppm)
            *best = r;
    } while (best->ppm > target_ppm && s.hi - s0.lo < max_ticks && s.count);
    lapic_write(APIC_TIMER_INITIAL, 0);
    return best->ppm != UINT64_MAX;
}

/*
 * The core crystal's rate, which clocks the LAPIC timer where CPUID 15h
 * enumerates it (Intel; what Linux uses too), in kHz; 0 if not stated.
 */
static uint64_t crystal_khz(void)
{
    if (cpuid(0, 0).eax < CPUID_TSC_CRYSTAL || !cpu_vendor_is_intel())
        return 0;
    return cpuid(CPUID_TSC_CRYSTAL, 0).ecx / 1000;
}

/* The one-shot rate: the crystal's if a short window agrees, else measured; printed. */
static void oneshot_rate(void)
{
    uint64_t stated = crystal_khz(), diff;
    struct timer_rate r = { 0 };
    bool measured = measure(&r, stated ? CHECK_PPM : TARGET_PPM);

    if (stated && measured) {
        diff = stated > r.khz ? stated - r.khz : r.khz - stated;
        if (diff * 1000000 <= r.khz * (r.ppm + AGREE_PPM)) {
            lapic_timer_khz = stated;
            printk("tessera: timer: LAPIC timer one-shot at %llu.%03llu MHz from CPUID 15h "
                   "(core crystal; a %llu us window agrees), vector 0x%x\n",
                   (unsigned long long)(stated / 1000), (unsigned long long)(stated % 1000),
                   (unsigned long long)r.window_us, VECTOR_APIC_TIMER);
            return;
        }
        printk("tessera: timer: CPUID 15h states a %llu kHz crystal, the LAPIC timer runs at "
               "%llu kHz: measuring\n",
               (unsigned long long)stated, (unsigned long long)r.khz);
        measured = measure(&r, TARGET_PPM);
    }
    lapic_timer_khz = measured ? r.khz : 1;
    printk("tessera: timer: LAPIC timer one-shot at %llu.%03llu MHz against the TSC over %llu us, "
           "error <= %llu ppm of the TSC's rate, vector 0x%x\n",
           (unsigned long long)(lapic_timer_khz / 1000),
           (unsigned long long)(lapic_timer_khz % 1000), (unsigned long long)r.window_us,
           (unsigned long long)r.ppm, VECTOR_APIC_TIMER);
}

void arch_timer_init_cpu(void)
{
    static bool boot_cpu_done;

    if (!boot_cpu_done) {
        boot_cpu_done = true;
        tsc_deadline = cpuid(1, 0).ecx & CPUID1_ECX_TSC_DEADLINE;
        idt_set_handler(VECTOR_APIC_TIMER, timer_vector);
        if (tsc_deadline) {
            printk("tessera: timer: LAPIC timer in TSC-deadline mode, vector 0x%x\n",
                   VECTOR_APIC_TIMER);
        } else {
            oneshot_rate();
        }
    }
    if (tsc_deadline) {
        lapic_write(APIC_LVT_TIMER, APIC_TIMER_DEADLINE | VECTOR_APIC_TIMER);
        /* The mode switch must land before the first deadline write (SDM 10.5.4.1). */
        __asm__ volatile("mfence" ::: "memory");
        wrmsr(MSR_TSC_DEADLINE, 0);
    } else {
        lapic_write(APIC_TIMER_DIVIDE, APIC_TIMER_DIVIDE_1);
        lapic_write(APIC_LVT_TIMER, APIC_TIMER_ONESHOT | VECTOR_APIC_TIMER);
        lapic_write(APIC_TIMER_INITIAL, 0);
    }
}

void arch_timer_program(uint64_t deadline_ns)
{
    uint64_t now, ahead, ticks;

    if (tsc_deadline) {
        /* 0 disarms; a deadline already past fires at once. */
        wrmsr(MSR_TSC_DEADLINE, deadline_ns == UINT64_MAX ? 0 : MAX(ns_to_tsc(deadline_ns), 1));
        return;
    }
    if (deadline_ns == UINT64_MAX) {
        lapic_write(APIC_TIMER_INITIAL, 0);
        return;
    }
    now = now_ns();
    ahead = deadline_ns > now ? MIN(deadline_ns - now, ONESHOT_MAX_AHEAD_NS) : 0;
    ticks = ahead * lapic_timer_khz / 1000000;
    /* Too far ahead fires early; the handler finds nothing due and re-arms. */
    lapic_write(APIC_TIMER_INITIAL, (uint32_t)MIN(MAX(ticks, 1), UINT32_MAX));
}
