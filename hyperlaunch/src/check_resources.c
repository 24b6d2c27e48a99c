/* SPDX-License-Identifier: MIT */
/* Whole-tree rules about modules, memory, pools and vCPU affinity. */
#include <string.h>
#include "internal.h"

void hl_check_modules(struct hl_ctx *c)
{
    struct hl_plan *plan = c->plan;
    for (uint32_t i = 0; i < plan->nr_domains; i++) {
        const struct hl_domain *d = &plan->domains[i];
        if (d->kernel == HL_NONE)
            hl_report(c, HL_E_NO_KERNEL, d->node, NULL, -1,
                      "a child node compatible \"multiboot,kernel\", \"multiboot,module\"", NULL);
    }
    /* A module's memory goes to one domain: no index or range twice. */
    for (uint32_t i = 0; i < plan->nr_modules; i++) {
        const struct hl_module *m = &plan->modules[i];
        for (uint32_t j = 0; j < i; j++) {
            const struct hl_module *o = &plan->modules[j];
            if (m->source != o->source)
                continue;
            if (m->source == HL_MODSRC_INDEX && m->index == o->index) {
                hl_report(c, HL_E_MODULE_USED_TWICE, m->node, "module-index", o->node, NULL, "%u",
                          m->index);
                break;
            }
            if (m->source == HL_MODSRC_REG && m->size && o->size && m->base < o->base + o->size &&
                o->base < m->base + m->size) {
                hl_report(c, HL_E_MODULE_USED_TWICE, m->node, "reg", o->node, NULL, "at 0x%llx",
                          (unsigned long long)m->base);
                break;
            }
        }
    }
}

static uint64_t module_size(const struct hl_plan *plan, uint16_t index)
{
    return index == HL_NONE ? 0 : plan->modules[index].size;
}

static uint64_t string_bytes(const char *s)
{
    return s ? strlen(s) + 1 : 0;
}

uint64_t hl_hv_domain_bytes(const struct hl_plan *plan, uint32_t domain)
{
    const struct hl_domain *d = &plan->domains[domain];
    uint64_t variable = string_bytes(d->bootargs);
    if (d->ramdisk != HL_NONE)
        variable += string_bytes(plan->modules[d->ramdisk].bootargs);
    for (uint32_t i = 0; i < plan->nr_shm_maps; i++)
        variable += plan->shm_maps[i].domain == domain ? HL_HV_SHM_BYTES : 0;
    for (uint32_t i = 0; i < plan->nr_evtchns; i++)
        variable += plan->evtchns[i].domain == domain ? HL_HV_EVTCHN_BYTES : 0;
    return HL_HV_DOMAIN_BYTES + (uint64_t)d->vcpus * HL_HV_VCPU_BYTES + 2 * variable;
}

/* Static shared memory comes from free RAM at its host address: RAM, and free. */
static void check_shm_ram(struct hl_ctx *c)
{
    const struct hl_plan *plan = c->plan;
    if (!c->in->ram_free)
        return;
    for (uint32_t r = 0; r < plan->nr_shm_regions; r++) {
        const struct hl_shm_region *s = &plan->shm_regions[r];
        int node = -1;
        for (uint32_t i = 0; i < plan->nr_shm_maps && node < 0; i++)
            if (plan->shm_maps[i].region == r)
                node = plan->shm_maps[i].node;
        if (!c->in->ram_free(c->in->ctx, s->host_base, s->size))
            hl_report(c, HL_E_SHM_NOT_RAM, node, "xen,shared-mem", -1,
                      "RAM that neither the hypervisor nor a module uses",
                      "\"%s\" at host 0x%llx+0x%llx", s->id, (unsigned long long)s->host_base,
                      (unsigned long long)s->size);
    }
}

