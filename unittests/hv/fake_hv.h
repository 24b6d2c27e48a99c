/* SPDX-License-Identifier: MIT */
/* Host stand-ins for hypervisor services (fake_hv.c). */
#ifndef UNITTESTS_HV_FAKE_HV_H
#define UNITTESTS_HV_FAKE_HV_H

#include <stdint.h>

/* phys_to_virt(pa) == (void *)(pa + fake_phys_offset). */
extern intptr_t fake_phys_offset;

/* Everything printk() wrote since the last reset. */
extern char fake_console[65536];
void fake_console_reset(void);

/* Number of panic() calls; a panic also fails the running test unless expected. */
extern int fake_panics;
extern int fake_panic_expected;

#endif
