/* SPDX-License-Identifier: MIT */
/* The boot plan and the diagnostics as JSON (tessera check --json; schema in docs/tool.md). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "tool.h"

#define JSON_SCHEMA_VERSION 1

int diag_list_add_record(struct diag_list *l, const struct diag_record *r)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        struct diag_record *v = realloc(l->v, cap * sizeof(*v));
        if (!v)
            return -1;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = *r;
    return 0;
}

int diag_list_add(struct diag_list *l, const struct hl_diag *d, const char *file, unsigned line)
{
    struct diag_record r = { .diag = *d, .line = line };

    /* d->property points into the tree, which outlives the list. */
    snprintf(r.code, sizeof(r.code), "%s", hl_diag_name(d->code));
    snprintf(r.file, sizeof(r.file), "%s", file ? file : "");
    hl_diag_format(d, r.text, sizeof(r.text));
    return diag_list_add_record(l, &r);
}

void diag_list_free(struct diag_list *l)
{
    free(l->v);
    memset(l, 0, sizeof(*l));
}

static void json_string(FILE *out, const char *s)
{
    if (!s) {
        fputs("null", out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

static const char *or_null(const char *s)
{
    return s && *s ? s : NULL;
}

static void json_cpus(FILE *out, const hl_cpumask_t *m)
{
    fputc('[', out);
    bool first = true;
    for (unsigned cpu = 0; cpu < HL_MAX_PCPUS; cpu++)
        if (hl_cpumask_test(m, cpu)) {
            fprintf(out, "%s%u", first ? "" : ", ", cpu);
            first = false;
        }
    fputc(']', out);
}

static void json_module(FILE *out, const struct hl_plan *plan, uint16_t index)
{
    if (index == HL_NONE) {
        fputs("null", out);
        return;
    }
    const struct hl_module *m = &plan->modules[index];
    fputs("{\"file\": ", out);
    json_string(out, m->uefi_binary);
    if (m->source == HL_MODSRC_INDEX)
        fprintf(out, ", \"module_index\": %u", m->index);
    else
        fputs(", \"module_index\": null", out);
    if (m->source == HL_MODSRC_FILE)
        fputs(", \"address\": null", out);
    else
        fprintf(out, ", \"address\": %" PRIu64, m->base);
    fprintf(out, ", \"size_bytes\": %" PRIu64 ", \"bootargs\": ", m->size);
    json_string(out, m->bootargs);
    fputc('}', out);
}

static void json_domain(FILE *out, const struct hl_plan *plan, const struct hl_domain *d)
{
    const struct hl_pool *pool = &plan->pools[d->pool];
    bool partitioned = pool->sched && strcmp(pool->sched, "null") == 0;
    fputs("    {\"name\": ", out);
    json_string(out, d->name);
    fprintf(out, ", \"domid\": %u, \"mode\": ", d->domid);
    json_string(out, hl_domain_type_name(d->type));
    fprintf(out, ", \"memory_bytes\": %" PRIu64 ", \"vcpus\": %u, \"pool\": %u,\n",
            d->memory_kib * 1024, d->vcpus, d->pool);
    if (partitioned)
        fputs("     \"sched_weight\": null, \"sched_cap_percent\": null", out);
    else
        fprintf(out, "     \"sched_weight\": %u, \"sched_cap_percent\": %u", d->sched_weight,
                d->sched_cap);
    fprintf(out, ", \"p2m_pool_bytes\": %" PRIu64 ",\n     \"kernel\": ", d->p2m_pool_kib * 1024);
    json_module(out, plan, d->kernel);
    fputs(",\n     \"ramdisk\": ", out);
    json_module(out, plan, d->ramdisk);
    fputs(",\n     \"capabilities\": [", out);
    static const struct {
        uint32_t bit;
        const char *name;
    } caps[] = {
        { HL_CAP_CONTROL, "control" },
        { HL_CAP_HARDWARE, "hardware" },
        { HL_CAP_XENSTORE, "xenstore" },
    };
    bool first = true;
    for (unsigned i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
        if (d->capabilities & caps[i].bit) {
            fprintf(out, "%s\"%s\"", first ? "" : ", ", caps[i].name);
            first = false;
        }
    fputs("], \"on_poweroff\": ", out);
    json_string(out, hl_action_name(d->on_poweroff));
    fputs(", \"on_reboot\": ", out);
    json_string(out, hl_action_name(d->on_reboot));
    fputs(", \"on_crash\": ", out);
    json_string(out, hl_action_name(d->on_crash));
    fprintf(out,
            ", \"console\": \"%s\", \"unmapped_access\": \"%s\", \"ram_clear\": \"%s\",\n"
            "     \"bootargs\": ",
            d->console_serial ? "serial" : "none", d->unmapped_crash ? "crash" : "ignore",
            d->ram_clear_before_start ? "before-start" : "lazy");
    json_string(out, d->bootargs);
    unsigned count;
    const struct hl_cpuid_feature *f = hl_cpuid_features(&count);
    for (int force = 0; force < 2; force++) {
        uint64_t bits = force ? d->cpuid.force : d->cpuid.hide;
        fprintf(out, ", \"cpuid_%s\": [", force ? "force" : "hide");
        first = true;
        for (unsigned b = 0; b < count; b++)
            if (bits & (1ull << b)) {
                fprintf(out, "%s\"%s\"", first ? "" : ", ", f[b].name);
                first = false;
            }
        fputc(']', out);
    }
    fputs(",\n     \"starts_after\": [", out);
    for (uint32_t k = 0; k < d->dep_count; k++) {
        const struct hl_dep *dep = &plan->deps[d->dep_first + k];
        fprintf(out, "%s{\"domain\": ", k ? ", " : "");
        json_string(out, plan->domains[dep->domain].name);
        fputs(", \"when\": ", out);
        json_string(out, hl_dep_kind_name(dep->kind));
        fputc('}', out);
    }
    fputs("]}", out);
}

static void json_pools(FILE *out, const struct hl_plan *plan)
{
    fputs("  \"pools\": [\n", out);
    for (uint32_t i = 0; i < plan->nr_pools; i++) {
        const struct hl_pool *p = &plan->pools[i];
        fprintf(out, "    {\"index\": %u, \"name\": ", i);
        json_string(out, p->name);
        fputs(", \"scheduler\": ", out);
        json_string(out, p->sched);
        fprintf(out, ", \"implicit\": %s, \"cpus\": ", p->implicit ? "true" : "false");
        json_cpus(out, &p->cpus);
        fprintf(out, "}%s\n", i + 1 < plan->nr_pools ? "," : "");
    }
    fputs("  ],\n  \"pinned_vcpus\": [", out);
    for (uint32_t i = 0; i < plan->nr_affinities; i++) {
        const struct hl_affinity *a = &plan->affinities[i];
        fprintf(out, "%s\n    {\"domain\": ", i ? "," : "");
        json_string(out, plan->domains[a->domain].name);
        fprintf(out, ", \"vcpu\": %u, \"cpus\": ", a->vcpu);
        json_cpus(out, &a->hard);
        fputc('}', out);
    }
    fputs("],\n", out);
}

static void json_links(FILE *out, const struct hl_plan *plan)
{
    fputs("  \"event_channels\": [", out);
    bool first = true;
    for (uint32_t i = 0; i < plan->nr_evtchns; i++) {
        const struct hl_evtchn_end *e = &plan->evtchns[i], *p = &plan->evtchns[e->peer];
        if (e->peer < i)
            continue; /* each pair once */
        fprintf(out, "%s\n    {\"domain\": ", first ? "" : ",");
        json_string(out, plan->domains[e->domain].name);
        fprintf(out, ", \"port\": %u, \"remote_domain\": ", e->port);
        json_string(out, plan->domains[p->domain].name);
        fprintf(out, ", \"remote_port\": %u}", p->port);
        first = false;
    }
    fputs("],\n  \"shared_memory\": [", out);
    for (uint32_t r = 0; r < plan->nr_shm_regions; r++) {
        const struct hl_shm_region *s = &plan->shm_regions[r];
        fprintf(out, "%s\n    {\"id\": ", r ? "," : "");
        json_string(out, s->id);
        fprintf(out, ", \"host_address\": %" PRIu64 ", \"size_bytes\": %" PRIu64 ", \"owner\": ",
                s->host_base, s->size);
        json_string(out, s->owner == HL_NONE ? NULL : plan->domains[s->owner].name);
        fputs(", \"maps\": [", out);
        first = true;
        for (uint32_t i = 0; i < plan->nr_shm_maps; i++) {
            const struct hl_shm_map *m = &plan->shm_maps[i];
            if (m->region != r)
                continue;
            fprintf(out, "%s{\"domain\": ", first ? "" : ", ");
            json_string(out, plan->domains[m->domain].name);
            fprintf(out, ", \"guest_address\": %" PRIu64 ", \"read_only\": %s}", m->guest_base,
                    m->read_only ? "true" : "false");
            first = false;
        }
        fputs("]}", out);
    }
    fputs("],\n", out);
}

static void json_diagnostics(FILE *out, const struct diag_list *l)
{
    fputs("  \"diagnostics\": [", out);
    for (size_t i = 0; i < l->n; i++) {
        const struct diag_record *r = &l->v[i];
        const struct hl_diag *d = &r->diag;
        fprintf(out, "%s\n    {\"severity\": \"%s\", \"code\": ", i ? "," : "",
                d->severity == HL_ERROR ? "error" : "warning");
        json_string(out, r->code);
        fputs(", \"file\": ", out);
        json_string(out, or_null(r->file));
        if (r->line)
            fprintf(out, ", \"line\": %u", r->line);
        else
            fputs(", \"line\": null", out);
        fputs(", \"node\": ", out);
        json_string(out, d->path);
        fputs(", \"domain\": ", out);
        json_string(out, or_null(d->domain));
        fputs(", \"property\": ", out);
        json_string(out, d->property);
        fputs(", \"hint\": ", out);
        json_string(out, or_null(d->hint));
        fputs(",\n     \"text\": ", out);
        json_string(out, r->text);
        fputc('}', out);
    }
    fputs("]", out);
}

void print_json(FILE *out, const struct hl_plan *plan, const struct tree *t,
                const struct check_opts *o, bool valid)
{
    fprintf(out, "{\n  \"schema\": %d,\n  \"tree\": ", JSON_SCHEMA_VERSION);
    json_string(out, t->path);
    fprintf(out, ",\n  \"valid\": %s,\n  \"machine\": {\"cpus\": ", valid ? "true" : "false");
    if (o->machine.cpus)
        fprintf(out, "%u", o->machine.cpus);
    else
        fputs("null", out);
    fputs(", \"ram_bytes\": ", out);
    if (o->machine.ram_bytes)
        fprintf(out, "%" PRIu64 "}", o->machine.ram_bytes);
    else
        fputs("null}", out);
    fputs(",\n", out);
    if (valid) {
        fputs("  \"hypervisor_bootargs\": ", out);
        json_string(out, plan->hv_bootargs);
        fputs(",\n  \"hypervisor_modules\": [", out);
        bool first = true;
        for (uint32_t i = 0; i < plan->nr_modules; i++)
            if (plan->modules[i].domain == HL_NONE) {
                fputs(first ? "" : ", ", out);
                json_module(out, plan, (uint16_t)i);
                first = false;
            }
        fputs("],\n  \"domains\": [\n", out);
        for (uint32_t i = 0; i < plan->nr_domains; i++) {
            json_domain(out, plan, &plan->domains[i]);
            fputs(i + 1 < plan->nr_domains ? ",\n" : "\n", out);
        }
        fputs("  ],\n", out);
        json_pools(out, plan);
        json_links(out, plan);
        fputs("  \"start_order\": [", out);
        for (uint32_t k = 0; k < plan->nr_domains; k++) {
            fputs(k ? ", " : "", out);
            json_string(out, plan->domains[plan->start_order[k]].name);
        }
        fputs("],\n  \"console_input\": ", out);
        json_string(out, plan->console_input == HL_NONE ? NULL
                                                        : plan->domains[plan->console_input].name);
        fputs(",\n", out);
    }
    json_diagnostics(out, o->diags);
    fputs("\n}\n", out);
}
