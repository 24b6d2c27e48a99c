/* SPDX-License-Identifier: MIT */
/* tessera esp TREE -o DIR and tessera run TREE. */
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
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
    "then in the build tree this tool was built in (" TESSERA_BUILD_DIR ").\n"
    "Copy DIR's contents to a FAT-formatted partition to boot a real machine.\n"
    "\n"
    "options:\n"
    "  -o, --output DIR     where to assemble the ESP (required)\n"
    "  --loader FILE        the UEFI loader (default: " TESSERA_DEFAULT_LOADER ")\n"
    "  --hypervisor FILE    the hypervisor (default: " TESSERA_DEFAULT_HYPERVISOR ")\n"
    "  --module-path DIR    also look for module files in DIR (repeatable)\n"
    "  --cpus N, --mem SIZE validate against a machine with N CPUs and SIZE of RAM\n"
    "  -h, --help           this text\n"
    "\n"
    "exit status: 0 assembled, 1 invalid tree or a file missing, 2 usage error\n";

static const char run_usage[] =
    "usage: tessera run TREE [options] [-- extra QEMU arguments]\n"
    "\n"
    "Validates TREE, assembles its ESP in a temporary directory and boots it in\n"
    "QEMU through scripts/qemu-boot, with the serial console on this terminal\n"
    "(leave with Ctrl-A X). The exit status is QEMU's: 1 when the hypervisor\n"
    "ended with success, 3 failure, 5 panic, 124 timeout, 0 ACPI power-off.\n"
    "\n"
    "options:\n"
    "  --smp N              CPUs of the virtual machine (default 2); the tree is\n"
    "                       checked against them\n"
    "  --mem SIZE           its RAM, QEMU syntax (default 1G); the tree's memory\n"
    "                       totals are checked against it\n"
    "  --timeout SEC        stop QEMU after SEC seconds (exit status 124)\n"
    "  --log FILE           also copy the serial output to FILE\n"
    "  --loader FILE, --hypervisor FILE, --module-path DIR   as for tessera esp\n"
    "  -h, --help           this text\n";

enum { OPT_LOADER = 256, OPT_HV, OPT_TIMEOUT, OPT_LOG };

static int load_and_check(struct tree *t, const struct check_opts *o, struct hl_plan **plan)
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
        fprintf(stderr, "tessera: %s: %u error%s, refusing to assemble an ESP\n", t->path,
                errors, errors == 1 ? "" : "s");
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
    struct esp_opts e = { TESSERA_DEFAULT_LOADER, TESSERA_DEFAULT_HYPERVISOR };
    const char *out = NULL;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'h':
            fputs(esp_usage, stdout);
            return 0;
        case 'o': out = optarg; break;
        case OPT_LOADER: e.loader = optarg; break;
        case OPT_HV: e.hypervisor = optarg; break;
        case 'c': case 'm': case 'p':
            if (parse_common_option(opt, optarg, &t, &o))
                return 2;
            break;
        default:
            fputs(esp_usage, stderr);
            return 2;
        }
    }
    if (optind + 1 != argc || !out) {
        fputs(esp_usage, stderr);
        return 2;
    }
    t.path = argv[optind];
    struct hl_plan *plan;
    int status = load_and_check(&t, &o, &plan);
    if (status == 0 && esp_assemble(&t, plan, &e, out) != 0)
        status = 1;
    free(plan);
    tree_free(&t);
    return status;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st; (void)flag; (void)ftw;
    return remove(path);
}

int cmd_run(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "smp", required_argument, NULL, 'c' },
        { "mem", required_argument, NULL, 'm' },
        { "timeout", required_argument, NULL, OPT_TIMEOUT },
        { "log", required_argument, NULL, OPT_LOG },
        { "loader", required_argument, NULL, OPT_LOADER },
        { "hypervisor", required_argument, NULL, OPT_HV },
        { "module-path", required_argument, NULL, 'p' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct tree t = { 0 };
    struct check_opts o = { .machine = { .cpus = 2, .ram_bytes = 1ull << 30 } };
    struct esp_opts e = { TESSERA_DEFAULT_LOADER, TESSERA_DEFAULT_HYPERVISOR };
    const char *smp = "2", *mem = "1G", *timeout = NULL, *log = NULL;
    /* Everything after "--" goes to QEMU untouched. */
    int opts_end = argc;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--") == 0) {
            opts_end = i;
            break;
        }
    int opt;
    optind = 1;
    while ((opt = getopt_long(opts_end, argv, "h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'h':
            fputs(run_usage, stdout);
            return 0;
        case 'c': smp = optarg; break;
        case 'm': mem = optarg; break;
        case OPT_TIMEOUT: timeout = optarg; break;
        case OPT_LOG: log = optarg; break;
        case OPT_LOADER: e.loader = optarg; break;
        case OPT_HV: e.hypervisor = optarg; break;
        case 'p':
            break;
        default:
            fputs(run_usage, stderr);
            return 2;
        }
        if ((opt == 'c' || opt == 'm' || opt == 'p') &&
            parse_common_option(opt, optarg, &t, &o))
            return 2;
    }
    if (optind + 1 != opts_end) {
        fputs(run_usage, stderr);
        return 2;
    }
    t.path = argv[optind];
    int extra = opts_end + 1; /* first QEMU argument, if any */

    struct hl_plan *plan;
    int status = load_and_check(&t, &o, &plan);
    char dir[] = "/tmp/tessera-esp.XXXXXX";
    bool made = false;
    if (status == 0) {
        made = mkdtemp(dir) != NULL;
        if (!made) {
            perror("tessera: mkdtemp");
            status = 2;
        }
    }
    if (status == 0 && esp_assemble(&t, plan, &e, dir) != 0)
        status = 1;
    free(plan);
    tree_free(&t);
    if (status != 0) {
        if (made)
            nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
        return status;
    }

    /* scripts/qemu-boot ESP --smp N --mem SIZE [--timeout S] [--log F] [-- extra] */
    char *args[64 + 16];
    int n = 0;
    args[n++] = (char *)TESSERA_QEMU_BOOT;
    args[n++] = dir;
    args[n++] = "--smp";
    args[n++] = (char *)smp;
    args[n++] = "--mem";
    args[n++] = (char *)mem;
    if (timeout) {
        args[n++] = "--timeout";
        args[n++] = (char *)timeout;
    }
    if (log) {
        args[n++] = "--log";
        args[n++] = (char *)log;
    }
    if (extra < argc) {
        args[n++] = "--";
        for (; extra < argc && n < 64 + 15; extra++)
            args[n++] = argv[extra];
    }
    args[n] = NULL;
    fflush(NULL);
    /* Like system(): Ctrl-C and Ctrl-\ are QEMU's to handle; we clean up after it. */
    struct sigaction ignore = { .sa_handler = SIG_IGN }, old_int, old_quit;
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGINT, &ignore, &old_int);
    sigaction(SIGQUIT, &ignore, &old_quit);
    pid_t pid = fork();
    if (pid == 0) {
        sigaction(SIGINT, &old_int, NULL);
        sigaction(SIGQUIT, &old_quit, NULL);
        execv(args[0], args);
        fprintf(stderr, "tessera: %s: %s\n", args[0], strerror(errno));
        _exit(127);
    }
    int wstatus = 0;
    if (pid < 0 || waitpid(pid, &wstatus, 0) < 0) {
        perror("tessera: qemu-boot");
        status = 2;
    } else {
        status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
    }
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGQUIT, &old_quit, NULL);
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    return status;
}
