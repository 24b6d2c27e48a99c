/* SPDX-License-Identifier: MIT */
/*
 * Diagnostics: the one message table and the one-line format. Templates
 * substitute $e (expected), $f (found) and $o (the related node's path).
 */
#include <string.h>
#include "internal.h"

struct hl_message {
    const char *name;     /* stable identifier */
    enum hl_severity severity;
    const char *text;     /* template */
};

static const struct hl_message messages[HL_CODE_COUNT] = {
    [HL_E_BAD_BLOB]          = { "bad-blob", HL_ERROR, "not a valid flattened device tree: $f" },
    [HL_E_NO_HYPERVISOR_NODE]= { "no-hypervisor-node", HL_ERROR,
                                 "no launch-control node: expected $e, found $f" },
    [HL_E_BAD_COMPATIBLE]    = { "bad-compatible", HL_ERROR, "expected $e, found $f" },
    [HL_E_UNKNOWN_NODE]      = { "unknown-node", HL_ERROR, "unknown node type $f (expected $e)" },
    [HL_W_UNKNOWN_NODE]      = { "unknown-vendor-node", HL_WARNING,
                                 "node of another vendor $f ignored" },
    [HL_E_UNKNOWN_PROPERTY]  = { "unknown-property", HL_ERROR, "unknown property" },
    [HL_W_UNKNOWN_PROPERTY]  = { "unknown-vendor-property", HL_WARNING,
                                 "property of another vendor ignored" },
    [HL_E_BAD_TYPE]          = { "bad-type", HL_ERROR, "expected $e, found $f" },
    [HL_E_BAD_VALUE]         = { "bad-value", HL_ERROR, "expected $e, found $f" },
    [HL_E_MISSING_PROPERTY]  = { "missing-property", HL_ERROR, "missing: expected $e" },
    [HL_E_TOO_MANY]          = { "too-many", HL_ERROR, "too many $f (at most $e)" },
    [HL_E_NO_DOMAINS]        = { "no-domains", HL_ERROR, "no domain declared (expected $e)" },
    [HL_E_DOMID_RESERVED]    = { "domid-reserved", HL_ERROR,
                                 "domid $f is reserved (expected $e)" },
    [HL_E_DOMID_DUPLICATE]   = { "domid-duplicate", HL_ERROR,
                                 "duplicate domid $f (also used by $o)" },
    [HL_E_NAME_DUPLICATE]    = { "name-duplicate", HL_ERROR,
                                 "duplicate domain name \"$f\" (also used by $o)" },
    [HL_E_MODE_PV_DM]        = { "mode-pv-dm", HL_ERROR,
                                 "PV (bit 0) together with device model (bit 1): "
                                 "expected $e, found $f" },
    [HL_W_MODE_LONG]         = { "mode-long", HL_WARNING,
                                 "bit 2 (64-bit, old drafts) ignored: found $f" },
    [HL_E_MODE_UNSUPPORTED]  = { "mode-unsupported", HL_ERROR,
                                 "not supported yet: expected $e, found $f" },
    [HL_W_CAP_UNKNOWN]       = { "capabilities-unknown", HL_WARNING,
                                 "unknown capability bits masked: expected $e, found $f" },
    [HL_E_CAP_DUPLICATE]     = { "capabilities-duplicate", HL_ERROR,
                                 "capability $f given to more than one domain (also $o)" },
    [HL_E_MEM_BOUNDS]        = { "memory-bounds", HL_ERROR, "expected $e, found $f" },
    [HL_E_MEM_TOO_SMALL]     = { "memory-too-small", HL_ERROR,
                                 "memory smaller than the images it loads: "
                                 "expected at least $e, found $f" },
    [HL_E_MEM_MACHINE]       = { "memory-machine", HL_ERROR,
                                 "domains need more memory than the machine has: "
                                 "expected $e, found $f" },
    [HL_W_IGNORED]           = { "ignored", HL_WARNING, "not used by Tessera, ignored" },
    [HL_E_NO_KERNEL]         = { "no-kernel", HL_ERROR,
                                 "domain has no kernel (expected $e)" },
    [HL_E_TWO_KERNELS]       = { "two-kernels", HL_ERROR, "second kernel (first: $o)" },
    [HL_E_TWO_RAMDISKS]      = { "two-ramdisks", HL_ERROR, "second ramdisk (first: $o)" },
    [HL_E_MODULE_LOCATION]   = { "module-location", HL_ERROR,
                                 "module location: expected $e, found $f" },
    [HL_E_MODULE_INDEX_UNSUPPORTED] = { "module-index-unsupported", HL_ERROR,
                                 "module-index $f needs a boot loader module list, "
                                 "which the UEFI loader does not provide (expected $e)" },
    [HL_E_MODULE_MISSING]    = { "module-missing", HL_ERROR,
                                 "module not found: expected $e, found $f" },
    [HL_E_MODULE_USED_TWICE] = { "module-used-twice", HL_ERROR,
                                 "module $f used twice (also by $o)" },
    [HL_E_MODULE_FILE]       = { "module-file", HL_ERROR, "bad file name: expected $e, found $f" },
    [HL_E_CPU_NOT_PRESENT]   = { "cpu-not-present", HL_ERROR, "CPU $f not present (expected $e)" },
    [HL_E_CPU_TWO_POOLS]     = { "cpu-two-pools", HL_ERROR,
                                 "CPU $f already in another pool ($o)" },
    [HL_E_POOL_EMPTY]        = { "pool-empty", HL_ERROR,
                                 "pool has no CPU left for its domains: expected $e, found $f" },
    [HL_E_POOL_UNKNOWN_SCHED]= { "pool-unknown-sched", HL_ERROR,
                                 "unknown scheduler: expected $e, found $f" },
    [HL_E_BAD_REFERENCE]     = { "bad-reference", HL_ERROR, "expected $e, found $f" },
    [HL_E_VCPU_RANGE]        = { "vcpu-range", HL_ERROR,
                                 "vCPU id out of range: expected $e, found $f" },
    [HL_E_VCPU_DUPLICATE]    = { "vcpu-duplicate", HL_ERROR, "vCPU $f declared twice (also $o)" },
    [HL_E_AFFINITY_OUTSIDE_POOL] = { "affinity-outside-pool", HL_ERROR,
                                 "CPU $f is outside the domain's pool (expected $e)" },
    [HL_E_CPULIST]           = { "cpulist", HL_ERROR, "expected $e, found $f" },
    [HL_E_SCHED_PARTITIONED] = { "sched-partitioned", HL_ERROR,
                                 "the domain's pool $o is partitioned (\"null\"), "
                                 "which has no weights or caps: expected $e" },
    [HL_E_VCPU_NO_CPU]       = { "vcpu-no-cpu", HL_ERROR,
                                 "vCPU $f finds no free CPU in its partitioned pool $o: "
                                 "expected $e" },
    [HL_E_EVTCHN_UNPAIRED]   = { "evtchn-unpaired", HL_ERROR,
                                 "event channel end does not pair: expected $e, found $f" },
    [HL_E_EVTCHN_PORT_DUPLICATE] = { "evtchn-port-duplicate", HL_ERROR,
                                 "local port $f used twice in this domain (also $o)" },
    [HL_E_SHM_OVERLAP]       = { "shm-overlap", HL_ERROR,
                                 "shared memory $f overlaps another region ($o)" },
    [HL_E_SHM_CONFLICT]      = { "shm-conflict", HL_ERROR,
                                 "shared memory conflicts with $o: expected $e, found $f" },
    [HL_E_SHM_TWO_OWNERS]    = { "shm-two-owners", HL_ERROR,
                                 "shared memory $f has two owners (also $o)" },
    [HL_E_SHM_ALIGN]         = { "shm-align", HL_ERROR, "expected $e, found $f" },
    [HL_E_SHM_GUEST_OVERLAP] = { "shm-guest-overlap", HL_ERROR,
                                 "guest range $f overlaps another shared region "
                                 "of this domain ($o)" },
    [HL_E_SHM_OWNER_READ_ONLY] = { "shm-owner-read-only", HL_ERROR,
                                 "the owner of a region maps it read-write: expected $e, "
                                 "found $f" },
    [HL_E_DEP_CYCLE]         = { "dependency-cycle", HL_ERROR, "start dependency cycle: $f" },
    [HL_E_DEP_SELF]          = { "dependency-self", HL_ERROR, "domain depends on itself" },
    [HL_E_NOT_OFFERED]       = { "not-offered", HL_ERROR,
                                 "not offered by Tessera ($f): expected $e" },
    [HL_E_CONSOLE_INPUT]     = { "console-input", HL_ERROR, "expected $e, found $f" },
    [HL_E_CPUID_FEATURE]     = { "cpuid-feature", HL_ERROR,
                                 "unknown CPUID feature $f (expected $e)" },
    [HL_E_CPUID_BOTH]        = { "cpuid-both", HL_ERROR,
                                 "CPUID feature $f both hidden and forced" },
    [HL_E_CPUID_FORCE]       = { "cpuid-force", HL_ERROR,
                                 "CPUID feature $f cannot be forced on this machine: $e" },
};

