// SPDX-License-Identifier: MIT
/*
 * The time-sliced scheduler's arithmetic (hv/common/sched_vtime.c), driven
 * as sched.c drives it on one CPU: pick, run for the slice (or less, if the
 * entity blocks), charge, put back; shares are measured over simulated time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <hv/sched_vtime.h>

#define MS 1000000ull

struct sim {
    struct vtime_queue q;
    struct vtime_budget cap; /* entity 0's, when capped */
    struct vtime_entity e[4];
    uint64_t ran[4]; /* ns each entity ran */
    uint64_t now, idle;
    uint64_t late; /* how late every timer fires (a loaded host), 0 by default */
    unsigned int n;
};

static void sim_init(struct sim *s, unsigned int n, const uint32_t *weights)
{
    memset(s, 0, sizeof(*s));
    s->n = n;
    for (unsigned int i = 0; i < n; i++) {
        vtime_entity_init(&s->e[i], &s->q, weights[i], NULL);
        vtime_enqueue(&s->q, &s->e[i], true);
    }
}

static unsigned int index_of(struct sim *s, struct vtime_entity *e)
{
    return (unsigned int)(e - s->e);
}

/*
 * Runs the CPU until s->now reaches end: every entity is always runnable
 * and runs whole slices, extended while vtime_slice_end allows; each slice
 * and each wait for a refill ends s->late after it should.
 */
static void run_busy(struct sim *s, uint64_t end)
{
    while (s->now < end) {
        uint64_t slice;
        struct vtime_entity *e = vtime_pick(&s->q, s->now, &slice);

        if (!e) {
            assert_true(slice > 0); /* only a cap parks a runnable entity */
            s->idle += slice + s->late;
            s->now += slice + s->late;
            continue;
        }
        for (;;) {
            slice += s->late;
            s->now += slice;
            s->ran[index_of(s, e)] += slice;
            vtime_charge(e, slice, s->now);
            if (vtime_slice_end(&s->q, e, s->now, &slice) || s->now >= end)
                break;
        }
        vtime_enqueue(&s->q, e, false);
    }
}

/* Entity 0 capped at percent, then 3 s of busy running, every timer late by late. */
static void run_capped_late(struct sim *s, unsigned int n, const uint32_t *weights,
                            unsigned int percent, uint64_t late)
{
    sim_init(s, n, weights);
    s->late = late;
    vtime_budget_init(&s->cap, percent, 0);
    s->e[0].budget = &s->cap;
    run_busy(s, 3000 * MS);
}

static void run_capped(struct sim *s, unsigned int n, const uint32_t *weights, unsigned int percent)
{
    run_capped_late(s, n, weights, percent, 0);
}

static void assert_share(uint64_t ran, uint64_t total, unsigned int permille, unsigned int tol)
{
    uint64_t got = ran * 1000 / total;

    assert_in_range(got, permille - tol, permille + tol);
}

/* Equal weights: round robin, each runnable entity in turn, one slice each. */
static void test_equal_weights_round_robin(void **state)
{
    static const uint32_t w[3] = { 256, 256, 256 };
    struct sim s;
    uint64_t slice;

    (void)state;
    sim_init(&s, 3, w);
    for (unsigned int round = 0; round < 4; round++) {
        for (unsigned int i = 0; i < 3; i++) {
            struct vtime_entity *e = vtime_pick(&s.q, s.now, &slice);

            assert_ptr_equal(e, &s.e[i]);
            assert_int_equal(slice, VTIME_SLICE_NS);
            s.now += slice;
            vtime_charge(e, slice, s.now);
            assert_true(vtime_slice_end(&s.q, e, s.now, &slice));
            vtime_enqueue(&s.q, e, false);
        }
    }
}

/* Alone on its CPU an entity runs on without giving the CPU up. */
static void test_alone_runs_on(void **state)
{
    static const uint32_t w[1] = { 1 };
    struct sim s;
    uint64_t slice;

    (void)state;
    sim_init(&s, 1, w);
    assert_ptr_equal(vtime_pick(&s.q, 0, &slice), &s.e[0]);
    vtime_charge(&s.e[0], slice, slice);
    assert_false(vtime_slice_end(&s.q, &s.e[0], slice, &slice));
    assert_int_equal(slice, VTIME_SLICE_NS);
}

/* 3:1 weights give 3:1 CPU time; 1:1:2 give 1:1:2. */
static void test_weighted_shares(void **state)
{
    static const uint32_t w2[2] = { 768, 256 }, w3[3] = { 100, 100, 200 };
    struct sim s;

    (void)state;
    sim_init(&s, 2, w2);
    run_busy(&s, 3000 * MS);
    assert_share(s.ran[0], s.now, 750, 10);
    assert_share(s.ran[1], s.now, 250, 10);

    sim_init(&s, 3, w3);
    run_busy(&s, 3000 * MS);
    assert_share(s.ran[0], s.now, 250, 10);
    assert_share(s.ran[1], s.now, 250, 10);
    assert_share(s.ran[2], s.now, 500, 10);
}

