/* SPDX-License-Identifier: MIT */
/*
 * Xen guest helpers shared by the PVH test guests (guests/lib/xen.c): Xen
 * detection and the hypercall page, hypercalls, console output, the shared
 * info page, event polling and system time.
 */
#ifndef GUESTS_XEN_GUEST_H
#define GUESTS_XEN_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Installs the hypercall page; false without a Xen CPUID signature. */
bool xen_setup(void);
long xen_hypercall(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3);
/* A guest_write_fn: console_io write. */
void xen_console_write(const char *s, size_t len);
void xen_power_off(void);

/* Maps the shared info page; false if the hypervisor refused. */
bool xen_map_shared_info(void);
/* The shared info page xen_map_shared_info() maps (event bits of every vCPU). */
struct shared_info;
struct shared_info *xen_shared_info(void);
/* Takes port's event off the shared info if it fired; true if it had. */
bool xen_take_event(unsigned int port);
/* System time from vcpu_time_info, as a Xen guest computes it (lib/xen-time.c). */
struct vcpu_time_info;
uint64_t xen_vcpu_time_ns(volatile struct vcpu_time_info *t);
/* The same for vCPU 0 of the shared info that xen_map_shared_info() mapped. */
uint64_t xen_system_time_ns(void);

#endif
