/* SPDX-License-Identifier: MIT */
/*
 * The per-CPU timer hardware behind hv/common/timer.c: the LAPIC timer in
 * TSC-deadline mode when the CPU has it (CPUID.1:ECX[24]), else in one-shot
 * mode with its rate measured against the TSC once, on the boot CPU.
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
#define ONESHOT_CALIBRATION_US  10000
#define ONESHOT_MAX_AHEAD_NS    10000000000ull /* keeps ticks * rate in 64 bits */

static bool tsc_deadline;
static uint64_t lapic_timer_khz; /* one-shot mode: LAPIC timer ticks per ms */

static void timer_vector(struct cpu_regs *regs)
{
    (void)regs;
    lapic_eoi();
    timer_interrupt();
}

/* LAPIC timer ticks per ms over one window, timed by the (calibrated) TSC. */
static uint64_t measure_oneshot_once(void)
{
    uint64_t window = ns_to_tsc_ticks(ONESHOT_CALIBRATION_US * 1000ull, tsc_khz());
    uint64_t tsc0, tsc1;
    uint32_t remaining;

    lapic_write(APIC_TIMER_INITIAL, UINT32_MAX);
    tsc0 = rdtsc();
    do
        tsc1 = rdtsc();
    while (tsc1 - tsc0 < window);
    remaining = lapic_read(APIC_TIMER_CURRENT);
    lapic_write(APIC_TIMER_INITIAL, 0);
    return (UINT32_MAX - remaining) * tsc_khz() / (tsc1 - tsc0);
}

static uint64_t median3(uint64_t a, uint64_t b, uint64_t c)
{
    return MAX(MIN(a, b), MIN(MAX(a, b), c));
}

/* Median of three windows: one stretched by a host preemption does not count. */
static void measure_oneshot_rate(void)
{
    lapic_write(APIC_TIMER_DIVIDE, APIC_TIMER_DIVIDE_1);
    lapic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | VECTOR_APIC_TIMER);
    lapic_timer_khz =
        median3(measure_oneshot_once(), measure_oneshot_once(), measure_oneshot_once());
    if (lapic_timer_khz == 0)
        lapic_timer_khz = 1;
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
            measure_oneshot_rate();
            printk("tessera: timer: LAPIC timer one-shot at %llu.%03llu MHz, vector 0x%x\n",
                   (unsigned long long)(lapic_timer_khz / 1000),
                   (unsigned long long)(lapic_timer_khz % 1000), VECTOR_APIC_TIMER);
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