const char *hl_diag_name(enum hl_code code)
{
    return (unsigned)code < HL_CODE_COUNT ? messages[code].name : "?";
}

void hl_format_size(char *buf, size_t size, uint64_t bytes)
{
    static const char *const units[] = { "bytes", "KiB", "MiB", "GiB", "TiB" };
    unsigned u = 0;
    while (u + 1 < sizeof(units) / sizeof(units[0]) && bytes >> (10 * (u + 1)))
        u++;
    uint64_t whole = bytes >> (10 * u);
    uint64_t rest = bytes - (whole << (10 * u));
    if (rest == 0 || u == 0)
        snprintf(buf, size, "%llu %s", (unsigned long long)whole, units[u]);
    else
        snprintf(buf, size, "%llu.%llu %s", (unsigned long long)whole,
                 (unsigned long long)((rest * 10) >> (10 * u)), units[u]);
}

const char *hl_phandle_text(struct hl_ctx *c, uint32_t phandle, char *buf, size_t size)
{
    int node = phandle ? fdt_node_offset_by_phandle(c->fdt, phandle) : -1;
    if (node < 0 || fdt_get_path(c->fdt, node, buf, (int)size) != 0)
        snprintf(buf, size, "phandle 0x%x (no such node)", phandle);
    return buf;
}

