/* SPDX-License-Identifier: MIT */
/* Domain nodes ("xen,domain"): their own properties, then their children. */
#include <string.h>
#include "internal.h"

static const char *const domain_props[] = { "domid",
                                            "mode",
                                            "memory",
                                            "mem-min",
                                            "mem-max",
                                            "cpus",
                                            "capabilities",
                                            "security-id",
                                            "domain-uuid",
                                            "xen,domain-p2m-mem-mb",
                                            "domain-cpupool",
                                            "tessera,name",
                                            "tessera,console",
                                            "tessera,on-poweroff",
                                            "tessera,on-reboot",
                                            "tessera,on-crash",
                                            "tessera,after-started",
                                            "tessera,after-ready",
                                            "tessera,cpuid-hide",
                                            "tessera,cpuid-force",
                                            "tessera,sched-weight",
                                            "tessera,sched-cap",
                                            "tessera,unmapped-access",
                                            "tessera,ram-clear",
                                            NULL };

#define MODE_PV   (1u << 0)
#define MODE_DM   (1u << 1)
#define MODE_LONG (1u << 2)

static void parse_mode(struct hl_ctx *c, struct hl_domain *d, int node)
{
    uint32_t mode;
    if (!hl_get_u32(c, node, "mode", &mode))
        return;
    if (mode & MODE_LONG)
        hl_report(c, HL_W_MODE_LONG, node, "mode", -1, NULL, "0x%x", mode);
    if (mode & ~(MODE_PV | MODE_DM | MODE_LONG))
        hl_report(c, HL_E_BAD_VALUE, node, "mode", -1, "bits 0 (PV) and 1 (device model) only",
                  "0x%x", mode);
    else if ((mode & MODE_PV) && (mode & MODE_DM))
        hl_report(c, HL_E_MODE_PV_DM, node, "mode", -1, "at most one of them", "0x%x", mode);
    else
        d->type = (mode & MODE_PV)   ? HL_DOMAIN_PV
                  : (mode & MODE_DM) ? HL_DOMAIN_HVM
                                     : HL_DOMAIN_PVH;
    /* The hypervisor builds PVH and PV domains: HVM is refused here, not at build time. */
    if (d->type == HL_DOMAIN_HVM)
        hl_report(c, HL_E_MODE_UNSUPPORTED, node, "mode", -1, "0 (PVH) or 1 (PV)", "0x%x (%s)",
                  mode, hl_domain_type_name(d->type));
}

static void parse_name(struct hl_ctx *c, struct hl_domain *d, int node)
{
    const char *name;
    if (!hl_get_string(c, node, "tessera,name", &name))
        return;
    size_t len = strlen(name);
    bool ok = len < HL_MAX_NAME;
    for (size_t i = 0; ok && i < len; i++) {
        char ch = name[i];
        ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
             ch == '-' || ch == '_' || ch == '.';
    }
    if (ok)
        d->name = name;
    else
        hl_report(c, HL_E_BAD_VALUE, node, "tessera,name", -1,
                  "1 to 31 characters of A-Z a-z 0-9 - _ .", "\"%s\"", name);
}

static void parse_action(struct hl_ctx *c, int node, const char *prop, uint8_t *out)
{
    static const char *const names[] = { "destroy", "restart", "halt-machine" };
    const char *value;
    if (!hl_get_string(c, node, prop, &value))
        return;
    for (uint8_t i = 0; i < 3; i++) {
        if (strcmp(value, names[i]) == 0) {
            *out = i;
            return;
        }
    }
    hl_report(c, HL_E_BAD_VALUE, node, prop, -1, "\"destroy\", \"restart\" or \"halt-machine\"",
              "\"%s\"", value);
}

/* What an access to guest-physical memory that is neither RAM nor a device does. */
static void parse_unmapped_access(struct hl_ctx *c, struct hl_domain *d, int node)
{
    const char *value;
    if (!hl_get_string(c, node, "tessera,unmapped-access", &value))
        return;
    if (strcmp(value, "crash") == 0)
        d->unmapped_crash = true;
    else if (strcmp(value, "ignore") == 0)
        d->unmapped_crash = false;
    else
        hl_report(c, HL_E_BAD_VALUE, node, "tessera,unmapped-access", -1, "\"ignore\" or \"crash\"",
                  "\"%s\"", value);
}

/*
 * When the domain's RAM is cleared (decision 33): lazily, on first touch or
 * by an idle CPU, or all of it before the domain starts. A PV domain's page
 * tables map host frames, so its RAM is always cleared before it starts.
 */
static void parse_ram_clear(struct hl_ctx *c, struct hl_domain *d, int node)
{
    const char *value;
    d->ram_clear_before_start = d->type == HL_DOMAIN_PV;
    if (!hl_get_string(c, node, "tessera,ram-clear", &value))
        return;
    if (strcmp(value, "before-start") == 0)
        d->ram_clear_before_start = true;
    else if (strcmp(value, "lazy") != 0)
        hl_report(c, HL_E_BAD_VALUE, node, "tessera,ram-clear", -1, "\"lazy\" or \"before-start\"",
                  "\"%s\"", value);
    else if (d->type == HL_DOMAIN_PV)
        hl_report(c, HL_E_BAD_VALUE, node, "tessera,ram-clear", -1,
                  "\"before-start\" (a PV domain's page tables map host frames)", "\"lazy\"");
}

