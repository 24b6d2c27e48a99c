/* SPDX-License-Identifier: MIT */
/* Test helper: compile a .dts text with dtc and run the validator on it. */
#ifndef HL_TEST_DTS_HELPER_H
#define HL_TEST_DTS_HELPER_H

#include <stddef.h>
#include <hyperlaunch/hyperlaunch.h>

#define MAX_DIAGS 64

struct result {
    unsigned errors;
    unsigned nr_diags;
    enum hl_code codes[MAX_DIAGS];
    enum hl_severity severities[MAX_DIAGS];
    char lines[MAX_DIAGS][HL_DIAG_LINE_MAX];
    struct hl_plan *plan; /* heap; freed by result_free */
    void *blob;           /* run_dts only: the compiled tree */
};

/* Machine facts and boot modules for a run; zeroed = unknown / none. */
struct run_opts {
    struct hl_machine machine;
    const struct hl_boot_module *boot_modules;
    uint32_t nr_boot_modules;
    bool modules_by_file;
    bool (*ram_free)(void *ctx, uint64_t base, uint64_t size);
};

/* Compiles dts (a whole source) with dtc; the blob is malloc'ed. */
void *dts_compile(const char *dts, size_t *size);
/* Validates a blob, collecting every diagnostic. */
void run_blob(const void *blob, size_t size, const struct run_opts *o, struct result *r);
/* dts_compile + run_blob; fails the test if dtc does. */
void run_dts(const char *dts, const struct run_opts *o, struct result *r);
void result_free(struct result *r);
/* True if some diagnostic has this code. */
int result_has(const struct result *r, enum hl_code code);
void result_print(const struct result *r);

#endif
