/* SPDX-License-Identifier: MIT */
/*
 * Children of a domain node: kernel and ramdisk modules, xen,vcpu affinity,
 * static event channels and static shared memory.
 */
#include <string.h>
#include "internal.h"

static const char *const kernel_props[] = { "reg", "module-index", "xen,uefi-binary", "bootargs",
                                            NULL };
static const char *const module_props[] = { "reg", "module-index", "xen,uefi-binary", NULL };
static const char *const vcpu_props[] = { "id", "hard-affinity", NULL };
static const char *const evtchn_props[] = { "xen,evtchn", NULL };
static const char *const shm_props[] = { "xen,shm-id", "xen,shared-mem", "role", "tessera,access",
                                         NULL };

/* #address-cells / #size-cells of a node, limited to 1 or 2 cells. */
static bool cells_of(struct hl_ctx *c, int node, int *ac, int *sc)
{
    *ac = fdt_address_cells(c->fdt, node);
    *sc = fdt_size_cells(c->fdt, node);
    if (*ac < 1 || *ac > 2 || *sc < 1 || *sc > 2) {
        hl_report(c, HL_E_BAD_VALUE, node, "#address-cells", -1,
                  "#address-cells and #size-cells of 1 or 2", "%d and %d", *ac, *sc);
        return false;
    }
    return true;
}

/* A volume-relative file name the UEFI loader can open. */
static bool valid_file_name(const char *name)
{
    if (name[0] == '/' || strlen(name) > 255)
        return false;
    for (const char *p = name; *p; p++) {
        if (*p == '\\' || *p == ' ')
            return false;
        bool start = p == name || p[-1] == '/';
        if (start && p[0] == '.' && p[1] == '.' && (p[2] == '/' || p[2] == '\0'))
            return false;
        if (*p == '/' && p[1] == '\0')
            return false;
    }
    return true;
}

static void locate_module(struct hl_ctx *c, struct hl_module *m, int node, int cells_node)
{
    bool has_reg = hl_prop_present(c, node, "reg");
    bool has_index = hl_prop_present(c, node, "module-index");
    const char *file = NULL;
    if (hl_get_string(c, node, "xen,uefi-binary", &file)) {
        if (valid_file_name(file))
            m->uefi_binary = file;
        else
            hl_report(c, HL_E_MODULE_FILE, node, "xen,uefi-binary", -1,
                      "a path relative to the boot volume's root, '/' separated, "
                      "no \"..\", spaces or backslashes",
                      "\"%s\"", file);
    }
    if (has_index && (has_reg || file)) {
        hl_report(c, HL_E_MODULE_LOCATION, node, "module-index", -1,
                  "module-index alone, or reg and/or xen,uefi-binary", "module-index with %s",
                  has_reg ? "reg" : "xen,uefi-binary");
        return;
    }
    if (has_reg) {
        int ac, sc, len;
        if (!cells_of(c, cells_node, &ac, &sc))
            return;
        const uint32_t *reg = fdt_getprop(c->fdt, node, "reg", &len);
        if (len != 4 * (ac + sc)) {
            char want[64];
            snprintf(want, sizeof(want), "<address size> in %d + %d cells (%d bytes)", ac, sc,
                     4 * (ac + sc));
            hl_report(c, HL_E_BAD_TYPE, node, "reg", -1, want, "%d bytes", len);
            return;
        }
        m->source = HL_MODSRC_REG;
        m->base = hl_read_cells(reg, ac);
        m->size = hl_read_cells(reg + ac, sc);
        if (m->size == 0)
            hl_report(c, HL_E_MODULE_MISSING, node, "reg", -1, "a non-zero size", "size 0");
        else if (m->base + m->size < m->base) {
            hl_report(c, HL_E_BAD_VALUE, node, "reg", -1, "a range that does not wrap around",
                      "0x%llx + 0x%llx", (unsigned long long)m->base, (unsigned long long)m->size);
            m->size = 0; /* reported; kept out of the overlap check */
        }
        if (c->in->modules_by_file && !file)
            hl_report(c, HL_E_MODULE_NOT_LOADED, node, "reg", -1,
                      c->in->boot_modules
                          ? "module-index (the boot loader loads numbered modules)"
                          : "xen,uefi-binary (the UEFI loader loads modules by file name and "
                            "writes their reg)",
                      "0x%llx+0x%llx", (unsigned long long)m->base, (unsigned long long)m->size);
    } else if (has_index) {
        uint32_t index;
        if (!hl_get_u32(c, node, "module-index", &index))
            return;
        m->source = HL_MODSRC_INDEX;
        m->index = index;
        if (!c->in->boot_modules) {
            hl_report(c, HL_E_MODULE_INDEX_UNSUPPORTED, node, "module-index", -1, "xen,uefi-binary",
                      "%u", index);
        } else if (index >= c->in->nr_boot_modules) {
            char want[48];
            snprintf(want, sizeof(want), "an index below %u", c->in->nr_boot_modules);
            hl_report(c, HL_E_MODULE_MISSING, node, "module-index", -1, want, "%u", index);
        } else {
            m->base = c->in->boot_modules[index].base;
            m->size = c->in->boot_modules[index].size;
        }
    } else if (m->uefi_binary) {
        m->source = HL_MODSRC_FILE;
        if (!c->in->locate_file)
            hl_report(c, HL_E_MODULE_MISSING, node, "reg", -1, "reg filled in by the UEFI loader",
                      "no reg");
        else if (c->in->locate_file(c->in->ctx, m->uefi_binary, &m->size) != 0)
            hl_report(c, HL_E_MODULE_MISSING, node, "xen,uefi-binary", -1, "a readable file",
                      "\"%s\"", m->uefi_binary);
    } else if (!file) {
        hl_report(c, HL_E_MODULE_LOCATION, node, NULL, -1,
                  "one of reg, module-index or xen,uefi-binary", "none");
    }
}

