// SPDX-License-Identifier: MIT
/* Ticket spinlocks. */
#include <hv/spinlock.h>
#include <asm/cpu.h>

void spin_lock(spinlock_t *l)
{
    uint16_t ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

    while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket)
        cpu_relax();
}

void spin_unlock(spinlock_t *l)
{
    __atomic_store_n(&l->owner, (uint16_t)(l->owner + 1), __ATOMIC_RELEASE);
}

bool spin_trylock(spinlock_t *l)
{
    uint16_t owner = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
    uint16_t expected = owner;

    /* Free exactly when next == owner: take ticket `owner` in one step. */
    return __atomic_compare_exchange_n(&l->next, &expected, (uint16_t)(owner + 1), false,
                                       __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

unsigned long spin_lock_irqsave(spinlock_t *l)
{
    unsigned long flags = irq_save();

    spin_lock(l);
    return flags;
}

void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
    spin_unlock(l);
    irq_restore(flags);
}
