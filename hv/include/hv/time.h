/* SPDX-License-Identifier: MIT */
#ifndef HV_TIME_H
#define HV_TIME_H

#include <hv/types.h>

/* TSC frequency once calibrated (kHz); the loader's estimate before that. */
uint64_t tsc_khz(void);
/* Nanoseconds since the hypervisor calibrated its clock (monotonic). */
uint64_t now_ns(void);
void udelay(uint64_t us);

#endif
