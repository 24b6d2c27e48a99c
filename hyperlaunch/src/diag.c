/* SPDX-License-Identifier: MIT */
/*
 * Diagnostics: the one message table and the one-line format. Templates
 * substitute $e (expected), $f (found) and $o (the related node's path).
 */
#include <string.h>
#include "internal.h"

struct hl_message {
    const char *name; /* stable identifier */
    enum hl_severity severity;
    const char *text; /* template */
};

static const struct hl_message messages[HL_CODE_COUNT] = {
    [HL_E_BAD_BLOB] = { "bad-blob", HL_ERROR, "not a valid flattened device tree: $f" },
    [HL_E_NO_HYPERVISOR_NODE] = { "no-hypervisor-node", HL_ERROR,
                                  "no launch-control node: expected $e, found $f" },
    [HL_E_BAD_COMPATIBLE] = { "bad-compatible", HL_ERROR, "expected $e, found $f" },
    [HL_E_UNKNOWN_NODE] = { "unknown-node", HL_ERROR, "unknown node type $f (expected $e)" },
    [HL_W_UNKNOWN_NODE] = { "unknown-vendor-node", HL_WARNING,
                            "node of another vendor $f ignored" },
    [HL_E_UNKNOWN_PROPERTY] = { "unknown-property", HL_ERROR, "unknown property" },
    [HL_W_UNKNOWN_PROPERTY] = { "unknown-vendor-property", HL_WARNING,
                                "property of another vendor ignored" },
    [HL_E_BAD_TYPE] = { "bad-type", HL_ERROR, "expected $e, found $f" },
    [HL_E_BAD_VALUE] = { "bad-value", HL_ERROR, "expected $e, found $f" },
    [HL_E_MISSING_PROPERTY] = { "missing-property", HL_ERROR, "missing: expected $e" },
    [HL_E_TOO_MANY] = { "too-many", HL_ERROR, "too many $f (at most $e)" },
    [HL_E_NO_DOMAINS] = { "no-domains", HL_ERROR, "no domain declared (expected $e)" },
    [HL_E_DOMID_RESERVED] = { "domid-reserved", HL_ERROR, "domid $f is reserved (expected $e)" },
    [HL_E_DOMID_DUPLICATE] = { "domid-duplicate", HL_ERROR,
                               "duplicate domid $f (also used by $o)" },
    [HL_E_NAME_DUPLICATE] = { "name-duplicate", HL_ERROR,
                              "duplicate domain name \"$f\" (also used by $o)" },
    [HL_E_MODE_PV_DM] = { "mode-pv-dm", HL_ERROR,
                          "PV (bit 0) together with device model (bit 1): "
                          "expected $e, found $f" },
    [HL_W_MODE_LONG] = { "mode-long", HL_WARNING, "bit 2 (64-bit, old drafts) ignored: found $f" },
    [HL_E_MODE_UNSUPPORTED] = { "mode-unsupported", HL_ERROR,
                                "not supported yet: expected $e, found $f" },
    [HL_W_CAP_UNKNOWN] = { "capabilities-unknown", HL_WARNING,
                           "unknown capability bits masked: expected $e, found $f" },
    [HL_E_CAP_DUPLICATE] = { "capabilities-duplicate", HL_ERROR,
                             "capability $f given to more than one domain (also $o)" },
    [HL_E_MEM_BOUNDS] = { "memory-bounds", HL_ERROR, "expected $e, found $f" },
    [HL_E_MEM_TOO_SMALL] = { "memory-too-small", HL_ERROR,
                             "memory smaller than the images it loads: "
                             "expected at least $e, found $f" },
    [HL_E_MEM_MACHINE] = { "memory-machine", HL_ERROR,
                           "domains need more memory than the machine has: "
                           "expected $e, found $f" },
    [HL_W_IGNORED] = { "ignored", HL_WARNING, "not used by Tessera, ignored" },
    [HL_E_NO_KERNEL] = { "no-kernel", HL_ERROR, "domain has no kernel (expected $e)" },
    [HL_E_TWO_KERNELS] = { "two-kernels", HL_ERROR, "second kernel (first: $o)" },
    [HL_E_TWO_RAMDISKS] = { "two-ramdisks", HL_ERROR, "second ramdisk (first: $o)" },
    [HL_E_MODULE_LOCATION] = { "module-location", HL_ERROR,
                               "module location: expected $e, found $f" },
    [HL_E_MODULE_INDEX_UNSUPPORTED] = { "module-index-unsupported", HL_ERROR,
                                        "module-index $f needs a boot loader module list, "
                                        "which the UEFI loader does not provide (expected $e)" },
    [HL_E_MODULE_MISSING] = { "module-missing", HL_ERROR,
                              "module not found: expected $e, found $f" },
    [HL_E_MODULE_USED_TWICE] = { "module-used-twice", HL_ERROR,
                                 "module $f used twice (also by $o)" },
    [HL_E_MODULE_FILE] = { "module-file", HL_ERROR, "bad file name: expected $e, found $f" },
    [HL_E_MODULE_NOT_LOADED] = { "module-not-loaded", HL_ERROR,
                                 "module at $f located by reg alone, which the boot loader "
                                 "does not load: expected $e" },
    [HL_E_CPU_NOT_PRESENT] = { "cpu-not-present", HL_ERROR, "CPU $f not present (expected $e)" },
    [HL_E_CPU_TWO_POOLS] = { "cpu-two-pools", HL_ERROR, "CPU $f already in another pool ($o)" },
    [HL_E_POOL_EMPTY] = { "pool-empty", HL_ERROR,
                          "pool has no CPU left for its domains: expected $e, found $f" },
    [HL_E_POOL_UNKNOWN_SCHED] = { "pool-unknown-sched", HL_ERROR,
                                  "unknown scheduler: expected $e, found $f" },
    [HL_E_BAD_REFERENCE] = { "bad-reference", HL_ERROR, "expected $e, found $f" },
    [HL_E_VCPU_RANGE] = { "vcpu-range", HL_ERROR, "vCPU id out of range: expected $e, found $f" },
    [HL_E_VCPU_DUPLICATE] = { "vcpu-duplicate", HL_ERROR, "vCPU $f declared twice (also $o)" },
    [HL_E_AFFINITY_OUTSIDE_POOL] = { "affinity-outside-pool", HL_ERROR,
                                     "CPU $f is outside the domain's pool (expected $e)" },
    [HL_E_CPULIST] = { "cpulist", HL_ERROR, "expected $e, found $f" },
    [HL_E_SCHED_PARTITIONED] = { "sched-partitioned", HL_ERROR,
                                 "the domain's pool $o is partitioned (\"null\"), "
                                 "which has no weights or caps: expected $e" },
    [HL_E_VCPU_NO_CPU] = { "vcpu-no-cpu", HL_ERROR,
                           "vCPU $f finds no free CPU in its partitioned pool $o: "
                           "expected $e" },
    [HL_E_EVTCHN_UNPAIRED] = { "evtchn-unpaired", HL_ERROR,
                               "event channel end does not pair: expected $e, found $f" },
    [HL_E_EVTCHN_PORT_DUPLICATE] = { "evtchn-port-duplicate", HL_ERROR,
                                     "local port $f used twice in this domain (also $o)" },
    [HL_E_SHM_OVERLAP] = { "shm-overlap", HL_ERROR,
                           "shared memory $f overlaps another region ($o)" },
    [HL_E_SHM_CONFLICT] = { "shm-conflict", HL_ERROR,
                            "shared memory conflicts with $o: expected $e, found $f" },
    [HL_E_SHM_TWO_OWNERS] = { "shm-two-owners", HL_ERROR,
                              "shared memory $f has two owners (also $o)" },
    [HL_E_SHM_ALIGN] = { "shm-align", HL_ERROR, "expected $e, found $f" },
    [HL_E_SHM_GUEST_OVERLAP] = { "shm-guest-overlap", HL_ERROR,
                                 "guest range $f overlaps another shared region "
                                 "of this domain ($o)" },
    [HL_E_SHM_OWNER_READ_ONLY] = { "shm-owner-read-only", HL_ERROR,
                                   "the owner of a region maps it read-write: expected $e, "
                                   "found $f" },
    [HL_E_SHM_NOT_RAM] = { "shm-not-ram", HL_ERROR,
                           "shared memory $f is not in the machine's free RAM: expected $e" },
    [HL_E_DEP_CYCLE] = { "dependency-cycle", HL_ERROR, "start dependency cycle: $f" },
    [HL_E_DEP_SELF] = { "dependency-self", HL_ERROR, "domain depends on itself" },
    [HL_E_NOT_OFFERED] = { "not-offered", HL_ERROR, "not offered by Tessera ($f): expected $e" },
    [HL_E_CONSOLE_INPUT] = { "console-input", HL_ERROR, "expected $e, found $f" },
    [HL_E_CPUID_FEATURE] = { "cpuid-feature", HL_ERROR, "unknown CPUID feature $f (expected $e)" },
    [HL_E_CPUID_BOTH] = { "cpuid-both", HL_ERROR, "CPUID feature $f both hidden and forced" },
    [HL_E_CPUID_FORCE] = { "cpuid-force", HL_ERROR,
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

/*
 * The tessera,name of the domain node that is node or holds it, when it is not
 * the domain node's own name (which the path shows already).
 */
static void domain_name(const void *fdt, int node, char *buf, size_t size)
{
    buf[0] = '\0';
    for (int depth = node >= 0 ? fdt_node_depth(fdt, node) : -1; depth > 0; depth--) {
        int n = fdt_supernode_atdepth_offset(fdt, node, depth, NULL);
        if (n < 0 || fdt_node_check_compatible(fdt, n, "xen,domain") != 0)
            continue;
        int len;
        const char *name = fdt_getprop(fdt, n, "tessera,name", &len);
        const char *own = fdt_get_name(fdt, n, NULL);
        if (name && len > 1 && (size_t)len <= size && name[len - 1] == '\0' &&
            !memchr(name, '\0', (size_t)len - 1) && (!own || strcmp(name, own) != 0))
            memcpy(buf, name, (size_t)len);
        return;
    }
}

/*
 * Optimal string alignment distance (a swap of two letters counts 1), in three
 * rolling rows: this runs on the hypervisor's stack too.
 */
static unsigned edit_distance(const char *a, size_t la, const char *b, size_t lb)
{
    enum {
        MAX = 40
    };
    unsigned rows[3][MAX + 1];
    if (la > MAX || lb > MAX)
        return ~0u;
    unsigned *before = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = (unsigned)j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = (unsigned)i;
        for (size_t j = 1; j <= lb; j++) {
            unsigned best = prev[j - 1] + (a[i - 1] != b[j - 1]);
            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                before[j - 2] + 1 < best)
                best = before[j - 2] + 1;
            cur[j] = best;
        }
        unsigned *t = before;
        before = prev;
        prev = cur;
        cur = t;
    }
    return prev[lb];
}

