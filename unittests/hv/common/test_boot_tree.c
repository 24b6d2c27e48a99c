// SPDX-License-Identifier: MIT
/* The core's own launch-tree reads (hv/common/boot_tree.c), on trees built in code. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <libfdt.h>
#include <hv/boot_tree.h>

static char tree[8192];

static int node(int parent, const char *name, const char *compat, size_t compat_len)
{
    int n = fdt_add_subnode(tree, parent, name);

    assert_true(n >= 0);
    if (compat)
        assert_int_equal(fdt_setprop(tree, n, "compatible", compat, (int)compat_len), 0);
    return n;
}

#define COMPAT(s)     s, sizeof(s)
#define MODULE_COMPAT COMPAT("multiboot,kernel\0multiboot,module")

static int set_cells(int n, uint32_t ac, uint32_t sc)
{
    fdt_setprop_u32(tree, n, "#address-cells", ac);
    fdt_setprop_u32(tree, n, "#size-cells", sc);
    return n;
}

/*
 * /chosen/hypervisor {config, dom1 {kernel}, dom2 {kernel (1+1 cells)}},
 * /chosen/dom3 (a domain directly under /chosen), /elsewhere (not a domain).
 */
static void build_tree(const char *bootargs, int bootargs_len)
{
    assert_int_equal(fdt_create_empty_tree(tree, sizeof(tree)), 0);
    int chosen = node(0, "chosen", NULL, 0);
    int hv = node(chosen, "hypervisor", COMPAT("hypervisor,xen"));
    int config = node(hv, "config", COMPAT("xen,config"));

    if (bootargs)
        assert_int_equal(fdt_setprop(tree, config, "bootargs", bootargs, bootargs_len), 0);

    int dom1 = set_cells(node(hv, "dom1", COMPAT("xen,domain")), 2, 2);
    int k1 = node(dom1, "kernel", MODULE_COMPAT);
    fdt32_t reg1[4] = { cpu_to_fdt32(0x1), cpu_to_fdt32(0x2000), cpu_to_fdt32(0),
                        cpu_to_fdt32(5000) };

    assert_int_equal(fdt_setprop(tree, k1, "reg", reg1, sizeof(reg1)), 0);

    int dom2 = set_cells(node(hv, "dom2", COMPAT("xen,domain")), 1, 1);
    int k2 = node(dom2, "kernel", MODULE_COMPAT);
    fdt32_t reg2[2] = { cpu_to_fdt32(0x3000), cpu_to_fdt32(100) };

    assert_int_equal(fdt_setprop(tree, k2, "reg", reg2, sizeof(reg2)), 0);
    node(dom2, "ramdisk", COMPAT("multiboot,ramdisk\0multiboot,module")); /* no reg yet */

    node(chosen, "dom3", COMPAT("xen,domain"));
    node(0, "elsewhere", COMPAT("xen,domain"));
}

static void test_config_bootargs(void **state)
{
    (void)state;
    build_tree("console=com2 debug-exit", sizeof("console=com2 debug-exit"));
    assert_string_equal(boot_tree_config_bootargs(tree), "console=com2 debug-exit");

    build_tree("no terminator", 13); /* not a string: ignored */
    assert_null(boot_tree_config_bootargs(tree));

    build_tree(NULL, 0);
    assert_null(boot_tree_config_bootargs(tree));

    assert_int_equal(fdt_create_empty_tree(tree, sizeof(tree)), 0);
    assert_null(boot_tree_config_bootargs(tree)); /* no /chosen/hypervisor */
}

static void test_module_reg(void **state)
{
    uint64_t base, size;

    (void)state;
    build_tree(NULL, 0);
    assert_true(boot_tree_module_reg(tree, fdt_path_offset(tree, "/chosen/hypervisor/dom1/kernel"),
                                     &base, &size));
    assert_true(base == 0x100002000ull);
    assert_int_equal(size, 5000);
    assert_true(boot_tree_module_reg(tree, fdt_path_offset(tree, "/chosen/hypervisor/dom2/kernel"),
                                     &base, &size));
    assert_int_equal(base, 0x3000);
    assert_int_equal(size, 100);
    assert_false(boot_tree_module_reg(
        tree, fdt_path_offset(tree, "/chosen/hypervisor/dom2/ramdisk"), &base, &size));
}

static void test_module_reg_malformed(void **state)
{
    uint64_t base, size;
    int kernel;
    fdt32_t short_reg[3] = { 0, cpu_to_fdt32(0x2000), 0 };

    (void)state;
    build_tree(NULL, 0);
    kernel = fdt_path_offset(tree, "/chosen/hypervisor/dom1/kernel");
    assert_int_equal(fdt_setprop(tree, kernel, "reg", short_reg, sizeof(short_reg)), 0);
    assert_false(boot_tree_module_reg(tree, kernel, &base, &size)); /* 3 cells, needs 4 */

    set_cells(fdt_path_offset(tree, "/chosen/hypervisor/dom1"), 3, 1); /* cells beyond 64 bits */
    kernel = fdt_path_offset(tree, "/chosen/hypervisor/dom1/kernel");
    assert_false(boot_tree_module_reg(tree, kernel, &base, &size));
}

static void test_counts(void **state)
{
    (void)state;
    build_tree(NULL, 0);
    assert_int_equal(boot_tree_count_in_chosen(tree, BOOT_TREE_DOMAIN_COMPAT), 3);
    assert_int_equal(boot_tree_count_in_chosen(tree, BOOT_TREE_MODULE_COMPAT), 3);
    assert_int_equal(boot_tree_count_in_chosen(tree, "xen,cpupool"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_bootargs),
        cmocka_unit_test(test_module_reg),
        cmocka_unit_test(test_module_reg_malformed),
        cmocka_unit_test(test_counts),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
