/* SPDX-License-Identifier: MIT */
/* The boot plan as readable tables (tessera check). */
#include <inttypes.h>
#include <string.h>
#include "tool.h"

static const char *size_text(uint64_t bytes, char *buf, size_t size)
{
    static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
    unsigned u = 0;
    uint64_t scaled = bytes;
    while (u < 4 && scaled >= 1024 && scaled % 1024 == 0) {
        scaled /= 1024;
        u++;
    }
    if (scaled >= 10240 && u < 4) /* not a round unit: one decimal of the next one */
        snprintf(buf, size, "%.1f %s", (double)bytes / (double)(1ull << (10 * (u + 1))),
                 units[u + 1]);
    else
        snprintf(buf, size, "%" PRIu64 " %s", scaled, units[u]);
    return buf;
}

static const char *module_text(const struct hl_plan *plan, uint16_t index, char *buf, size_t size)
{
    if (index == HL_NONE)
        return "-";
    const struct hl_module *m = &plan->modules[index];
    char sz[32];
    size_text(m->size, sz, sizeof(sz));
    if (m->uefi_binary)
        snprintf(buf, size, "%s (%s)", m->uefi_binary, sz);
    else if (m->source == HL_MODSRC_INDEX)
        snprintf(buf, size, "module %u (%s)", m->index, sz);
    else
        snprintf(buf, size, "0x%" PRIx64 " (%s)", m->base, sz);
    return buf;
}

static const char *caps_text(uint32_t caps, char *buf, size_t size)
{
    snprintf(buf, size, "%s%s%s%s", caps & HL_CAP_CONTROL ? "control " : "",
             caps & HL_CAP_HARDWARE ? "hardware " : "", caps & HL_CAP_XENSTORE ? "xenstore " : "",
             caps ? "" : "-");
    size_t n = strlen(buf);
    if (n && buf[n - 1] == ' ')
        buf[n - 1] = '\0';
    return buf;
}

static const char *cpus_text(const hl_cpumask_t *m, char *buf, size_t size)
{
    size_t pos = 0;
    buf[0] = '\0';
    for (unsigned cpu = 0; cpu < HL_MAX_PCPUS && pos < size; cpu++) {
        if (!hl_cpumask_test(m, cpu))
            continue;
        unsigned last = cpu;
        while (last + 1 < HL_MAX_PCPUS && hl_cpumask_test(m, last + 1))
            last++;
        int n = last > cpu ? snprintf(buf + pos, size - pos, "%s%u-%u", pos ? "," : "", cpu, last)
                           : snprintf(buf + pos, size - pos, "%s%u", pos ? "," : "", cpu);
        pos += n > 0 ? (size_t)n : 0;
        cpu = last;
    }
    return buf;
}

static void print_domains(FILE *out, const struct hl_plan *plan)
{
    fprintf(out, "%-16s %5s %-4s %10s %5s %-14s %6s %4s %-32s %-24s %s\n", "DOMAIN", "DOMID",
            "MODE", "MEMORY", "VCPUS", "POOL", "WEIGHT", "CAP", "KERNEL", "RAMDISK",
            "CAPABILITIES");
    for (uint32_t i = 0; i < plan->nr_domains; i++) {
        const struct hl_domain *d = &plan->domains[i];
        const struct hl_pool *pool = &plan->pools[d->pool];
        bool partitioned = pool->sched && strcmp(pool->sched, "null") == 0;
        char mem[32], kernel[320], ramdisk[320], caps[40], weight[8] = "-", cap[8] = "-";
        if (!partitioned)
            snprintf(weight, sizeof(weight), "%u", d->sched_weight);
        if (!partitioned && d->sched_cap)
            snprintf(cap, sizeof(cap), "%u%%", d->sched_cap);
        fprintf(out, "%-16s %5u %-4s %10s %5u %-14s %6s %4s %-32s %-24s %s\n", d->name, d->domid,
                hl_domain_type_name(d->type), size_text(d->memory_kib * 1024, mem, sizeof(mem)),
                d->vcpus, pool->name, weight, cap,
                module_text(plan, d->kernel, kernel, sizeof(kernel)),
                module_text(plan, d->ramdisk, ramdisk, sizeof(ramdisk)),
                caps_text(d->capabilities, caps, sizeof(caps)));
    }
}

static void print_policies(FILE *out, const struct hl_plan *plan)
{
    fprintf(out, "\n%-16s %-12s %-12s %-12s %-8s %-8s %s\n", "DOMAIN", "ON-POWEROFF", "ON-REBOOT",
            "ON-CRASH", "CONSOLE", "P2M", "STARTS AFTER");
    for (uint32_t i = 0; i < plan->nr_domains; i++) {
        const struct hl_domain *d = &plan->domains[i];
        char p2m[32], deps[512] = "-";
        size_t pos = 0;
        for (uint32_t k = 0; k < d->dep_count; k++) {
            const struct hl_dep *dep = &plan->deps[d->dep_first + k];
            int n = snprintf(deps + pos, sizeof(deps) - pos, "%s%s (%s)", k ? ", " : "",
                             plan->domains[dep->domain].name, hl_dep_kind_name(dep->kind));
            if (n < 0 || (size_t)n >= sizeof(deps) - pos)
                break;
            pos += (size_t)n;
        }
        fprintf(out, "%-16s %-12s %-12s %-12s %-8s %-8s %s\n", d->name,
                hl_action_name(d->on_poweroff), hl_action_name(d->on_reboot),
                hl_action_name(d->on_crash), d->console_serial ? "serial" : "none",
                size_text(d->p2m_pool_kib * 1024, p2m, sizeof(p2m)), deps);
        if (d->bootargs)
            fprintf(out, "%-16s   bootargs: \"%s\"\n", "", d->bootargs);
        if (d->unmapped_crash)
            fprintf(out, "%-16s   unmapped access: crash\n", "");
        if (d->ram_clear_before_start && d->type != HL_DOMAIN_PV)
            fprintf(out, "%-16s   RAM cleared: before start\n", "");
        if (d->cpuid.hide | d->cpuid.force) {
            unsigned count;
            const struct hl_cpuid_feature *f = hl_cpuid_features(&count);
            fprintf(out, "%-16s   cpuid:", "");
            for (unsigned b = 0; b < count; b++) {
                if (d->cpuid.hide & (1ull << b))
                    fprintf(out, " -%s", f[b].name);
                if (d->cpuid.force & (1ull << b))
                    fprintf(out, " +%s", f[b].name);
            }
            fputc('\n', out);
        }
    }
}

