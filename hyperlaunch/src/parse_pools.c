/* SPDX-License-Identifier: MIT */
/*
 * Boot-time CPU pools (Xen's "xen,cpupool" nodes). Every CPU belongs to at
 * most one pool. The pool holding CPU 0 is pool 0; when no declared pool holds
 * CPU 0, an implicit pool 0 takes every CPU no pool names.
 */
#include <string.h>
#include "internal.h"

static const char *const pool_props[] = { "cpupool-cpus", "cpupool-sched", NULL };
/* Xen's names for what Tessera implements (hv/common/cpupool.c); Xen's "rtds"
 * and "arinc653" have no implementation here and are refused. */
static const char *const schedulers[] = { "credit", "credit2", "null", NULL };
#define SCHED_EXPECTED "one of \"credit\", \"credit2\", \"null\""

/* A /cpus child by phandle, without walking the whole tree; -1 if none. */
static int cpu_node(struct hl_ctx *c, uint32_t phandle)
{
    int cpus = fdt_path_offset(c->fdt, "/cpus"), node;
    if (cpus < 0 || !phandle)
        return -1;
    fdt_for_each_subnode (node, c->fdt, cpus)
        if (fdt_get_phandle(c->fdt, node) == phandle)
            return node;
    return -1;
}

/* The CPU number of a /cpus/cpu@N node: its reg (one cell). */
static bool cpu_number(struct hl_ctx *c, int pool, uint32_t phandle, uint32_t *cpu)
{
    int node = cpu_node(c, phandle);
    int len;
    const char *type = node >= 0 ? fdt_getprop(c->fdt, node, "device_type", &len) : NULL;
    if (node < 0 || !type || len != 4 || memcmp(type, "cpu", 4) != 0) {
        char text[HL_DIAG_PATH_MAX];
        hl_report(c, HL_E_BAD_REFERENCE, pool, "cpupool-cpus", -1,
                  "phandles of /cpus nodes with device_type \"cpu\"", "%s",
                  hl_phandle_text(c, phandle, text, sizeof(text)));
        return false;
    }
    const fdt32_t *reg = fdt_getprop(c->fdt, node, "reg", &len);
    if (!reg || len != 4) {
        hl_report(c, HL_E_BAD_TYPE, node, "reg", -1, "the CPU number (one u32 cell)",
                  reg ? "%d bytes" : "none", len);
        return false;
    }
    *cpu = fdt32_ld(reg);
    return true;
}

static void parse_pool(struct hl_ctx *c, int node)
{
    struct hl_plan *plan = c->plan;
    if (!hl_room(c, HL_ROOM_POOLS, plan->nr_pools, HL_MAX_POOLS, node, "CPU pools"))
        return;
    uint32_t index = plan->nr_pools++;
    struct hl_pool *pool = &plan->pools[index];
    pool->name = fdt_get_name(c->fdt, node, NULL);
    pool->node = node;
    c->pool_phandle[index] = fdt_get_phandle(c->fdt, node);
    hl_check_properties(c, node, pool_props);

    const char *sched;
    if (hl_get_string(c, node, "cpupool-sched", &sched)) {
        bool known = false;
        for (unsigned i = 0; schedulers[i]; i++)
            known |= strcmp(sched, schedulers[i]) == 0;
        if (known)
            pool->sched = sched;
        else
            hl_report(c, HL_E_POOL_UNKNOWN_SCHED, node, "cpupool-sched", -1, SCHED_EXPECTED,
                      "\"%s\"", sched);
    }

    const uint32_t *cells;
    int count;
    if (!hl_get_phandles(c, node, "cpupool-cpus", &cells, &count)) {
        if (!hl_prop_present(c, node, "cpupool-cpus"))
            hl_report(c, HL_E_MISSING_PROPERTY, node, "cpupool-cpus", -1,
                      "phandles of the pool's CPU nodes, e.g. <&cpu1 &cpu2>", NULL);
        return;
    }
    for (int i = 0; i < count; i++) {
        uint32_t cpu;
        if (!cpu_number(c, node, (uint32_t)hl_read_cells(&cells[i], 1), &cpu))
            continue;
        char limit[48];
        uint32_t present = c->in->machine.cpus ? c->in->machine.cpus : HL_MAX_PCPUS;
        if (cpu >= present) {
            snprintf(limit, sizeof(limit), "below %u", present);
            hl_report(c, HL_E_CPU_NOT_PRESENT, node, "cpupool-cpus", -1, limit, "%u", cpu);
            continue;
        }
        if (c->cpu_pool[cpu] && c->cpu_pool[cpu] != index + 1) {
            hl_report(c, HL_E_CPU_TWO_POOLS, node, "cpupool-cpus",
                      plan->pools[c->cpu_pool[cpu] - 1].node, NULL, "%u", cpu);
            continue;
        }
        c->cpu_pool[cpu] = (uint8_t)(index + 1);
        hl_cpumask_set(&pool->cpus, cpu);
    }
}

