/* SPDX-License-Identifier: MIT */
/*
 * A fake arch layer for host tests of hv/common's guest-facing code
 * (fake_arch.c): guest memory is a host buffer, time is a variable, and the
 * scheduler, timers and IPIs only record what they were asked to do.
 */
#ifndef UNITTESTS_HV_COMMON_FAKE_ARCH_H
#define UNITTESTS_HV_COMMON_FAKE_ARCH_H

#include <stdint.h>

struct domain;
struct vcpu;
struct timer;

/* Guest-virtual addresses FAKE_GUEST_BASE.. map to fake_guest_mem; the rest faults. */
#define FAKE_GUEST_BASE 0x100000ull
#define FAKE_GUEST_SIZE 0x10000ull
extern uint8_t fake_guest_mem[FAKE_GUEST_SIZE];

/*
 * Guest frames the hypervisor may map for the guest (guest_area_frame()):
 * gfns FAKE_FRAME_GFN.. are fake_frames[]; any other gfn is refused.
 */
#define FAKE_FRAME_GFN 0x800ull
#define FAKE_NR_FRAMES 8
extern uint8_t fake_frames[FAKE_NR_FRAMES][4096];

/* What now_ns() returns. */
extern uint64_t fake_now;

/* Calls of sched_unblock(), sched_kick(), sched_block(), smp_call_others(). */
extern unsigned int fake_unblocks, fake_kicks, fake_blocks, fake_smp_calls;
/* The timer last armed with timer_set(). */
extern struct timer *fake_last_timer;

/* Everything reset, guest memory zeroed. */
void fake_arch_reset(void);

/*
 * fake_domain.c (with the event code): a domain as domain_create() leaves it for the event code: RUNNING, with
 * nr_vcpus vCPUs, events initialised, in the registry and connected.
 */
struct domain *fake_domain_create(uint16_t domid, unsigned int index, unsigned int nr_vcpus);
void fake_domain_destroy(struct domain *d);

#endif
