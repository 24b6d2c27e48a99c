/* SPDX-License-Identifier: MIT */
/* vcpu_op, from Xen's xen/include/public/vcpu.h. */
#ifndef TESSERA_PUBLIC_VCPU_H
#define TESSERA_PUBLIC_VCPU_H

#include <stdint.h>

#define VCPUOP_initialise                     0
#define VCPUOP_up                             1
#define VCPUOP_down                           2
#define VCPUOP_is_up                          3
#define VCPUOP_get_runstate_info              4
#define VCPUOP_register_runstate_memory_area  5
#define VCPUOP_set_periodic_timer             6
#define VCPUOP_stop_periodic_timer            7
#define VCPUOP_set_singleshot_timer           8
#define VCPUOP_stop_singleshot_timer          9
#define VCPUOP_register_vcpu_info             10
#define VCPUOP_register_vcpu_time_memory_area 13

/* Time a vCPU spent in each state since it was created (system time, ns). */
struct vcpu_runstate_info {
    int32_t state;             /* RUNSTATE_*: now */
    uint64_t state_entry_time; /* when it entered it */
    uint64_t time[4];          /* per RUNSTATE_*, the current state's time included */
};
#define RUNSTATE_running  0 /* on a CPU */
#define RUNSTATE_runnable 1 /* waits for a CPU */
#define RUNSTATE_blocked  2 /* waits for an event */
#define RUNSTATE_offline  3 /* down (or not started, or its domain is dying) */

/*
 * Where the hypervisor keeps a copy of the vCPU's vcpu_runstate_info: a
 * guest-virtual address (Xen's addr union, as its uint64_t member; a 32-bit
 * guest passes a 32-bit handle), 0 for none. The times in the copy do not
 * include the current state's: that one is now - state_entry_time.
 */
struct vcpu_register_runstate_memory_area {
    uint64_t addr;
};

struct vcpu_set_periodic_timer {
    uint64_t period_ns;
};

struct vcpu_set_singleshot_timer {
    uint64_t timeout_abs_ns;
    uint32_t flags; /* VCPU_SSHOTTMR_* */
    uint32_t pad;
};
#define VCPU_SSHOTTMR_future (1u << 0)

/*
 * VCPUOP_register_vcpu_time_memory_area: where a copy of the vCPU's
 * vcpu_time_info goes (guest-virtual; 0 = none). A 64-bit field in the
 * native and the compat layout alike.
 */
struct vcpu_register_time_memory_area {
    uint64_t addr;
};

struct vcpu_register_vcpu_info {
    uint64_t mfn;    /* frame holding the vcpu_info */
    uint32_t offset; /* its offset in that frame */
    uint32_t rsvd;
};

#endif