/* Extreme weights: 1 against 65535 still lets the light one run, never overflowing. */
static void test_extreme_weights(void **state)
{
    static const uint32_t w[2] = { 65535, 1 };
    struct sim s;

    (void)state;
    sim_init(&s, 2, w);
    run_busy(&s, 100000 * MS);
    assert_true(s.ran[1] > 0);
    assert_true(s.ran[1] <= s.now / 65535 + VTIME_SLICE_NS);
}

/* A cap of 25% alone on a CPU: a quarter of each period, the rest idle. */
static void test_cap_alone(void **state)
{
    static const uint32_t w[1] = { 256 };
    struct sim s;

    (void)state;
    run_capped(&s, 1, w, 25);
    assert_share(s.ran[0], s.now, 250, 5);
    assert_share(s.idle, s.now, 750, 5);
}

/* A cap binds only below the weighted share: 30% caps, 80% does not. */
static void test_cap_with_others(void **state)
{
    static const uint32_t w[2] = { 256, 256 };
    struct sim s;

    (void)state;
    run_capped(&s, 2, w, 30);
    assert_share(s.ran[0], s.now, 300, 10);
    assert_share(s.ran[1], s.now, 700, 10);
    assert_int_equal(s.idle, 0);

    run_capped(&s, 2, w, 80);
    assert_share(s.ran[0], s.now, 500, 10);
}

/* One entity alone on a CPU, capped at 50%: 15 ms of every 30, the first period from 0. */
struct half_capped {
    struct vtime_queue q;
    struct vtime_budget b;
    struct vtime_entity e;
};

static void half_capped_init(struct half_capped *c)
{
    memset(c, 0, sizeof(*c));
    vtime_budget_init(&c->b, 50, 0);
    vtime_entity_init(&c->e, &c->q, 256, &c->b);
    vtime_enqueue(&c->q, &c->e, true);
}

/* Overrun (a late timer) is debt: the next period's budget is smaller by as much. */
static void test_cap_overrun_is_debt(void **state)
{
    struct half_capped c;
    uint64_t slice;

    (void)state;
    half_capped_init(&c);
    assert_ptr_equal(vtime_pick(&c.q, 0, &slice), &c.e);
    assert_int_equal(slice, VTIME_SLICE_NS);
    vtime_charge(&c.e, 25 * MS, 25 * MS); /* 10 ms over budget */
    assert_true(vtime_slice_end(&c.q, &c.e, 25 * MS, &slice));
    vtime_enqueue(&c.q, &c.e, false);
    assert_null(vtime_pick(&c.q, 25 * MS, &slice));
    assert_int_equal(slice, 5 * MS); /* parked until the period ends */
    assert_ptr_equal(vtime_pick(&c.q, 30 * MS, &slice), &c.e);
    assert_int_equal(slice, 5 * MS); /* 15 ms budget less 10 ms debt */
}

/*
 * Timers late by more than a period (a loaded host) do not lift a cap: the
 * overrun is debt, paid off by every period that passed before the refill
 * was seen, not forgiven for coming late.
 */
static void test_cap_late_timers(void **state)
{
    static const uint32_t w[1] = { 256 };
    struct sim s;

    (void)state;
    run_capped_late(&s, 1, w, 25, 35 * MS);
    assert_share(s.ran[0], s.now, 250, 20);
}

/* Debt outlives a refill seen periods late: only the periods passed pay it off. */
static void test_cap_debt_after_late_refill(void **state)
{
    struct half_capped c;
    uint64_t slice;

    (void)state;
    half_capped_init(&c);
    assert_ptr_equal(vtime_pick(&c.q, 0, &slice), &c.e);
    /* 0..100 ms: 15 ms over the first period's budget, 70 ms in periods 2-4 (45 ms budget). */
    vtime_charge(&c.e, 100 * MS, 100 * MS);
    assert_int_equal(c.b.left_ns, -(int64_t)(55 * MS));
    assert_true(vtime_slice_end(&c.q, &c.e, 100 * MS, &slice));
    vtime_enqueue(&c.q, &c.e, false);
    /* Seen at 185 ms: periods 5-7 began (at 120, 150, 180), 45 ms less debt, 10 ms left. */
    assert_null(vtime_pick(&c.q, 185 * MS, &slice));
    assert_int_equal(slice, 25 * MS); /* parked until 210 ms */
    assert_ptr_equal(vtime_pick(&c.q, 210 * MS, &slice), &c.e);
    assert_int_equal(slice, 5 * MS);
}

