/* SPDX-License-Identifier: MIT */
/*
 * Cross-CPU calls and stopping CPUs. smp_call_others() hands a function to
 * every other online CPU with a fixed-vector IPI. smp_stop_others() uses NMIs,
 * which reach a CPU even while it spins with interrupts off, and takes no
 * lock, so it works from panic() whatever is held.
 */
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/idt.h>
#include <asm/smp.h>
#include <hv/percpu.h>
#include <hv/power.h>
#include <hv/printk.h>
#include <hv/spinlock.h>
#include <hv/time.h>

#define NOBODY          (~0u)
#define STOP_TIMEOUT_NS 100000000ull

static spinlock_t call_lock = SPINLOCK_INIT;
static void (*call_fn)(void *);
static void *call_arg;
static volatile unsigned int call_unread; /* CPUs yet to copy call_fn/call_arg */
static volatile unsigned int call_unfinished;

static unsigned int stopping_cpu = NOBODY;
static volatile unsigned int cpus_stopped;

static void run_pending_call(void)
{
    void (*fn)(void *);
    void *arg;

    if (!__atomic_exchange_n(&this_cpu()->arch.call_pending, false, __ATOMIC_ACQ_REL))
        return;
    fn = call_fn;
    arg = call_arg;
    __atomic_sub_fetch(&call_unread, 1, __ATOMIC_RELEASE);
    fn(arg);
    __atomic_sub_fetch(&call_unfinished, 1, __ATOMIC_RELEASE);
}

static void call_interrupt(struct cpu_regs *regs)
{
    (void)regs;
    lapic_eoi();
    run_pending_call();
}

void smp_call_others(void (*fn)(void *), void *arg, bool wait)
{
    unsigned int me = smp_processor_id(), targets = 0;

    if (nr_cpus_online <= 1)
        return;
    /* Serve a concurrent caller's request while waiting, or two callers deadlock. */
    while (!spin_trylock(&call_lock)) {
        run_pending_call();
        cpu_relax();
    }
    for (unsigned int cpu = 0; cpu < nr_cpus_possible; cpu++) {
        struct percpu *pc = percpu_of(cpu);

        if (cpu != me && pc && pc->online)
            targets++;
    }
    call_fn = fn;
    call_arg = arg;
    __atomic_store_n(&call_unread, targets, __ATOMIC_RELEASE);
    __atomic_store_n(&call_unfinished, targets, __ATOMIC_RELEASE);
    for (unsigned int cpu = 0; cpu < nr_cpus_possible; cpu++) {
        struct percpu *pc = percpu_of(cpu);

        if (cpu == me || !pc || !pc->online)
            continue;
        __atomic_store_n(&pc->arch.call_pending, true, __ATOMIC_RELEASE);
        lapic_send_ipi(pc->apic_id, APIC_DM_FIXED | VECTOR_IPI_CALL);
    }
    while (__atomic_load_n(&call_unread, __ATOMIC_ACQUIRE))
        cpu_relax();
    while (wait && __atomic_load_n(&call_unfinished, __ATOMIC_ACQUIRE))
        cpu_relax();
    spin_unlock(&call_lock);
}

static void nmi(struct cpu_regs *regs)
{
    unsigned int stopper = __atomic_load_n(&stopping_cpu, __ATOMIC_ACQUIRE);

    if (stopper == NOBODY || stopper == smp_processor_id())
        trap_fatal(regs);
    __atomic_add_fetch(&cpus_stopped, 1, __ATOMIC_SEQ_CST);
    cpu_halt_forever();
}

void smp_stop_others(void)
{
    unsigned int me = smp_processor_id(), expected = NOBODY;
    uint64_t deadline;

    if (!__atomic_compare_exchange_n(&stopping_cpu, &expected, me, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE)) {
        if (expected == me)
            return;
        cpu_halt_forever(); /* another CPU is ending the machine */
    }
    if (nr_cpus_online <= 1)
        return;
    lapic_send_ipi_all_but_self(APIC_DM_NMI);
    deadline = now_ns() + STOP_TIMEOUT_NS;
    while (cpus_stopped < nr_cpus_online - 1 && now_ns() < deadline)
        cpu_relax();
    if (cpus_stopped < nr_cpus_online - 1)
        printk("tessera: smp: only %u of %u other CPUs stopped\n", cpus_stopped,
               nr_cpus_online - 1);
}

void smp_init_ipis(void)
{
    idt_set_handler(VECTOR_IPI_CALL, call_interrupt);
    idt_set_handler(X86_EXC_NMI, nmi);
}
