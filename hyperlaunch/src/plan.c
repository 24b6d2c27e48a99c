/* SPDX-License-Identifier: MIT */
/* hl_build_plan(): the blob checks, the top level, then every whole-tree rule. */
#include <string.h>
#include <hyperlaunch/fdt_check.h>
#include "internal.h"

static const char *const hypervisor_props[] = { "tessera,console-input", NULL };
static const char *const config_props[] = { "bootargs", NULL };

uint16_t hl_domain_by_node(const struct hl_plan *plan, int node)
{
    for (uint32_t i = 0; i < plan->nr_domains; i++)
        if (plan->domains[i].node == node)
            return (uint16_t)i;
    return HL_NONE;
}

uint16_t hl_domain_by_phandle(const struct hl_plan *plan, uint32_t phandle)
{
    for (uint32_t i = 0; phandle && i < plan->nr_domains; i++)
        if (plan->domains[i].phandle == phandle)
            return (uint16_t)i;
    return HL_NONE;
}

static bool check_blob(struct hl_ctx *c)
{
    const struct hl_input *in = c->in;
    if (!in->fdt || in->fdt_size < sizeof(struct fdt_header)) {
        hl_report(c, HL_E_BAD_BLOB, -1, NULL, -1, NULL, "%zu bytes", in->fdt_size);
        return false;
    }
    int err = fdt_check_header(in->fdt);
    if (err == 0 && fdt_totalsize(in->fdt) > in->fdt_size) {
        hl_report(c, HL_E_BAD_BLOB, -1, NULL, -1, NULL, "header says %u bytes, only %zu present",
                  (unsigned)fdt_totalsize(in->fdt), in->fdt_size);
        return false;
    }
    /*
     * Version 16 and later only (dtc writes 17). Older versions name nodes by
     * full path, and libfdt 1.6's fdt_check_full() dereferences the NULL name
     * fdt_get_name() returns for such a root node (found by fuzzing).
     */
    if (err == 0 && fdt_version(in->fdt) < 16) {
        hl_report(c, HL_E_BAD_BLOB, -1, NULL, -1, NULL, "format version %u (16 or later expected)",
                  (unsigned)fdt_version(in->fdt));
        return false;
    }
    /*
     * Our own bounded walk before libfdt's full check, which loops forever on
     * some malformed blobs (docs/security.md); after it, libfdt's walks end.
     */
    char why[HL_DIAG_TEXT_MAX];
    if (err == 0 && hl_fdt_check(in->fdt, in->fdt_size, why, sizeof(why)) != 0) {
        hl_report(c, HL_E_BAD_BLOB, -1, NULL, -1, NULL, "%s", why);
        return false;
    }
    if (err == 0)
        err = fdt_check_full(in->fdt, in->fdt_size);
    if (err) {
        hl_report(c, HL_E_BAD_BLOB, -1, NULL, -1, NULL, "%s", fdt_strerror(err));
        return false;
    }
    return true;
}

/* The config node: the hypervisor's command line and hypervisor-wide modules. */
static void parse_config(struct hl_ctx *c, int node)
{
    hl_check_properties(c, node, config_props);
    const char *args;
    if (hl_get_string(c, node, "bootargs", &args))
        c->plan->hv_bootargs = args;
    int child;
    fdt_for_each_subnode (child, c->fdt, node) {
        if (hl_compatible_is(c, child, "multiboot,module"))
            hl_parse_module(c, child, HL_NONE, HL_MODULE_OTHER, node);
        else
            hl_unknown_node(c, child);
    }
}

/* Children of /chosen/hypervisor other than domains and pools. */
static void parse_hypervisor_children(struct hl_ctx *c)
{
    int child, config = -1;
    fdt_for_each_subnode (child, c->fdt, c->hv_node) {
        if (hl_compatible_is(c, child, "xen,domain") || hl_compatible_is(c, child, "xen,cpupool"))
            continue;
        if (hl_compatible_is(c, child, "xen,config")) {
            if (config >= 0)
                hl_report(c, HL_E_TOO_MANY, child, NULL, config, "1", "config nodes");
            else
                parse_config(c, child);
            config = child;
        } else
            hl_unknown_node(c, child);
    }
}

