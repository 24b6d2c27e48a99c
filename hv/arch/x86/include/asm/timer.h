/* SPDX-License-Identifier: MIT */
/* What hv/common/timer.c needs from the architecture: a per-CPU one-shot timer. */
#ifndef ASM_TIMER_H
#define ASM_TIMER_H

#include <hv/types.h>

/* Programs this CPU's LAPIC timer (TSC-deadline, else one-shot) and its vector. */
void arch_timer_init_cpu(void);
/* Fires VECTOR_APIC_TIMER at (or just after) deadline_ns; UINT64_MAX disarms. */
void arch_timer_program(uint64_t deadline_ns);
/* Called by the vector's handler; runs expired timers of this CPU. */
void timer_interrupt(void);

#endif
