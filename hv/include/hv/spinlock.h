/* SPDX-License-Identifier: MIT */
/*
 * Ticket spinlocks. The _irqsave forms also disable local interrupts.
 *
 * With TESSERA_HV_DEBUG_LOCKS (a CMake option, docs/locking.md) a lock also
 * records the CPU that holds it: taking a lock this CPU already holds (a
 * deadlock, typically an interrupt handler taking a lock the code it
 * interrupted holds) and releasing a lock this CPU does not hold panic, and
 * ASSERT_LOCKED() / ASSERT_IRQS_OFF() check a function's preconditions and
 * ASSERT_NO_LOCKS_HELD() that interrupts may be enabled (docs/locking.md).
 * Without the option the assertions compile to nothing.
 */
#ifndef HV_SPINLOCK_H
#define HV_SPINLOCK_H

#include <hv/types.h>

typedef struct {
    volatile uint16_t next;  /* next ticket to hand out */
    volatile uint16_t owner; /* ticket now served */
#ifdef TESSERA_HV_DEBUG_LOCKS
    volatile uint32_t holder; /* 1 + the holding CPU's id; 0 when free */
#endif
} spinlock_t;

#ifdef TESSERA_HV_DEBUG_LOCKS
#define SPINLOCK_INIT \
    {                 \
        0, 0, 0       \
    }
#else
#define SPINLOCK_INIT \
    {                 \
        0, 0          \
    }
#endif

void spin_lock(spinlock_t *l);
void spin_unlock(spinlock_t *l);
bool spin_trylock(spinlock_t *l);
unsigned long spin_lock_irqsave(spinlock_t *l);
void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags);

#ifdef TESSERA_HV_DEBUG_LOCKS
/* Whether the calling CPU holds l. */
bool spin_is_locked_by_me(const spinlock_t *l);
/* The assertions' slow paths: panic naming the caller's file and line. */
void spin_assert_locked(const spinlock_t *l, const char *expr, const char *file, int line);
void spin_assert_irqs_off(const char *file, int line);
void spin_assert_none_held(const char *file, int line);

#define ASSERT_LOCKED(lock)    spin_assert_locked((lock), #lock, __FILE__, __LINE__)
#define ASSERT_IRQS_OFF()      spin_assert_irqs_off(__FILE__, __LINE__)
#define ASSERT_NO_LOCKS_HELD() spin_assert_none_held(__FILE__, __LINE__)
#else
/* sizeof: lock is not evaluated, but a parameter only asserted on is not "unused". */
#define ASSERT_LOCKED(lock)    ((void)sizeof(lock))
#define ASSERT_IRQS_OFF()      ((void)0)
#define ASSERT_NO_LOCKS_HELD() ((void)0)
#endif

#endif
