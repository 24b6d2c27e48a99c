// SPDX-License-Identifier: MIT
/*
 * The FIFO event channel ABI (hv/common/evtchn_fifo.c) as a guest drives it
 * through event_channel_op, against the fake arch layer: init_control,
 * expand_array and set_priority with valid and hostile arguments, the event
 * words' bits, the queues (heads, LINK fields, READY) as a guest consumes
 * them, the switch from the 2-level ABI and back at a reset.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <public/arch-x86/shared_info.h>
#include <public/errno.h>
#include <public/event_channel.h>
#include <hv/domain.h>
#include <hv/evtchn.h>
#include <hv/guest_time.h>
#include "fake_arch.h"

#define ARG_GVA     (FAKE_GUEST_BASE + 0x100)
#define CB_FRAME    0    /* fake_frames[] index of the control blocks */
#define ARRAY_FRAME 1    /* and of the first event array page */
#define CB_OFFSET   0x40 /* vCPU 0's block; vCPU 1's at 0x100 */

#define PENDING (1u << EVTCHN_FIFO_PENDING)
#define MASKED  (1u << EVTCHN_FIFO_MASKED)
#define LINKED  (1u << EVTCHN_FIFO_LINKED)

static struct domain *a; /* 2 vCPUs */

void guest_time_update(struct vcpu *v)
{
    (void)v;
}

static int64_t op(struct vcpu *v, unsigned int cmd, void *arg, size_t len)
{
    uint64_t args[2] = { cmd, ARG_GVA };
    int64_t rc;

    memcpy(fake_guest_mem + (ARG_GVA - FAKE_GUEST_BASE), arg, len);
    rc = do_event_channel_op(v, args);
    memcpy(arg, fake_guest_mem + (ARG_GVA - FAKE_GUEST_BASE), len);
    return rc;
}

static int64_t port_op(struct vcpu *v, unsigned int cmd, uint32_t port)
{
    return op(v, cmd, &port, sizeof(port));
}

static int64_t init_control(unsigned int vcpu, uint64_t gfn, uint32_t offset)
{
    struct evtchn_init_control ic = { .control_gfn = gfn, .offset = offset, .vcpu = vcpu };
    int64_t rc = op(a->vcpus[0], EVTCHNOP_init_control, &ic, sizeof(ic));

    if (rc == 0)
        assert_int_equal(ic.link_bits, EVTCHN_FIFO_LINK_BITS);
    return rc;
}

static int64_t expand_array(uint64_t gfn)
{
    struct evtchn_expand_array ea = { .array_gfn = gfn };

    return op(a->vcpus[0], EVTCHNOP_expand_array, &ea, sizeof(ea));
}

static int64_t set_priority(uint32_t port, uint32_t priority)
{
    struct evtchn_set_priority sp = { .port = port, .priority = priority };

    return op(a->vcpus[0], EVTCHNOP_set_priority, &sp, sizeof(sp));
}

static struct evtchn_fifo_control_block *cb(unsigned int vcpu)
{
    return (void *)&fake_frames[CB_FRAME][vcpu ? 0x100 : CB_OFFSET];
}

static event_word_t *word(uint32_t port)
{
    return (event_word_t *)fake_frames[ARRAY_FRAME] + port;
}

static uint32_t bind_ipi(unsigned int vcpu)
{
    struct evtchn_bind_ipi bi = { .vcpu = vcpu };

    assert_int_equal(op(a->vcpus[0], EVTCHNOP_bind_ipi, &bi, sizeof(bi)), 0);
    return bi.port;
}

/* As Linux does: every word of a new array page masked before it is given. */
static void fifo_on(void)
{
    unsigned int i;

    for (i = 0; i < EVTCHN_FIFO_WORDS_PER_PAGE; i++)
        *word(i) = MASKED;
    assert_int_equal(init_control(0, FAKE_FRAME_GFN + CB_FRAME, CB_OFFSET), 0);
    assert_int_equal(init_control(1, FAKE_FRAME_GFN + CB_FRAME, 0x100), 0);
    assert_int_equal(expand_array(FAKE_FRAME_GFN + ARRAY_FRAME), 0);
}