void hl_check_memory(struct hl_ctx *c)
{
    struct hl_plan *plan = c->plan;
    uint64_t total_bytes = 0;
    char want[96], have[HL_SIZE_TEXT];
    for (uint32_t i = 0; i < plan->nr_domains; i++) {
        const struct hl_domain *d = &plan->domains[i];
        int len = 0;
        if (!d->memory_kib && (!fdt_getprop(c->fdt, d->node, "memory", &len) || len != 8))
            continue; /* missing or malformed memory was reported; 0 is checked below */
        if (d->memory_kib % 4) {
            hl_report(c, HL_E_BAD_VALUE, d->node, "memory", -1, "a multiple of 4 KiB", "%llu KiB",
                      (unsigned long long)d->memory_kib);
        }
        if (d->mem_min_kib > d->memory_kib || d->memory_kib > d->mem_max_kib) {
            hl_report(c, HL_E_MEM_BOUNDS, d->node,
                      d->mem_min_kib > d->memory_kib ? "mem-min" : "mem-max", -1,
                      "mem-min <= memory <= mem-max", "%llu <= %llu <= %llu KiB",
                      (unsigned long long)d->mem_min_kib, (unsigned long long)d->memory_kib,
                      (unsigned long long)d->mem_max_kib);
        }
        uint64_t kernel = module_size(plan, d->kernel);
        uint64_t ramdisk = module_size(plan, d->ramdisk);
        if (kernel + ramdisk > d->memory_kib * 1024) {
            char need[HL_SIZE_TEXT], k[HL_SIZE_TEXT], r[HL_SIZE_TEXT];
            hl_format_size(have, sizeof(have), d->memory_kib * 1024);
            hl_format_size(need, sizeof(need), kernel + ramdisk);
            hl_format_size(k, sizeof(k), kernel);
            hl_format_size(r, sizeof(r), ramdisk);
            snprintf(want, sizeof(want), "%s (kernel %s + ramdisk %s)", need, k, r);
            hl_report(c, HL_E_MEM_TOO_SMALL, d->node, "memory", -1, want, "%s", have);
        }
        total_bytes += (d->memory_kib + d->p2m_pool_kib) * 1024 + hl_hv_domain_bytes(plan, i);
    }
    check_shm_ram(c);
    /* The hypervisor takes shared memory regions from the same free RAM. */
    uint64_t shm = 0;
    for (uint32_t r = 0; r < plan->nr_shm_regions; r++)
        shm += plan->shm_regions[r].size;
    uint64_t ram = c->in->machine.ram_bytes;
    if (ram && total_bytes + shm > ram) {
        hl_format_size(have, sizeof(have), ram);
        snprintf(want, sizeof(want), "at most %s (the machine's RAM)", have);
        char need[HL_SIZE_TEXT], shared[HL_SIZE_TEXT + 24] = "";
        hl_format_size(need, sizeof(need), total_bytes + shm);
        if (shm) {
            char size[HL_SIZE_TEXT];
            hl_format_size(size, sizeof(size), shm);
            snprintf(shared, sizeof(shared), ", %s of shared memory", size);
        }
        hl_report(c, HL_E_MEM_MACHINE, c->hv_node >= 0 ? c->hv_node : c->chosen, NULL, -1, want,
                  "%s (memory, P2M pools and hypervisor structures of %u domains%s)", need,
                  plan->nr_domains, shared);
    }
}

/* CPUs a domain of pool p may run on; false if unknown (implicit pool 0, no machine). */
static bool pool_cpus(struct hl_ctx *c, uint16_t p, hl_cpumask_t *out)
{
    const struct hl_pool *pool = &c->plan->pools[p];
    if (pool->implicit && !c->in->machine.cpus) {
        memset(out, 0, sizeof(*out));
        return false;
    }
    *out = pool->cpus;
    return true;
}

static void check_affinity_cpus(struct hl_ctx *c, const struct hl_affinity *a)
{
    const struct hl_domain *d = &c->plan->domains[a->domain];
    hl_cpumask_t allowed;
    bool known = pool_cpus(c, d->pool, &allowed);
    const struct hl_pool *pool = &c->plan->pools[d->pool];
    for (unsigned cpu = 0; cpu < HL_MAX_PCPUS; cpu++) {
        if (!hl_cpumask_test(&a->hard, cpu))
            continue;
        char want[96];
        if (c->in->machine.cpus && cpu >= c->in->machine.cpus) {
            snprintf(want, sizeof(want), "below %u", c->in->machine.cpus);
            hl_report(c, HL_E_CPU_NOT_PRESENT, a->node, "hard-affinity", -1, want, "%u", cpu);
        } else if (known ? !hl_cpumask_test(&allowed, cpu) : c->cpu_pool[cpu] != 0) {
            snprintf(want, sizeof(want), "a CPU of pool \"%s\"", pool->name);
            hl_report(c, HL_E_AFFINITY_OUTSIDE_POOL, a->node, "hard-affinity", -1, want, "%u", cpu);
        }
    }
}

/*
 * A "null" pool (the partitioned scheduler) gives each vCPU a CPU of its own,
 * so its domains' vCPUs must not outnumber its CPUs.
 */