/* A run across the end of a period is charged to each period for its part. */
static void test_cap_run_across_periods(void **state)
{
    struct half_capped c;
    uint64_t slice;

    (void)state;
    half_capped_init(&c);
    assert_ptr_equal(vtime_pick(&c.q, 20 * MS, &slice), &c.e);
    assert_int_equal(slice, VTIME_SLICE_NS);
    /* 20..34 ms: 10 ms of the first period (within its budget), 4 ms of the second. */
    vtime_charge(&c.e, 14 * MS, 34 * MS);
    assert_false(vtime_slice_end(&c.q, &c.e, 34 * MS, &slice));
    assert_int_equal(slice, VTIME_SLICE_NS);
    assert_int_equal(c.b.left_ns, 11 * MS);
    assert_int_equal(c.b.period_end, 60 * MS);
}

/*
 * An entity that blocks for long comes back at most VTIME_WAKE_CREDIT_NS
 * of its run time behind: it runs first, for that much, then shares again.
 */
static void test_wake_credit_bounded(void **state)
{
    static const uint32_t w[2] = { 256, 256 };
    struct sim s;
    uint64_t slice, before;
    struct vtime_entity *e;

    (void)state;
    sim_init(&s, 2, w);
    /* Entity 1 blocks: take it off the queue, entity 0 runs alone for 1 s. */
    vtime_dequeue(&s.q, &s.e[1]);
    run_busy(&s, 1000 * MS);
    before = s.ran[0];
    vtime_enqueue(&s.q, &s.e[1], true);
    e = vtime_pick(&s.q, s.now, &slice);
    assert_ptr_equal(e, &s.e[1]); /* the woken one goes first */
    assert_int_equal(s.e[0].vtime, s.q.floor);
    assert_int_equal(s.e[1].vtime, s.q.floor - VTIME_WAKE_CREDIT_NS);
    vtime_enqueue(&s.q, e, false);
    /* Over the next 100 ms it is ahead by no more than its credit. */
    run_busy(&s, s.now + 100 * MS);
    assert_true(s.ran[1] <= (s.ran[0] - before) + VTIME_WAKE_CREDIT_NS + VTIME_SLICE_NS);
}

/* A short sleep earns nothing: a woken entity never moves back in virtual time. */
static void test_wake_never_moves_back(void **state)
{
    struct vtime_queue q = { .floor = 100 * MS };
    struct vtime_entity e;

    (void)state;
    vtime_entity_init(&e, &q, 256, NULL);
    e.vtime = 103 * MS;
    vtime_enqueue(&q, &e, true);
    assert_int_equal(e.vtime, 103 * MS);
    vtime_dequeue(&q, &e);
    e.vtime = 1 * MS;
    vtime_enqueue(&q, &e, true);
    assert_int_equal(e.vtime, 100 * MS - VTIME_WAKE_CREDIT_NS);
    /* The credit is in run time: a heavier entity gets fewer virtual ns of it. */
    vtime_dequeue(&q, &e);
    e.weight = 512;
    e.vtime = 0;
    vtime_enqueue(&q, &e, true);
    assert_int_equal(e.vtime, 100 * MS - VTIME_WAKE_CREDIT_NS / 2);
}

/* A yield puts the entity behind every eligible one, even if it had run least. */
static void test_yield_goes_last(void **state)
{
    static const uint32_t w[3] = { 256, 256, 256 };
    struct vtime_entity *e;
    struct sim s;
    uint64_t slice;

    (void)state;
    sim_init(&s, 3, w);
    s.e[1].vtime = 7 * MS;
    s.e[2].vtime = 9 * MS;
    e = vtime_pick(&s.q, 0, &slice);
    assert_ptr_equal(e, &s.e[0]);
    vtime_charge(e, 1000, 1000);
    vtime_yield(&s.q, e, 1000);
    vtime_enqueue(&s.q, e, false);
    assert_int_equal(e->vtime, 9 * MS);
    assert_ptr_equal(vtime_pick(&s.q, 1000, &slice), &s.e[1]);
    assert_ptr_equal(vtime_pick(&s.q, 1000, &slice), &s.e[2]); /* first queued among equals */
    assert_ptr_equal(vtime_pick(&s.q, 1000, &slice), &s.e[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_equal_weights_round_robin),
        cmocka_unit_test(test_alone_runs_on),
        cmocka_unit_test(test_weighted_shares),
        cmocka_unit_test(test_extreme_weights),
        cmocka_unit_test(test_cap_alone),
        cmocka_unit_test(test_cap_with_others),
        cmocka_unit_test(test_cap_overrun_is_debt),
        cmocka_unit_test(test_cap_run_across_periods),
        cmocka_unit_test(test_cap_late_timers),
        cmocka_unit_test(test_cap_debt_after_late_refill),
        cmocka_unit_test(test_wake_credit_bounded),
        cmocka_unit_test(test_wake_never_moves_back),
        cmocka_unit_test(test_yield_goes_last),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