void hl_parse_module(struct hl_ctx *c, int node, uint16_t dom, enum hl_module_kind kind,
                     int cells_node)
{
    struct hl_plan *plan = c->plan;
    if (!hl_room(c, HL_ROOM_MODULES, plan->nr_modules, HL_MAX_MODULES, node, "modules"))
        return;
    uint16_t index = (uint16_t)plan->nr_modules++;
    struct hl_module *m = &plan->modules[index];
    m->kind = (uint8_t)kind;
    m->domain = dom;
    m->node = node;
    hl_check_properties(c, node, kind == HL_MODULE_KERNEL ? kernel_props : module_props);
    locate_module(c, m, node, cells_node);
    if (kind == HL_MODULE_KERNEL && hl_get_string(c, node, "bootargs", &m->bootargs) &&
        strlen(m->bootargs) > HL_MAX_CMDLINE) {
        char limit[48];
        snprintf(limit, sizeof(limit), "at most %u characters", HL_MAX_CMDLINE);
        hl_report(c, HL_E_BAD_VALUE, node, "bootargs", -1, limit, "%zu characters",
                  strlen(m->bootargs));
    }
    if (dom == HL_NONE)
        return;

    struct hl_domain *d = &plan->domains[dom];
    uint16_t *slot = kind == HL_MODULE_KERNEL ? &d->kernel : &d->ramdisk;
    if (*slot != HL_NONE) {
        hl_report(c, kind == HL_MODULE_KERNEL ? HL_E_TWO_KERNELS : HL_E_TWO_RAMDISKS, node,
                  "compatible", plan->modules[*slot].node, NULL, NULL);
        return;
    }
    *slot = index;
    if (kind == HL_MODULE_KERNEL)
        d->bootargs = m->bootargs;
}

static void parse_vcpu(struct hl_ctx *c, uint16_t dom, int node)
{
    struct hl_plan *plan = c->plan;
    hl_check_properties(c, node, vcpu_props);
    uint32_t id;
    if (!hl_get_u32(c, node, "id", &id)) {
        if (!hl_prop_present(c, node, "id"))
            hl_report(c, HL_E_MISSING_PROPERTY, node, "id", -1, "the vCPU number (u32)", NULL);
        return;
    }
    const char *list;
    if (!hl_get_string(c, node, "hard-affinity", &list)) {
        if (!hl_prop_present(c, node, "hard-affinity"))
            hl_report(c, HL_E_MISSING_PROPERTY, node, "hard-affinity", -1,
                      "a CPU list such as \"0-3,5\"", NULL);
        return;
    }
    const struct hl_domain *d = &plan->domains[dom];
    if (id >= d->vcpus) {
        char want[40];
        snprintf(want, sizeof(want), "below %u (the domain's cpus)", d->vcpus);
        hl_report(c, HL_E_VCPU_RANGE, node, "id", -1, want, "%u", id);
        return;
    }
    hl_cpumask_t mask;
    if (!hl_parse_cpulist(list, &mask)) {
        hl_report(c, HL_E_CPULIST, node, "hard-affinity", -1,
                  "a CPU list such as \"0-3,5\" (CPUs 0-255)", "\"%s\"", list);
        return;
    }
    if (!hl_room(c, HL_ROOM_AFFINITY, plan->nr_affinities, HL_MAX_AFFINITIES, node,
                 "xen,vcpu nodes"))
        return;
    struct hl_affinity *a = &plan->affinities[plan->nr_affinities++];
    a->domain = dom;
    a->vcpu = (uint16_t)id; /* below HL_MAX_VCPUS */
    a->hard = mask;
    a->node = node;
}

