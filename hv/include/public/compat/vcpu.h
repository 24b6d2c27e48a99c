/* SPDX-License-Identifier: MIT */
/*
 * vcpu_op's structures as a 32-bit guest passes them (Xen's compat layout):
 * guest handles are 32 bits wide, uint64_t fields 4-aligned.
 */
#ifndef TESSERA_PUBLIC_COMPAT_VCPU_H
#define TESSERA_PUBLIC_COMPAT_VCPU_H

#include <stdint.h>

/* struct vcpu_runstate_info: 44 bytes, not 48. */
struct compat_vcpu_runstate_info {
    int32_t state;
    uint64_t state_entry_time;
    uint64_t time[4];
} __attribute__((packed, aligned(4)));

/* struct vcpu_set_singleshot_timer: ends after flags (12 bytes). */
struct compat_vcpu_set_singleshot_timer {
    uint64_t timeout_abs_ns;
    uint32_t flags;
} __attribute__((packed, aligned(4)));

/* struct vcpu_register_runstate_memory_area: the address, a 32-bit handle. */
struct compat_vcpu_register_runstate_memory_area {
    uint32_t addr;
};

#endif
