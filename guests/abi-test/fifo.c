// SPDX-License-Identifier: MIT
/*
 * The FIFO event channel ABI, last of the event checks (the domain stays on
 * it): set_priority and expand_array refused on the 2-level ABI,
 * init_control with hostile arguments, then valid (a port pending under the
 * 2-level ABI stays pending across the switch), expand_array and
 * set_priority valid and hostile, and events delivered through the queues,
 * consumed as Linux consumes them.
 */
#include <stdbool.h>
#include <stdint.h>

#include <public/arch-x86/shared_info.h>
#include <public/event_channel.h>
#include <public/xen.h>

#include "abi-test.h"

#define OUTSIDE_GFN  (0x40000000ull >> 12) /* gpa 1 GiB: not RAM */
#define UNMAPPED_GVA 0x80000000ull

static struct evtchn_fifo_control_block control[4096 / sizeof(struct evtchn_fifo_control_block)]
    __attribute__((aligned(4096)));
static event_word_t words[1024] __attribute__((aligned(4096)));
static uint32_t local_head[EVTCHN_FIFO_MAX_QUEUES];
static volatile uint32_t fifo_hits[64];
static volatile bool fifo_on;

static long evtchn_op(unsigned int cmd, void *arg)
{
    return abi_hypercall(__HYPERVISOR_event_channel_op, cmd, (uintptr_t)arg, 0);
}

long abi_fifo_init_control(uint32_t vcpu, uint64_t gfn, uint32_t offset)
{
    struct evtchn_init_control ic = { .control_gfn = gfn, .offset = offset, .vcpu = vcpu };
    long rc = evtchn_op(EVTCHNOP_init_control, &ic);

    return rc == 0 && ic.link_bits != EVTCHN_FIFO_LINK_BITS ? -1000 : rc;
}

