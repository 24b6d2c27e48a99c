/* SPDX-License-Identifier: MIT */
/* tessera run TREE: boot a tree in QEMU and say, in the exit status, how it ended. */
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <libfdt.h>
#include "tool.h"

static const char run_usage[] =
    "usage: tessera run TREE [options] [-- extra QEMU arguments]\n"
    "\n"
    "Validates TREE, assembles its ESP in a temporary directory and boots it in\n"
    "QEMU through qemu-boot (tessera --paths shows which), with the serial\n"
    "console on this terminal.\n"
    "Leave QEMU with Ctrl-] then x (Ctrl-A stays the guests': pressed three times\n"
    "it passes serial input to the next domain). The hypervisor is given\n"
    "\"debug-exit\" so that it ends QEMU with its status.\n"
    "\n"
    "options:\n"
    "  --smp N              CPUs of the virtual machine (default 2); the tree is\n"
    "                       checked against them\n"
    "  --mem SIZE           its RAM, QEMU syntax (default 1G; a number alone is\n"
    "                       MiB); the tree's memory totals are checked against it\n"
    "  --timeout SEC        stop QEMU after SEC seconds (exit status 5)\n"
    "  --log FILE           also copy the serial output to FILE\n"
    "  --log-dir DIR        write DIR/guest-NAME.log for each domain (its console\n"
    "                       lines) and DIR/hypervisor.log (every other line)\n"
    "  --loader FILE, --hypervisor FILE, --module-path DIR   as for tessera esp\n"
    "  -h, --help           this text\n"
    "\n"
    "exit status:\n"
    "  0  every domain ended cleanly\n"
    "  1  the tree was refused (by this tool, or by the hypervisor at boot)\n"
    "  2  usage error, unreadable tree or file, QEMU could not be started\n"
    "  3  the hypervisor's failure status: a domain ended uncleanly or halted\n"
    "     the machine, or the domains could not be built\n"
    "  4  the hypervisor panicked\n"
    "  5  timeout (--timeout)\n"
    "  6  QEMU ended without a status from the hypervisor (Ctrl-] x, killed,\n"
    "     or stopped before the hypervisor ran)\n";

enum {
    OPT_LOADER = 256,
    OPT_HV,
    OPT_TIMEOUT,
    OPT_LOG,
    OPT_LOG_DIR
};

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* The xen,config child of /chosen/hypervisor, created (with its parent) if absent. */
static int config_node(void *fdt)
{
    int chosen = fdt_path_offset(fdt, "/chosen");
    if (chosen < 0)
        chosen = fdt_add_subnode(fdt, 0, "chosen");
    if (chosen < 0)
        return chosen;
    int hv = fdt_subnode_offset(fdt, chosen, "hypervisor");
    if (hv < 0) {
        hv = fdt_add_subnode(fdt, chosen, "hypervisor");
        if (hv < 0 || fdt_setprop_string(fdt, hv, "compatible", "hypervisor,xen") != 0)
            return hv < 0 ? hv : -FDT_ERR_NOSPACE;
    }
    int child;
    fdt_for_each_subnode (child, fdt, hv)
        if (fdt_node_check_compatible(fdt, child, "xen,config") == 0)
            return child;
    int config = fdt_add_subnode(fdt, hv, "config");
    if (config < 0 || fdt_setprop_string(fdt, config, "compatible", "xen,config") != 0)
        return config < 0 ? config : -FDT_ERR_NOSPACE;
    return config;
}

/*
 * Appends "debug-exit" to the hypervisor's bootargs in the tree put on the ESP
 * (unless the tree has it): the hypervisor then ends QEMU with its status.
 * t->blob becomes the new tree; the plan still points into *validated.
 */
