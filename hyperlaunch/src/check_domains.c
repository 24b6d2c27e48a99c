/* SPDX-License-Identifier: MIT */
/* Whole-tree rules about domains: ids, names, capabilities, CPUID policy. */
#include <string.h>
#include "internal.h"

static void check_domids(struct hl_ctx *c)
{
    struct hl_plan *plan = c->plan;
    for (uint32_t i = 0; i < plan->nr_domains; i++) {
        const struct hl_domain *d = &plan->domains[i];
        if (d->domid_auto)
            continue;
        for (uint32_t j = 0; j < i; j++) {
            const struct hl_domain *e = &plan->domains[j];
            if (!e->domid_auto && e->domid == d->domid) {
                hl_report(c, HL_E_DOMID_DUPLICATE, d->node, "domid", e->node, NULL, "%u", d->domid);
                break;
            }
        }
    }
}

static bool domid_taken(const struct hl_plan *plan, uint16_t domid)
{
    for (uint32_t i = 0; i < plan->nr_domains; i++)
        if (!plan->domains[i].domid_auto && plan->domains[i].domid == domid)
            return true;
    return false;
}

/*
 * Domains without a domid get the free ids from 1 up, in tree order. The
 * cursor only moves forward, so this is linear in domains times explicit ids.
 */
static void assign_domids(struct hl_plan *plan)
{
    uint16_t next = 1;
    for (uint32_t i = 0; i < plan->nr_domains; i++) {
        struct hl_domain *d = &plan->domains[i];
        if (!d->domid_auto)
            continue;
        while (domid_taken(plan, next))
            next++;
        d->domid = next++;
    }
}

static void check_names(struct hl_ctx *c)
{
    struct hl_plan *plan = c->plan;
    for (uint32_t i = 0; i < plan->nr_domains; i++) {
        const struct hl_domain *d = &plan->domains[i];
        for (uint32_t j = 0; j < i; j++) {
            if (strcmp(plan->domains[j].name, d->name) == 0) {
                hl_report(c, HL_E_NAME_DUPLICATE, d->node,
                          fdt_getprop(c->fdt, d->node, "tessera,name", NULL) ? "tessera,name"
                                                                             : NULL,
                          plan->domains[j].node, NULL, "%s", d->name);
                break;
            }
        }
    }
}

/* Hardware and xenstore are single roles: at most one domain each. */
static void check_capabilities(struct hl_ctx *c)
{
    static const struct {
        uint32_t bit;
        const char *name;
    } single[] = {
        { HL_CAP_HARDWARE, "hardware" },
        { HL_CAP_XENSTORE, "xenstore" },
    };
    struct hl_plan *plan = c->plan;
    for (unsigned k = 0; k < 2; k++) {
        int first = -1;
        for (uint32_t i = 0; i < plan->nr_domains; i++) {
            const struct hl_domain *d = &plan->domains[i];
            if (!(d->capabilities & single[k].bit))
                continue;
            if (first < 0)
                first = d->node;
            else
                hl_report(c, HL_E_CAP_DUPLICATE, d->node, "capabilities", first, NULL, "%s",
                          single[k].name);
        }
    }
}

/* A forced feature must be one the machine can offer (known only in the hypervisor). */
static void check_cpuid(struct hl_ctx *c)
{
    const struct hl_machine *m = &c->in->machine;
    unsigned count;
    const struct hl_cpuid_feature *features = hl_cpuid_features(&count);
    for (uint32_t i = 0; i < c->plan->nr_domains; i++) {
        const struct hl_domain *d = &c->plan->domains[i];
        uint64_t both = d->cpuid.hide & d->cpuid.force;
        uint64_t refused = m->cpuid_known ? d->cpuid.force & ~both & ~m->cpuid_forceable : 0;
        for (unsigned bit = 0; bit < count; bit++) {
            if (both & (1ull << bit))
                hl_report(c, HL_E_CPUID_BOTH, d->node, "tessera,cpuid-force", -1, NULL, "\"%s\"",
                          features[bit].name);
            if (refused & (1ull << bit))
                hl_report(c, HL_E_CPUID_FORCE, d->node, "tessera,cpuid-force", -1,
                          m->cpuid_absent & (1ull << bit) ? "its CPU lacks it"
                                                          : "Tessera does not virtualize it",
                          "\"%s\"", features[bit].name);
        }
    }
}

void hl_check_domains(struct hl_ctx *c)
{
    check_domids(c);
    assign_domids(c->plan);
    check_names(c);
    check_capabilities(c);
    check_cpuid(c);
}