/* The guest's consumer (Linux's consume_one_event): the head event unlinked. */
static uint32_t consume(unsigned int vcpu, unsigned int priority)
{
    uint32_t port = cb(vcpu)->head[priority];
    uint32_t next = *word(port) & EVTCHN_FIFO_LINK_MASK;

    *word(port) &= ~(LINKED | EVTCHN_FIFO_LINK_MASK | PENDING);
    cb(vcpu)->head[priority] = next;
    if (!next)
        cb(vcpu)->ready &= ~(1u << priority);
    return port;
}

static int setup(void **state)
{
    (void)state;
    fake_arch_reset();
    a = fake_domain_create(1, 0, 2);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    fake_domain_destroy(a);
    return 0;
}

static void test_init_control_hostile(void **state)
{
    uint64_t args[2] = { EVTCHNOP_init_control, 0x10 };

    (void)state;
    assert_int_equal(init_control(2, FAKE_FRAME_GFN, 0), -XEN_ENOENT);
    assert_int_equal(init_control(~0u, FAKE_FRAME_GFN, 0), -XEN_ENOENT);
    assert_int_equal(init_control(0, FAKE_FRAME_GFN, 4), -XEN_EINVAL);
    assert_int_equal(init_control(0, FAKE_FRAME_GFN, 4096 - 64), -XEN_EINVAL);
    assert_int_equal(init_control(0, FAKE_FRAME_GFN, ~0u & ~7u), -XEN_EINVAL);
    assert_int_equal(init_control(0, FAKE_FRAME_GFN - 1, 0), -XEN_EINVAL);
    assert_int_equal(init_control(0, ~0ull, 0), -XEN_EINVAL);
    assert_int_equal(do_event_channel_op(a->vcpus[0], args), -XEN_EFAULT);
    assert_ptr_equal(a->events.port_ops, &evtchn_2l_ops);
    /* The last block that fits, then once per vCPU only. */
    assert_int_equal(init_control(0, FAKE_FRAME_GFN, 4096 - 72), 0);
    assert_ptr_equal(a->events.port_ops, &evtchn_fifo_ops);
    assert_int_equal(init_control(0, FAKE_FRAME_GFN + 1, 0), -XEN_EINVAL);
    assert_int_equal(init_control(1, FAKE_FRAME_GFN + 1, 0), 0);
}

static void test_expand_array(void **state)
{
    unsigned int i;

    (void)state;
    assert_int_equal(expand_array(FAKE_FRAME_GFN + 1), -XEN_EOPNOTSUPP);
    assert_int_equal(init_control(0, FAKE_FRAME_GFN, 0), 0);
    assert_int_equal(expand_array(FAKE_FRAME_GFN + FAKE_NR_FRAMES), -XEN_EINVAL);
    for (i = 0; i < EVTCHN_FIFO_ARRAY_PAGES; i++)
        assert_int_equal(expand_array(FAKE_FRAME_GFN + 1 + i), 0);
    assert_int_equal(a->events.fifo.nr_words, EVTCHN_NR_PORTS);
    assert_int_equal(expand_array(FAKE_FRAME_GFN + 1 + i), -XEN_ENOSPC);
}

static void test_set_priority(void **state)
{
    uint32_t port = bind_ipi(0);

    (void)state;
    assert_int_equal(set_priority(port, 3), -XEN_ENOSYS); /* 2-level */
    fifo_on();
    assert_int_equal(set_priority(EVTCHN_NR_PORTS, 3), -XEN_EINVAL);
    assert_int_equal(set_priority(port, EVTCHN_FIFO_PRIORITY_MIN + 1), -XEN_EINVAL);
    assert_int_equal(set_priority(port, ~0u), -XEN_EINVAL);
    assert_int_equal(set_priority(port, 3), 0);
    assert_int_equal(port_op(a->vcpus[0], EVTCHNOP_unmask, port), 0);
    assert_int_equal(port_op(a->vcpus[0], EVTCHNOP_send, port), 0);
    assert_int_equal(cb(0)->head[3], port);
    assert_int_equal(cb(0)->ready, 1u << 3);
}

