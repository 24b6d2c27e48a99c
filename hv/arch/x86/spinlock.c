// SPDX-License-Identifier: MIT
/* Ticket spinlocks, and their holder checks with TESSERA_HV_DEBUG_LOCKS (hv/spinlock.h). */
#include <hv/panic.h>
#include <hv/percpu.h>
#include <hv/smp.h>
#include <hv/spinlock.h>
#include <hv/symbols.h>
#include <asm/cpu.h>

#ifdef TESSERA_HV_DEBUG_LOCKS
/* The function that called into the lock, for the panic message. */
#define CALLER __builtin_return_address(0)

static const char *caller_name(const void *caller, uint64_t *offset)
{
    const char *name = symbol_lookup((uint64_t)caller, offset);

    if (!name) {
        *offset = (uint64_t)caller;
        return "";
    }
    return name;
}

static uint32_t holder_me(void)
{
    return smp_processor_id() + 1;
}

bool spin_is_locked_by_me(const spinlock_t *l)
{
    return __atomic_load_n(&l->holder, __ATOMIC_RELAXED) == holder_me();
}

/* Before spinning: this CPU would wait for itself forever. */
static void debug_check_not_mine(const spinlock_t *l, const void *caller)
{
    uint64_t off;
    const char *fn;

    if (!spin_is_locked_by_me(l))
        return;
    fn = caller_name(caller, &off);
    panic("spinlock %p taken again by CPU %u, which holds it (deadlock), from %s+%#llx",
          (const void *)l, smp_processor_id(), fn, (unsigned long long)off);
}

/* This CPU's count of the locks it holds. */
static unsigned int *locks_held(void)
{
    return &percpu_of(smp_processor_id())->locks_held;
}

static void debug_set_holder(spinlock_t *l)
{
    __atomic_store_n(&l->holder, holder_me(), __ATOMIC_RELAXED);
    (*locks_held())++;
}

static void debug_clear_holder(spinlock_t *l, const void *caller)
{
    uint32_t holder = __atomic_load_n(&l->holder, __ATOMIC_RELAXED);
    uint64_t off;
    const char *fn;

    if (holder != holder_me()) {
        fn = caller_name(caller, &off);
        if (holder)
            panic("spinlock %p released by CPU %u but held by CPU %u, from %s+%#llx",
                  (const void *)l, smp_processor_id(), holder - 1, fn, (unsigned long long)off);
        panic("spinlock %p released by CPU %u but not held, from %s+%#llx", (const void *)l,
              smp_processor_id(), fn, (unsigned long long)off);
    }
    __atomic_store_n(&l->holder, 0, __ATOMIC_RELAXED);
    (*locks_held())--;
}

void spin_assert_locked(const spinlock_t *l, const char *expr, const char *file, int line)
{
    if (!spin_is_locked_by_me(l))
        panic("%s:%d: %s is not held by CPU %u", file, line, expr, smp_processor_id());
}

void spin_assert_irqs_off(const char *file, int line)
{
    unsigned long flags;

    __asm__ volatile("pushfq; popq %0" : "=r"(flags));
    if (flags & X86_RFLAGS_IF)
        panic("%s:%d: interrupts are enabled on CPU %u", file, line, smp_processor_id());
}

void spin_assert_none_held(const char *file, int line)
{
    unsigned int n = *locks_held();

    if (n)
        panic("%s:%d: CPU %u holds %u lock%s", file, line, smp_processor_id(), n,
              n == 1 ? "" : "s");
}
#else
#define CALLER NULL

static inline void debug_check_not_mine(const spinlock_t *l, const void *caller)
{
    (void)l;
    (void)caller;
}

static inline void debug_set_holder(spinlock_t *l)
{
    (void)l;
}

static inline void debug_clear_holder(spinlock_t *l, const void *caller)
{
    (void)l;
    (void)caller;
}
#endif

static inline void ticket_lock(spinlock_t *l, const void *caller)
{
    uint16_t ticket;

    debug_check_not_mine(l, caller);
    ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
    while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket)
        cpu_relax();
    debug_set_holder(l);
}

static inline void ticket_unlock(spinlock_t *l, const void *caller)
{
    debug_clear_holder(l, caller);
    __atomic_store_n(&l->owner, (uint16_t)(l->owner + 1), __ATOMIC_RELEASE);
}

void spin_lock(spinlock_t *l)
{
    ticket_lock(l, CALLER);
}

void spin_unlock(spinlock_t *l)
{
    ticket_unlock(l, CALLER);
}

bool spin_trylock(spinlock_t *l)
{
    uint16_t owner = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
    uint16_t expected = owner;

    /* Free exactly when next == owner: take ticket `owner` in one step. */
    if (!__atomic_compare_exchange_n(&l->next, &expected, (uint16_t)(owner + 1), false,
                                     __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
        return false;
    debug_set_holder(l);
    return true;
}

unsigned long spin_lock_irqsave(spinlock_t *l)
{
    unsigned long flags = irq_save();

    ticket_lock(l, CALLER);
    return flags;
}

void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
    ticket_unlock(l, CALLER);
    irq_restore(flags);
}
