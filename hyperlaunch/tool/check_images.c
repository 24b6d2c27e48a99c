/* SPDX-License-Identifier: MIT */
/*
 * The image check of `tessera check` (and esp, run): each domain's kernel
 * and ramdisk files through the domain builder's db_check_runnable(), the
 * check the hypervisor makes at boot on what the loader placed, so that a
 * kernel that is neither PVH- nor bzImage-bootable, an initramfs that does
 * not fit the domain's memory and the like are refused here with the line
 * the hypervisor would print, and kept for --json beside the tree's own
 * diagnostics. Modules given by address (reg) have no file here: they are
 * checked at boot only.
 */
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include <domain-builder/builder.h>
#include "tool.h"

/* The module's file, or NULL (not a file module, or unreadable: reported by the validator). */
static uint8_t *read_module(const struct tree *t, const struct hl_module *m, uint64_t *size)
{
    char path[8192];
    uint8_t *data;
    FILE *f;
    long n;

    if (!m->uefi_binary || tree_find_module(t, m->uefi_binary, path, sizeof(path)) != 0)
        return NULL;
    f = fopen(path, "rb");
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET) != 0 ||
        !(data = malloc((size_t)n))) {
        fclose(f);
        return NULL;
    }
    if (fread(data, 1, (size_t)n, f) != (size_t)n) {
        free(data);
        data = NULL;
    }
    fclose(f);
    *size = (uint64_t)n;
    return data;
}

/* Domain index's shared memory maps, as the hypervisor gives them to the builder. */
static uint32_t domain_shm(const struct hl_plan *plan, unsigned index, struct db_shm *out)
{
    uint32_t n = 0;

    for (uint32_t i = 0; i < plan->nr_shm_maps && n < DB_MAX_SHM; i++) {
        const struct hl_shm_map *m = &plan->shm_maps[i];
        const struct hl_shm_region *r = &plan->shm_regions[m->region];

        if (m->domain == index)
            out[n++] = (struct db_shm){ r->id, m->guest_base, r->size, !m->read_only, m->owner };
    }
    return n;
}

/*
 * A refused image, on stderr at the domain node's source line (the line the
 * hypervisor prints, after FILE:LINE:) and in --json's diagnostics.
 */
static void report(const struct tree *t, const struct check_opts *opts, const struct hl_domain *d,
                   const struct db_diag *diag)
{
    struct diag_record r = { .diag.severity = HL_ERROR };
    const char *file = t->path;

    db_diag_format(diag, r.text, sizeof(r.text));
    if (fdt_get_path(t->blob, d->node, r.diag.path, sizeof(r.diag.path)) == 0 &&
        srcmap_find(&t->map, r.diag.path, NULL, &file, &r.line))
        fprintf(stderr, "%s:%u: error: %s\n", file, r.line, r.text);
    else
        fprintf(stderr, "%s: error: %s\n", file, r.text);
    if (!opts->diags)
        return;
    snprintf(r.code, sizeof(r.code), "%s", db_err_name(diag->code));
    snprintf(r.diag.domain, sizeof(r.diag.domain), "%s", d->name);
    snprintf(r.file, sizeof(r.file), "%s", file);
    if (diag_list_add_record(opts->diags, &r) != 0)
        perror("tessera");
}

/* 1 if domain index's images are refused (reported), else 0. */
static unsigned check_domain(const struct tree *t, const struct check_opts *opts,
                             const struct hl_plan *plan, unsigned index)
{
    const struct hl_domain *d = &plan->domains[index];
    struct db_shm shm[DB_MAX_SHM];
    struct db_module ramdisk = { 0 };
    struct db_domain_spec spec = {
        .name = d->name,
        .domid = d->domid,
        .flags = (d->capabilities & HL_CAP_CONTROL) ? DB_SPEC_PRIVILEGED : 0,
        .mode = d->type == HL_DOMAIN_PV ? DB_MODE_PV : DB_MODE_AUTO, /* as the hypervisor */
        .memory_bytes = d->memory_kib * 1024,
        .nr_vcpus = d->vcpus,
        .cmdline = d->bootargs,
        .shm = shm,
    };
    static struct db_layout layout;
    struct db_diag diag;
    uint8_t *kernel, *rd = NULL;
    unsigned refused = 0;

    kernel = read_module(t, &plan->modules[d->kernel], &spec.kernel_size);
    if (!kernel)
        return 0;
    spec.kernel = kernel;
    if (d->ramdisk != HL_NONE) {
        const struct hl_module *m = &plan->modules[d->ramdisk];

        rd = read_module(t, m, &ramdisk.size);
        if (!rd) {
            free(kernel);
            return 0;
        }
        ramdisk.data = rd;
        ramdisk.cmdline = m->bootargs;
        spec.modules = &ramdisk;
        spec.nr_modules = 1;
    }
    spec.nr_shm = domain_shm(plan, index, shm);
    if (db_check_runnable(&spec, &layout, &diag)) {
        report(t, opts, d, &diag);
        refused = 1;
    }
    free(rd);
    free(kernel);
    return refused;
}

unsigned check_images(const struct tree *t, const struct hl_plan *plan,
                      const struct check_opts *opts)
{
    unsigned errors = 0;

    for (unsigned i = 0; i < plan->nr_domains; i++)
        errors += check_domain(t, opts, plan, i);
    return errors;
}