/* Sends queue in order on the port's vCPU: head, LINK fields, READY, one upcall. */
static void test_queue(void **state)
{
    struct vcpu *v1 = a->vcpus[1];
    uint32_t p1, p2, p3, masked;

    (void)state;
    fifo_on();
    p1 = bind_ipi(1);
    p2 = bind_ipi(1);
    p3 = bind_ipi(1);
    masked = bind_ipi(1);
    assert_int_equal(a->events.fifo.ports[p1].priority, EVTCHN_FIFO_PRIORITY_DEFAULT);
    assert_int_equal(port_op(v1, EVTCHNOP_unmask, p1), 0);
    assert_int_equal(port_op(v1, EVTCHNOP_unmask, p2), 0);
    assert_int_equal(port_op(v1, EVTCHNOP_unmask, p3), 0);

    assert_int_equal(port_op(v1, EVTCHNOP_send, p1), 0);
    assert_int_equal(*word(p1), PENDING | LINKED);
    assert_int_equal(cb(1)->head[EVTCHN_FIFO_PRIORITY_DEFAULT], p1);
    assert_int_equal(cb(1)->ready, 1u << EVTCHN_FIFO_PRIORITY_DEFAULT);
    assert_int_equal(cb(0)->ready, 0);
    assert_int_equal(v1->ev.info->evtchn_upcall_pending, 1);
    assert_int_equal(fake_unblocks, 1);

    assert_int_equal(port_op(v1, EVTCHNOP_send, p2), 0);
    assert_int_equal(*word(p1), PENDING | LINKED | p2);
    assert_int_equal(cb(1)->head[EVTCHN_FIFO_PRIORITY_DEFAULT], p1);
    assert_int_equal(fake_unblocks, 1); /* READY was set already */
    /* Pending already: not linked twice. */
    assert_int_equal(port_op(v1, EVTCHNOP_send, p2), 0);
    assert_int_equal(*word(p2), PENDING | LINKED);

    /* Masked: pending, not linked; the unmask links it. */
    assert_int_equal(port_op(v1, EVTCHNOP_send, masked), 0);
    assert_int_equal(*word(masked), PENDING | MASKED);
    assert_int_equal(*word(p2), PENDING | LINKED);
    assert_int_equal(port_op(v1, EVTCHNOP_unmask, masked), 0);
    assert_int_equal(*word(masked), PENDING | LINKED);
    assert_int_equal(*word(p2), PENDING | LINKED | masked);

    assert_int_equal(consume(1, EVTCHN_FIFO_PRIORITY_DEFAULT), p1);
    assert_int_equal(consume(1, EVTCHN_FIFO_PRIORITY_DEFAULT), p2);
    assert_int_equal(consume(1, EVTCHN_FIFO_PRIORITY_DEFAULT), masked);
    assert_int_equal(cb(1)->ready, 0);
    /* The queue is empty (its tail unlinked): the next event is its head again. */
    v1->ev.info->evtchn_upcall_pending = 0;
    assert_int_equal(port_op(v1, EVTCHNOP_send, p3), 0);
    assert_int_equal(cb(1)->head[EVTCHN_FIFO_PRIORITY_DEFAULT], p3);
    assert_int_equal(*word(masked), 0);
    assert_int_equal(cb(1)->ready, 1u << EVTCHN_FIFO_PRIORITY_DEFAULT);
    assert_int_equal(v1->ev.info->evtchn_upcall_pending, 1);
    assert_true(a->events.port_ops->is_pending(a, p3));
}

