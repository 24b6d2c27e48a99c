/* SPDX-License-Identifier: MIT */
/*
 * Assembling an ESP (layout in docs/tool.md):
 *   EFI/BOOT/BOOTX64.EFI   the loader
 *   tessera/tessera.elf    the hypervisor
 *   tessera/launch.dtb     the compiled tree
 *   <xen,uefi-binary>      every module, at the path the tree names
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tool.h"

/* mkdir -p of the directory part of path (below root). */
int make_parents(const char *path)
{
    char buf[8192];
    snprintf(buf, sizeof(buf), "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST) {
            fprintf(stderr, "tessera: mkdir %s: %s\n", buf, strerror(errno));
            return -1;
        }
        *p = '/';
    }
    return 0;
}

static int write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int write_file(const char *path, const void *data, size_t len)
{
    if (make_parents(path) != 0)
        return -1;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || write_all(fd, data, len) != 0 || close(fd) != 0) {
        fprintf(stderr, "tessera: %s: %s\n", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return 0;
}

int copy_file(const char *from, const char *to, const char *what)
{
    int in = open(from, O_RDONLY);
    if (in < 0) {
        fprintf(stderr, "tessera: %s %s: %s\n", what, from, strerror(errno));
        return -1;
    }
    if (make_parents(to) != 0) {
        close(in);
        return -1;
    }
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0) {
        fprintf(stderr, "tessera: %s: %s\n", to, strerror(errno));
        close(in);
        return -1;
    }
    char buf[65536];
    ssize_t n;
    int rc = 0;
    while ((n = read(in, buf, sizeof(buf))) > 0)
        if (write_all(out, buf, (size_t)n) != 0) {
            rc = -1;
            break;
        }
    if (n < 0 || close(out) != 0)
        rc = -1;
    close(in);
    if (rc)
        fprintf(stderr, "tessera: copying %s to %s: %s\n", from, to, strerror(errno));
    return rc;
}

int esp_assemble(struct tree *t, const struct hl_plan *plan, const struct esp_opts *o,
                 const char *dir)
{
    char dst[8192], src[8192];
    /* DIR and its parents are made as the first file is copied in. */
    snprintf(dst, sizeof(dst), "%s/EFI/BOOT/BOOTX64.EFI", dir);
    if (copy_file(o->loader, dst, "loader (build target efi_loader, or --loader FILE)") != 0)
        return -1;
    snprintf(dst, sizeof(dst), "%s/tessera/tessera.elf", dir);
    if (copy_file(o->hypervisor, dst,
                  "hypervisor (build target tessera_hv, or --hypervisor FILE)") != 0)
        return -1;
    snprintf(dst, sizeof(dst), "%s/tessera/launch.dtb", dir);
    if (write_file(dst, t->blob, t->size) != 0)
        return -1;
    for (uint32_t i = 0; i < plan->nr_modules; i++) {
        const struct hl_module *m = &plan->modules[i];
        /* The loader loads every xen,uefi-binary file, whatever reg the tree has. */
        if (!m->uefi_binary)
            continue;
        if (tree_find_module(t, m->uefi_binary, src, sizeof(src)) != 0) {
            fprintf(stderr, "tessera: module %s: not found\n", m->uefi_binary);
            return -1;
        }
        snprintf(dst, sizeof(dst), "%s/%s", dir, m->uefi_binary);
        if (copy_file(src, dst, "module") != 0)
            return -1;
    }
    return 0;
}
