/* SPDX-License-Identifier: MIT */
/*
 * What a valid plan contains (defaults, derived values, orders and links),
 * Xen-form trees, trees built in code with libfdt's sequential-write API
 * (tree-wide limits), and hostile blobs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libfdt.h>
#include "dts_helper.h"

static void run_ok(const char *dts, const struct run_opts *o, struct result *r)
{
    run_dts(dts, o, r);
    if (r->errors)
        result_print(r);
    assert_int_equal(r->errors, 0);
    assert_true(r->plan->valid);
}

/* Defaults: PVH, 1 vCPU, Xen's P2M formula, policies, auto domid, console, weight. */
static void test_defaults(void **state)
{
    (void)state;
    struct result r;
    run_ok("/dts-v1/; / { chosen { hypervisor { compatible = \"hypervisor,xen\";"
           " a { compatible = \"xen,domain\"; memory = <0 0x10000>;"
           "   kernel { compatible = \"multiboot,kernel\"; reg = <0 0x1000000 0x1000>; }; };"
           " b { compatible = \"xen,domain\"; domid = <1>; memory = <0 0x10000>; cpus = <4>;"
           "   tessera,sched-weight = <768>; tessera,sched-cap = <400>;"
           "   tessera,unmapped-access = \"crash\"; tessera,ram-clear = \"before-start\";"
           "   kernel { compatible = \"multiboot,kernel\"; reg = <0 0x2000000 0x1000>; bootargs "
           "= \"x y\"; };"
           "   ramdisk { compatible = \"multiboot,ramdisk\"; reg = <0 0x3000000 0x2000>; }; };"
           "}; }; };",
           NULL, &r);
    const struct hl_plan *p = r.plan;
    assert_int_equal(p->nr_domains, 2);
    const struct hl_domain *a = &p->domains[0], *b = &p->domains[1];
    assert_string_equal(a->name, "a");
    assert_true(a->domid_auto);
    assert_int_equal(a->domid, 2); /* 1 is taken by b */
    assert_int_equal(a->type, HL_DOMAIN_PVH);
    assert_int_equal(a->vcpus, 1);
    assert_int_equal(a->memory_kib, 0x10000);
    assert_int_equal(a->mem_min_kib, 0x10000);
    assert_int_equal(a->mem_max_kib, 0x10000);
    assert_int_equal(a->p2m_pool_kib, 1024 + 4 * 64 + 512);
    assert_int_equal(b->p2m_pool_kib, 4 * 1024 + 4 * 64 + 512);
    assert_int_equal(a->on_poweroff, HL_ACTION_DESTROY);
    assert_int_equal(a->on_reboot, HL_ACTION_RESTART);
    assert_int_equal(a->on_crash, HL_ACTION_DESTROY);
    assert_int_equal(a->pool, 0);
    assert_int_equal(a->sched_weight, 256);
    assert_int_equal(a->sched_cap, 0);
    assert_int_equal(b->sched_weight, 768);
    assert_int_equal(b->sched_cap, 400);
    assert_false(a->unmapped_crash);
    assert_true(b->unmapped_crash);
    assert_false(a->ram_clear_before_start); /* a PVH domain's RAM is cleared lazily */
    assert_true(b->ram_clear_before_start);
    assert_true(p->pools[0].implicit);
    assert_int_equal(a->ramdisk, HL_NONE);
    assert_int_equal(p->modules[b->ramdisk].size, 0x2000);
    assert_int_equal(p->modules[b->kernel].base, 0x2000000);
    assert_string_equal(b->bootargs, "x y");
    assert_int_equal(p->console_input, 0);
    assert_int_equal(p->start_order[0], 0);
    assert_int_equal(p->start_order[1], 1);
    result_free(&r);
}

