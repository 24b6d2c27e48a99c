/* SPDX-License-Identifier: MIT */
/* Shared by the parse and validation passes; not part of the public API. */
#ifndef HYPERLAUNCH_INTERNAL_H
#define HYPERLAUNCH_INTERNAL_H

#include <stdarg.h>
#include <stdio.h> /* snprintf: lib/include/stdio.h when freestanding */
#include <libfdt.h>
#include <hyperlaunch/hyperlaunch.h>

#define HL_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* State of one hl_build_plan() call. Small: it lives on the caller's stack. */
struct hl_ctx {
    const struct hl_input *in;
    const void *fdt;
    struct hl_plan *plan;
    unsigned errors;
    int chosen;  /* /chosen offset */
    int hv_node; /* /chosen/hypervisor, or -1 */
    uint32_t pool_phandle[HL_MAX_POOLS];
    uint8_t cpu_pool[HL_MAX_PCPUS]; /* pool index + 1 of each CPU, 0 = none */
    uint32_t console_phandle;       /* tessera,console-input, 0 = not given */
    bool overflow_reported[8];      /* one "too many" report per array */
};

/* diag.c */
void hl_report(struct hl_ctx *c, enum hl_code code, int node, const char *prop, int other,
               const char *expected, const char *found_fmt, ...) HL_PRINTF(7, 8);
/* The path of the node a phandle names, or "phandle 0x.. (no such node)". */
const char *hl_phandle_text(struct hl_ctx *c, uint32_t phandle, char *buf, size_t size);
/* "16 MiB", "1536 KiB", "10 bytes", "99.3 MiB" (one decimal, rounded down). */
void hl_format_size(char *buf, size_t size, uint64_t bytes);
#define HL_SIZE_TEXT 16 /* room for the longest, "16777215.9 TiB" */

/* props.c: typed readers. Each reports a wrong type/size and returns false. */
bool hl_prop_present(struct hl_ctx *c, int node, const char *name);
bool hl_get_u32(struct hl_ctx *c, int node, const char *name, uint32_t *out);
bool hl_get_u64(struct hl_ctx *c, int node, const char *name, uint64_t *out);
bool hl_get_string(struct hl_ctx *c, int node, const char *name, const char **out);
/* Validates a string list; returns its byte length through *len. */
bool hl_get_stringlist(struct hl_ctx *c, int node, const char *name, const char **out, int *len);
bool hl_get_phandles(struct hl_ctx *c, int node, const char *name, const uint32_t **cells,
                     int *count);
/* Reads n big-endian cells of 1 or 2 words each into out (cells per item given). */
uint64_t hl_read_cells(const uint32_t *cells, int n);
bool hl_compatible_is(struct hl_ctx *c, int node, const char *compat);

/*
 * Property whitelist check: every property of node must be in names[]
 * (NULL-terminated) or be a generic one (compatible, phandle, ...).
 */
/* An unknown property: with the nearest of known[] and generic[], or an Arm-only note. */
void hl_report_unknown_property(struct hl_ctx *c, enum hl_code code, int node, const char *prop,
                                const char *const known[], const char *const generic[]);
void hl_check_properties(struct hl_ctx *c, int node, const char *const names[]);
/* Unknown child node: an error in our namespaces, a warning for others. */
void hl_unknown_node(struct hl_ctx *c, int node);

/* Capacity check of a plan array; reports once per array. */
bool hl_room(struct hl_ctx *c, unsigned which, uint32_t count, uint32_t max, int node,
             const char *what);
enum {
    HL_ROOM_DOMAINS,
    HL_ROOM_MODULES,
    HL_ROOM_POOLS,
    HL_ROOM_AFFINITY,
    HL_ROOM_EVTCHN,
    HL_ROOM_SHM,
    HL_ROOM_DEPS
};

/* parse_pools.c */
void hl_parse_pools(struct hl_ctx *c, int container);
void hl_finish_pools(struct hl_ctx *c);
int hl_pool_by_phandle(struct hl_ctx *c, uint32_t phandle);
bool hl_parse_cpulist(const char *s, hl_cpumask_t *mask);

/* parse_domain.c, parse_children.c */
void hl_parse_domains(struct hl_ctx *c, int container);
void hl_parse_domain_child(struct hl_ctx *c, uint16_t dom, int node);
void hl_parse_module(struct hl_ctx *c, int node, uint16_t dom, enum hl_module_kind kind,
                     int cells_node);

/* check_*.c: the whole-tree rules, run after parsing. */
void hl_check_domains(struct hl_ctx *c);
void hl_check_modules(struct hl_ctx *c);
void hl_check_memory(struct hl_ctx *c);
void hl_check_affinity(struct hl_ctx *c);
void hl_check_evtchns(struct hl_ctx *c);
void hl_check_shm(struct hl_ctx *c);
void hl_check_deps(struct hl_ctx *c);
void hl_check_console(struct hl_ctx *c);

/* Domain index of a node offset, or HL_NONE. */
uint16_t hl_domain_by_node(const struct hl_plan *plan, int node);
/* Domain index of a phandle, or HL_NONE (no tree walk: phandles are recorded). */
uint16_t hl_domain_by_phandle(const struct hl_plan *plan, uint32_t phandle);
/* cpuid.c */
int hl_cpuid_lookup(const char *name);

static inline void hl_cpumask_set(hl_cpumask_t *m, unsigned cpu)
{
    if (cpu < HL_MAX_PCPUS)
        m->bits[cpu / 64] |= 1ull << (cpu % 64);
}

static inline bool hl_cpumask_empty(const hl_cpumask_t *m)
{
    for (unsigned i = 0; i < HL_MAX_PCPUS / 64; i++)
        if (m->bits[i])
            return false;
    return true;
}

#endif