static void parse_console(struct hl_ctx *c, struct hl_domain *d, int node)
{
    const char *value;
    if (!hl_get_string(c, node, "tessera,console", &value))
        return;
    if (strcmp(value, "serial") == 0)
        d->console_serial = 1;
    else if (strcmp(value, "none") == 0)
        d->console_serial = 0;
    else
        hl_report(c, HL_E_BAD_VALUE, node, "tessera,console", -1, "\"serial\" or \"none\"",
                  "\"%s\"", value);
}

static void parse_deps(struct hl_ctx *c, struct hl_domain *d, int node, const char *prop,
                       enum hl_dep_kind kind)
{
    const uint32_t *cells;
    int count;
    if (!hl_get_phandles(c, node, prop, &cells, &count))
        return;
    for (int i = 0; i < count; i++) {
        struct hl_plan *plan = c->plan;
        if (!hl_room(c, HL_ROOM_DEPS, plan->nr_deps, HL_MAX_DEPS, node, "start dependencies"))
            return;
        struct hl_dep *dep = &plan->deps[plan->nr_deps++];
        dep->phandle = (uint32_t)hl_read_cells(&cells[i], 1);
        dep->kind = (uint8_t)kind;
        dep->domain = HL_NONE;
        d->dep_count++;
    }
}

static void parse_cpuid(struct hl_ctx *c, int node, const char *prop, uint64_t *mask)
{
    const char *list;
    int len;
    if (!hl_get_stringlist(c, node, prop, &list, &len))
        return;
    for (const char *s = list; s < list + len; s += strlen(s) + 1) {
        int bit = hl_cpuid_lookup(s);
        if (bit < 0)
            hl_report(c, HL_E_CPUID_FEATURE, node, prop, -1,
                      "a name from the table in docs/launch-control.md", "\"%s\"", s);
        else
            *mask |= 1ull << bit;
    }
}

static void parse_pool_ref(struct hl_ctx *c, struct hl_domain *d, int node)
{
    const uint32_t *cells;
    int count;
    if (!hl_get_phandles(c, node, "domain-cpupool", &cells, &count))
        return;
    uint32_t phandle = (uint32_t)hl_read_cells(cells, 1);
    int pool = count == 1 ? hl_pool_by_phandle(c, phandle) : -1;
    char text[HL_DIAG_PATH_MAX];
    if (pool < 0 && count != 1)
        hl_report(c, HL_E_BAD_REFERENCE, node, "domain-cpupool", -1,
                  "one phandle of a \"xen,cpupool\" node", "%d phandles", count);
    else if (pool < 0)
        hl_report(c, HL_E_BAD_REFERENCE, node, "domain-cpupool", -1,
                  "one phandle of a \"xen,cpupool\" node", "%s",
                  hl_phandle_text(c, phandle, text, sizeof(text)));
    else
        d->pool = (uint16_t)pool;
}

/* Xen's sched-credit parameters: weight 1..65535; cap in % of one CPU, at most 100 per vCPU. */
static void parse_sched(struct hl_ctx *c, struct hl_domain *d, int node)
{
    uint32_t v32;
    if (hl_get_u32(c, node, "tessera,sched-weight", &v32)) {
        if (v32 == 0 || v32 > HL_SCHED_WEIGHT_MAX)
            hl_report(c, HL_E_BAD_VALUE, node, "tessera,sched-weight", -1, "1 to 65535", "%u", v32);
        else
            d->sched_weight = (uint16_t)v32;
    }
    if (hl_get_u32(c, node, "tessera,sched-cap", &v32)) {
        char want[64];
        if (v32 <= 100 * d->vcpus) {
            d->sched_cap = (uint16_t)v32;
            return;
        }
        snprintf(want, sizeof(want), "0 (no cap) to %u (100 per vCPU, %u vCPU%s)", 100 * d->vcpus,
                 d->vcpus, d->vcpus == 1 ? "" : "s");
        hl_report(c, HL_E_BAD_VALUE, node, "tessera,sched-cap", -1, want, "%u", v32);
    }
}

static void check_memory_limit(struct hl_ctx *c, int node, const char *prop, uint64_t *kib,
                               uint64_t fallback)
{
    if (*kib <= HL_MAX_MEMORY_KIB)
        return;
    hl_report(c, HL_E_BAD_VALUE, node, prop, -1, "at most 16 TiB (0x400000000 KiB)", "0x%llx KiB",
              (unsigned long long)*kib);
    *kib = fallback;
}

/* Xen's default P2M pool: 1 MiB per vCPU + 4 KiB per MiB of RAM + 512 KiB. */
static uint64_t default_p2m_kib(const struct hl_domain *d)
{
    return 1024ull * d->vcpus + 4 * (d->memory_kib / 1024) + 512;
}