/* Start order follows dependencies, then tree order. */
static void test_start_order(void **state)
{
    (void)state;
    struct result r;
    run_ok("/dts-v1/; / { chosen { hypervisor { compatible = \"hypervisor,xen\";"
           " a: a { compatible = \"xen,domain\"; memory = <0 0x4000>; tessera,after-started = <&c>;"
           "   kernel { compatible = \"multiboot,kernel\"; reg = <0 0x1000000 0x1000>; }; };"
           " b: b { compatible = \"xen,domain\"; memory = <0 0x4000>; tessera,after-started = "
           "<&a &c>;"
           "   kernel { compatible = \"multiboot,kernel\"; reg = <0 0x2000000 0x1000>; }; };"
           " c: c { compatible = \"xen,domain\"; memory = <0 0x4000>;"
           "   kernel { compatible = \"multiboot,kernel\"; reg = <0 0x3000000 0x1000>; }; };"
           "}; }; };",
           NULL, &r);
    const struct hl_plan *p = r.plan;
    assert_int_equal(p->start_order[0], 2);
    assert_int_equal(p->start_order[1], 0);
    assert_int_equal(p->start_order[2], 1);
    const struct hl_domain *b = &p->domains[1];
    assert_int_equal(b->dep_count, 2);
    assert_int_equal(p->deps[b->dep_first].domain, 0);
    assert_int_equal(p->deps[b->dep_first + 1].domain, 2);
    assert_int_equal(p->deps[p->domains[0].dep_first].kind, HL_DEP_STARTED);
    result_free(&r);
}

/* The partitioned example's links: pools, affinity, channel peers, shm owner. */
static void test_links(void **state)
{
    (void)state;
    struct result r;
    size_t size;
    FILE *f = fopen(CONFIGS_DIR "/partitioned.dts", "r");
    assert_non_null(f);
    static char dts[65536];
    size = fread(dts, 1, sizeof(dts) - 1, f);
    dts[size] = '\0';
    fclose(f);
    /* Modules are files there: give them a location in memory instead. */
    char *p;
    unsigned n = 0;
    while ((p = strstr(dts, "xen,uefi-binary = \"guests/hello.elf\";"))) {
        char repl[64];
        int len = snprintf(repl, sizeof(repl), "reg = <0x0 0x%x 0x5000>;", 0x1000000 * ++n);
        memset(p, ' ', strlen("xen,uefi-binary = \"guests/hello.elf\";"));
        memcpy(p, repl, (size_t)len);
    }
    struct run_opts o = { .machine = { .cpus = 4, .ram_bytes = 1ull << 30 } };
    run_ok(dts, &o, &r);
    const struct hl_plan *plan = r.plan;
    assert_int_equal(plan->nr_pools, 2);
    assert_string_equal(plan->pools[0].name, "general");
    assert_true(hl_cpumask_test(&plan->pools[0].cpus, 0));
    assert_true(hl_cpumask_test(&plan->pools[1].cpus, 3));
    assert_int_equal(plan->domains[0].pool, 1);
    assert_int_equal(plan->domains[1].pool, 0);
    assert_int_equal(plan->nr_affinities, 2);
    assert_int_equal(plan->nr_evtchns, 2);
    assert_int_equal(plan->evtchns[0].peer, 1);
    assert_int_equal(plan->evtchns[1].peer, 0);
    assert_int_equal(plan->evtchns[1].port, 20);
    assert_int_equal(plan->nr_shm_regions, 1);
    assert_int_equal(plan->shm_regions[0].owner, 0);
    assert_int_equal(plan->shm_maps[1].guest_base, 0x90000000);
    assert_false(plan->shm_maps[0].read_only);
    assert_true(plan->shm_maps[1].read_only);
    assert_int_equal(plan->domains[0].on_crash, HL_ACTION_HALT_MACHINE);
    assert_int_equal(plan->domains[0].p2m_pool_kib, 4096);
    result_free(&r);
}

/* Xen's Arm dom0less form: domains straight under /chosen, module-index. */
static void test_xen_form(void **state)
{
    (void)state;
    static const struct hl_boot_module mods[] = { { 0x100000, 0x200000 }, { 0x400000, 0x1000 } };
    struct run_opts o = { .boot_modules = mods, .nr_boot_modules = 2 };
    struct result r;
    run_ok("/dts-v1/; / { chosen { #address-cells = <1>; #size-cells = <1>;"
           " xen,xen-bootargs = \"console=dtuart\";"
           " domU1 { compatible = \"xen,domain\"; #address-cells = <1>; #size-cells = <1>;"
           "   memory = <0 0x20000>; cpus = <2>; capabilities = <1>; mode = <0>;"
           "   module@0 { compatible = \"multiboot,kernel\", \"multiboot,module\";"
           "     module-index = <0>; bootargs = \"console=hvc0\"; };"
           "   module@1 { compatible = \"multiboot,ramdisk\", \"multiboot,module\";"
           "     module-index = <1>; }; }; }; };",
           &o, &r);
    const struct hl_plan *p = r.plan;
    assert_int_equal(p->nr_domains, 1);
    assert_int_equal(p->domains[0].domid, 1);
    assert_int_equal(p->domains[0].capabilities, HL_CAP_CONTROL);
    assert_int_equal(p->modules[p->domains[0].kernel].size, 0x200000);
    assert_int_equal(p->modules[p->domains[0].ramdisk].base, 0x400000);
    result_free(&r);
}