/* An event that was a queue's tail and moved to another queue is no longer that tail. */
static void test_old_tail(void **state)
{
    uint32_t p1, p2;

    (void)state;
    fifo_on();
    p1 = bind_ipi(0);
    p2 = bind_ipi(0);
    assert_int_equal(port_op(a->vcpus[0], EVTCHNOP_unmask, p1), 0);
    assert_int_equal(port_op(a->vcpus[0], EVTCHNOP_unmask, p2), 0);
    assert_int_equal(port_op(a->vcpus[0], EVTCHNOP_send, p1), 0);
    assert_int_equal(consume(0, EVTCHN_FIFO_PRIORITY_DEFAULT), p1);
    assert_int_equal(set_priority(p1, 2), 0);
    assert_int_equal(port_op(a->vcpus[0], EVTCHNOP_send, p1), 0);
    assert_int_equal(cb(0)->head[2], p1);
    /* p1 is linked on queue 2: p2 must start queue 7, not follow p1. */
    assert_int_equal(port_op(a->vcpus[0], EVTCHNOP_send, p2), 0);
    assert_int_equal(cb(0)->head[EVTCHN_FIFO_PRIORITY_DEFAULT], p2);
    assert_int_equal(*word(p1), PENDING | LINKED);
    assert_int_equal(cb(0)->ready, 1u << 2 | 1u << EVTCHN_FIFO_PRIORITY_DEFAULT);
}

/*
 * A guest that rewrites a tail word meanwhile: LINK set on a tail still
 * linked, and a tail the guest unlinked starts the queue again.
 */
static void test_hostile_words(void **state)
{
    uint32_t p1, p2;

    (void)state;
    fifo_on();
    p1 = bind_ipi(0);
    p2 = bind_ipi(0);
    *word(p1) = 0;
    *word(p2) = 0;
    assert_int_equal(port_op(a->vcpus[0], EVTCHNOP_send, p1), 0);
    *word(p1) = LINKED | EVTCHN_FIFO_LINK_MASK | (1u << EVTCHN_FIFO_BUSY); /* garbage */
    assert_int_equal(port_op(a->vcpus[0], EVTCHNOP_send, p2), 0);
    assert_int_equal(*word(p1), LINKED | p2);
    *word(p1) = 0;
    *word(p2) = 0;
    assert_int_equal(port_op(a->vcpus[0], EVTCHNOP_send, p1), 0);
    assert_int_equal(cb(0)->head[EVTCHN_FIFO_PRIORITY_DEFAULT], p1);
}

/*
 * The switch keeps what is pending (raised once the word has a page), the
 * pending state of a closed port is gone, and a reset goes back to 2-level.
 */
static void test_switch_and_reset(void **state)
{
    uint32_t p1, p2;

    (void)state;
    p1 = bind_ipi(0);
    p2 = bind_ipi(0);
    assert_int_equal(port_op(a->vcpus[0], EVTCHNOP_send, p1), 0);
    assert_int_equal(init_control(0, FAKE_FRAME_GFN + CB_FRAME, CB_OFFSET), 0);
    assert_false(a->events.port_ops->is_pending(a, p1)); /* no word yet */
    /* Raised without a word: kept for the page. */
    assert_int_equal(port_op(a->vcpus[0], EVTCHNOP_send, p2), 0);
    assert_int_equal(expand_array(FAKE_FRAME_GFN + ARRAY_FRAME), 0);
    assert_int_equal(*word(p1), PENDING | LINKED | p2);
    assert_int_equal(*word(p2), PENDING | LINKED);
    assert_int_equal(cb(0)->head[EVTCHN_FIFO_PRIORITY_DEFAULT], p1);
    assert_int_equal(port_op(a->vcpus[0], EVTCHNOP_close, p2), 0);
    assert_int_equal(*word(p2) & PENDING, 0);

    evtchn_domain_reset(a);
    evtchn_vcpu_init(a->vcpus[0]);
    evtchn_vcpu_init(a->vcpus[1]);
    assert_ptr_equal(a->events.port_ops, &evtchn_2l_ops);
    assert_null(a->vcpus[0]->ev.fifo.control);
    assert_int_equal(a->events.fifo.nr_words, 0);
    assert_int_equal(expand_array(FAKE_FRAME_GFN + ARRAY_FRAME), -XEN_EOPNOTSUPP);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_init_control_hostile, setup, teardown),
        cmocka_unit_test_setup_teardown(test_expand_array, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_priority, setup, teardown),
        cmocka_unit_test_setup_teardown(test_queue, setup, teardown),
        cmocka_unit_test_setup_teardown(test_old_tail, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_words, setup, teardown),
        cmocka_unit_test_setup_teardown(test_switch_and_reset, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