static void print_pools(FILE *out, const struct hl_plan *plan)
{
    bool pinned = plan->nr_affinities > 0;
    if (plan->nr_pools <= 1 && plan->pools[0].implicit && !pinned)
        return;
    fprintf(out, "\n%-4s %-16s %-10s %s\n", "POOL", "NAME", "SCHED", "CPUS");
    for (uint32_t i = 0; i < plan->nr_pools; i++) {
        const struct hl_pool *p = &plan->pools[i];
        char cpus[256];
        cpus_text(&p->cpus, cpus, sizeof(cpus));
        fprintf(out, "%-4u %-16s %-10s %s\n", i, p->name, p->sched ? p->sched : "default",
                p->implicit && !cpus[0] ? "every CPU no other pool names" : cpus);
    }
    for (uint32_t i = 0; i < plan->nr_affinities; i++) {
        const struct hl_affinity *a = &plan->affinities[i];
        char cpus[256];
        fprintf(out, "  %s vCPU %u pinned to CPUs %s\n", plan->domains[a->domain].name, a->vcpu,
                cpus_text(&a->hard, cpus, sizeof(cpus)));
    }
}

static void print_links(FILE *out, const struct hl_plan *plan)
{
    if (plan->nr_evtchns) {
        fprintf(out, "\nEVENT CHANNELS\n");
        for (uint32_t i = 0; i < plan->nr_evtchns; i++) {
            const struct hl_evtchn_end *e = &plan->evtchns[i];
            if (e->peer < i)
                continue; /* each pair once */
            const struct hl_evtchn_end *p = &plan->evtchns[e->peer];
            fprintf(out, "  %s port %u <-> %s port %u\n", plan->domains[e->domain].name, e->port,
                    plan->domains[p->domain].name, p->port);
        }
    }
    if (plan->nr_shm_regions) {
        fprintf(out, "\n%-16s %-18s %-10s %-16s %s\n", "SHARED MEMORY", "HOST ADDRESS", "SIZE",
                "OWNER", "MAPPED BY (guest address)");
        for (uint32_t r = 0; r < plan->nr_shm_regions; r++) {
            const struct hl_shm_region *s = &plan->shm_regions[r];
            char sz[32];
            fprintf(out, "%-16s 0x%016" PRIx64 " %-10s %-16s", s->id, s->host_base,
                    size_text(s->size, sz, sizeof(sz)),
                    s->owner == HL_NONE ? "(hypervisor)" : plan->domains[s->owner].name);
            for (uint32_t i = 0; i < plan->nr_shm_maps; i++) {
                const struct hl_shm_map *m = &plan->shm_maps[i];
                if (m->region == r)
                    fprintf(out, " %s (0x%" PRIx64 "%s)", plan->domains[m->domain].name,
                            m->guest_base, m->read_only ? ", read-only" : "");
            }
            fputc('\n', out);
        }
    }
}

void print_plan(FILE *out, const struct hl_plan *plan, const struct tree *t)
{
    uint64_t kib = 0;
    uint32_t vcpus = 0;
    for (uint32_t i = 0; i < plan->nr_domains; i++) {
        kib += plan->domains[i].memory_kib + plan->domains[i].p2m_pool_kib;
        vcpus += plan->domains[i].vcpus;
    }
    char total[32];
    fprintf(out, "%s: valid: %u domain%s, %u vCPU%s, %s of memory with P2M pools\n", t->path,
            plan->nr_domains, plan->nr_domains == 1 ? "" : "s", vcpus, vcpus == 1 ? "" : "s",
            size_text(kib * 1024, total, sizeof(total)));
    if (plan->hv_bootargs)
        fprintf(out, "hypervisor bootargs: \"%s\"\n", plan->hv_bootargs);
    for (uint32_t i = 0; i < plan->nr_modules; i++) {
        char text[320];
        if (plan->modules[i].domain == HL_NONE)
            fprintf(out, "hypervisor module: %s\n",
                    module_text(plan, (uint16_t)i, text, sizeof(text)));
    }
    fputc('\n', out);
    print_domains(out, plan);
    print_policies(out, plan);
    print_pools(out, plan);
    print_links(out, plan);
    fprintf(out, "\nstart order:");
    for (uint32_t k = 0; k < plan->nr_domains; k++)
        fprintf(out, "%s %s", k ? "," : "", plan->domains[plan->start_order[k]].name);
    fprintf(out, "\nserial input at boot: %s\n",
            plan->console_input == HL_NONE ? "none" : plan->domains[plan->console_input].name);
}