static void parse_domain(struct hl_ctx *c, int node)
{
    struct hl_plan *plan = c->plan;
    if (!hl_room(c, HL_ROOM_DOMAINS, plan->nr_domains, HL_MAX_DOMAINS, node, "domains"))
        return;
    uint16_t index = (uint16_t)plan->nr_domains++;
    struct hl_domain *d = &plan->domains[index];
    d->node = node;
    d->phandle = fdt_get_phandle(c->fdt, node);
    d->name = fdt_get_name(c->fdt, node, NULL);
    d->vcpus = 1;
    d->sched_weight = HL_SCHED_WEIGHT_DEFAULT;
    d->kernel = HL_NONE;
    d->ramdisk = HL_NONE;
    d->console_serial = 1;
    d->on_poweroff = HL_ACTION_DESTROY;
    d->on_reboot = HL_ACTION_RESTART;
    d->on_crash = HL_ACTION_DESTROY;
    d->dep_first = (uint16_t)plan->nr_deps;

    hl_check_properties(c, node, domain_props);

    uint32_t v32;
    if (hl_get_u32(c, node, "domid", &v32)) {
        if (v32 >= HL_DOMID_FIRST_RESERVED) {
            hl_report(c, HL_E_DOMID_RESERVED, node, "domid", -1, "below 0x7ff0", "0x%x", v32);
            d->domid_auto = true;
        } else {
            d->domid = (uint16_t)v32;
        }
    } else {
        d->domid_auto = true;
    }
    parse_mode(c, d, node);
    parse_name(c, d, node);

    if (!hl_get_u64(c, node, "memory", &d->memory_kib) && !hl_prop_present(c, node, "memory"))
        hl_report(c, HL_E_MISSING_PROPERTY, node, "memory", -1, "the initial memory in KiB (u64)",
                  NULL);
    d->mem_min_kib = d->memory_kib;
    d->mem_max_kib = d->memory_kib;
    hl_get_u64(c, node, "mem-min", &d->mem_min_kib);
    hl_get_u64(c, node, "mem-max", &d->mem_max_kib);
    /* Bounded so that sums over every domain cannot overflow. */
    check_memory_limit(c, node, "memory", &d->memory_kib, 0);
    check_memory_limit(c, node, "mem-min", &d->mem_min_kib, d->memory_kib);
    check_memory_limit(c, node, "mem-max", &d->mem_max_kib, d->memory_kib);

    if (hl_get_u32(c, node, "cpus", &v32)) {
        if (v32 == 0 || v32 > HL_MAX_VCPUS)
            hl_report(c, HL_E_BAD_VALUE, node, "cpus", -1, "1 to 128", "%u", v32);
        else
            d->vcpus = v32;
    }
    parse_sched(c, d, node);
    if (hl_get_u32(c, node, "capabilities", &v32)) {
        if (v32 & ~HL_CAP_ALL)
            hl_report(c, HL_W_CAP_UNKNOWN, node, "capabilities", -1,
                      "bits 0-2 (control, hardware, xenstore)", "0x%x", v32);
        d->capabilities = v32 & HL_CAP_ALL;
    }
    if (hl_get_u32(c, node, "xen,domain-p2m-mem-mb", &v32)) {
        if (v32 == 0 || v32 > 65536)
            hl_report(c, HL_E_BAD_VALUE, node, "xen,domain-p2m-mem-mb", -1, "1 to 65536 (MiB)",
                      "%u", v32);
        else
            d->p2m_pool_kib = 1024ull * v32;
    }
    if (!d->p2m_pool_kib)
        d->p2m_pool_kib = default_p2m_kib(d);

    const char *ignored;
    if (hl_get_string(c, node, "security-id", &ignored))
        hl_report(c, HL_W_IGNORED, node, "security-id", -1, NULL, NULL);
    if (hl_prop_present(c, node, "domain-uuid"))
        hl_report(c, HL_W_IGNORED, node, "domain-uuid", -1, NULL, NULL);

    parse_pool_ref(c, d, node);
    parse_console(c, d, node);
    parse_unmapped_access(c, d, node);
    parse_ram_clear(c, d, node);
    parse_action(c, node, "tessera,on-poweroff", &d->on_poweroff);
    parse_action(c, node, "tessera,on-reboot", &d->on_reboot);
    parse_action(c, node, "tessera,on-crash", &d->on_crash);
    parse_deps(c, d, node, "tessera,after-started", HL_DEP_STARTED);
    /* Refused, not ignored: a guest has no way to signal readiness (decision 23). */
    if (hl_prop_present(c, node, "tessera,after-ready"))
        hl_report(c, HL_E_NOT_OFFERED, node, "tessera,after-ready", -1, "tessera,after-started",
                  "no guest can signal that it is ready");
    parse_cpuid(c, node, "tessera,cpuid-hide", &d->cpuid.hide);
    parse_cpuid(c, node, "tessera,cpuid-force", &d->cpuid.force);

    int child;
    fdt_for_each_subnode (child, c->fdt, node)
        hl_parse_domain_child(c, index, child);
}

void hl_parse_domains(struct hl_ctx *c, int container)
{
    int child;
    fdt_for_each_subnode (child, c->fdt, container)
        if (hl_compatible_is(c, child, "xen,domain"))
            parse_domain(c, child);
}