/*
 * The x86 Hyperlaunch example of Xen's design documents: a PV control domain
 * with the old 64-bit mode bit, hypervisor-wide modules, module-index: read as
 * Xen reads it, then refused for its PV domain (PVH only, today).
 */
static void test_xen_hyperlaunch_x86(void **state)
{
    (void)state;
    static const struct hl_boot_module mods[] = {
        { 0x100000, 0x1000 },   { 0x200000, 0x1000 },   { 0x300000, 0x400000 },
        { 0x800000, 0x200000 }, { 0xc00000, 0x300000 },
    };
    struct run_opts o = { .boot_modules = mods, .nr_boot_modules = 5 };
    struct result r;
    run_dts("/dts-v1/; / { chosen { hypervisor {"
            " compatible = \"hypervisor,xen\", \"xen,x86\";"
            " config { compatible = \"xen,config\";"
            "   module@0 { compatible = \"module,microcode\", \"multiboot,module\"; module-index "
            "= <0>; };"
            "   module@1 { compatible = \"module,xsm-policy\", \"multiboot,module\"; "
            "module-index = <1>; }; };"
            " dom0 { compatible = \"xen,domain\"; domid = <0>; mode = <5>; capabilities = <7>;"
            "   memory = <0x0 0x20000>; cpus = <1>;"
            "   kernel { compatible = \"multiboot,kernel\", \"multiboot,module\"; module-index = "
            "<2>;"
            "     bootargs = \"console=hvc0\"; };"
            "   ramdisk { compatible = \"multiboot,ramdisk\", \"multiboot,module\"; module-index "
            "= <3>; }; };"
            " dom1 { compatible = \"xen,domain\"; domid = <1>; mode = <0>; memory = <0x0 "
            "0x80000>; cpus = <2>;"
            "   kernel { compatible = \"multiboot,kernel\", \"multiboot,module\"; module-index = "
            "<4>; }; };"
            "}; }; };",
            &o, &r);
    const struct hl_plan *p = r.plan;
    /* Read as Xen reads it: a PV dom0, accepted (PV domains run). */
    assert_int_equal(r.nr_diags, 1);
    assert_int_equal(r.codes[0], HL_W_MODE_LONG);
    assert_int_equal(p->nr_domains, 2);
    assert_int_equal(p->nr_modules, 5);
    assert_int_equal(p->modules[0].domain, HL_NONE);
    assert_int_equal(p->domains[0].type, HL_DOMAIN_PV);
    assert_true(p->domains[0].ram_clear_before_start); /* always, for PV */
    assert_int_equal(p->domains[0].domid, 0);
    assert_int_equal(p->domains[0].capabilities, HL_CAP_ALL);
    assert_int_equal(p->domains[1].type, HL_DOMAIN_PVH);
    assert_int_equal(p->modules[p->domains[1].kernel].base, 0xc00000);
    result_free(&r);
}

/* The exact one-line format, as the corpus and the hypervisor print it. */
static void test_diag_format(void **state)
{
    (void)state;
    struct result r;
    run_dts("/dts-v1/; / { chosen { hypervisor { compatible = \"hypervisor,xen\";"
            " domain@1 { compatible = \"xen,domain\"; domid = <1>; memory = <0 0x4000>;"
            "   kernel { compatible = \"multiboot,kernel\"; reg = <0 0x1000000 0x1000>; }; };"
            " domain@2 { compatible = \"xen,domain\"; domid = <1>; memory = <0 0x4000>;"
            "   kernel { compatible = \"multiboot,kernel\"; reg = <0 0x2000000 0x1000>; }; };"
            "}; }; };",
            NULL, &r);
    assert_int_equal(r.nr_diags, 1);
    assert_string_equal(r.lines[0], "error: /chosen/hypervisor/domain@2: property \"domid\": "
                                    "duplicate domid 1 (also used by /chosen/hypervisor/domain@1)");
    assert_string_equal(hl_diag_name(r.codes[0]), "domid-duplicate");
    /* A tiny buffer still gets a NUL-terminated prefix. */
    struct hl_diag d = { .severity = HL_ERROR, .code = HL_E_DEP_SELF, .path = "/x" };
    char small[8];
    assert_int_equal(hl_diag_format(&d, small, sizeof(small)), 7);
    assert_string_equal(small, "error: ");
    result_free(&r);
}

