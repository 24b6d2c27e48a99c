// SPDX-License-Identifier: MIT
/* Domains for the event channel tests (fake_arch.h), as domain_create() makes them. */
#include <stdlib.h>
#include <hv/domain.h>
#include <hv/domain_registry.h>
#include <hv/evtchn.h>
#include <hv/vcpu_timer.h>
#include "fake_arch.h"

struct domain *fake_domain_create(uint16_t domid, unsigned int index, unsigned int nr_vcpus)
{
    struct domain *d = calloc(1, sizeof(*d));
    unsigned int i;

    d->domid = domid;
    d->index = index;
    d->state = DOMAIN_RUNNING;
    d->nr_vcpus = nr_vcpus;
    if (!evtchn_domain_init(d))
        abort();
    for (i = 0; i < nr_vcpus; i++) {
        struct vcpu *v = calloc(1, sizeof(*v));

        v->domain = d;
        v->id = i;
        evtchn_vcpu_init(v);
        vcpu_timer_init(v);
        d->vcpus[i] = v;
    }
    domain_registry_add(d);
    evtchn_domain_connect(d);
    return d;
}

void fake_domain_destroy(struct domain *d)
{
    unsigned int i;

    domain_registry_remove(d);
    evtchn_domain_disconnect(d);
    for (i = 0; i < d->nr_vcpus; i++)
        free(d->vcpus[i]);
    evtchn_domain_free(d);
    free(d);
}
