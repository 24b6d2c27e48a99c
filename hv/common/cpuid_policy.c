// SPDX-License-Identifier: MIT
/* A domain's CPUID hide/force masks per output register (hv/cpuid_policy.h). */
#include <hv/cpuid_policy.h>

/* Index of the entry for that register, or p->nr if there is none. */
static unsigned int find(const struct cpuid_policy *p, uint32_t leaf, uint32_t subleaf,
                         enum cpuid_reg reg)
{
    unsigned int i;

    for (i = 0; i < p->nr; i++)
        if (p->regs[i].leaf == leaf && p->regs[i].subleaf == subleaf && p->regs[i].reg == reg)
            break;
    return i;
}

bool cpuid_policy_add(struct cpuid_policy *p, uint32_t leaf, uint32_t subleaf, enum cpuid_reg reg,
                      unsigned int bit, bool force)
{
    unsigned int i = find(p, leaf, subleaf, reg);
    struct cpuid_reg_policy *r = &p->regs[i];

    if (bit > 31 || (unsigned int)reg > CPUID_EDX)
        return false;
    if (i == p->nr) {
        if (p->nr == CPUID_POLICY_MAX_REGS)
            return false;
        p->nr++;
        *r = (struct cpuid_reg_policy){ leaf, subleaf, (uint8_t)reg, 0, 0 };
    }
    if (force)
        r->force |= 1u << bit;
    else
        r->hide |= 1u << bit;
    return true;
}

void cpuid_policy_apply(const struct cpuid_policy *p, uint32_t leaf, uint32_t subleaf,
                        uint32_t r[4])
{
    unsigned int i;

    for (i = 0; i < p->nr; i++) {
        const struct cpuid_reg_policy *e = &p->regs[i];

        if (e->leaf == leaf && e->subleaf == subleaf)
            r[e->reg] = (r[e->reg] & ~e->hide) | e->force;
    }
}

bool cpuid_policy_forces(const struct cpuid_policy *p, uint32_t leaf, uint32_t subleaf,
                         enum cpuid_reg reg, unsigned int bit)
{
    unsigned int i = find(p, leaf, subleaf, reg);

    return i < p->nr && bit < 32 && ((p->regs[i].force >> bit) & 1);
}
