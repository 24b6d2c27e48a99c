// SPDX-License-Identifier: MIT
/*
 * The scheduler's kick: a fixed-vector IPI whose only effect is the
 * interrupt itself, which ends a HLT or makes a running guest exit (INTR) so
 * the CPU looks at its run queue and its vCPU's state again.
 */
#include <asm/apic.h>
#include <asm/idt.h>
#include <hv/percpu.h>
#include <hv/sched.h>

/* Beside the platform's vectors (asm/apic.h), in the same top priority class. */
#define VECTOR_SCHED_KICK 0xF3

static void sched_kick_interrupt(struct cpu_regs *regs)
{
    (void)regs;
    lapic_eoi();
}

void arch_sched_kick_init(void)
{
    idt_set_handler(VECTOR_SCHED_KICK, sched_kick_interrupt);
}

void arch_sched_kick(unsigned int cpu)
{
    struct percpu *pc = percpu_of(cpu);

    if (pc && pc->online)
        lapic_send_ipi(pc->apic_id, APIC_DM_FIXED | VECTOR_SCHED_KICK);
}
