// SPDX-License-Identifier: MIT
/* The registry of domains by domid and plan position (domain_registry.h). */
#include <hv/domain.h>
#include <hv/domain_registry.h>
#include <hv/panic.h>
#include <hv/spinlock.h>

static spinlock_t registry_lock = SPINLOCK_INIT;
static struct domain *registry[DOMAIN_REGISTRY_MAX];

void domain_registry_add(struct domain *d)
{
    unsigned long flags = spin_lock_irqsave(&registry_lock);

    CHECK(d->index < DOMAIN_REGISTRY_MAX && !registry[d->index]);
    registry[d->index] = d;
    spin_unlock_irqrestore(&registry_lock, flags);
}

void domain_registry_remove(struct domain *d)
{
    unsigned long flags = spin_lock_irqsave(&registry_lock);

    if (d->index < DOMAIN_REGISTRY_MAX && registry[d->index] == d)
        registry[d->index] = NULL;
    spin_unlock_irqrestore(&registry_lock, flags);
}

unsigned long domain_registry_lock(void)
{
    return spin_lock_irqsave(&registry_lock);
}

void domain_registry_unlock(unsigned long flags)
{
    spin_unlock_irqrestore(&registry_lock, flags);
}

struct domain *domain_registry_find(uint16_t domid)
{
    unsigned int i;

    ASSERT_LOCKED(&registry_lock);
    for (i = 0; i < DOMAIN_REGISTRY_MAX; i++)
        if (registry[i] && registry[i]->domid == domid)
            return registry[i];
    return NULL;
}

struct domain *domain_registry_at(unsigned int index)
{
    return index < DOMAIN_REGISTRY_MAX ? registry[index] : NULL;
}
