/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: any byte string as a launch tree. The validator must
 * never read outside the blob, crash or hang, and must report at least one
 * error for anything it does not accept. Built with clang by CMake when clang
 * is found; ctest runs it for 30 s (fuzz.hyperlaunch), scripts/fuzz-hyperlaunch
 * for longer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <hyperlaunch/hyperlaunch.h>

static struct hl_plan plan;
static unsigned reported_errors;

static void report(void *ctx, const struct hl_diag *d)
{
    (void)ctx;
    char line[HL_DIAG_LINE_MAX];
    size_t n = hl_diag_format(d, line, sizeof(line));
    if (n >= sizeof(line) || line[n] != '\0')
        abort();
    if (d->severity == HL_ERROR)
        reported_errors++;
}

/* Every file "exists", with a size derived from its name. */
static int locate_file(void *ctx, const char *name, uint64_t *size)
{
    (void)ctx;
    size_t len = strlen(name);
    if (len % 5 == 0)
        return -1;
    *size = (uint64_t)len << 12;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct hl_boot_module mods[] = {
        { 0x100000, 0x2000 }, { 0x200000, 0x800000 }, { 0x1000000, 0 },
    };
    /* A private copy: libfdt may assume nothing about the input's alignment. */
    void *blob = malloc(size ? size : 1);
    if (!blob)
        return 0;
    memcpy(blob, data, size);

    /* Once as the hypervisor sees it, once as the tool does. */
    for (int pass = 0; pass < 2; pass++) {
        struct hl_input in = {
            .fdt = blob,
            .fdt_size = size,
            .report = report,
        };
        if (pass == 0) {
            in.machine.cpus = 4;
            in.machine.ram_bytes = 256ull << 20;
            in.boot_modules = mods;
            in.nr_boot_modules = 3;
        } else {
            in.locate_file = locate_file;
        }
        reported_errors = 0;
        unsigned errors = hl_build_plan(&in, &plan);
        if (errors != reported_errors || plan.valid != (errors == 0))
            abort();
        if (plan.valid) {
            /* A valid plan's indices are all in range. */
            for (uint32_t i = 0; i < plan.nr_domains; i++) {
                const struct hl_domain *d = &plan.domains[i];
                if (d->kernel >= plan.nr_modules || d->pool >= plan.nr_pools ||
                    (d->ramdisk != HL_NONE && d->ramdisk >= plan.nr_modules) ||
                    plan.start_order[i] >= plan.nr_domains)
                    abort();
            }
            for (uint32_t i = 0; i < plan.nr_evtchns; i++)
                if (plan.evtchns[plan.evtchns[i].peer].peer != i)
                    abort();
        }
    }
    free(blob);
    return 0;
}