/* Builds a tree of n domains in code (sequential-write API). */
static void *build_domains(unsigned n, size_t *size)
{
    size_t cap = 256 + (size_t)n * 256;
    void *fdt = malloc(cap);
    assert_int_equal(fdt_create(fdt, (int)cap), 0);
    assert_int_equal(fdt_finish_reservemap(fdt), 0);
    assert_int_equal(fdt_begin_node(fdt, ""), 0);
    assert_int_equal(fdt_begin_node(fdt, "chosen"), 0);
    assert_int_equal(fdt_begin_node(fdt, "hypervisor"), 0);
    assert_int_equal(fdt_property_string(fdt, "compatible", "hypervisor,xen"), 0);
    for (unsigned i = 0; i < n; i++) {
        char name[32];
        snprintf(name, sizeof(name), "domain@%u", i + 1);
        assert_int_equal(fdt_begin_node(fdt, name), 0);
        assert_int_equal(fdt_property_string(fdt, "compatible", "xen,domain"), 0);
        assert_int_equal(fdt_property_u64(fdt, "memory", 1024), 0);
        assert_int_equal(fdt_begin_node(fdt, "kernel"), 0);
        assert_int_equal(fdt_property_string(fdt, "compatible", "multiboot,kernel"), 0);
        fdt32_t reg[3] = { 0, cpu_to_fdt32(0x100000 + i * 0x1000), cpu_to_fdt32(0x1000) };
        assert_int_equal(fdt_property(fdt, "reg", reg, sizeof(reg)), 0);
        assert_int_equal(fdt_end_node(fdt), 0);
        assert_int_equal(fdt_end_node(fdt), 0);
    }
    assert_int_equal(fdt_end_node(fdt), 0);
    assert_int_equal(fdt_end_node(fdt), 0);
    assert_int_equal(fdt_end_node(fdt), 0);
    assert_int_equal(fdt_finish(fdt), 0);
    *size = fdt_totalsize(fdt);
    return fdt;
}

static void test_domain_limit(void **state)
{
    (void)state;
    struct result r;
    size_t size;
    void *fdt = build_domains(HL_MAX_DOMAINS, &size);
    run_blob(fdt, size, NULL, &r);
    assert_int_equal(r.errors, 0);
    assert_int_equal(r.plan->nr_domains, HL_MAX_DOMAINS);
    assert_int_equal(r.plan->domains[HL_MAX_DOMAINS - 1].domid, HL_MAX_DOMAINS);
    result_free(&r);
    free(fdt);

    fdt = build_domains(HL_MAX_DOMAINS + 1, &size);
    run_blob(fdt, size, NULL, &r);
    assert_int_equal(r.errors, 1);
    assert_int_equal(r.codes[0], HL_E_TOO_MANY);
    assert_string_equal(r.lines[0], "error: /chosen/hypervisor/domain@1025: too many domains "
                                    "(at most 1024)");
    result_free(&r);
    free(fdt);
}

/* A kernel command line the domain builder takes (65535 characters) and one it would refuse. */
static void test_cmdline_limit(void **state)
{
    (void)state;
    size_t size;
    void *dtb = dts_compile("/dts-v1/; / { chosen { hypervisor { compatible = \"hypervisor,xen\";"
                            " d { compatible = \"xen,domain\"; memory = <0 0x4000>;"
                            "   kernel { compatible = \"multiboot,kernel\"; reg = <0 0x1000000 "
                            "0x1000>; }; }; }; }; };",
                            &size);
    size_t cap = size + HL_MAX_CMDLINE + 4096;
    void *fdt = malloc(cap);
    char *args = malloc(HL_MAX_CMDLINE + 2);
    assert_int_equal(fdt_open_into(dtb, fdt, (int)cap), 0);
    int kernel = fdt_path_offset(fdt, "/chosen/hypervisor/d/kernel");
    for (unsigned extra = 0; extra < 2; extra++) {
        memset(args, 'a', HL_MAX_CMDLINE + extra);
        args[HL_MAX_CMDLINE + extra] = '\0';
        assert_int_equal(fdt_setprop_string(fdt, kernel, "bootargs", args), 0);
        struct result r;
        run_blob(fdt, cap, NULL, &r);
        if (!extra) {
            assert_int_equal(r.errors, 0);
        } else {
            assert_int_equal(r.nr_diags, 1);
            assert_string_equal(r.lines[0],
                                "error: /chosen/hypervisor/d/kernel: property "
                                "\"bootargs\": expected at most 65535 characters, found 65536 "
                                "characters");
        }
        result_free(&r);
    }
    free(args);
    free(fdt);
    free(dtb);
}

