/* SPDX-License-Identifier: MIT */
/*
 * Boot timeline: named events stamped with the TSC, reported in microseconds
 * since the loader started (see docs/boot-report.md).
 */
#ifndef HV_TIMELINE_H
#define HV_TIMELINE_H

#include <hv/types.h>

struct tessera_bootinfo;

void timeline_init(const struct tessera_bootinfo *bi);
/* Records an event; name must stay valid (string literal or plan string). */
void timeline_mark(const char *name, int arg);
/* Microseconds since the loader started for a raw TSC value. */
uint64_t timeline_tsc_to_us(uint64_t tsc);
void timeline_print(void);

#endif
