/* SPDX-License-Identifier: MIT */
/* The `tessera` host tool: shared pieces of its subcommands. */
#ifndef TESSERA_TOOL_H
#define TESSERA_TOOL_H

#include <stddef.h>
#include <stdio.h>
#include <hyperlaunch/hyperlaunch.h>

#define TOOL_MAX_MODULE_PATHS 16

/* srcmap.c: the .dts file and line of each node and property (dtc's annotations). */
struct srcpos;
struct srcmap {
    struct srcpos *v;
    size_t n, cap;
};
int srcmap_build(struct srcmap *m, const char *dts);
void srcmap_free(struct srcmap *m);
/* The property's position, else its node's; false if neither is known. */
bool srcmap_find(const struct srcmap *m, const char *path, const char *prop, const char **file,
                 unsigned *line);

/* A tree loaded from a .dts (through dtc) or a .dtb, with its search paths. */
struct tree {
    const char *path; /* as given */
    char dir[4096];   /* its directory: modules are resolved from here first */
    void *blob;
    size_t size;
    const char *module_paths[TOOL_MAX_MODULE_PATHS];
    unsigned nr_module_paths;
    struct srcmap map; /* empty for a .dtb */
};

/* Diagnostics kept for check --json, with their source positions. */
struct diag_record {
    struct hl_diag diag;
    char code[32];   /* hl_diag_name(diag.code), or the domain builder's code for an image */
    char file[1024]; /* "" if unknown */
    unsigned line;   /* 0 if unknown */
    char text[HL_DIAG_LINE_MAX];
};
struct diag_list {
    struct diag_record *v;
    size_t n, cap;
};

/* Options every subcommand that validates shares. */
/* --ram-map: the machine's free RAM as ranges. */
#define TOOL_MAX_RAM_RANGES 64
struct ram_range {
    uint64_t base, size;
};

struct check_opts {
    struct hl_machine machine;
    struct ram_range ram_map[TOOL_MAX_RAM_RANGES];
    unsigned nr_ram_ranges; /* 0: no --ram-map, shared memory not checked against one */
    bool quiet_warnings;
    struct diag_list *diags; /* also keep each diagnostic here, if not NULL */
    /*
     * check --grub-module: the multiboot2 module list module-index counts in
     * (0 = the tree itself); none: module-index is refused, as on UEFI.
     */
    struct hl_boot_module *boot_modules;
    uint32_t nr_boot_modules;
};

/* paths.c: the loader, hypervisor, modules and qemu-boot this tool uses by default. */
struct tool_paths {
    bool installed; /* PREFIX/lib/tessera, else the build tree */
    char loader[4200], hypervisor[4200], qemu_boot[4200], modules[4200];
};
const struct tool_paths *tool_paths(void);
void print_paths(FILE *out);

/* load.c */
int tree_load(struct tree *t, const char *path);
void tree_free(struct tree *t);
/* Full host path of a module file; 0 on success. */
int tree_find_module(const struct tree *t, const char *name, char *out, size_t size);
/* Validates; prints every diagnostic to stderr. Returns the error count. */
unsigned tree_validate(struct tree *t, const struct check_opts *opts, struct hl_plan *plan);
/* check_images.c: the domains' kernel and ramdisk files as the hypervisor checks them; errors. */
unsigned check_images(const struct tree *t, const struct hl_plan *plan,
                      const struct check_opts *opts);
int parse_size(const char *s, uint64_t *bytes);
int parse_uint(const char *s, uint32_t *out);
/* --cpus (c), --mem (m), --ram-map (r), --module-path (p): 0, or 2 on a bad value. */
int parse_common_option(int opt, const char *arg, struct tree *t, struct check_opts *o);
/*
 * The one TREE operand of `tessera CMD` in argv[first, end): sets t->path, or
 * says what is wrong (usage and hint, which may be "", after it) and returns 2.
 */
int take_tree_operand(const char *cmd, int first, int end, char **argv, struct tree *t,
                      const char *usage, const char *hint);

/* print_plan.c */
void print_plan(FILE *out, const struct hl_plan *plan, const struct tree *t);
/* print_json.c */
int diag_list_add(struct diag_list *l, const struct hl_diag *d, const char *file, unsigned line);
int diag_list_add_record(struct diag_list *l, const struct diag_record *r);
void diag_list_free(struct diag_list *l);
void print_json(FILE *out, const struct hl_plan *plan, const struct tree *t,
                const struct check_opts *o, bool valid);

/* Subcommands. */
int cmd_check(int argc, char **argv);
int cmd_esp(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_image(int argc, char **argv);
int cmd_timeline(int argc, char **argv);
/* esp.c: assembles an ESP into dir from a validated tree. */
struct esp_opts {
    const char *loader;
    const char *hypervisor;
};
int esp_assemble(struct tree *t, const struct hl_plan *plan, const struct esp_opts *o,
                 const char *dir);
/* esp.c: mkdir -p of path's directory part; 0 or -1 after saying why. */
int make_parents(const char *path);
/* esp.c: a file written or copied (parent directories made); 0 or -1 after saying why. */
int write_file(const char *path, const void *data, size_t len);
int copy_file(const char *from, const char *to, const char *what);
/*
 * cmd_image.c: runs argv (package: where it comes from, for the error); 0 or -1.
 * stderr_log (or NULL): where its stderr goes, shown only if it fails.
 */
int run_tool(char *const argv[], const char *package, const char *stderr_log);
/* grub_image.c: a GRUB-bootable ISO of a validated tree (docs/tool.md); 0 or -1. */
int grub_image(struct tree *t, const struct hl_plan *plan, const char *hypervisor, const char *out);
/* cmd_esp.c: loads t->path and validates it; 0, 1 invalid (saying `refusing`), 2. */
int tree_load_checked(struct tree *t, const struct check_opts *o, struct hl_plan **plan,
                      const char *refusing);

/* serial.c: how `tessera run` ended (its exit status; docs/tool.md). */
enum run_status {
    RUN_CLEAN = 0,   /* every domain ended cleanly */
    RUN_REFUSED = 1, /* the tree was refused, by the tool or at boot */
    RUN_USAGE = 2,   /* usage error, unreadable tree or file */
    RUN_FAILED = 3,  /* the hypervisor's failure status */
    RUN_PANIC = 4,
    RUN_TIMEOUT = 5,
    RUN_NO_STATUS = 6, /* QEMU ended without a status: escape key, killed, ... */
};

/* The serial stream, line by line: what it says, and --log-dir's files. */
struct serial_watch {
    const struct hl_plan *plan;
    const char *log_dir; /* NULL: no per-domain logs */
    FILE *hv_log;        /* everything that is not a domain's line */
    FILE *domain_logs[HL_MAX_DOMAINS];
    bool failed[HL_MAX_DOMAINS];
    bool received; /* any byte at all: QEMU ran the machine */
    bool refused, panic, quit;
    char line[1024];
    size_t len;
};
int serial_watch_init(struct serial_watch *w, const struct hl_plan *plan, const char *log_dir);
void serial_watch_feed(struct serial_watch *w, const char *data, size_t n);
void serial_watch_end(struct serial_watch *w);
enum run_status run_status(const struct serial_watch *w, int qemu_status, bool timed_out);
const char *run_status_text(enum run_status s);

#endif