static int add_debug_exit(struct tree *t, void **validated)
{
    int size = (int)t->size + 1024;
    void *fdt = malloc((size_t)size);
    int err = fdt ? fdt_open_into(t->blob, fdt, size) : -FDT_ERR_NOSPACE;
    int config = err ? err : config_node(fdt);
    if (config >= 0) {
        int len;
        const char *old = fdt_getprop(fdt, config, "bootargs", &len);
        char args[2048];
        bool has = false;
        if (old && len > 0 && old[len - 1] == '\0') {
            snprintf(args, sizeof(args), " %s ", old);
            has = strstr(args, " debug-exit ") || strstr(args, " debug-exit=");
            snprintf(args, sizeof(args), "%s debug-exit", old);
        } else {
            snprintf(args, sizeof(args), "debug-exit");
        }
        err = has ? 0 : fdt_setprop_string(fdt, config, "bootargs", args);
    } else {
        err = config;
    }
    if (err == 0)
        err = fdt_pack(fdt);
    if (err != 0) {
        fprintf(stderr, "tessera: %s: cannot add debug-exit to the hypervisor's bootargs: %s\n",
                t->path, fdt_strerror(err));
        free(fdt);
        return -1;
    }
    *validated = t->blob;
    t->blob = fdt;
    t->size = fdt_totalsize(fdt);
    return 0;
}

/* QEMU arguments after "--"; qemu-boot's own take at most 9 more. */
#define MAX_QEMU_ARGS 64

struct run_opts {
    const char *smp, *mem, *timeout, *log, *log_dir;
    char **qemu_args; /* after "--", NULL-terminated */
};

/* Copies the serial output to stdout, --log and the watcher until QEMU ends. */
static void pass_output(int fd, FILE *log, struct serial_watch *w)
{
    char buf[4096];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        fwrite(buf, 1, (size_t)n, stdout);
        fflush(stdout);
        if (log) {
            fwrite(buf, 1, (size_t)n, log);
            fflush(log);
        }
        serial_watch_feed(w, buf, (size_t)n);
    }
}

/* scripts/qemu-boot ESP --smp N --mem SIZE [--timeout S] [-- extra]: QEMU's status. */
static int boot(const char *esp, const struct run_opts *r, struct serial_watch *w, FILE *log)
{
    char *args[MAX_QEMU_ARGS + 16];
    int n = 0;
    args[n++] = (char *)tool_paths()->qemu_boot;
    args[n++] = (char *)esp;
    args[n++] = "--smp";
    args[n++] = (char *)r->smp;
    args[n++] = "--mem";
    args[n++] = (char *)r->mem;
    if (r->timeout) {
        args[n++] = "--timeout";
        args[n++] = (char *)r->timeout;
    }
    if (r->qemu_args && *r->qemu_args) {
        args[n++] = "--";
        for (char **a = r->qemu_args; *a; a++)
            args[n++] = *a;
    }
    args[n] = NULL;

    int pipefd[2];
    if (pipe(pipefd) != 0) {
        perror("tessera: pipe");
        return -1;
    }
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
        dup2(pipefd[1], STDOUT_FILENO);
        close(pipefd[0]);
        close(pipefd[1]);
        execv(args[0], args);
        fprintf(stderr, "tessera: %s: %s\n", args[0], strerror(errno));
        _exit(127);
    }
    close(pipefd[1]);
    if (pid > 0)
        pass_output(pipefd[0], log, w);
    close(pipefd[0]);
    int wstatus = 0, status = -1;
    if (pid < 0 || waitpid(pid, &wstatus, 0) < 0)
        perror("tessera: qemu-boot");
    else
        status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGQUIT, &old_quit, NULL);
    return status;
}

/* --mem in QEMU's syntax, where a number without a unit is MiB, not bytes. */
static int parse_qemu_mem(const char *arg, struct check_opts *o)
{
    char with_unit[64];
    const char *size = arg;
    char *end;
    strtoull(arg, &end, 0);
    if (end != arg && *end == '\0' && strlen(arg) + 2 <= sizeof(with_unit)) {
        snprintf(with_unit, sizeof(with_unit), "%sM", arg);
        size = with_unit;
    }
    if (parse_size(size, &o->machine.ram_bytes) != 0 || o->machine.ram_bytes == 0) {
        fprintf(stderr, "tessera: --mem: expected a size such as 1G or 2048 (MiB), found \"%s\"\n",
                arg);
        return 2;
    }
    return 0;
}

