/* SPDX-License-Identifier: MIT */
/*
 * The one registry of domains: every domain from domain_create() to
 * domain_free(), by domid and by its position in the plan (d->index). Event
 * channels find their peers here, the console its input owner and the rings
 * it serves, the boot code the domains it built.
 *
 * Lock rules. The registry lock is an outer lock: it is taken before a
 * domain's own locks (its event lock, its console lock), never while one of
 * them is held; only the console's input lock (dom_console.c) comes before it. Lookups and iteration run with it held, and a domain found
 * stays allocated until the lock is dropped: domain_free() removes the domain
 * (under the lock) before it frees anything. What a caller may do with a
 * domain it found is that domain's business: event channels, for one, only
 * reach a domain whose events are connected (evtchn_domain_connect()).
 * Interrupts are off while it is held (it is taken from timer functions).
 */
#ifndef HV_DOMAIN_REGISTRY_H
#define HV_DOMAIN_REGISTRY_H

#include <hv/types.h>

struct domain;

#define DOMAIN_REGISTRY_MAX 1024 /* domains at once: the plan's HL_MAX_DOMAINS */

/* Adds d at d->index (free, and below DOMAIN_REGISTRY_MAX). */
void domain_registry_add(struct domain *d);
/* Removes d if it is there. */
void domain_registry_remove(struct domain *d);

/* Takes the registry lock (interrupts off); the flags for the unlock. */
unsigned long domain_registry_lock(void);
void domain_registry_unlock(unsigned long flags);

/* With the registry lock held: the domain with this domid, or NULL. */
struct domain *domain_registry_find(uint16_t domid);
/*
 * With the registry lock held (or at boot, before any domain starts, when
 * nothing else adds or removes): the domain at plan position index, or NULL.
 * Iterating index over 0..DOMAIN_REGISTRY_MAX-1 visits every domain.
 */
struct domain *domain_registry_at(unsigned int index);

#endif
