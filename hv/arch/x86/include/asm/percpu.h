/* SPDX-License-Identifier: MIT */
/* The x86 part of struct percpu (hv/percpu.h): descriptor tables, stacks, IPIs. */
#ifndef ASM_PERCPU_H
#define ASM_PERCPU_H

#include <hv/types.h>
#include <hv/timer.h>
#include <asm/desc.h>
#include <asm/stack.h>

struct percpu;

struct arch_percpu {
    uint64_t gdt[GDT_ENTRIES] __aligned(16);
    struct tss64 tss __aligned(16);
    uint8_t *block;             /* the CPU's 64 KiB block (asm/stack.h layout) */
    bool in_fatal_trap;         /* a fatal exception is being reported on this CPU */
    volatile bool call_pending; /* smp_call_others() has a call for this CPU (ipi.c) */
    struct timer check_timer;   /* the boot-time timer self-check's timer (smp.c) */
};

/*
 * Unmaps the guard pages below this CPU's stacks. percpu_alloc() does it for
 * every CPU but the boot CPU, whose block is set up before the hypervisor's
 * page tables exist; main.c calls it for CPU 0 once they are live.
 */
void percpu_guard_stacks(struct percpu *pc);

/* The stack area (main, #DF, NMI, #MC) of pc containing addr: [*lo, *hi); false if none. */
bool percpu_stack_bounds(const struct percpu *pc, uint64_t addr, uint64_t *lo, uint64_t *hi);

#endif