static int parse_run_options(int argc, char **argv, struct tree *t, struct check_opts *o,
                             struct esp_opts *e, struct run_opts *r)
{
    static const struct option longopts[] = {
        { "smp", required_argument, NULL, 'c' },
        { "mem", required_argument, NULL, 'm' },
        { "timeout", required_argument, NULL, OPT_TIMEOUT },
        { "log", required_argument, NULL, OPT_LOG },
        { "log-dir", required_argument, NULL, OPT_LOG_DIR },
        { "loader", required_argument, NULL, OPT_LOADER },
        { "hypervisor", required_argument, NULL, OPT_HV },
        { "module-path", required_argument, NULL, 'p' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    /* Everything after "--" goes to QEMU untouched. */
    int opts_end = argc;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--") == 0) {
            opts_end = i;
            break;
        }
    r->qemu_args = argv + (opts_end < argc ? opts_end + 1 : argc);
    if (argc - (opts_end + 1) > MAX_QEMU_ARGS) {
        fprintf(stderr, "tessera run: at most %d QEMU arguments after \"--\"\n", MAX_QEMU_ARGS);
        return 2;
    }
    int opt;
    optind = 1;
    while ((opt = getopt_long(opts_end, argv, "h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'h': fputs(run_usage, stdout); return 0;
        case 'c':
            /* The machine's CPUs, as check's --cpus, but named as the user typed it. */
            if (parse_uint(optarg, &o->machine.cpus) != 0 || o->machine.cpus == 0) {
                fprintf(stderr, "tessera: --smp: expected a number of CPUs, found \"%s\"\n",
                        optarg);
                return 2;
            }
            r->smp = optarg;
            break;
        case 'm': r->mem = optarg; break;
        case OPT_TIMEOUT: {
            uint32_t sec;
            if (parse_uint(optarg, &sec) != 0 || sec == 0) {
                fprintf(stderr,
                        "tessera: --timeout: expected a number of seconds, "
                        "found \"%s\"\n",
                        optarg);
                return 2;
            }
            r->timeout = optarg;
            break;
        }
        case OPT_LOG: r->log = optarg; break;
        case OPT_LOG_DIR: r->log_dir = optarg; break;
        case OPT_LOADER: e->loader = optarg; break;
        case OPT_HV: e->hypervisor = optarg; break;
        case 'p': break;
        default: fprintf(stderr, "tessera run --help describes the options\n"); return 2;
        }
        if (opt == 'p' && parse_common_option(opt, optarg, t, o))
            return 2;
        if (opt == 'm' && parse_qemu_mem(optarg, o))
            return 2;
    }
    if (take_tree_operand("run", optind, opts_end, argv, t, run_usage,
                          " (QEMU's arguments go after \"--\")"))
        return 2;
    return -1;
}

int cmd_run(int argc, char **argv)
{
    struct tree t = { 0 };
    struct check_opts o = { .machine = { .cpus = 2, .ram_bytes = 1ull << 30 } };
    struct esp_opts e = { tool_paths()->loader, tool_paths()->hypervisor };
    struct run_opts r = { .smp = "2", .mem = "1G" };
    int status = parse_run_options(argc, argv, &t, &o, &e, &r);
    if (status >= 0)
        return status;

    struct hl_plan *plan;
    status = tree_load_checked(&t, &o, &plan, "no domain would be started");
    void *validated = NULL;
    if (status == 0 && add_debug_exit(&t, &validated) != 0)
        status = RUN_USAGE;
    char dir[] = "/tmp/tessera-esp.XXXXXX";
    bool made = false;
    if (status == 0) {
        made = mkdtemp(dir) != NULL;
        if (!made) {
            perror("tessera: mkdtemp");
            status = RUN_USAGE;
        }
    }
    if (status == 0 && esp_assemble(&t, plan, &e, dir) != 0)
        status = RUN_USAGE;
    FILE *log = NULL;
    if (status == 0 && r.log && !(log = fopen(r.log, "w"))) {
        fprintf(stderr, "tessera: --log %s: %s\n", r.log, strerror(errno));
        status = RUN_USAGE;
    }
    static struct serial_watch w;
    if (status == 0 && serial_watch_init(&w, plan, r.log_dir) != 0)
        status = RUN_USAGE;
    if (status == 0) {
        int qemu = boot(dir, &r, &w, log);
        serial_watch_end(&w);
        /* timeout(1) exits 124, or 137 when it had to kill QEMU. */
        bool timed_out = r.timeout && (qemu == 124 || qemu == 137);
        status = qemu < 0 ? RUN_USAGE : (int)run_status(&w, qemu, timed_out);
        fprintf(stderr, "tessera: run: %s (exit status %d)\n",
                run_status_text((enum run_status)status), status);
    }
    if (log)
        fclose(log);
    free(plan);
    tree_free(&t);
    free(validated);
    if (made)
        nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    return status;
}
