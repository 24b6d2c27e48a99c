/* SPDX-License-Identifier: MIT */
/*
 * Where the tool finds the loader, the hypervisor, the guests and qemu-boot:
 * in the build tree it was built in, or, installed (cmake --install, the
 * .deb), in PREFIX/lib/tessera beside PREFIX/bin/tessera. Installed is told
 * by the layout around the running executable, so an installation can be
 * moved (or staged in a DESTDIR) and still finds its own files.
 */
#define _GNU_SOURCE
#include <libgen.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tool.h"

static struct tool_paths paths;

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

const struct tool_paths *tool_paths(void)
{
    if (paths.loader[0])
        return &paths;
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    char lib[4096] = "";
    if (n > 0) {
        exe[n] = '\0';
        /* PREFIX/bin/tessera -> PREFIX/lib/tessera */
        char *bin = dirname(exe);
        char *prefix = dirname(bin);
        snprintf(lib, sizeof(lib), "%s/" TESSERA_INSTALL_LIBDIR, prefix);
        char probe[4200];
        snprintf(probe, sizeof(probe), "%s/qemu-boot", lib);
        if (!is_file(probe))
            lib[0] = '\0';
    }
    if (lib[0]) {
        paths.installed = true;
        snprintf(paths.loader, sizeof(paths.loader), "%s/BOOTX64.EFI", lib);
        snprintf(paths.hypervisor, sizeof(paths.hypervisor), "%s/tessera.elf", lib);
        snprintf(paths.qemu_boot, sizeof(paths.qemu_boot), "%s/qemu-boot", lib);
        snprintf(paths.modules, sizeof(paths.modules), "%s", lib);
    } else {
        snprintf(paths.loader, sizeof(paths.loader), "%s",
                 TESSERA_BUILD_DIR "/efi-loader/BOOTX64.EFI");
        snprintf(paths.hypervisor, sizeof(paths.hypervisor), "%s",
                 TESSERA_BUILD_DIR "/hv/tessera.elf");
        snprintf(paths.qemu_boot, sizeof(paths.qemu_boot), "%s", TESSERA_QEMU_BOOT);
        snprintf(paths.modules, sizeof(paths.modules), "%s", TESSERA_BUILD_DIR);
    }
    return &paths;
}

void print_paths(FILE *out)
{
    const struct tool_paths *p = tool_paths();
    fprintf(out,
            "%s files (defaults):\n  loader       %s\n  hypervisor   %s\n"
            "  modules in   %s\n  qemu-boot    %s\n",
            p->installed ? "installed" : "build tree", p->loader, p->hypervisor, p->modules,
            p->qemu_boot);
}
