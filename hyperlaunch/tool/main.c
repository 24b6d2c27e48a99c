/* SPDX-License-Identifier: MIT */
/* tessera: check, pack and boot launch-control device trees (docs/tool.md). */
#include <stdio.h>
#include <string.h>
#include "tool.h"

static const char usage[] =
    "usage: tessera COMMAND [options]\n"
    "\n"
    "Check, pack and boot a launch-control device tree (docs/launch-control.md).\n"
    "\n"
    "commands:\n"
    "  check TREE           validate TREE (.dts or .dtb) and print its boot plan\n"
    "  esp TREE -o DIR      assemble a bootable EFI system partition in DIR\n"
    "  image TREE -o IMAGE  write a disk image (GPT, FAT32 ESP) for a USB stick\n"
    "  run TREE             assemble an ESP in a temporary directory, boot it in QEMU\n"
    "  timeline LOG [-o SVG] draw the boot timeline of a serial log\n"
    "\n"
    "  tessera COMMAND --help   describes each command's options\n"
    "  tessera --version        prints the version\n"
    "  tessera --paths          prints where the loader, hypervisor, guests and\n"
    "                           qemu-boot are found (build tree or installation)\n";

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    if (strcmp(cmd, "--paths") == 0) {
        print_paths(stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("tessera %s\n", TESSERA_VERSION);
        return 0;
    }
    if (strcmp(cmd, "check") == 0)
        return cmd_check(argc - 1, argv + 1);
    if (strcmp(cmd, "esp") == 0)
        return cmd_esp(argc - 1, argv + 1);
    if (strcmp(cmd, "image") == 0)
        return cmd_image(argc - 1, argv + 1);
    if (strcmp(cmd, "timeline") == 0)
        return cmd_timeline(argc - 1, argv + 1);
    if (strcmp(cmd, "run") == 0)
        return cmd_run(argc - 1, argv + 1);
    fprintf(stderr,
            "tessera: unknown command \"%s\" (commands: check, esp, image, run, timeline; "
            "tessera --help describes them)\n",
            cmd);
    return 2;
}
