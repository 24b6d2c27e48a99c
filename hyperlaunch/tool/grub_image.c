/* SPDX-License-Identifier: MIT */
/*
 * tessera image --grub TREE -o ISO: a BIOS-bootable ISO (grub-mkrescue, with
 * grub-pc-bin, xorriso and mtools) that boots the hypervisor through the
 * multiboot2 path (docs/boot-protocol.md). The tree is rewritten in Xen's
 * convention: every module named by xen,uefi-binary gets module-index = <N>
 * instead, N counting grub.cfg's module2 lines from 0, where line 0 is the
 * tree itself. Layout of the ISO:
 *   boot/tessera.elf       the hypervisor
 *   boot/launch.dtb        the rewritten tree (module 0)
 *   boot/<xen,uefi-binary> every module file, once per path
 *   boot/grub/grub.cfg     multiboot2 and module2 lines, in index order
 */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libfdt.h>
#include "tool.h"

/* Each rewritten module: its node (for a grub.cfg comment) and file. */
struct indexed_module {
    char node[256];
    const char *file;
};

/* Room the rewrite needs beyond the tree: a module-index property per module. */
#define REWRITE_SLACK_PER_MODULE 64u

/*
 * The tree with module-index in place of xen,uefi-binary, in plan order from
 * index 1; the blob is malloc'd. Nodes are found again by path, since each
 * edit moves the offsets after it.
 */
static void *rewrite_tree(const struct tree *t, const struct hl_plan *plan,
                          struct indexed_module *mods, uint32_t *nr)
{
    size_t size = t->size + (size_t)plan->nr_modules * REWRITE_SLACK_PER_MODULE + 4096;
    void *blob = malloc(size);

    *nr = 0;
    if (!blob || fdt_open_into(t->blob, blob, (int)size) != 0) {
        fprintf(stderr, "tessera: image: cannot copy the tree for rewriting\n");
        free(blob);
        return NULL;
    }
    for (uint32_t i = 0; i < plan->nr_modules; i++) {
        const struct hl_module *m = &plan->modules[i];
        struct indexed_module *im = &mods[*nr];
        int node, err;

        if (m->source != HL_MODSRC_FILE)
            continue; /* reg modules stay as they are */
        if (fdt_get_path(t->blob, m->node, im->node, sizeof(im->node)) != 0 ||
            (node = fdt_path_offset(blob, im->node)) < 0) {
            fprintf(stderr, "tessera: image: module node at offset %d not found\n", (int)m->node);
            free(blob);
            return NULL;
        }
        im->file = m->uefi_binary;
        err = fdt_delprop(blob, node, "xen,uefi-binary");
        if (!err)
            err = fdt_setprop_u32(blob, node, "module-index", ++*nr);
        if (err) {
            fprintf(stderr, "tessera: image: %s: cannot write module-index: %s\n", im->node,
                    fdt_strerror(err));
            free(blob);
            return NULL;
        }
    }
    fdt_pack(blob);
    return blob;
}

static int write_grub_cfg(const char *dir, const struct tree *t, const struct indexed_module *mods,
                          uint32_t nr)
{
    char path[4200];
    FILE *f;

    snprintf(path, sizeof(path), "%s/boot/grub/grub.cfg", dir);
    if (write_file(path, "", 0) != 0 || !(f = fopen(path, "w"))) {
        fprintf(stderr, "tessera: image: %s: %s\n", path, strerror(errno));
        return -1;
    }
    fprintf(f,
            "# Written by tessera image --grub from %s.\n"
            "# The tree is module 0; module-index N in it is the Nth module2 line below.\n"
            "set timeout=0\n"
            "set default=0\n"
            "serial --unit=0 --speed=115200\n"
            "terminal_input serial console\n"
            "terminal_output serial console\n"
            "menuentry \"Tessera\" {\n"
            "    multiboot2 /boot/tessera.elf\n"
            "    module2 /boot/launch.dtb launch-tree\n",
            t->path);
    for (uint32_t i = 0; i < nr; i++)
        fprintf(f, "    # module-index %u: %s\n    module2 /boot/%s %s\n", i + 1, mods[i].node,
                mods[i].file, mods[i].file);
    fputs("}\n", f);
    if (fclose(f) != 0) {
        fprintf(stderr, "tessera: image: %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

static int fill_dir(const char *dir, const struct tree *t, const void *blob,
                    const struct indexed_module *mods, uint32_t nr, const char *hypervisor)
{
    char dst[8192], src[8192];

    snprintf(dst, sizeof(dst), "%s/boot/tessera.elf", dir);
    if (copy_file(hypervisor, dst, "hypervisor (build target tessera_hv, or --hypervisor FILE)"))
        return -1;
    snprintf(dst, sizeof(dst), "%s/boot/launch.dtb", dir);
    if (write_file(dst, blob, fdt_totalsize(blob)) != 0)
        return -1;
    for (uint32_t i = 0; i < nr; i++) {
        if (tree_find_module(t, mods[i].file, src, sizeof(src)) != 0) {
            fprintf(stderr, "tessera: module %s: not found\n", mods[i].file);
            return -1;
        }
        snprintf(dst, sizeof(dst), "%s/boot/%s", dir, mods[i].file);
        if (copy_file(src, dst, "module") != 0)
            return -1;
    }
    return write_grub_cfg(dir, t, mods, nr);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

int grub_image(struct tree *t, const struct hl_plan *plan, const char *hypervisor, const char *out)
{
    struct indexed_module *mods = calloc(plan->nr_modules + 1, sizeof(*mods));
    char dir[] = "/tmp/tessera-grub.XXXXXX";
    uint32_t nr = 0;
    void *blob = mods ? rewrite_tree(t, plan, mods, &nr) : NULL;
    int rc = -1;

    if (blob && mkdtemp(dir)) {
        char *mkrescue[] = { "grub-mkrescue", "-o", (char *)out, dir, NULL };
        char log[64];

        /* xorriso's progress report: kept out of sight unless it fails. */
        snprintf(log, sizeof(log), "%s.log", dir); /* beside the ISO's tree, not in it */
        if (fill_dir(dir, t, blob, mods, nr, hypervisor) == 0 &&
            run_tool(mkrescue, "grub-pc-bin, xorriso and mtools", log) == 0)
            rc = 0;
        unlink(log);
        nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    } else if (blob) {
        perror("tessera: mkdtemp");
    }
    free(blob);
    free(mods);
    return rc;
}
