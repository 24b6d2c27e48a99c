/* SPDX-License-Identifier: MIT */
/*
 * Whole-tree rules about what connects domains: event channel pairs, shared
 * memory regions, start dependencies (and the start order), the console.
 */
#include <string.h>
#include "internal.h"

static uint32_t evtchn_by_phandle(const struct hl_plan *plan, uint32_t phandle)
{
    if (!phandle)
        return HL_NONE;
    for (uint32_t i = 0; i < plan->nr_evtchns; i++)
        if (plan->evtchns[i].phandle == phandle)
            return i;
    return HL_NONE;
}

void hl_check_evtchns(struct hl_ctx *c)
{
    struct hl_plan *plan = c->plan;
    for (uint32_t i = 0; i < plan->nr_evtchns; i++) {
        struct hl_evtchn_end *e = &plan->evtchns[i];
        for (uint32_t j = 0; j < i; j++) {
            const struct hl_evtchn_end *o = &plan->evtchns[j];
            if (o->domain == e->domain && o->port == e->port) {
                hl_report(c, HL_E_EVTCHN_PORT_DUPLICATE, e->node, "xen,evtchn", o->node, NULL, "%u",
                          e->port);
                break;
            }
        }
        uint32_t peer = evtchn_by_phandle(plan, e->remote_phandle);
        if (peer == HL_NONE || peer == i) {
            char target[HL_DIAG_PATH_MAX];
            hl_phandle_text(c, e->remote_phandle, target, sizeof(target));
            hl_report(c, HL_E_EVTCHN_UNPAIRED, e->node, "xen,evtchn", -1,
                      "a phandle of another \"xen,evtchn-v1\" node",
                      peer == i ? "a reference to itself" : "%s", target);
            continue;
        }
        const struct hl_evtchn_end *p = &plan->evtchns[peer];
        if (p->remote_phandle != e->phandle) {
            char want[HL_DIAG_PATH_MAX + 32];
            char path[HL_DIAG_PATH_MAX];
            if (fdt_get_path(c->fdt, p->node, path, sizeof(path)) != 0)
                snprintf(path, sizeof(path), "?");
            snprintf(want, sizeof(want), "%s to refer back to this end", path);
            int back = fdt_node_offset_by_phandle(c->fdt, p->remote_phandle);
            char back_path[HL_DIAG_PATH_MAX] = "?";
            if (back >= 0 && fdt_get_path(c->fdt, back, back_path, sizeof(back_path)) != 0)
                snprintf(back_path, sizeof(back_path), "?");
            hl_report(c, HL_E_EVTCHN_UNPAIRED, e->node, "xen,evtchn", -1, want, "it refers to %s",
                      back >= 0 ? back_path : "nothing");
            continue;
        }
        e->peer = (uint16_t)peer;
    }
}

static bool ranges_overlap(uint64_t a, uint64_t asize, uint64_t b, uint64_t bsize)
{
    return a < b + bsize && b < a + asize;
}

static int first_map_node(const struct hl_plan *plan, uint32_t region)
{
    for (uint32_t i = 0; i < plan->nr_shm_maps; i++)
        if (plan->shm_maps[i].region == region)
            return plan->shm_maps[i].node;
    return -1;
}

