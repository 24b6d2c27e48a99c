// SPDX-License-Identifier: MIT
/* panic(): report, stop the other CPUs, end the machine with HV_EXIT_PANIC. */
#include <stdarg.h>
#include <stack_guard.h>
#include <hv/panic.h>
#include <hv/percpu.h>
#include <hv/power.h>
#include <hv/printk.h>
#include <hv/smp.h>
#include <asm/cpu.h>

#define NOBODY (~0u)

static unsigned int panicking_cpu = NOBODY;

void panic(const char *fmt, ...)
{
    unsigned int me = this_cpu()->cpu_id;
    unsigned int expected = NOBODY;
    char reason[256];
    va_list ap;

    irq_disable();
    if (!__atomic_compare_exchange_n(&panicking_cpu, &expected, me, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE)) {
        /* Another CPU is panicking and will stop us; a nested panic here ends at once. */
        if (expected != me)
            cpu_halt_forever();
        machine_power_off(HV_EXIT_PANIC);
    }
    console_enter_panic();
    va_start(ap, fmt);
    vsnprintf(reason, sizeof(reason), fmt, ap);
    va_end(ap);
    printk("PANIC on CPU %u: %s\n", me, reason);
    smp_stop_others();
    machine_power_off(HV_EXIT_PANIC);
}

/* libfdt is built with the stack protector (lib/include/stack_guard.h). */
void tessera_stack_chk_fail(void)
{
    panic("stack protector: a stack frame's canary was overwritten");
}
