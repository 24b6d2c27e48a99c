// SPDX-License-Identifier: MIT
/*
 * The debug lock checks of hv/arch/x86/spinlock.c (TESSERA_HV_DEBUG_LOCKS):
 * the holder is recorded, a CPU taking a lock it holds or releasing one it
 * does not hold panics, each CPU counts the locks it holds, and
 * ASSERT_LOCKED / ASSERT_IRQS_OFF / ASSERT_NO_LOCKS_HELD panic naming the
 * caller's file and line. The "CPU" is a variable the test sets; a broken
 * recursion check would spin forever, so an alarm ends the test instead.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <hv/panic.h>
#include <hv/percpu.h>
#include <hv/smp.h>
#include <hv/spinlock.h>
#include <hv/symbols.h>

#define HANG_LIMIT_S 10
#define FAKE_CPUS    10

static unsigned int fake_cpu;
static struct percpu fake_percpus[FAKE_CPUS];
static char panic_msg[512];

unsigned int smp_processor_id(void)
{
    return fake_cpu;
}

struct percpu *percpu_of(unsigned int cpu)
{
    return cpu < FAKE_CPUS ? &fake_percpus[cpu] : NULL;
}

const char *symbol_lookup(uint64_t addr, uint64_t *offset)
{
    (void)addr;
    *offset = 0;
    return "caller";
}

void panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(panic_msg, sizeof(panic_msg), fmt, ap);
    va_end(ap);
    mock_assert(0, panic_msg, __FILE__, __LINE__); /* caught by expect_assert_failure() */
    abort();
}

static int setup(void **state)
{
    (void)state;
    fake_cpu = 0;
    memset(fake_percpus, 0, sizeof(fake_percpus));
    panic_msg[0] = '\0';
    alarm(HANG_LIMIT_S);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    alarm(0);
    return 0;
}

static void test_holder_is_recorded(void **state)
{
    spinlock_t l = SPINLOCK_INIT;

    (void)state;
    fake_cpu = 3;
    assert_false(spin_is_locked_by_me(&l));
    spin_lock(&l);
    assert_true(spin_is_locked_by_me(&l));
    fake_cpu = 4;
    assert_false(spin_is_locked_by_me(&l));
    assert_false(spin_trylock(&l)); /* held by CPU 3: no panic, just busy */
    fake_cpu = 3;
    spin_unlock(&l);
    assert_false(spin_is_locked_by_me(&l));
    fake_cpu = 4;
    assert_true(spin_trylock(&l));
    assert_true(spin_is_locked_by_me(&l));
    spin_unlock(&l);
    assert_false(spin_is_locked_by_me(&l));
}

static void test_locks_held_are_counted_per_cpu(void **state)
{
    spinlock_t a = SPINLOCK_INIT, b = SPINLOCK_INIT, c = SPINLOCK_INIT;

    (void)state;
    fake_cpu = 1;
    ASSERT_NO_LOCKS_HELD();
    spin_lock(&a);
    assert_true(spin_trylock(&b));
    assert_int_equal(fake_percpus[1].locks_held, 2);
    fake_cpu = 2;
    ASSERT_NO_LOCKS_HELD(); /* CPU 1's locks are not CPU 2's */
    spin_lock(&c);
    assert_int_equal(fake_percpus[2].locks_held, 1);
    spin_unlock(&c);
    ASSERT_NO_LOCKS_HELD();
    fake_cpu = 1;
    expect_assert_failure(ASSERT_NO_LOCKS_HELD());
    assert_non_null(strstr(panic_msg, "CPU 1 holds 2 locks"));
    spin_unlock(&b);
    spin_unlock(&a);
    assert_int_equal(fake_percpus[1].locks_held, 0);
    ASSERT_NO_LOCKS_HELD();
}

static void test_cpu0_holder_differs_from_free(void **state)
{
    spinlock_t l = SPINLOCK_INIT;

    (void)state;
    fake_cpu = 0;
    assert_false(spin_is_locked_by_me(&l));
    spin_lock(&l);
    assert_true(spin_is_locked_by_me(&l));
    spin_unlock(&l);
    assert_false(spin_is_locked_by_me(&l));
}

static void test_recursive_lock_panics(void **state)
{
    spinlock_t l = SPINLOCK_INIT;

    (void)state;
    fake_cpu = 2;
    spin_lock(&l);
    expect_assert_failure(spin_lock(&l));
    assert_non_null(strstr(panic_msg, "taken again by CPU 2"));
    assert_non_null(strstr(panic_msg, "from caller+"));
}

static void test_unlock_by_other_cpu_panics(void **state)
{
    spinlock_t l = SPINLOCK_INIT;

    (void)state;
    fake_cpu = 5;
    spin_lock(&l);
    fake_cpu = 6;
    expect_assert_failure(spin_unlock(&l));
    assert_non_null(strstr(panic_msg, "released by CPU 6 but held by CPU 5"));
}

static void test_unlock_of_free_lock_panics(void **state)
{
    spinlock_t l = SPINLOCK_INIT;

    (void)state;
    expect_assert_failure(spin_unlock(&l));
    assert_non_null(strstr(panic_msg, "but not held"));
}

static void test_assert_locked(void **state)
{
    spinlock_t l = SPINLOCK_INIT;
    char where[64];
    int line;

    (void)state;
    fake_cpu = 7;
    spin_lock(&l);
    ASSERT_LOCKED(&l); /* held here: nothing happens */
    fake_cpu = 8;
    line = __LINE__ + 1;
    expect_assert_failure(ASSERT_LOCKED(&l));
    snprintf(where, sizeof(where), "test_spinlock.c:%d: &l is not held by CPU 8", line);
    assert_non_null(strstr(panic_msg, where));
    fake_cpu = 7;
    spin_unlock(&l);
    expect_assert_failure(ASSERT_LOCKED(&l));
}

static void test_assert_irqs_off(void **state)
{
    (void)state;
    /* A host process always runs with interrupts enabled. */
    expect_assert_failure(ASSERT_IRQS_OFF());
    assert_non_null(strstr(panic_msg, "test_spinlock.c:"));
    assert_non_null(strstr(panic_msg, "interrupts are enabled"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_holder_is_recorded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_locks_held_are_counted_per_cpu, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cpu0_holder_differs_from_free, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recursive_lock_panics, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unlock_by_other_cpu_panics, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unlock_of_free_lock_panics, setup, teardown),
        cmocka_unit_test_setup_teardown(test_assert_locked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_assert_irqs_off, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
