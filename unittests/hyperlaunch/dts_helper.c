/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "dts_helper.h"

void *dts_compile(const char *dts, size_t *size)
{
    char src[] = "/tmp/hl-test-XXXXXX";
    int fd = mkstemp(src);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs(dts, f);
    fclose(f);
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "dtc -q -I dts -O dtb -o %s.dtb %s", src, src);
    int rc = system(cmd);
    unlink(src);
    if (rc != 0) {
        fprintf(stderr, "dtc failed on:\n%s\n", dts);
        fail();
    }
    char out[64];
    snprintf(out, sizeof(out), "%s.dtb", src);
    f = fopen(out, "rb");
    assert_non_null(f);
    void *blob = malloc(1 << 20);
    *size = fread(blob, 1, 1 << 20, f);
    fclose(f);
    unlink(out);
    return blob;
}

static void collect(void *ctx, const struct hl_diag *d)
{
    struct result *r = ctx;
    if (r->nr_diags == MAX_DIAGS)
        return;
    r->codes[r->nr_diags] = d->code;
    r->severities[r->nr_diags] = d->severity;
    hl_diag_format(d, r->lines[r->nr_diags], HL_DIAG_LINE_MAX);
    r->nr_diags++;
}

void run_blob(const void *blob, size_t size, const struct run_opts *o, struct result *r)
{
    static const struct run_opts none;
    if (!o)
        o = &none;
    memset(r, 0, sizeof(*r));
    r->plan = malloc(sizeof(*r->plan));
    assert_non_null(r->plan);
    struct hl_input in = {
        .fdt = blob,
        .fdt_size = size,
        .machine = o->machine,
        .boot_modules = o->boot_modules,
        .nr_boot_modules = o->nr_boot_modules,
        .modules_by_file = o->modules_by_file,
        .ram_free = o->ram_free,
        .report = collect,
        .ctx = r,
    };
    r->errors = hl_build_plan(&in, r->plan);
}

void run_dts(const char *dts, const struct run_opts *o, struct result *r)
{
    size_t size;
    void *blob = dts_compile(dts, &size);
    run_blob(blob, size, o, r);
    r->blob = blob; /* the plan's strings point into it */
}

void result_free(struct result *r)
{
    free(r->plan);
    free(r->blob);
    r->plan = NULL;
    r->blob = NULL;
}

int result_has(const struct result *r, enum hl_code code)
{
    for (unsigned i = 0; i < r->nr_diags; i++)
        if (r->codes[i] == code)
            return 1;
    return 0;
}

void result_print(const struct result *r)
{
    for (unsigned i = 0; i < r->nr_diags; i++)
        fprintf(stderr, "  %s\n", r->lines[i]);
}
