/* SPDX-License-Identifier: MIT */
/*
 * Boot timeline: named events stamped with the TSC, reported in microseconds
 * since the loader started (see docs/boot-report.md). The loader's stamps
 * (boot information) come first; the hypervisor adds its own as it boots,
 * and prints the whole timeline once every started domain is ready (has
 * completed its first console line), and on the debug key 't'.
 */
#ifndef HV_TIMELINE_H
#define HV_TIMELINE_H

#include <hv/types.h>

struct tessera_bootinfo;

/* Takes the loader's stamps; bi may be the physical address (identity map still on). */
void timeline_init(const struct tessera_bootinfo *bi);
/* An event's arg when it has no number (printed without one). */
#define TIMELINE_NO_ARG (-1)

/* Records an event; name must stay valid (string literal or plan string). */
void timeline_mark(const char *name, int arg);
/* Microseconds since the loader started for a raw TSC value. */
uint64_t timeline_tsc_to_us(uint64_t tsc);
/* The table of events so far, in time order. */
void timeline_print(void);

/* n domains are being started: the full timeline is printed once all n are ready. */
void timeline_domains_starting(unsigned int n);
/*
 * Domain domid completed a console line. Its first is its "domain ready"
 * event. Cheap once every started domain is ready: called for every line.
 */
void timeline_domain_output(uint16_t domid);

#endif