void hl_check_shm(struct hl_ctx *c)
{
    struct hl_plan *plan = c->plan;
    /* Distinct regions must not share host memory. */
    for (uint32_t r = 0; r < plan->nr_shm_regions; r++) {
        const struct hl_shm_region *a = &plan->shm_regions[r];
        for (uint32_t s = 0; s < r; s++) {
            const struct hl_shm_region *b = &plan->shm_regions[s];
            if (ranges_overlap(a->host_base, a->size, b->host_base, b->size)) {
                hl_report(c, HL_E_SHM_OVERLAP, first_map_node(plan, r), "xen,shared-mem",
                          first_map_node(plan, s), NULL, "\"%s\"", a->id);
                break;
            }
        }
    }
    for (uint32_t i = 0; i < plan->nr_shm_maps; i++) {
        struct hl_shm_map *m = &plan->shm_maps[i];
        struct hl_shm_region *region = &plan->shm_regions[m->region];
        uint32_t before = 0; /* this domain's maps before this one */
        for (uint32_t j = 0; j < i; j++)
            before += plan->shm_maps[j].domain == m->domain;
        if (before == HL_MAX_SHM_PER_DOMAIN) {
            char limit[24];
            snprintf(limit, sizeof(limit), "%u", HL_MAX_SHM_PER_DOMAIN);
            hl_report(c, HL_E_TOO_MANY, m->node, NULL, -1, limit,
                      "shared memory regions in one domain");
        }
        for (uint32_t j = 0; j < i; j++) {
            const struct hl_shm_map *o = &plan->shm_maps[j];
            if (o->domain != m->domain)
                continue;
            if (o->region == m->region) {
                hl_report(c, HL_E_SHM_CONFLICT, m->node, "xen,shm-id", o->node,
                          "each domain maps a region once", "\"%s\" mapped again", region->id);
                break;
            }
            uint64_t osize = plan->shm_regions[o->region].size;
            if (ranges_overlap(m->guest_base, region->size, o->guest_base, osize)) {
                hl_report(c, HL_E_SHM_GUEST_OVERLAP, m->node, "xen,shared-mem", o->node, NULL,
                          "0x%llx", (unsigned long long)m->guest_base);
                break;
            }
        }
        if (!m->owner)
            continue;
        if (region->owner == HL_NONE) {
            region->owner = m->domain;
            continue;
        }
        for (uint32_t j = 0; j < i; j++) {
            const struct hl_shm_map *o = &plan->shm_maps[j];
            if (o->region == m->region && o->owner) {
                hl_report(c, HL_E_SHM_TWO_OWNERS, m->node, "role", o->node, NULL, "\"%s\"",
                          region->id);
                break;
            }
        }
    }
}

/* Resolves dependency phandles to domain indices. */
static void resolve_deps(struct hl_ctx *c)
{
    struct hl_plan *plan = c->plan;
    for (uint32_t i = 0; i < plan->nr_domains; i++) {
        struct hl_domain *d = &plan->domains[i];
        for (uint32_t k = d->dep_first; k < (uint32_t)d->dep_first + d->dep_count; k++) {
            struct hl_dep *dep = &plan->deps[k];
            const char *prop = "tessera,after-started";
            uint16_t target = hl_domain_by_phandle(plan, dep->phandle);
            char text[HL_DIAG_PATH_MAX];
            if (target == HL_NONE)
                hl_report(c, HL_E_BAD_REFERENCE, d->node, prop, -1,
                          "phandles of \"xen,domain\" nodes", "%s",
                          hl_phandle_text(c, dep->phandle, text, sizeof(text)));
            else if (target == i)
                hl_report(c, HL_E_DEP_SELF, d->node, prop, -1, NULL, NULL);
            else
                dep->domain = target;
        }
    }
}

static bool bit_test(const uint64_t *bits, uint32_t i)
{
    return (bits[i / 64] >> (i % 64)) & 1u;
}

static void bit_set(uint64_t *bits, uint32_t i)
{
    bits[i / 64] |= 1ull << (i % 64);
}

/* Index of domain i's first dependency on a domain not yet started, or -1. */
static int blocking_dep_index(const struct hl_plan *plan, uint32_t i, const uint64_t *placed)
{
    const struct hl_domain *d = &plan->domains[i];
    for (uint32_t k = d->dep_first; k < (uint32_t)d->dep_first + d->dep_count; k++) {
        uint16_t t = plan->deps[k].domain;
        if (t != HL_NONE && !bit_test(placed, t))
            return (int)k;
    }
    return -1;
}

static uint16_t blocking_dep(const struct hl_plan *plan, uint32_t i, const uint64_t *placed)
{
    int k = blocking_dep_index(plan, i, placed);
    return k < 0 ? HL_NONE : plan->deps[k].domain;
}