/* A typo, not another word: at most 2 edits, and fewer than the word's length. */
static bool close_enough(unsigned dist, size_t len)
{
    return dist <= 2 && dist < len && dist > 0;
}

static void did_you_mean(struct hl_diag *d, const char *candidate, size_t len)
{
    snprintf(d->hint, sizeof(d->hint), "did you mean \"%.*s\"?", (int)len, candidate);
}

/*
 * A quoted value found where the expected text lists quoted alternatives: the
 * nearest of them, if it is near (one alternative is named by the text already).
 */
static void suggest_value(struct hl_diag *d)
{
    size_t flen = strlen(d->found);
    if (flen < 3 || d->found[0] != '"' || d->found[flen - 1] != '"')
        return;
    const char *word = d->found + 1;
    size_t wlen = flen - 2;
    unsigned best = ~0u, alternatives = 0;
    const char *best_at = NULL;
    size_t best_len = 0;
    for (const char *p = strchr(d->expected, '"'); p; alternatives++) {
        const char *end = strchr(p + 1, '"');
        if (!end)
            break;
        unsigned dist = edit_distance(word, wlen, p + 1, (size_t)(end - p - 1));
        if (dist < best) {
            best = dist;
            best_at = p + 1;
            best_len = (size_t)(end - p - 1);
        }
        p = strchr(end + 1, '"');
    }
    if (alternatives > 1 && close_enough(best, wlen))
        did_you_mean(d, best_at, best_len);
}