static void parse_evtchn(struct hl_ctx *c, uint16_t dom, int node)
{
    struct hl_plan *plan = c->plan;
    hl_check_properties(c, node, evtchn_props);
    int len;
    const uint32_t *cells = fdt_getprop(c->fdt, node, "xen,evtchn", &len);
    if (!cells) {
        hl_report(c, HL_E_MISSING_PROPERTY, node, "xen,evtchn", -1, "<local-port &remote-end>",
                  NULL);
        return;
    }
    if (len != 8) {
        hl_report(c, HL_E_BAD_TYPE, node, "xen,evtchn", -1, "<local-port &remote-end> (8 bytes)",
                  "%d bytes", len);
        return;
    }
    uint32_t port = (uint32_t)hl_read_cells(cells, 1);
    if (port == 0 || port > HL_MAX_EVTCHN_PORT) {
        hl_report(c, HL_E_BAD_VALUE, node, "xen,evtchn", -1, "a local port from 1 to 4095", "%u",
                  port);
        return;
    }
    /* No phandle: no end refers to this one; the pairing check says so. */
    uint32_t phandle = fdt_get_phandle(c->fdt, node);
    if (!hl_room(c, HL_ROOM_EVTCHN, plan->nr_evtchns, HL_MAX_EVTCHN_ENDS, node,
                 "event channel ends"))
        return;
    struct hl_evtchn_end *e = &plan->evtchns[plan->nr_evtchns++];
    e->domain = dom;
    e->port = port;
    e->phandle = phandle;
    e->remote_phandle = (uint32_t)hl_read_cells(cells + 1, 1);
    e->peer = HL_NONE;
    e->node = node;
}

