/* SPDX-License-Identifier: MIT */
/* Loading a tree (compiling .dts with dtc), locating modules, validating. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <libfdt.h>
#include "tool.h"

static void *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 65536, len = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (len < cap)
            break;
        char *bigger = cap < (256u << 20) ? realloc(buf, cap * 2) : NULL;
        if (!bigger) {
            free(buf);
            buf = NULL;
            errno = EFBIG;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    if (buf && ferror(f)) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *size = len;
    return buf;
}

/* Runs dtc on a .dts; the blob comes back through a temporary file. */
static void *compile_dts(const char *path, size_t *size)
{
    char out[] = "/tmp/tessera-dtb.XXXXXX";
    int fd = mkstemp(out);
    if (fd < 0) {
        perror("tessera: mkstemp");
        return NULL;
    }
    close(fd);
    pid_t pid = fork();
    if (pid == 0) {
        execlp("dtc", "dtc", "-q", "-I", "dts", "-O", "dtb", "-o", out, path, (char *)NULL);
        fprintf(stderr, "tessera: cannot run dtc: %s\n", strerror(errno));
        _exit(127);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "tessera: %s: dtc could not compile it\n", path);
        unlink(out);
        return NULL;
    }
    void *blob = read_file(out, size);
    unlink(out);
    return blob;
}

int tree_load(struct tree *t, const char *path)
{
    t->path = path;
    char copy[4096];
    snprintf(copy, sizeof(copy), "%s", path);
    snprintf(t->dir, sizeof(t->dir), "%s", dirname(copy));

    size_t size;
    void *data = read_file(path, &size);
    if (!data) {
        fprintf(stderr, "tessera: %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (size >= 4 && fdt_magic(data) == FDT_MAGIC) {
        t->blob = data;
        t->size = size;
        return 0;
    }
    free(data);
    t->blob = compile_dts(path, &t->size);
    /* Without positions, diagnostics still name the node and property. */
    if (t->blob && srcmap_build(&t->map, path) != 0)
        fprintf(stderr,
                "tessera: %s: dtc gave no source positions; "
                "diagnostics name nodes only\n",
                path);
    return t->blob ? 0 : -1;
}

void tree_free(struct tree *t)
{
    free(t->blob);
    t->blob = NULL;
    srcmap_free(&t->map);
}

int tree_find_module(const struct tree *t, const char *name, char *out, size_t size)
{
    struct stat st;
    snprintf(out, size, "%s/%s", t->dir, name);
    if (stat(out, &st) == 0 && S_ISREG(st.st_mode))
        return 0;
    for (unsigned i = 0; i < t->nr_module_paths; i++) {
        snprintf(out, size, "%s/%s", t->module_paths[i], name);
        if (stat(out, &st) == 0 && S_ISREG(st.st_mode))
            return 0;
    }
    /* Last, the tool's own: its build tree or its installation (guests/ in both). */
    snprintf(out, size, "%s/%s", tool_paths()->modules, name);
    if (stat(out, &st) == 0 && S_ISREG(st.st_mode))
        return 0;
    return -1;
}

/* What both hl_input callbacks see through their one ctx pointer. */
struct validate_ctx {
    const struct tree *tree;
    const struct check_opts *opts;
};

static int locate_file(void *ctx, const char *name, uint64_t *size)
{
    const struct validate_ctx *v = ctx;
    char path[8192];
    struct stat st;
    if (tree_find_module(v->tree, name, path, sizeof(path)) != 0 || stat(path, &st) != 0)
        return -1;
    *size = (uint64_t)st.st_size;
    return 0;
}

/* Inside one range of --ram-map. */
static bool ram_free(void *ctx, uint64_t base, uint64_t size)
{
    const struct check_opts *o = ((const struct validate_ctx *)ctx)->opts;
    for (unsigned i = 0; i < o->nr_ram_ranges; i++) {
        const struct ram_range *r = &o->ram_map[i];
        if (base >= r->base && size <= r->size && base - r->base <= r->size - size)
            return true;
    }
    return false;
}

static void print_diag(void *ctx, const struct hl_diag *d)
{
    const struct validate_ctx *v = ctx;
    if (d->severity == HL_WARNING && v->opts->quiet_warnings)
        return;
    char line[HL_DIAG_LINE_MAX];
    hl_diag_format(d, line, sizeof(line));
    /* FILE:LINE: as compilers print it; the hypervisor prints the rest alone. */
    const char *file = v->tree->path;
    unsigned ln = 0;
    if (srcmap_find(&v->tree->map, d->path, d->property, &file, &ln))
        fprintf(stderr, "%s:%u: %s\n", file, ln, line);
    else
        fprintf(stderr, "%s: %s\n", file, line);
    if (v->opts->diags && diag_list_add(v->opts->diags, d, file, ln) != 0)
        perror("tessera");
}

unsigned tree_validate(struct tree *t, const struct check_opts *opts, struct hl_plan *plan)
{
    struct validate_ctx v = { t, opts };
    struct hl_input in = {
        .fdt = t->blob,
        .fdt_size = t->size,
        .machine = opts->machine,
        .modules_by_file = true, /* both boot paths load the modules themselves */
        .ram_free = opts->nr_ram_ranges ? ram_free : NULL,
        .boot_modules = opts->boot_modules,
        .nr_boot_modules = opts->nr_boot_modules,
        .locate_file = locate_file,
        .report = print_diag,
        .ctx = &v,
    };
    unsigned errors = hl_build_plan(&in, plan);
    /* The images only once the tree is valid: then the modules are all found. */
    return errors ? errors : check_images(t, plan, opts);
}

/* "512M", "2G", "1048576", "64K": bytes. */
int parse_size(const char *s, uint64_t *bytes)
{
    char *end;
    if (s[strspn(s, " \t")] == '-')
        return -1; /* strtoull would wrap it */
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || end == s)
        return -1;
    unsigned shift = 0;
    switch (*end) {
    case 'K':
    case 'k':
        shift = 10;
        end++;
        break;
    case 'M':
    case 'm':
        shift = 20;
        end++;
        break;
    case 'G':
    case 'g':
        shift = 30;
        end++;
        break;
    case 'T':
    case 't':
        shift = 40;
        end++;
        break;
    }
    if (*end == 'i' && shift)
        end++;
    if (*end == 'B' && shift)
        end++;
    if (*end || (shift && v > (~0ull >> shift)))
        return -1;
    *bytes = v << shift;
    return 0;
}

int parse_uint(const char *s, uint32_t *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 0);
    if (errno || end == s || *end || v > 0xFFFFFFFFul)
        return -1;
    *out = (uint32_t)v;
    return 0;
}
