/* SPDX-License-Identifier: MIT */
/* tessera check TREE: validate and print the boot plan. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "tool.h"

static const char check_usage[] =
    "usage: tessera check TREE [options]\n"
    "\n"
    "Validates the whole launch tree TREE (.dts, compiled with dtc, or .dtb) and\n"
    "prints its boot plan: domains, mode, memory, vCPUs, pool, modules and their\n"
    "sizes, event channels, shared memory, policies and the start order. Every\n"
    "problem is reported on stderr as one line:\n"
    "  FILE:LINE: error: NODE-PATH (DOMAIN): property \"NAME\": what was expected\n"
    "  and what was found; did you mean \"...\"?\n"
    "\n"
    "options:\n"
    "  --cpus N            the machine has N CPUs: check pools and affinity against it\n"
    "  --mem SIZE          the machine has SIZE of RAM for domains (e.g. 4G, 512M):\n"
    "                      check the domains' memory and P2M pools fit\n"
    "  --ram-map RANGES    the machine's RAM free for domains, BASE+SIZE[,...]\n"
    "                      (e.g. 0x100000+0x1ff00000): static shared memory must\n"
    "                      lie in it; --mem defaults to its total\n"
    "  --module-path DIR   also look for xen,uefi-binary files in DIR (repeatable,\n"
    "                      up to 16).\n"
    "                      Order: the tree's directory, each DIR, then the tool's\n"
    "                      own (the build tree, or PREFIX/lib/tessera installed:\n"
    "                      tessera --paths shows it)\n"
    "  --grub-module FILE  check TREE as the multiboot2 path boots it, FILE being\n"
    "                      the next GRUB module2 (repeatable: the first is module-\n"
    "                      index 1; module 0 is the tree). Without it module-index\n"
    "                      is refused, as the UEFI loader has no module list\n"
    "  --json              print the plan and the diagnostics as JSON on stdout\n"
    "                      (schema: docs/tool.md); diagnostics stay on stderr too\n"
    "  -q, --quiet         no plan, warnings or notes: only the errors and the\n"
    "                      exit status\n"
    "  -h, --help          this text\n"
    "\n"
    "Without --cpus or --mem, the checks that need the machine (CPUs named by\n"
    "pools and affinities, the memory total) are skipped, and a note says so.\n"
    "\n"
    "exit status: 0 valid, 1 invalid, 2 usage error or unreadable tree\n";

enum {
    OPT_JSON = 256,
    OPT_GRUB_MODULE
};

/* --grub-module FILE: the next multiboot2 module, by its size (module 0, the tree, first). */
static int add_grub_module(struct check_opts *o, const char *file)
{
    struct stat st;
    struct hl_boot_module *m;

    if (stat(file, &st) != 0 || !S_ISREG(st.st_mode)) {
        fprintf(stderr, "tessera check: --grub-module %s: not a readable file\n", file);
        return 2;
    }
    if (!o->boot_modules) {
        o->boot_modules = calloc(HL_MAX_MODULES + 1, sizeof(*o->boot_modules));
        o->nr_boot_modules = 1; /* the tree; its size is not checked */
    }
    if (!o->boot_modules || o->nr_boot_modules > HL_MAX_MODULES) {
        fprintf(stderr, "tessera check: --grub-module: at most %u\n", HL_MAX_MODULES);
        return 2;
    }
    m = &o->boot_modules[o->nr_boot_modules++];
    m->size = (uint64_t)st.st_size;
    return 0;
}

/* What was not checked for want of machine facts (not for -q or --json). */
static void note_skipped(const struct check_opts *o)
{
    if (!o->machine.cpus)
        fputs("tessera: note: no --cpus: CPUs named by pools and vCPU affinities were not "
              "checked against a machine\n",
              stderr);
    if (!o->machine.ram_bytes)
        fputs("tessera: note: no --mem: the domains' memory and P2M pools were not checked "
              "against a machine's RAM\n",
              stderr);
}

int take_tree_operand(const char *cmd, int first, int end, char **argv, struct tree *t,
                      const char *usage, const char *hint)
{
    if (first == end) {
        fprintf(stderr, "tessera %s: no TREE given\n%s", cmd, usage);
        return 2;
    }
    if (first + 1 != end) {
        fprintf(stderr, "tessera %s: one TREE expected, found \"%s\" too%s\n", cmd, argv[first + 1],
                hint);
        return 2;
    }
    t->path = argv[first];
    return 0;
}

