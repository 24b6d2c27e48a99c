/* SPDX-License-Identifier: MIT */
/*
 * Ending the machine. With "debug-exit" on the command line (QEMU's
 * isa-debug-exit at port 0xf4, port overridable with debug-exit=0xNN) the
 * status reaches QEMU's exit code as (status << 1) | 1; otherwise the machine
 * powers off through ACPI (or resets), as on real hardware.
 */
#ifndef HV_POWER_H
#define HV_POWER_H

#include <hv/types.h>

enum hv_exit_status {
    HV_EXIT_SUCCESS = 0, /* every domain ended cleanly   -> QEMU exits 1 */
    HV_EXIT_FAILURE = 1, /* a domain failed / bad config -> QEMU exits 3 */
    HV_EXIT_PANIC = 2,   /* hypervisor panic             -> QEMU exits 5 */
};

__noreturn void machine_power_off(enum hv_exit_status status);
__noreturn void machine_reboot(void);
/* Stop this CPU for good (interrupts off, hlt loop). */
__noreturn void cpu_halt_forever(void);

#endif
