/* SPDX-License-Identifier: MIT */
#ifndef HV_SMP_H
#define HV_SMP_H

#include <hv/types.h>

#define HV_MAX_CPUS 256 /* compile-time limit; raise for larger hosts */

extern unsigned int nr_cpus_possible; /* CPUs the MADT lists (enabled) */
extern volatile unsigned int nr_cpus_online;

unsigned int smp_processor_id(void);
void smp_boot_secondaries(void);

/* Run fn(arg) on every other online CPU; wait when asked. */
void smp_call_others(void (*fn)(void *), void *arg, bool wait);
/* Stop every other CPU (panic, power-off); never fails. */
void smp_stop_others(void);

#endif
