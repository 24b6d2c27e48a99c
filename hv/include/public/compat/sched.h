/* SPDX-License-Identifier: MIT */
/*
 * sched_op's structures as a 32-bit guest passes them (Xen's compat layout):
 * guest handles are 32 bits wide, uint64_t fields 4-aligned.
 */
#ifndef TESSERA_PUBLIC_COMPAT_SCHED_H
#define TESSERA_PUBLIC_COMPAT_SCHED_H

#include <stdint.h>

/* struct sched_poll */
struct compat_sched_poll {
    uint32_t ports;
    uint32_t nr_ports;
    uint64_t timeout;
} __attribute__((packed, aligned(4)));

#endif