/* Hostile blobs: truncated, corrupted, wrong size; never a crash, always an error. */
static void test_bad_blobs(void **state)
{
    (void)state;
    struct result r;
    size_t size;
    void *fdt = build_domains(3, &size);
    run_blob(fdt, size - 8, NULL, &r);
    assert_int_equal(r.codes[0], HL_E_BAD_BLOB);
    assert_false(r.plan->valid);
    result_free(&r);

    run_blob(fdt, 10, NULL, &r);
    assert_int_equal(r.codes[0], HL_E_BAD_BLOB);
    result_free(&r);

    unsigned char *bytes = fdt;
    for (size_t i = 0; i < size; i += 7) {
        unsigned char saved = bytes[i];
        bytes[i] ^= 0x5a;
        run_blob(fdt, size, NULL, &r);
        result_free(&r);
        bytes[i] = saved;
    }
    run_blob(NULL, 0, NULL, &r);
    assert_int_equal(r.codes[0], HL_E_BAD_BLOB);
    result_free(&r);

    /* Old format versions: refused before libfdt's full check (which
     * crashes on a version-12 root node in libfdt 1.6.1). */
    fdt_set_version(fdt, 12);
    fdt_set_last_comp_version(fdt, 2);
    run_blob(fdt, size, NULL, &r);
    assert_int_equal(r.nr_diags, 1);
    assert_string_equal(r.lines[0], "error: /: not a valid flattened device tree: "
                                    "format version 12 (16 or later expected)");
    result_free(&r);
    free(fdt);
}

/* Every problem is reported, not only the first. */
static void test_all_reported(void **state)
{
    (void)state;
    struct result r;
    run_dts("/dts-v1/; / { chosen { hypervisor { compatible = \"hypervisor,xen\";"
            " a { compatible = \"xen,domain\"; domid = <0x7ff4>; mode = <3>; memory = <1>; };"
            " b { compatible = \"xen,domain\"; memory = <0 0x4000>; cpus = <0>; bogus;"
            "   tessera,on-crash = \"explode\"; }; }; }; };",
            NULL, &r);
    assert_true(result_has(&r, HL_E_DOMID_RESERVED));
    assert_true(result_has(&r, HL_E_MODE_PV_DM));
    assert_true(result_has(&r, HL_E_BAD_TYPE));
    assert_true(result_has(&r, HL_E_NO_KERNEL));
    assert_true(result_has(&r, HL_E_UNKNOWN_PROPERTY));
    assert_true(result_has(&r, HL_E_BAD_VALUE));
    assert_int_equal(r.errors, 8);
    result_free(&r);
}

static void test_cpuid_table(void **state)
{
    (void)state;
    unsigned count;
    const struct hl_cpuid_feature *f = hl_cpuid_features(&count);
    assert_true(count > 0 && count <= 64);
    assert_string_equal(f[0].name, "virt-ssbd");
    assert_int_equal(f[0].leaf, 0x80000008);
    assert_int_equal(f[0].bit, 25);
    for (unsigned i = 0; i < count; i++)
        for (unsigned j = 0; j < i; j++)
            assert_true(strcmp(f[i].name, f[j].name) != 0 &&
                        (f[i].leaf != f[j].leaf || f[i].reg != f[j].reg || f[i].bit != f[j].bit));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_start_order),
        cmocka_unit_test(test_links),
        cmocka_unit_test(test_xen_form),
        cmocka_unit_test(test_xen_hyperlaunch_x86),
        cmocka_unit_test(test_diag_format),
        cmocka_unit_test(test_domain_limit),
        cmocka_unit_test(test_cmdline_limit),
        cmocka_unit_test(test_bad_blobs),
        cmocka_unit_test(test_all_reported),
        cmocka_unit_test(test_cpuid_table),
    };
    return cmocka_run_group_tests_name("hyperlaunch plan", tests, NULL, NULL);
}