static void parse_top(struct hl_ctx *c)
{
    const void *fdt = c->fdt;
    c->chosen = fdt_path_offset(fdt, "/chosen");
    c->hv_node = c->chosen >= 0 ? fdt_subnode_offset(fdt, c->chosen, "hypervisor") : -1;

    if (c->hv_node >= 0) {
        if (!hl_compatible_is(c, c->hv_node, "hypervisor,xen")) {
            int len;
            const char *compat = fdt_getprop(fdt, c->hv_node, "compatible", &len);
            bool ok = compat && len > 0 && compat[len - 1] == '\0';
            hl_report(c, HL_E_BAD_COMPATIBLE, c->hv_node, "compatible", -1, "\"hypervisor,xen\"",
                      ok ? "\"%s\"" : "%s", ok ? compat : "none");
        }
        hl_check_properties(c, c->hv_node, hypervisor_props);
        const uint32_t *ph;
        int n;
        if (hl_get_phandles(c, c->hv_node, "tessera,console-input", &ph, &n)) {
            if (n != 1)
                hl_report(c, HL_E_BAD_TYPE, c->hv_node, "tessera,console-input", -1,
                          "one phandle of a domain node", "%d phandles", n);
            else
                c->console_phandle = (uint32_t)hl_read_cells(ph, 1);
        }
        parse_hypervisor_children(c);
    }

    /* Pools first: domains refer to them. Both places Xen allows. */
    if (c->chosen >= 0)
        hl_parse_pools(c, c->chosen);
    if (c->hv_node >= 0)
        hl_parse_pools(c, c->hv_node);
    hl_finish_pools(c);
    if (c->chosen >= 0)
        hl_parse_domains(c, c->chosen);
    if (c->hv_node >= 0)
        hl_parse_domains(c, c->hv_node);

    if (c->plan->nr_domains == 0) {
        if (c->hv_node < 0)
            hl_report(c, HL_E_NO_HYPERVISOR_NODE, c->chosen, NULL, -1,
                      "/chosen/hypervisor (compatible \"hypervisor,xen\") or "
                      "\"xen,domain\" nodes under /chosen",
                      c->chosen >= 0 ? "neither" : "no /chosen node");
        else
            hl_report(c, HL_E_NO_DOMAINS, c->hv_node, NULL, -1,
                      "at least one node compatible \"xen,domain\"", NULL);
    }
}

unsigned hl_build_plan(const struct hl_input *in, struct hl_plan *plan)
{
    struct hl_ctx c;
    memset(&c, 0, sizeof(c));
    memset(plan, 0, sizeof(*plan));
    c.in = in;
    c.fdt = in->fdt;
    c.plan = plan;
    c.hv_node = -1;
    c.chosen = -1;
    plan->console_input = HL_NONE;

    if (!check_blob(&c))
        return c.errors;
    parse_top(&c);

    /* Whole-tree rules: each reports every violation it finds. */
    hl_check_domains(&c);
    hl_check_modules(&c);
    hl_check_memory(&c);
    hl_check_affinity(&c);
    hl_check_evtchns(&c);
    hl_check_shm(&c);
    hl_check_deps(&c);
    hl_check_console(&c);

    plan->valid = c.errors == 0;
    return c.errors;
}

const char *hl_domain_type_name(enum hl_domain_type type)
{
    switch (type) {
    case HL_DOMAIN_PVH: return "PVH";
    case HL_DOMAIN_PV: return "PV";
    case HL_DOMAIN_HVM: return "HVM";
    }
    return "?";
}

const char *hl_action_name(enum hl_action action)
{
    switch (action) {
    case HL_ACTION_DESTROY: return "destroy";
    case HL_ACTION_RESTART: return "restart";
    case HL_ACTION_HALT_MACHINE: return "halt-machine";
    }
    return "?";
}

const char *hl_dep_kind_name(enum hl_dep_kind kind)
{
    (void)kind;
    return "started";
}
