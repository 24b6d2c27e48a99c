/* SPDX-License-Identifier: MIT */
/*
 * Debian's libfdt.a is built with -fstack-protector-strong: its functions read
 * a canary from %fs:0x28 and call __stack_chk_fail on mismatch. Each freestanding
 * user points the FS base (MSR 0xC0000100) at a struct stack_guard (the
 * hypervisor one per CPU, the loader one for its lifetime) and defines
 * tessera_stack_chk_fail(), which must not return.
 */
#ifndef TESSERA_LIBC_STACK_GUARD_H
#define TESSERA_LIBC_STACK_GUARD_H

#include <stdint.h>

struct stack_guard {
    uint8_t reserved[0x28];
    uint64_t canary;
};

_Noreturn void tessera_stack_chk_fail(void);

#endif
