// SPDX-License-Identifier: MIT
/*
 * Exit statistics (hv/arch/x86/hvm/exit_stats.c): the accounting of one exit
 * from #VMEXIT to re-entry by reason and hypercall op, the sum over CPUs,
 * and the table the debug key prints.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <public/xen.h>
#include <asm/hvm/exit_stats.h>
#include "fake_hv.h"

static unsigned int this_cpu_id;

unsigned int smp_processor_id(void)
{
    return this_cpu_id;
}

uint64_t tsc_khz(void)
{
    return 1000; /* one tick per microsecond */
}

static void one_exit(struct exit_stats *s, uint64_t from, uint64_t to, enum hvm_exit_reason reason,
                     uint32_t op)
{
    exit_stats_open(s, from);
    s->open_reason = reason;
    s->open_op = op;
    exit_stats_close(s, to);
}

static void test_accounting(void **state)
{
    struct exit_stats s = { 0 };

    (void)state;
    one_exit(&s, 100, 350, HVM_EXIT_HYPERCALL, __HYPERVISOR_sched_op);
    one_exit(&s, 1000, 1100, HVM_EXIT_HYPERCALL, __HYPERVISOR_sched_op);
    one_exit(&s, 2000, 2040, HVM_EXIT_CPUID, __HYPERVISOR_sched_op);
    assert_int_equal(s.reason[HVM_EXIT_HYPERCALL].count, 2);
    assert_int_equal(s.reason[HVM_EXIT_HYPERCALL].ticks, 350);
    assert_int_equal(s.hypercall[__HYPERVISOR_sched_op].count, 2);
    assert_int_equal(s.hypercall[__HYPERVISOR_sched_op].ticks, 350);
    /* A CPUID exit never counts as a hypercall, whatever op was left open. */
    assert_int_equal(s.reason[HVM_EXIT_CPUID].count, 1);
    assert_int_equal(s.reason[HVM_EXIT_CPUID].ticks, 40);
    /* A second close (the run loop ending after a resume) counts nothing. */
    exit_stats_close(&s, 5000);
    assert_int_equal(s.reason[HVM_EXIT_CPUID].count, 1);
    /* An exit hvm/ never named is the back-end's own. */
    exit_stats_open(&s, 6000);
    exit_stats_close(&s, 6007);
    assert_int_equal(s.reason[HVM_EXIT_NONE].count, 1);
    assert_int_equal(s.reason[HVM_EXIT_NONE].ticks, 7);
}

/* Through the per-CPU hooks, on two CPUs, as the back-end and hvm/ call them. */
static void test_per_cpu_hooks(void **state)
{
    (void)state;
    fake_console_reset();
    for (this_cpu_id = 0; this_cpu_id < 2; this_cpu_id++) {
        exit_stats_exited();
        exit_stats_reason(HVM_EXIT_HYPERCALL);
        exit_stats_hypercall(this_cpu_id ? 1000 : __HYPERVISOR_xen_version);
        exit_stats_resume();
        exit_stats_resume(); /* the run loop ends: nothing open */
        exit_stats_exited();
        exit_stats_reason((enum hvm_exit_reason)99); /* not a reason: stays the back-end's */
        exit_stats_resume();
    }
    exit_stats_print();
    assert_non_null(strstr(fake_console, "exits by reason, all CPUs"));
    assert_non_null(strstr(fake_console, "  hypercall                                         2 "));
    assert_non_null(strstr(fake_console, "  back-end only (interrupt, NMI, window)            2 "));
    assert_non_null(strstr(fake_console, "  total                                             4 "));
    assert_non_null(strstr(fake_console, "  xen_version                                       1 "));
    assert_non_null(strstr(fake_console, "  op >= 48                                          1 "));
}

static void test_table(void **state)
{
    struct exit_stats a = { 0 }, b = { 0 }, sum = { 0 };

    (void)state;
    one_exit(&a, 0, 300, HVM_EXIT_CPUID, 0);
    one_exit(&b, 0, 3000, HVM_EXIT_CPUID, 0);
    one_exit(&b, 0, 25, HVM_EXIT_HYPERCALL, 7);
    one_exit(&b, 0, 5, HVM_EXIT_HYPERCALL, __HYPERVISOR_event_channel_op);
    exit_stats_add(&sum, &a);
    exit_stats_add(&sum, &b);
    fake_console_reset();
    exit_stats_print_table(&sum, 1000);
    assert_string_equal(
        fake_console,
        "tessera: exits by reason, all CPUs, since boot (time: #VMEXIT to the next entry, TSC "
        "at 1000 kHz):\n"
        "  reason                                        count          ticks ticks/each   total "
        "us\n"
        "  cpuid                                             2           3300       1650       "
        "3300\n"
        "  hypercall                                         2             30         15         "
        "30\n"
        "  total                                             4           3330        832       "
        "3330\n"
        "tessera: hypercalls by op:\n"
        "  op                                            count          ticks ticks/each   total "
        "us\n"
        "  op 7                                              1             25         25         "
        "25\n"
        "  event_channel_op                                  1              5          5          "
        "5\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accounting),
        cmocka_unit_test(test_per_cpu_hooks),
        cmocka_unit_test(test_table),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