static void fill(struct hl_ctx *c, struct hl_diag *d, enum hl_code code, int node, const char *prop,
                 int other)
{
    d->severity = messages[code].severity;
    d->code = code;
    d->property = prop;
    node_path(c->fdt, node, d->path, sizeof(d->path));
    if (other >= 0)
        node_path(c->fdt, other, d->other, sizeof(d->other));
    else
        d->other[0] = '\0';
    domain_name(c->fdt, node, d->domain, sizeof(d->domain));
    d->expected[0] = d->found[0] = d->hint[0] = '\0';
}

static void emit(struct hl_ctx *c, const struct hl_diag *d)
{
    if (d->severity == HL_ERROR)
        c->errors++;
    if (c->in->report)
        c->in->report(c->in->ctx, d);
}

void hl_report(struct hl_ctx *c, enum hl_code code, int node, const char *prop, int other,
               const char *expected, const char *found_fmt, ...)
{
    struct hl_diag d;
    fill(c, &d, code, node, prop, other);
    snprintf(d.expected, sizeof(d.expected), "%s", expected ? expected : "");
    if (found_fmt) {
        va_list ap;
        va_start(ap, found_fmt);
        vsnprintf(d.found, sizeof(d.found), found_fmt, ap);
        va_end(ap);
    }
    suggest_value(&d);
    emit(c, &d);
}

