// SPDX-License-Identifier: MIT
/* Host stand-ins for the hypervisor services hv/common code calls. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <hv/page_alloc.h>
#include <hv/panic.h>
#include <hv/printk.h>
#include <hv/spinlock.h>
#include "fake_hv.h"

intptr_t fake_phys_offset;
char fake_console[65536];
int fake_panics;
int fake_panic_expected;

void fake_console_reset(void)
{
    fake_console[0] = '\0';
}

void *phys_to_virt(paddr_t pa)
{
    return (void *)(uintptr_t)(paddr_val(pa) + (uint64_t)fake_phys_offset);
}

paddr_t virt_to_phys(const void *va)
{
    return mk_paddr((uint64_t)(uintptr_t)va - (uint64_t)fake_phys_offset);
}

/* Single-threaded: a lock only counts (a panic test may leave one held). */
void spin_lock(spinlock_t *l)
{
    l->next++;
}

void spin_unlock(spinlock_t *l)
{
    l->owner++;
}

unsigned long spin_lock_irqsave(spinlock_t *l)
{
    spin_lock(l);
    return 0;
}

void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
    (void)flags;
    spin_unlock(l);
}

void printk(const char *fmt, ...)
{
    size_t len = strlen(fake_console);
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(fake_console + len, sizeof(fake_console) - len, fmt, ap);
    va_end(ap);
}

void panic(const char *fmt, ...)
{
    static char msg[512]; /* cmocka keeps the pointer past the longjmp */
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    fake_panics++;
    if (!fake_panic_expected)
        fail_msg("unexpected panic: %s", msg);
    mock_assert(0, msg, __FILE__, __LINE__); /* caught by expect_assert_failure() */
    abort();
}
