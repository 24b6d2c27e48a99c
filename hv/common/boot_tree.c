// SPDX-License-Identifier: MIT
/* Launch-tree reads the core needs before hyperlaunch/ parses the tree (hv/boot_tree.h). */
#include <libfdt.h>
#include <hv/boot_tree.h>

const char *boot_tree_config_bootargs(const void *fdt)
{
    int hv = fdt_path_offset(fdt, "/chosen/hypervisor");
    int node;

    if (hv < 0)
        return NULL;
    fdt_for_each_subnode (node, fdt, hv) {
        int len;
        const char *args;

        if (fdt_node_check_compatible(fdt, node, BOOT_TREE_CONFIG_COMPAT) != 0)
            continue;
        args = fdt_getprop(fdt, node, "bootargs", &len);
        /* Only a NUL-terminated string within the property counts. */
        if (args && len > 0 && args[len - 1] == '\0')
            return args;
    }
    return NULL;
}

static uint64_t read_cells(const fdt32_t *cells, int n)
{
    uint64_t v = 0;

    for (int i = 0; i < n; i++)
        v = (v << 32) | fdt32_to_cpu(cells[i]);
    return v;
}

bool boot_tree_module_reg(const void *fdt, int node, uint64_t *base, uint64_t *size)
{
    int parent = fdt_parent_offset(fdt, node);
    int len;

    if (parent < 0)
        return false;
    int ac = fdt_address_cells(fdt, parent);
    int sc = fdt_size_cells(fdt, parent);
    const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);

    if (!reg || ac < 1 || ac > 2 || sc < 1 || sc > 2 || len < (ac + sc) * 4)
        return false;
    *base = read_cells(reg, ac);
    *size = read_cells(reg + ac, sc);
    return true;
}

unsigned int boot_tree_count_in_chosen(const void *fdt, const char *compat)
{
    int chosen = fdt_path_offset(fdt, "/chosen");
    unsigned int n = 0;

    if (chosen < 0)
        return 0;
    for (int node = fdt_node_offset_by_compatible(fdt, -1, compat); node >= 0;
         node = fdt_node_offset_by_compatible(fdt, node, compat)) {
        if (fdt_supernode_atdepth_offset(fdt, node, 1, NULL) == chosen)
            n++;
    }
    return n;
}