/* Linux's consume_one_event: the head of queue prio, unlinked, handled if pending. */
static void consume_one(unsigned int prio, uint32_t *ready)
{
    uint32_t port = local_head[prio], w, next;

    if (!port)
        port = __atomic_load_n(&control[0].head[prio], __ATOMIC_SEQ_CST);
    if (!port || port >= 1024) {
        *ready &= ~(1u << prio);
        return;
    }
    w = __atomic_load_n(&words[port], __ATOMIC_SEQ_CST);
    do
        next = w & EVTCHN_FIFO_LINK_MASK;
    while (!__atomic_compare_exchange_n(&words[port], &w,
                                        w & ~((1u << EVTCHN_FIFO_LINKED) | EVTCHN_FIFO_LINK_MASK),
                                        false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
    if (!next)
        *ready &= ~(1u << prio);
    if ((w & (1u << EVTCHN_FIFO_PENDING)) && !(w & (1u << EVTCHN_FIFO_MASKED))) {
        __atomic_fetch_and(&words[port], ~(1u << EVTCHN_FIFO_PENDING), __ATOMIC_SEQ_CST);
        if (port < 64)
            fifo_hits[port]++;
    }
    local_head[prio] = next;
}

bool abi_fifo_upcall(struct vcpu_info *vi)
{
    uint32_t ready;

    if (!fifo_on)
        return false;
    __atomic_store_n(&vi->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
    ready = __atomic_exchange_n(&control[0].ready, 0, __ATOMIC_SEQ_CST);
    while (ready) {
        consume_one((unsigned int)__builtin_ctz(ready), &ready);
        ready |= __atomic_exchange_n(&control[0].ready, 0, __ATOMIC_SEQ_CST);
    }
    return true;
}

/* With interrupts on, so the upcall arrives when the hypercall returns. */
static long send(uint32_t port)
{
    long rc;

    __asm__ volatile("sti" ::: "memory");
    rc = evtchn_op(EVTCHNOP_send, &port);
    __asm__ volatile("cli" ::: "memory");
    return rc;
}

static long unmask(uint32_t port)
{
    long rc;

    __asm__ volatile("sti" ::: "memory");
    rc = evtchn_op(EVTCHNOP_unmask, &port);
    __asm__ volatile("cli" ::: "memory");
    return rc;
}

static long set_priority(uint32_t port, uint32_t priority)
{
    struct evtchn_set_priority sp = { .port = port, .priority = priority };

    return evtchn_op(EVTCHNOP_set_priority, &sp);
}

void check_fifo(void)
{
    struct evtchn_bind_ipi ipi = { .vcpu = 0 };
    struct evtchn_expand_array ea = { .array_gfn = OUTSIDE_GFN };
    uint64_t control_gfn = (uintptr_t)control >> 12;
    uint32_t p1, p2, h1, h2, i;

    check(evtchn_op(EVTCHNOP_bind_ipi, &ipi) == 0 && ipi.port < 64, "fifo: bind_ipi");
    p1 = ipi.port;
    check(evtchn_op(EVTCHNOP_bind_ipi, &ipi) == 0 && ipi.port < 64, "fifo: another");
    p2 = ipi.port;
    check(set_priority(p1, 3) == -38, "set_priority under the 2-level ABI: -ENOSYS");
    check(evtchn_op(EVTCHNOP_expand_array, &ea) == -95,
          "expand_array under the 2-level ABI: -EOPNOTSUPP");

    check(abi_fifo_init_control(7, control_gfn, 0) == -2, "init_control vCPU 7: -ENOENT");
    check(abi_fifo_init_control(0, control_gfn, 4) == -22, "init_control offset 4: -EINVAL");
    check(abi_fifo_init_control(0, control_gfn, 4096 - 64) == -22,
          "init_control across the page end: -EINVAL");
    check(abi_fifo_init_control(0, OUTSIDE_GFN, 0) == -22, "init_control outside RAM: -EINVAL");
    check(abi_fifo_init_control(0, ~0ull, 0) == -22, "init_control gfn 2^64-1: -EINVAL");
    check(evtchn_op(EVTCHNOP_init_control, (void *)(uintptr_t)UNMAPPED_GVA) == -14,
          "init_control with an unmapped argument: -EFAULT");

    /* p1 pending (interrupts off: not consumed) when the ABI changes. */
    check(evtchn_op(EVTCHNOP_send, &p1) == 0, "fifo: 2-level send, interrupts off");
    check(abi_fifo_init_control(0, control_gfn, 0) == 0, "init_control: link_bits 17");
    fifo_on = true;
    check(abi_fifo_init_control(0, control_gfn, 512) == -22, "init_control twice: -EINVAL");

    for (i = 0; i < 1024; i++)
        words[i] = 1u << EVTCHN_FIFO_MASKED; /* as Linux gives a page */
    check(evtchn_op(EVTCHNOP_expand_array, &ea) == -22, "expand_array outside RAM: -EINVAL");
    ea.array_gfn = (uintptr_t)words >> 12;
    check(evtchn_op(EVTCHNOP_expand_array, &ea) == 0, "expand_array");
    check(words[p1] == (1u << EVTCHN_FIFO_PENDING | 1u << EVTCHN_FIFO_MASKED),
          "pending under the 2-level ABI: pending in the event word");
    h1 = fifo_hits[p1];
    check(unmask(p1) == 0 && fifo_hits[p1] == h1 + 1, "unmask: that event delivered (FIFO)");
    check(unmask(p2) == 0, "unmask another");
    h2 = fifo_hits[p2];
    check(send(p2) == 0 && fifo_hits[p2] == h2 + 1, "send: delivered through the FIFO queue");

    check(set_priority(5000, 3) == -22, "set_priority port 5000: -EINVAL");
    check(set_priority(p2, 16) == -22, "set_priority 16: -EINVAL");
    check(set_priority(p2, 2) == 0, "set_priority 2");
    __atomic_fetch_or(&words[p1], 1u << EVTCHN_FIFO_MASKED, __ATOMIC_SEQ_CST);
    h1 = fifo_hits[p1];
    check(send(p1) == 0 && fifo_hits[p1] == h1 && words[p1] & (1u << EVTCHN_FIFO_PENDING),
          "send on a masked port: pending, no event");
    check(evtchn_op(EVTCHNOP_send, &p2) == 0 && control[0].head[2] == p2 &&
              control[0].ready == 1u << 2,
          "priority 2: its queue's head and READY bit");
    h2 = fifo_hits[p2];
    check(unmask(p1) == 0 && fifo_hits[p1] == h1 + 1 && fifo_hits[p2] == h2 + 1,
          "unmask: both events delivered");
    check(set_priority(p2, EVTCHN_FIFO_PRIORITY_DEFAULT) == 0, "set_priority back");

    /* The hypervisor writes into both pages: the guest cannot give them back. */
    check(abi_give_back(control_gfn) == 0,
          "decrease_reservation of the control block frame (in use): 0 extents");
    check(abi_give_back(ea.array_gfn) == 0,
          "decrease_reservation of an event array frame (in use): 0 extents");
}
