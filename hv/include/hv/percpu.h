/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU data. One struct percpu per CPU, reached through this_cpu() (GS
 * base) or percpu_of(cpu). Every per-CPU variable of the hypervisor lives
 * here: the common parts as typed members, the architecture's in arch. The
 * FS base points at the same struct so that the stack-protector canary libfdt
 * reads at %fs:0x28 is the struct's first member.
 */
#ifndef HV_PERCPU_H
#define HV_PERCPU_H

#include <hv/types.h>
#include <hv/sched.h>
#include <hv/smp.h>
#include <hv/timer.h>
#include <stack_guard.h>
#include <asm/percpu.h>

struct percpu {
    struct stack_guard guard; /* must stay first: %fs:0x28 */
    struct percpu *self;      /* %gs:offsetof(self) == this struct */
    unsigned int cpu_id;      /* 0 = boot CPU, dense */
    uint32_t apic_id;
    uint64_t stack_top; /* top of this CPU's main stack */
    volatile bool online;
    struct timer_queue timers; /* this CPU's pending timers (timer.c) */
    struct sched_percpu sched; /* this CPU's scheduling state (sched*.c) */
#ifdef TESSERA_HV_DEBUG_LOCKS
    unsigned int locks_held; /* spinlock.c: ASSERT_NO_LOCKS_HELD() */
#endif
    struct arch_percpu arch; /* GDT, TSS, IST stacks, cross-CPU calls ... */
};

/* Allocates and zeroes the per-CPU block and stacks for a CPU. */
struct percpu *percpu_alloc(unsigned int cpu_id, uint32_t apic_id);
/* CPU cpu_id's struct; NULL for a number no CPU has (never for a pool's CPUs). */
struct percpu *percpu_of(unsigned int cpu_id);

static inline struct percpu *this_cpu(void)
{
    struct percpu *p;

    __asm__ volatile("mov %%gs:%c1, %0" : "=r"(p) : "i"(offsetof(struct percpu, self)));
    return p;
}

/*
 * Loads this CPU's GDT, TSS, IDT, FS/GS bases and control registers. Called on
 * the boot CPU early and on every application processor from its start-up path.
 */
void arch_cpu_init(struct percpu *pc);

#endif