/*
 * Properties of Xen's dom0less binding that only Xen on Arm reads (Xen's
 * docs/misc/arm/device-tree/booting.txt): they have no meaning on x86.
 */
static const char *const arm_only_props[] = { "vpl011",
                                              "nr_spis",
                                              "sve",
                                              "direct-map",
                                              "xen,static-mem",
                                              "xen,enhanced",
                                              "passthrough",
                                              "multiboot,device-tree",
                                              NULL };

void hl_report_unknown_property(struct hl_ctx *c, enum hl_code code, int node, const char *prop,
                                const char *const known[], const char *const generic[])
{
    struct hl_diag d;
    fill(c, &d, code, node, prop, -1);
    bool arm = false;
    for (unsigned i = 0; arm_only_props[i]; i++)
        arm |= strcmp(prop, arm_only_props[i]) == 0;
    if (arm) {
        snprintf(d.hint, sizeof(d.hint),
                 "Arm-only in Xen's dom0less binding, "
                 "no meaning on x86");
    } else if (code == HL_E_UNKNOWN_PROPERTY) {
        const char *const *lists[] = { known, generic };
        unsigned best = ~0u;
        const char *best_name = NULL;
        for (unsigned l = 0; l < 2; l++)
            for (unsigned i = 0; lists[l] && lists[l][i]; i++) {
                unsigned dist = edit_distance(prop, strlen(prop), lists[l][i], strlen(lists[l][i]));
                if (dist < best) {
                    best = dist;
                    best_name = lists[l][i];
                }
            }
        if (best_name && close_enough(best, strlen(prop)))
            did_you_mean(&d, best_name, strlen(best_name));
    }
    emit(c, &d);
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
    append(buf, size, &len, "%s%s", d->severity == HL_ERROR ? "error: " : "warning: ", d->path);
    if (d->domain[0])
        append(buf, size, &len, " (%s)", d->domain);
    append(buf, size, &len, ": ");
    if (d->property)
        append(buf, size, &len, "property \"%s\": ", d->property);
    const char *t = messages[d->code].text;
    do {
        /* The text up to the next $e, $f or $o, then what that stands for. */
        const char *var = t;
        while (*var && !(var[0] == '$' && var[1] && strchr("efo", var[1])))
            var++;
        const char *value = !*var           ? ""
                            : var[1] == 'e' ? d->expected
                            : var[1] == 'f' ? d->found
                                            : d->other;
        append(buf, size, &len, "%.*s%s", (int)(var - t), t, value);
        t = *var ? var + 2 : var;
    } while (*t);
    if (d->hint[0])
        append(buf, size, &len, "; %s", d->hint);
    return len < size ? len : (size ? size - 1 : 0);
}