/* BASE+SIZE[,BASE+SIZE...]; the total is the RAM unless --mem says otherwise. */
static int parse_ram_map(const char *arg, struct check_opts *o)
{
    const char *p = arg;
    uint64_t total = 0;
    o->nr_ram_ranges = 0;
    for (;;) {
        char *end;
        struct ram_range r;
        errno = 0;
        r.base = strtoull(p, &end, 0);
        if (errno || end == p || *end != '+' || o->nr_ram_ranges == TOOL_MAX_RAM_RANGES)
            break;
        p = end + 1;
        r.size = strtoull(p, &end, 0);
        if (errno || end == p || r.size == 0 || r.base + r.size < r.base)
            break;
        o->ram_map[o->nr_ram_ranges++] = r;
        total += r.size;
        if (*end == '\0') {
            if (!o->machine.ram_bytes)
                o->machine.ram_bytes = total;
            return 0;
        }
        if (*end != ',')
            break;
        p = end + 1;
    }
    fprintf(stderr,
            "tessera: --ram-map: expected BASE+SIZE[,BASE+SIZE...] (at most %d), found \"%s\"\n",
            TOOL_MAX_RAM_RANGES, arg);
    return 2;
}

int parse_common_option(int opt, const char *arg, struct tree *t, struct check_opts *o)
{
    switch (opt) {
    case 'c':
        if (parse_uint(arg, &o->machine.cpus) != 0 || o->machine.cpus == 0) {
            fprintf(stderr, "tessera: --cpus: expected a number of CPUs, found \"%s\"\n", arg);
            return 2;
        }
        return 0;
    case 'm':
        if (parse_size(arg, &o->machine.ram_bytes) != 0 || o->machine.ram_bytes == 0) {
            fprintf(stderr, "tessera: --mem: expected a size such as 4G, found \"%s\"\n", arg);
            return 2;
        }
        return 0;
    case 'r': return parse_ram_map(arg, o);
    case 'p':
        if (t->nr_module_paths == TOOL_MAX_MODULE_PATHS) {
            fprintf(stderr, "tessera: --module-path: at most %d\n", TOOL_MAX_MODULE_PATHS);
            return 2;
        }
        t->module_paths[t->nr_module_paths++] = arg;
        return 0;
    }
    return 2;
}

int cmd_check(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "cpus", required_argument, NULL, 'c' },
        { "mem", required_argument, NULL, 'm' },
        { "ram-map", required_argument, NULL, 'r' },
        { "module-path", required_argument, NULL, 'p' },
        { "quiet", no_argument, NULL, 'q' },
        { "json", no_argument, NULL, OPT_JSON },
        { "grub-module", required_argument, NULL, OPT_GRUB_MODULE },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct tree t = { 0 };
    struct check_opts o = { 0 };
    struct diag_list diags = { 0 };
    bool quiet = false, json = false;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
        switch (opt) {
        case 'h': fputs(check_usage, stdout); return 0;
        case 'q':
            quiet = true;
            o.quiet_warnings = true;
            break;
        case OPT_JSON:
            json = true;
            o.diags = &diags;
            break;
        case OPT_GRUB_MODULE:
            if (add_grub_module(&o, optarg))
                return 2;
            break;
        case 'c':
        case 'm':
        case 'r':
        case 'p':
            if (parse_common_option(opt, optarg, &t, &o))
                return 2;
            break;
        default: fputs("tessera check --help describes the options\n", stderr); return 2;
        }
    }
    if (take_tree_operand("check", optind, argc, argv, &t, check_usage, ""))
        return 2;
    if (tree_load(&t, argv[optind]) != 0)
        return 2;
    struct hl_plan *plan = malloc(sizeof(*plan));
    if (!plan) {
        perror("tessera");
        return 2;
    }
    unsigned errors = tree_validate(&t, &o, plan);
    int status = 0;
    if (errors) {
        fprintf(stderr, "tessera: %s: %u error%s, no domain would be started\n", t.path, errors,
                errors == 1 ? "" : "s");
        status = 1;
    } else if (!quiet && !json) {
        print_plan(stdout, plan, &t);
    }
    if (!quiet && !json)
        note_skipped(&o);
    if (json)
        print_json(stdout, plan, &t, &o, errors == 0);
    diag_list_free(&diags);
    free(o.boot_modules);
    free(plan);
    tree_free(&t);
    return status;
}
