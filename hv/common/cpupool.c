// SPDX-License-Identifier: MIT
/*
 * Boot-time CPU pools (sched.h): one struct sched_pool per plan pool, each
 * owning the CPUs the plan gives it, scheduled by the policy its
 * cpupool-sched selects. The plan has already refused an over-committed
 * "null" pool and any scheduler name other than these (hyperlaunch):
 *   none, "credit", "credit2"  -> weighted time-slicing (sched_weighted.c)
 *   "null"                     -> partitioned (a CPU per vCPU)
 */
#include <string.h>
#include <hyperlaunch/plan.h>
#include <hv/panic.h>
#include <hv/percpu.h>
#include <hv/printk.h>
#include <hv/sched.h>

static struct sched_pool pools[HL_MAX_POOLS];

static const struct scheduler_ops *sched_by_name(const char *name)
{
    if (!name || !strcmp(name, "credit") || !strcmp(name, "credit2"))
        return &sched_weighted_ops;
    CHECK(!strcmp(name, "null"));
    return &sched_partitioned_ops;
}

static bool pool_create(const struct hl_plan *plan, unsigned int index)
{
    const struct hl_pool *hp = &plan->pools[index];
    struct sched_pool *pool = &pools[index];

    _Static_assert(sizeof(pool->cpus) == sizeof(hp->cpus), "cpumask sizes");
    pool->name = hp->name;
    pool->id = index;
    pool->ops = sched_by_name(hp->sched);
    memcpy(&pool->cpus, &hp->cpus, sizeof(pool->cpus));
    return sched_pool_attach(pool);
}

bool cpupools_create(const struct hl_plan *plan)
{
    unsigned int i;

    for (i = 0; i < plan->nr_pools; i++)
        if (!pool_create(plan, i))
            return false;
    return true;
}

struct sched_pool *cpupool_get(unsigned int index)
{
    return &pools[index];
}

/* Appends "0-2,5" for mask to buf; "none" when empty. */
static void format_cpus(char *buf, size_t size, const cpumask_t *mask)
{
    size_t len = 0;
    unsigned int cpu = 0, last;

    buf[0] = '\0';
    while (cpu < HV_MAX_CPUS && len < size) {
        if (!cpumask_test(mask, cpu)) {
            cpu++;
            continue;
        }
        for (last = cpu; last + 1 < HV_MAX_CPUS && cpumask_test(mask, last + 1); last++)
            ;
        len += (size_t)snprintf(buf + len, size - len, len ? ",%u" : "%u", cpu);
        if (last > cpu && len < size)
            len += (size_t)snprintf(buf + len, size - len, "-%u", last);
        cpu = last + 1;
    }
    if (!len)
        snprintf(buf, size, "none");
}

static void format_domains(char *buf, size_t size, const struct hl_plan *plan, unsigned int index)
{
    size_t len = 0;
    unsigned int i;

    buf[0] = '\0';
    for (i = 0; i < plan->nr_domains && len < size; i++)
        if (plan->domains[i].pool == index)
            len +=
                (size_t)snprintf(buf + len, size - len, len ? ", %s" : "%s", plan->domains[i].name);
    if (!len)
        snprintf(buf, size, "none");
}

/* Online CPUs that no pool owns: they halt. */
static void report_unowned(const struct hl_plan *plan)
{
    cpumask_t spare = { { 0 } };
    char cpus[128];
    unsigned int cpu, i;

    for (cpu = 0; cpu < HV_MAX_CPUS; cpu++) {
        const struct percpu *pc = percpu_of(cpu);
        bool owned = false;

        if (!pc || !pc->online)
            continue;
        for (i = 0; i < plan->nr_pools; i++)
            owned |= cpumask_test(&pools[i].cpus, cpu);
        if (!owned)
            cpumask_set(&spare, cpu);
    }
    if (cpumask_weight(&spare)) {
        format_cpus(cpus, sizeof(cpus), &spare);
        printk("tessera: CPUs %s: in no pool (idle)\n", cpus);
    }
}

void cpupools_report(const struct hl_plan *plan)
{
    char cpus[128], domains[256];
    unsigned int i;

    for (i = 0; i < plan->nr_pools; i++) {
        format_cpus(cpus, sizeof(cpus), &pools[i].cpus);
        format_domains(domains, sizeof(domains), plan, i);
        printk("tessera: pool %u '%s' (%s): CPUs %s; domains: %s\n", i, pools[i].name,
               pools[i].ops->name, cpus, domains);
    }
    report_unowned(plan);
}