static void node_path(const void *fdt, int node, char *buf, size_t size)
{
    if (node < 0 || fdt_get_path(fdt, node, buf, (int)size) != 0) {
        /* No node, or the path does not fit: the node name at least. */
        const char *name = node >= 0 ? fdt_get_name(fdt, node, NULL) : NULL;
        snprintf(buf, size, "%s", name ? name : "/");
    }
}

void hl_report(struct hl_ctx *c, enum hl_code code, int node, const char *prop,
               int other, const char *expected, const char *found_fmt, ...)
{
    struct hl_diag d;
    d.severity = messages[code].severity;
    d.code = code;
    d.property = prop;
    node_path(c->fdt, node, d.path, sizeof(d.path));
    if (other >= 0)
        node_path(c->fdt, other, d.other, sizeof(d.other));
    else
        d.other[0] = '\0';
    snprintf(d.expected, sizeof(d.expected), "%s", expected ? expected : "");
    d.found[0] = '\0';
    if (found_fmt) {
        va_list ap;
        va_start(ap, found_fmt);
        vsnprintf(d.found, sizeof(d.found), found_fmt, ap);
        va_end(ap);
    }
    if (d.severity == HL_ERROR)
        c->errors++;
    if (c->in->report)
        c->in->report(c->in->ctx, &d);
}

/* snprintf after the *len bytes buf holds; *len counts what did not fit too. */
static void append(char *buf, size_t size, size_t *len, const char *fmt, ...) HL_PRINTF(4, 5);
static void append(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
    size_t at = *len < size ? *len : size;
    va_list ap;
    va_start(ap, fmt);
    *len += (size_t)vsnprintf(at < size ? buf + at : NULL, size - at, fmt, ap);
    va_end(ap);
}

size_t hl_diag_format(const struct hl_diag *d, char *buf, size_t size)
{
    size_t len = 0;
    if ((unsigned)d->code >= HL_CODE_COUNT) {
        snprintf(buf, size, "error: bad diagnostic code %u", (unsigned)d->code);
        return strlen(buf);
    }
    append(buf, size, &len, "%s%s: ", d->severity == HL_ERROR ? "error: " : "warning: ",
           d->path);
    if (d->property)
        append(buf, size, &len, "property \"%s\": ", d->property);
    const char *t = messages[d->code].text;
    do {
        /* The text up to the next $e, $f or $o, then what that stands for. */
        const char *var = t;
        while (*var && !(var[0] == '$' && var[1] && strchr("efo", var[1])))
            var++;
        const char *value = !*var ? "" : var[1] == 'e' ? d->expected
                          : var[1] == 'f' ? d->found : d->other;
        append(buf, size, &len, "%.*s%s", (int)(var - t), t, value);
        t = *var ? var + 2 : var;
    } while (*t);
    return len < size ? len : (size ? size - 1 : 0);
}