static bool check_pool_commit(struct hl_ctx *c, uint16_t p)
{
    const struct hl_plan *plan = c->plan;
    const struct hl_pool *pool = &plan->pools[p];
    unsigned cpus = 0, vcpus = 0;
    hl_cpumask_t mask;
    if (!pool->sched || strcmp(pool->sched, "null") || !pool_cpus(c, p, &mask))
        return false;
    for (unsigned cpu = 0; cpu < HL_MAX_PCPUS; cpu++)
        cpus += hl_cpumask_test(&mask, cpu);
    for (uint32_t i = 0; i < plan->nr_domains; i++)
        if (plan->domains[i].pool == p)
            vcpus += plan->domains[i].vcpus;
    if (cpus && vcpus > cpus) {
        char want[64];
        snprintf(want, sizeof(want), "at most %u vCPUs (a \"null\" pool gives each its own CPU)",
                 cpus);
        hl_report(c, HL_E_POOL_EMPTY, pool->node, "cpupool-cpus", -1, want, "%u vCPUs", vcpus);
        return false;
    }
    return true;
}

/*
 * The hypervisor gives each vCPU of a "null" pool the lowest-numbered CPU its
 * affinity allows that no vCPU placed before it took, domains in plan order,
 * vCPUs in id order (sched_partitioned.c). Pinned vCPUs can then find their
 * CPUs taken although another placement would fit: the same walk here, so the
 * tree is refused before the hypervisor fails to place the vCPU.
 */
static void check_pool_placement(struct hl_ctx *c, uint16_t p)
{
    const struct hl_plan *plan = c->plan;
    const struct hl_pool *pool = &plan->pools[p];
    hl_cpumask_t taken;
    memset(&taken, 0, sizeof(taken));
    for (uint32_t i = 0; i < plan->nr_domains; i++) {
        const struct hl_domain *d = &plan->domains[i];
        for (uint32_t v = 0; d->pool == p && v < d->vcpus; v++) {
            const hl_cpumask_t *allowed = &pool->cpus;
            int node = d->node;
            for (uint32_t k = 0; k < plan->nr_affinities; k++) {
                if (plan->affinities[k].domain == i && plan->affinities[k].vcpu == v) {
                    allowed = &plan->affinities[k].hard;
                    node = plan->affinities[k].node;
                }
            }
            unsigned cpu = 0;
            while (cpu < HL_MAX_PCPUS &&
                   !(hl_cpumask_test(&pool->cpus, cpu) && hl_cpumask_test(allowed, cpu) &&
                     !hl_cpumask_test(&taken, cpu)))
                cpu++;
            if (cpu < HL_MAX_PCPUS)
                hl_cpumask_set(&taken, cpu);
            else
                hl_report(c, HL_E_VCPU_NO_CPU, node, node == d->node ? NULL : "hard-affinity",
                          pool->node,
                          "a CPU of its affinity that no vCPU placed before it "
                          "(domains in the plan's order) took",
                          "%u", v);
        }
    }
}

/* Weights and caps share a CPU among vCPUs: a "null" pool shares none. */
static void check_sched_params(struct hl_ctx *c, const struct hl_domain *d)
{
    static const char *const props[] = { "tessera,sched-weight", "tessera,sched-cap" };
    const struct hl_pool *pool = &c->plan->pools[d->pool];
    if (!pool->sched || strcmp(pool->sched, "null"))
        return;
    for (unsigned i = 0; i < 2; i++)
        if (hl_prop_present(c, d->node, props[i]))
            hl_report(c, HL_E_SCHED_PARTITIONED, d->node, props[i], pool->node,
                      "no weight or cap, or a pool with a time-sliced scheduler", NULL);
}

void hl_check_affinity(struct hl_ctx *c)
{
    struct hl_plan *plan = c->plan;
    for (uint32_t i = 0; i < plan->nr_affinities; i++) {
        const struct hl_affinity *a = &plan->affinities[i];
        for (uint32_t j = 0; j < i; j++) {
            const struct hl_affinity *o = &plan->affinities[j];
            if (o->domain == a->domain && o->vcpu == a->vcpu) {
                hl_report(c, HL_E_VCPU_DUPLICATE, a->node, "id", o->node, NULL, "%u", a->vcpu);
                break;
            }
        }
        check_affinity_cpus(c, a);
    }
    /* A pool its domains use must have CPUs (implicit pool 0 may be left empty). */
    for (uint32_t i = 0; i < plan->nr_domains; i++) {
        const struct hl_domain *d = &plan->domains[i];
        const struct hl_pool *pool = &plan->pools[d->pool];
        hl_cpumask_t cpus;
        if (pool_cpus(c, d->pool, &cpus) && hl_cpumask_empty(&cpus)) {
            hl_report(c, HL_E_POOL_EMPTY, d->node, "domain-cpupool", -1, "a pool with CPUs",
                      "pool \"%s\", every CPU given to other pools", pool->name);
        }
        check_sched_params(c, d);
    }
    for (uint16_t p = 0; p < plan->nr_pools; p++)
        if (check_pool_commit(c, p))
            check_pool_placement(c, p);
}