void hl_parse_pools(struct hl_ctx *c, int container)
{
    if (c->plan->nr_pools == 0)
        c->plan->nr_pools = 1; /* slot 0 is the default pool, settled later */
    int child;
    fdt_for_each_subnode (child, c->fdt, container)
        if (hl_compatible_is(c, child, "xen,cpupool"))
            parse_pool(c, child);
}

void hl_finish_pools(struct hl_ctx *c)
{
    struct hl_plan *plan = c->plan;
    if (plan->nr_pools == 0)
        plan->nr_pools = 1;
    uint32_t zero = c->cpu_pool[0] ? c->cpu_pool[0] - 1u : 0;
    if (zero) {
        /* A declared pool holds CPU 0: it becomes pool 0. */
        plan->pools[0] = plan->pools[zero];
        c->pool_phandle[0] = c->pool_phandle[zero];
        for (uint32_t i = zero; i + 1 < plan->nr_pools; i++) {
            plan->pools[i] = plan->pools[i + 1];
            c->pool_phandle[i] = c->pool_phandle[i + 1];
        }
        plan->nr_pools--;
        return;
    }
    struct hl_pool *pool = &plan->pools[0];
    memset(pool, 0, sizeof(*pool));
    pool->name = "default";
    pool->implicit = true;
    pool->node = -1;
    c->pool_phandle[0] = 0;
    for (uint32_t cpu = 0; cpu < c->in->machine.cpus && cpu < HL_MAX_PCPUS; cpu++)
        if (!c->cpu_pool[cpu])
            hl_cpumask_set(&pool->cpus, cpu);
}

int hl_pool_by_phandle(struct hl_ctx *c, uint32_t phandle)
{
    for (uint32_t i = 0; i < c->plan->nr_pools; i++)
        if (phandle && c->pool_phandle[i] == phandle)
            return (int)i;
    return -1;
}

/* "0-3,5": CPU numbers and ranges, comma-separated, below HL_MAX_PCPUS. */
bool hl_parse_cpulist(const char *s, hl_cpumask_t *mask)
{
    memset(mask, 0, sizeof(*mask));
    if (!*s)
        return false;
    while (*s) {
        unsigned first = 0, last;
        if (*s < '0' || *s > '9')
            return false;
        while (*s >= '0' && *s <= '9') {
            first = first * 10 + (unsigned)(*s++ - '0');
            if (first >= HL_MAX_PCPUS)
                return false;
        }
        last = first;
        if (*s == '-') {
            s++;
            if (*s < '0' || *s > '9')
                return false;
            last = 0;
            while (*s >= '0' && *s <= '9') {
                last = last * 10 + (unsigned)(*s++ - '0');
                if (last >= HL_MAX_PCPUS)
                    return false;
            }
            if (last < first)
                return false;
        }
        for (unsigned cpu = first; cpu <= last; cpu++)
            hl_cpumask_set(mask, cpu);
        if (*s == ',')
            s++;
        else if (*s)
            return false;
        else
            break;
    }
    return s[-1] != ',';
}
