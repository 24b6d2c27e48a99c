/* SPDX-License-Identifier: MIT */
/* The per-CPU timer list: ordering, removal, expiry. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "timer_queue.h"

static struct timer timers[6];

static struct timer *at(unsigned int i, uint64_t deadline)
{
    timers[i] = (struct timer){ .deadline_ns = deadline };
    return &timers[i];
}

static void test_insert_orders_by_deadline(void **state)
{
    struct timer_queue q = { 0 };

    (void)state;
    timer_queue_insert(&q, at(0, 300));
    timer_queue_insert(&q, at(1, 100));
    timer_queue_insert(&q, at(2, 200));
    timer_queue_insert(&q, at(3, 400));
    timer_queue_insert(&q, at(4, 50));
    assert_int_equal(timer_queue_next_deadline(&q), 50);
    assert_ptr_equal(q.head, &timers[4]);
    assert_ptr_equal(q.head->next, &timers[1]);
    assert_ptr_equal(q.head->next->next, &timers[2]);
    assert_ptr_equal(q.head->next->next->next, &timers[0]);
    assert_ptr_equal(q.head->next->next->next->next, &timers[3]);
    assert_null(timers[3].next);
}

static void test_equal_deadlines_fire_in_insertion_order(void **state)
{
    struct timer_queue q = { 0 };

    (void)state;
    timer_queue_insert(&q, at(0, 100));
    timer_queue_insert(&q, at(1, 100));
    timer_queue_insert(&q, at(2, 100));
    assert_ptr_equal(timer_queue_pop_expired(&q, 100), &timers[0]);
    assert_ptr_equal(timer_queue_pop_expired(&q, 100), &timers[1]);
    assert_ptr_equal(timer_queue_pop_expired(&q, 100), &timers[2]);
    assert_null(timer_queue_pop_expired(&q, 100));
}

static void test_pop_expired_only_due(void **state)
{
    struct timer_queue q = { 0 };

    (void)state;
    assert_null(timer_queue_pop_expired(&q, UINT64_MAX));
    assert_int_equal(timer_queue_next_deadline(&q), UINT64_MAX);
    timer_queue_insert(&q, at(0, 1000));
    timer_queue_insert(&q, at(1, 2000));
    assert_null(timer_queue_pop_expired(&q, 999));
    assert_ptr_equal(timer_queue_pop_expired(&q, 1500), &timers[0]);
    assert_null(timers[0].next);
    assert_null(timer_queue_pop_expired(&q, 1500));
    assert_int_equal(timer_queue_next_deadline(&q), 2000);
}

static void test_remove(void **state)
{
    struct timer_queue q = { 0 };

    (void)state;
    timer_queue_insert(&q, at(0, 10));
    timer_queue_insert(&q, at(1, 20));
    timer_queue_insert(&q, at(2, 30));
    assert_true(timer_queue_remove(&q, &timers[1]));  /* middle */
    assert_false(timer_queue_remove(&q, &timers[1])); /* not queued any more */
    assert_true(timer_queue_remove(&q, &timers[0]));  /* head */
    assert_int_equal(timer_queue_next_deadline(&q), 30);
    assert_true(timer_queue_remove(&q, &timers[2])); /* last */
    assert_null(q.head);
    assert_false(timer_queue_remove(&q, at(5, 1)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_insert_orders_by_deadline),
        cmocka_unit_test(test_equal_deadlines_fire_in_insertion_order),
        cmocka_unit_test(test_pop_expired_only_due),
        cmocka_unit_test(test_remove),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
