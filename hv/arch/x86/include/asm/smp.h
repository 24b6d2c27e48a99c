/* SPDX-License-Identifier: MIT */
/* x86 SMP bring-up: the AP start-up trampoline hands over to ap_start(). */
#ifndef ASM_SMP_H
#define ASM_SMP_H

#include <hv/types.h>

struct percpu;
struct tessera_bootinfo;

/* Where the trampoline goes (bootinfo trampoline_paddr/size); before smp_boot_secondaries(). */
void smp_set_trampoline(paddr_t paddr, uint32_t size);

/* 64-bit C entry of an application processor, on its own stack. */
__noreturn void ap_start(struct percpu *pc);

/* Installs the IPI and NMI handlers (ipi.c); before any other CPU starts. */
void smp_init_ipis(void);

#endif