/* Reports the cycle reached from domain `from` (all of it unplaced). */
static void report_cycle(struct hl_ctx *c, uint32_t from, uint32_t placed_count,
                         const uint64_t *placed, uint64_t *reported)
{
    struct hl_plan *plan = c->plan;
    uint16_t *path = &plan->start_order[placed_count]; /* free scratch space */
    uint32_t room = plan->nr_domains - placed_count, len = 0;
    uint64_t on_path[HL_MAX_DOMAINS / 64] = { 0 };
    uint32_t x = from;
    while (!bit_test(on_path, x)) {
        if (bit_test(reported, x) || len == room)
            return; /* leads into a cycle already reported */
        bit_set(on_path, x);
        path[len++] = (uint16_t)x;
        x = blocking_dep(plan, x, placed);
        if (x == HL_NONE)
            return;
    }
    uint32_t start = 0;
    while (path[start] != x)
        start++;
    char text[HL_DIAG_TEXT_MAX];
    size_t pos = 0;
    for (uint32_t k = start; k <= len; k++) {
        uint32_t dom = k < len ? path[k] : x;
        pos += (size_t)snprintf(text + pos, sizeof(text) - pos, "%s%s", k > start ? " -> " : "",
                                plan->domains[dom].name);
        if (pos + 1 >= sizeof(text))
            break;
        if (k < len)
            bit_set(reported, dom);
    }
    const struct hl_domain *d = &plan->domains[x];
    hl_report(c, HL_E_DEP_CYCLE, d->node, "tessera,after-started", -1, NULL, "%s", text);
}

/*
 * Start order: repeatedly start every domain whose dependencies have all
 * started, in tree order. Domains never started sit on or behind a cycle;
 * each cycle is reported once, naming its members.
 */
void hl_check_deps(struct hl_ctx *c)
{
    struct hl_plan *plan = c->plan;
    resolve_deps(c);
    uint64_t placed[HL_MAX_DOMAINS / 64] = { 0 };
    uint64_t reported[HL_MAX_DOMAINS / 64] = { 0 };
    uint32_t n = plan->nr_domains, count = 0;
    bool progress = true;
    while (count < n && progress) {
        progress = false;
        for (uint32_t i = 0; i < n; i++) {
            if (bit_test(placed, i) || blocking_dep(plan, i, placed) != HL_NONE)
                continue;
            bit_set(placed, i);
            plan->start_order[count++] = (uint16_t)i;
            progress = true;
        }
    }
    for (uint32_t i = 0; i < n && count < n; i++)
        if (!bit_test(placed, i))
            report_cycle(c, i, count, placed, reported);
    /* An invalid plan is never started; keep the array a permutation anyway. */
    for (uint32_t i = 0; i < n && count < n; i++)
        if (!bit_test(placed, i))
            plan->start_order[count++] = (uint16_t)i;
}

/* Serial input at boot: the named domain, else the first with a serial console. */
void hl_check_console(struct hl_ctx *c)
{
    struct hl_plan *plan = c->plan;
    if (!c->console_phandle) {
        for (uint32_t k = 0; k < plan->nr_domains; k++) {
            uint16_t i = plan->start_order[k];
            if (plan->domains[i].console_serial) {
                plan->console_input = i;
                break;
            }
        }
        return;
    }
    uint16_t dom = hl_domain_by_phandle(plan, c->console_phandle);
    char text[HL_DIAG_PATH_MAX];
    if (dom == HL_NONE)
        hl_report(c, HL_E_CONSOLE_INPUT, c->hv_node, "tessera,console-input", -1,
                  "a phandle of a \"xen,domain\" node", "%s",
                  hl_phandle_text(c, c->console_phandle, text, sizeof(text)));
    else if (!plan->domains[dom].console_serial)
        hl_report(c, HL_E_CONSOLE_INPUT, c->hv_node, "tessera,console-input",
                  plan->domains[dom].node, "a domain whose tessera,console is \"serial\"",
                  "%s (console \"none\")", plan->domains[dom].name);
    else
        plan->console_input = dom;
}