static void parse_shm(struct hl_ctx *c, uint16_t dom, int node)
{
    struct hl_plan *plan = c->plan;
    hl_check_properties(c, node, shm_props);
    const char *id = NULL, *role = NULL;
    bool ok = true;
    if (!hl_get_string(c, node, "xen,shm-id", &id)) {
        if (!hl_prop_present(c, node, "xen,shm-id"))
            hl_report(c, HL_E_MISSING_PROPERTY, node, "xen,shm-id", -1,
                      "the region's name (at most 15 characters)", NULL);
        ok = false;
    } else if (strlen(id) >= HL_SHM_ID_MAX) {
        hl_report(c, HL_E_BAD_VALUE, node, "xen,shm-id", -1, "at most 15 characters",
                  "\"%s\" (%zu)", id, strlen(id));
        ok = false;
    }
    bool owner = false;
    if (hl_get_string(c, node, "role", &role)) {
        if (strcmp(role, "owner") == 0)
            owner = true;
        else if (strcmp(role, "borrower") != 0) {
            hl_report(c, HL_E_BAD_VALUE, node, "role", -1, "\"owner\" or \"borrower\"", "\"%s\"",
                      role);
            ok = false;
        }
    } else if (hl_prop_present(c, node, "role")) {
        ok = false;
    }
    /* tessera,access: a borrower may map the region read-only; its owner writes it. */
    bool read_only = false;
    const char *access;
    if (hl_get_string(c, node, "tessera,access", &access)) {
        if (strcmp(access, "ro") == 0) {
            read_only = true;
        } else if (strcmp(access, "rw") != 0) {
            hl_report(c, HL_E_BAD_VALUE, node, "tessera,access", -1, "\"rw\" or \"ro\"", "\"%s\"",
                      access);
            ok = false;
        }
        if (read_only && owner) {
            hl_report(c, HL_E_SHM_OWNER_READ_ONLY, node, "tessera,access", -1, "\"rw\"", "\"ro\"");
            ok = false;
        }
    } else if (hl_prop_present(c, node, "tessera,access")) {
        ok = false;
    }

    int ac, sc, len;
    int domain_node = plan->domains[dom].node;
    if (!cells_of(c, domain_node, &ac, &sc))
        return;
    const uint32_t *cells = fdt_getprop(c->fdt, node, "xen,shared-mem", &len);
    if (!cells) {
        hl_report(c, HL_E_MISSING_PROPERTY, node, "xen,shared-mem", -1,
                  "<host-address guest-address size>", NULL);
        return;
    }
    if (len != 4 * (2 * ac + sc)) {
        char want[80];
        snprintf(want, sizeof(want),
                 "<host-address guest-address size> in %d + %d + %d cells (%d bytes)", ac, ac, sc,
                 4 * (2 * ac + sc));
        hl_report(c, HL_E_BAD_TYPE, node, "xen,shared-mem", -1, want, "%d bytes", len);
        return;
    }
    uint64_t host = hl_read_cells(cells, ac);
    uint64_t guest = hl_read_cells(cells + ac, ac);
    uint64_t size = hl_read_cells(cells + 2 * ac, sc);
    if (size == 0 || ((host | guest | size) & 0xFFF) || host + size < host ||
        guest + size < guest) {
        hl_report(c, HL_E_SHM_ALIGN, node, "xen,shared-mem", -1,
                  "addresses and a non-zero size in 4 KiB pages, no wrap-around",
                  "host 0x%llx guest 0x%llx size 0x%llx", (unsigned long long)host,
                  (unsigned long long)guest, (unsigned long long)size);
        return;
    }
    if (!ok)
        return;

    /* One region per xen,shm-id; its first user fixes address and size. */
    uint32_t r;
    for (r = 0; r < plan->nr_shm_regions; r++)
        if (strcmp(plan->shm_regions[r].id, id) == 0)
            break;
    if (r == plan->nr_shm_regions) {
        if (!hl_room(c, HL_ROOM_SHM, plan->nr_shm_regions, HL_MAX_SHM_REGIONS, node,
                     "shared memory regions"))
            return;
        plan->nr_shm_regions++;
        plan->shm_regions[r].id = id;
        plan->shm_regions[r].host_base = host;
        plan->shm_regions[r].size = size;
        plan->shm_regions[r].owner = HL_NONE;
    }
    if (!hl_room(c, HL_ROOM_SHM, plan->nr_shm_maps, HL_MAX_SHM_MAPS, node,
                 "shared memory mappings"))
        return;
    struct hl_shm_map *m = &plan->shm_maps[plan->nr_shm_maps++];
    m->region = (uint16_t)r;
    m->domain = dom;
    m->owner = owner;
    m->read_only = read_only;
    m->guest_base = guest;
    m->node = node;
    struct hl_shm_region *reg = &plan->shm_regions[r];
    if (reg->host_base != host || reg->size != size) {
        char want[80];
        snprintf(want, sizeof(want), "host 0x%llx size 0x%llx", (unsigned long long)reg->host_base,
                 (unsigned long long)reg->size);
        int first = -1;
        for (uint32_t i = 0; i + 1 < plan->nr_shm_maps && first < 0; i++)
            if (plan->shm_maps[i].region == r)
                first = plan->shm_maps[i].node;
        hl_report(c, HL_E_SHM_CONFLICT, node, "xen,shared-mem", first, want,
                  "host 0x%llx size 0x%llx", (unsigned long long)host, (unsigned long long)size);
    }
}

void hl_parse_domain_child(struct hl_ctx *c, uint16_t dom, int node)
{
    int domain_node = c->plan->domains[dom].node;
    if (hl_compatible_is(c, node, "multiboot,kernel"))
        hl_parse_module(c, node, dom, HL_MODULE_KERNEL, domain_node);
    else if (hl_compatible_is(c, node, "multiboot,ramdisk"))
        hl_parse_module(c, node, dom, HL_MODULE_RAMDISK, domain_node);
    else if (hl_compatible_is(c, node, "xen,vcpu"))
        parse_vcpu(c, dom, node);
    else if (hl_compatible_is(c, node, "xen,evtchn-v1"))
        parse_evtchn(c, dom, node);
    else if (hl_compatible_is(c, node, "xen,domain-shared-memory-v1"))
        parse_shm(c, dom, node);
    else
        hl_unknown_node(c, node);
}
