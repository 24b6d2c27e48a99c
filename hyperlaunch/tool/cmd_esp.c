/* SPDX-License-Identifier: MIT */
/* tessera esp TREE -o DIR. */
#include <getopt.h>
#include <stdlib.h>
#include "tool.h"

static const char esp_usage[] =
    "usage: tessera esp TREE -o DIR [options]\n"
    "\n"
    "Validates TREE (refusing an invalid one) and assembles a bootable EFI system\n"
    "partition in DIR (created if needed; files already there are overwritten):\n"
    "  EFI/BOOT/BOOTX64.EFI   the loader\n"
    "  tessera/tessera.elf    the hypervisor\n"
    "  tessera/launch.dtb     the compiled tree\n"
    "  PATH                   each module, at the xen,uefi-binary PATH the tree names\n"
    "Modules are found relative to TREE's directory, then in each --module-path,\n"
    "then in the tool's own directory of guests (tessera --paths shows it).\n"
    "Copy DIR's contents to a FAT-formatted partition to boot a real machine.\n"
    "\n"
    "options:\n"
    "  -o, --output DIR     where to assemble the ESP (required)\n"
    "  --loader FILE        the UEFI loader (default: the tool's own, see\n"
    "                       tessera --paths)\n"
    "  --hypervisor FILE    the hypervisor (default: the tool's own)\n"
    "  --module-path DIR    also look for module files in DIR (repeatable, up to 16)\n"
    "  --cpus N, --mem SIZE validate against a machine with N CPUs and SIZE of RAM\n"
    "  -h, --help           this text\n"
    "\n"
    "exit status: 0 assembled, 1 invalid tree or a file missing, 2 usage error or\n"
    "unreadable tree\n";

enum {
    OPT_LOADER = 256,
    OPT_HV
};

int tree_load_checked(struct tree *t, const struct check_opts *o, struct hl_plan **plan,
                      const char *refusing)
{
    *plan = malloc(sizeof(**plan));
    if (!*plan) {
        perror("tessera");
        return 2;
    }
    if (tree_load(t, t->path) != 0)
        return 2;
    unsigned errors = tree_validate(t, o, *plan);
    if (errors) {
        fprintf(stderr, "tessera: %s: %u error%s, %s\n", t->path, errors, errors == 1 ? "" : "s",
                refusing);
        return 1;
    }
    return 0;
}

int cmd_esp(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "output", required_argument, NULL, 'o' },
        { "loader", required_argument, NULL, OPT_LOADER },
        { "hypervisor", required_argument, NULL, OPT_HV },
        { "module-path", required_argument, NULL, 'p' },
        { "cpus", required_argument, NULL, 'c' },
        { "mem", required_argument, NULL, 'm' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct tree t = { 0 };
    struct check_opts o = { 0 };
    struct esp_opts e = { tool_paths()->loader, tool_paths()->hypervisor };
    const char *out = NULL;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'h': fputs(esp_usage, stdout); return 0;
        case 'o': out = optarg; break;
        case OPT_LOADER: e.loader = optarg; break;
        case OPT_HV: e.hypervisor = optarg; break;
        case 'c':
        case 'm':
        case 'p':
            if (parse_common_option(opt, optarg, &t, &o))
                return 2;
            break;
        default: fputs("tessera esp --help describes the options\n", stderr); return 2;
        }
    }
    if (take_tree_operand("esp", optind, argc, argv, &t, esp_usage, ""))
        return 2;
    if (!out) {
        fputs("tessera esp: no output directory: -o DIR is required\n", stderr);
        return 2;
    }
    struct hl_plan *plan;
    int status = tree_load_checked(&t, &o, &plan, "refusing to assemble an ESP");
    if (status == 0 && esp_assemble(&t, plan, &e, out) != 0)
        status = 1;
    free(plan);
    tree_free(&t);
    return status;
}
