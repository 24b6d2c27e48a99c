// SPDX-License-Identifier: MIT
/*
 * Every node with xen,uefi-binary = "path" names a file on the loader's
 * volume. The file is loaded into TESSERA_MEM_MODULE pages and the node gets
 * reg = <address size>, in the cells of its parent. A reg the node already
 * had is overwritten: the file is what the loader actually placed. The
 * ranges are also listed for the boot information: the hypervisor takes
 * module bytes only from ranges the loader placed.
 */
#include <libfdt.h>
#include <string.h>

#include "cpu.h"
#include "loader.h"

#define NODE_PATH_MAX 256
#define MAX_CELLS     2

struct module_node {
    int offset;
    char node_path[NODE_PATH_MAX];
    char file_path[LOADER_PATH_MAX];
    uint32_t address_cells, size_cells;
};

static EFI_STATUS read_cells(struct loader *ld, const struct module_node *m, int parent,
                             const char *name, uint32_t fallback, uint32_t *cells)
{
    int len;
    const fdt32_t *p = fdt_getprop(ld->tree, parent, name, &len);

    if (!p) {
        *cells = fallback;
        return EFI_SUCCESS;
    }
    if (len != sizeof(*p)) {
        con_error("%s: %s: %s of the parent node is not one cell", ld->tree_path, m->node_path,
                  name);
        return EFI_LOAD_ERROR;
    }
    *cells = fdt32_to_cpu(*p);
    if (*cells == 0 || *cells > MAX_CELLS) {
        con_error("%s: %s: cannot write reg: the parent's %s is %u (the loader supports 1 or 2)",
                  ld->tree_path, m->node_path, name, *cells);
        return EFI_LOAD_ERROR;
    }
    return EFI_SUCCESS;
}

static EFI_STATUS describe_node(struct loader *ld, int offset, struct module_node *m)
{
    const char *value;
    int len, parent, err;
    EFI_STATUS s;

    m->offset = offset;
    err = fdt_get_path(ld->tree, offset, m->node_path, sizeof(m->node_path));
    if (err) {
        con_error("%s: node path: %s", ld->tree_path, fdt_strerror(err));
        return EFI_LOAD_ERROR;
    }
    value = fdt_getprop(ld->tree, offset, "xen,uefi-binary", &len);
    if (len <= 1 || value[len - 1] != '\0' || strlen(value) != (size_t)len - 1) {
        con_error("%s: %s: xen,uefi-binary is not a string", ld->tree_path, m->node_path);
        return EFI_LOAD_ERROR;
    }
    if (!path_normalise(value, m->file_path, sizeof(m->file_path))) {
        con_error("%s: %s: xen,uefi-binary \"%s\": bad module path "
                  "(expected a file on the loader's volume)",
                  ld->tree_path, m->node_path, value);
        return EFI_LOAD_ERROR;
    }
    parent = fdt_parent_offset(ld->tree, offset);
    if (parent < 0) {
        con_error("%s: xen,uefi-binary on the root node", ld->tree_path);
        return EFI_LOAD_ERROR;
    }
    s = read_cells(ld, m, parent, "#address-cells", 2, &m->address_cells);
    if (!EFI_ERROR(s))
        s = read_cells(ld, m, parent, "#size-cells", 1, &m->size_cells);
    return s;
}

static uint64_t cells_limit(uint32_t cells)
{
    return cells == 1 ? 0xFFFFFFFFull : ~0ull;
}

static EFI_STATUS set_reg(struct loader *ld, const struct module_node *m, uint64_t addr,
                          uint64_t size)
{
    fdt32_t reg[2 * MAX_CELLS];
    unsigned n = 0;
    int err;

    if (m->address_cells == 2)
        reg[n++] = cpu_to_fdt32((uint32_t)(addr >> 32));
    reg[n++] = cpu_to_fdt32((uint32_t)addr);
    if (m->size_cells == 2)
        reg[n++] = cpu_to_fdt32((uint32_t)(size >> 32));
    reg[n++] = cpu_to_fdt32((uint32_t)size);

    /* tree_load() left room for every module's reg. */
    err = fdt_setprop(ld->tree, m->offset, "reg", reg, (int)(n * sizeof(reg[0])));
    if (err) {
        con_error("%s: %s: cannot write reg: %s", ld->tree_path, m->node_path, fdt_strerror(err));
        return EFI_LOAD_ERROR;
    }
    return EFI_SUCCESS;
}

/*
 * Modules of 2 MiB or more start 2 MiB aligned, so that the hypervisor can
 * map the pages of one it gives a domain (a ramdisk, an ELF kernel's
 * segments, linked 2 MiB aligned as Linux's are) as 2 MiB leaves.
 */
#define MODULE_ALIGN (2ull << 20)

static EFI_STATUS load_module(struct loader *ld, int offset)
{
    struct module_node m;
    uint64_t addr, size, limit;
    EFI_STATUS s;

    s = describe_node(ld, offset, &m);
    if (EFI_ERROR(s))
        return s;
    limit = cells_limit(m.address_cells);
    s = file_load(ld, m.file_path, TESSERA_EFI_MEMTYPE(TESSERA_MEM_MODULE), HANDOVER_MAX_ADDR,
                  MODULE_ALIGN, m.node_path, &addr, &size);
    if (EFI_ERROR(s))
        return s;
    if (addr + size - 1 > limit || size > cells_limit(m.size_cells)) {
        con_error("%s: module at 0x%lx (%lu bytes) does not fit the parent's "
                  "#address-cells/#size-cells (referenced by %s)",
                  m.file_path, (unsigned long)addr, (unsigned long)size, m.node_path);
        return EFI_LOAD_ERROR;
    }
    s = set_reg(ld, &m, addr, size);
    if (EFI_ERROR(s))
        return s;
    if (ld->module_count == MAX_MODULES) { /* tree_load() refused more */
        con_error("%s: more than %u modules", ld->tree_path, MAX_MODULES);
        return EFI_LOAD_ERROR;
    }
    ld->modules[ld->module_count++] = (struct tessera_module){ addr, size, rdtsc() };
    con_info("module %s at 0x%lx (%lu bytes) for %s", m.file_path, (unsigned long)addr,
             (unsigned long)size, m.node_path);
    return EFI_SUCCESS;
}

unsigned modules_count(const void *fdt)
{
    unsigned n = 0;

    for (int offset = 0; offset >= 0; offset = fdt_next_node(fdt, offset, NULL))
        if (fdt_getprop(fdt, offset, "xen,uefi-binary", NULL))
            n++;
    return n;
}

EFI_STATUS modules_load(struct loader *ld)
{
    int offset = 0;

    ld->module_count = 0;
    /* Offsets of the node being changed and of those before it stay valid. */
    for (; offset >= 0; offset = fdt_next_node(ld->tree, offset, NULL)) {
        EFI_STATUS s;

        if (!fdt_getprop(ld->tree, offset, "xen,uefi-binary", NULL))
            continue;
        s = load_module(ld, offset);
        if (EFI_ERROR(s))
            return s;
    }
    if (offset != -FDT_ERR_NOTFOUND) {
        con_error("%s: walking the tree: %s", ld->tree_path, fdt_strerror(offset));
        return EFI_LOAD_ERROR;
    }
    return EFI_SUCCESS;
}
