/* SPDX-License-Identifier: MIT */
/*
 * Typed property readers. Every length libfdt returns is checked against the
 * size the binding requires before a byte is read, so a hostile blob cannot
 * make the parser read outside a property.
 */
#include <string.h>
#include "internal.h"

bool hl_prop_present(struct hl_ctx *c, int node, const char *name)
{
    return fdt_getprop(c->fdt, node, name, NULL) != NULL;
}

static const void *get_sized(struct hl_ctx *c, int node, const char *name, int want,
                             const char *type)
{
    int len;
    const void *p = fdt_getprop(c->fdt, node, name, &len);
    if (!p)
        return NULL;
    if (len != want) {
        hl_report(c, HL_E_BAD_TYPE, node, name, -1, type, "%d bytes", len);
        return NULL;
    }
    return p;
}

bool hl_get_u32(struct hl_ctx *c, int node, const char *name, uint32_t *out)
{
    const fdt32_t *p = get_sized(c, node, name, 4, "u32 (4 bytes)");
    if (!p)
        return false;
    *out = fdt32_ld(p);
    return true;
}

bool hl_get_u64(struct hl_ctx *c, int node, const char *name, uint64_t *out)
{
    const fdt64_t *p =
        get_sized(c, node, name, 8, "u64 (8 bytes, e.g. <0x0 0x40000> or /bits/ 64 <N>)");
    if (!p)
        return false;
    *out = fdt64_ld(p);
    return true;
}

/* True if the len bytes at p are printable strings, each NUL-terminated. */
static bool valid_strings(const char *p, int len, bool single)
{
    if (len <= 0 || p[len - 1] != '\0')
        return false;
    int strings = 0;
    for (int i = 0; i < len; i++) {
        if (p[i] == '\0') {
            if (i == 0 || p[i - 1] == '\0')
                return false; /* empty string */
            strings++;
        } else if ((unsigned char)p[i] < 0x20 || (unsigned char)p[i] > 0x7e) {
            return false;
        }
    }
    return !single || strings == 1;
}

bool hl_get_string(struct hl_ctx *c, int node, const char *name, const char **out)
{
    int len;
    const char *p = fdt_getprop(c->fdt, node, name, &len);
    if (!p)
        return false;
    if (!valid_strings(p, len, true)) {
        hl_report(c, HL_E_BAD_TYPE, node, name, -1, "one non-empty printable string",
                  "%d bytes that are not one", len);
        return false;
    }
    *out = p;
    return true;
}

bool hl_get_stringlist(struct hl_ctx *c, int node, const char *name, const char **out, int *len)
{
    const char *p = fdt_getprop(c->fdt, node, name, len);
    if (!p)
        return false;
    if (!valid_strings(p, *len, false)) {
        hl_report(c, HL_E_BAD_TYPE, node, name, -1, "a list of non-empty printable strings",
                  "%d bytes that are not", *len);
        return false;
    }
    *out = p;
    return true;
}

bool hl_get_phandles(struct hl_ctx *c, int node, const char *name, const uint32_t **cells,
                     int *count)
{
    int len;
    const uint32_t *p = fdt_getprop(c->fdt, node, name, &len);
    if (!p)
        return false;
    if (len <= 0 || len % 4) {
        hl_report(c, HL_E_BAD_TYPE, node, name, -1, "one or more phandles (4 bytes each)",
                  "%d bytes", len);
        return false;
    }
    *cells = p;
    *count = len / 4;
    return true;
}

uint64_t hl_read_cells(const uint32_t *cells, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = (v << 32) | fdt32_ld((const fdt32_t *)&cells[i]);
    return v;
}

bool hl_compatible_is(struct hl_ctx *c, int node, const char *compat)
{
    return fdt_node_check_compatible(c->fdt, node, compat) == 0;
}

static bool in_list(const char *name, const char *const names[])
{
    for (unsigned i = 0; names[i]; i++)
        if (strcmp(name, names[i]) == 0)
            return true;
    return false;
}

/* A vendor prefix this binding owns: unknown names there are typos. */
static bool our_namespace(const char *name)
{
    const char *comma = strchr(name, ',');
    if (!comma)
        return true; /* generic names belong to the binding too */
    size_t n = (size_t)(comma - name);
    return (n == 3 && strncmp(name, "xen", 3) == 0) ||
           (n == 7 && strncmp(name, "tessera", 7) == 0) ||
           (n == 9 && strncmp(name, "multiboot", 9) == 0) ||
           (n == 10 && strncmp(name, "hypervisor", 10) == 0);
}

static const char *const generic_props[] = { "compatible",     "phandle",     "linux,phandle",
                                             "#address-cells", "#size-cells", NULL };

void hl_check_properties(struct hl_ctx *c, int node, const char *const names[])
{
    int prop;
    fdt_for_each_property_offset (prop, c->fdt, node) {
        const char *name;
        if (!fdt_getprop_by_offset(c->fdt, prop, &name, NULL) || !name)
            continue;
        if (in_list(name, generic_props) || in_list(name, names))
            continue;
        hl_report_unknown_property(
            c, our_namespace(name) ? HL_E_UNKNOWN_PROPERTY : HL_W_UNKNOWN_PROPERTY, node, name,
            names, generic_props);
    }
}

void hl_unknown_node(struct hl_ctx *c, int node)
{
    int len;
    const char *compat = fdt_getprop(c->fdt, node, "compatible", &len);
    if (!compat || len <= 0 || compat[len - 1] != '\0' || compat[0] == '\0') {
        hl_report(c, HL_E_BAD_COMPATIBLE, node, "compatible", -1,
                  "a compatible string naming the node type", "none");
        return;
    }
    if (our_namespace(compat))
        hl_report(c, HL_E_UNKNOWN_NODE, node, "compatible", -1,
                  "a type documented in docs/launch-control.md", "\"%s\"", compat);
    else
        hl_report(c, HL_W_UNKNOWN_NODE, node, "compatible", -1, NULL, "\"%s\"", compat);
}

bool hl_room(struct hl_ctx *c, unsigned which, uint32_t count, uint32_t max, int node,
             const char *what)
{
    if (count < max)
        return true;
    if (!c->overflow_reported[which]) {
        char limit[24];
        snprintf(limit, sizeof(limit), "%u", max);
        hl_report(c, HL_E_TOO_MANY, node, NULL, -1, limit, "%s", what);
        c->overflow_reported[which] = true;
    }
    return false;
}
