/* SPDX-License-Identifier: MIT */
/*
 * Where each node and property of a .dts came from, so that diagnostics (which
 * name node paths) can point at FILE:LINE. dtc writes the positions itself
 * when asked for annotated source (dtc -O dts -T -T, dtc 1.6):
 *
 *     alpha: domain@1 { / * configs/default.dts:19:29-34:15 * /
 *         cpus = <0x01>; / * configs/default.dts:24:17-24:28 * /
 *     }; / * ... * /
 *
 * one node or property per line, so a line-by-line reading with a stack of
 * node names gives every path.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tool.h"

#define MAX_DEPTH 64

struct srcpos {
    char *path; /* node path */
    char *prop; /* property name, NULL for the node itself */
    char *file;
    unsigned line;
};

static int add(struct srcmap *m, const char *path, const char *prop, size_t prop_len,
               const char *file, size_t file_len, unsigned line)
{
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 256;
        struct srcpos *v = realloc(m->v, cap * sizeof(*v));
        if (!v)
            return -1;
        m->v = v;
        m->cap = cap;
    }
    struct srcpos *p = &m->v[m->n];
    p->path = strdup(path);
    p->prop = prop ? strndup(prop, prop_len) : NULL;
    p->file = strndup(file, file_len);
    p->line = line;
    if (!p->path || (prop && !p->prop) || !p->file) {
        free(p->path);
        free(p->prop);
        free(p->file);
        return -1;
    }
    m->n++;
    return 0;
}

/* "FILE:LINE:COL-LINE:COL[, more]": the first position's file and line. */
static bool parse_position(const char *ann, size_t len, size_t *file_len, unsigned *line)
{
    const char *more = memmem(ann, len, ", ", 2);
    if (more)
        len = (size_t)(more - ann);
    /* The file name may hold dashes; the line and column numbers do not. */
    const char *dash = memrchr(ann, '-', len);
    if (!dash)
        return false;
    /* FILE:LINE:COL before the dash: the last two colons end FILE. */
    const char *col = NULL, *ln = NULL;
    for (const char *p = dash; p > ann; p--)
        if (p[-1] == ':') {
            if (!col)
                col = p - 1;
            else {
                ln = p - 1;
                break;
            }
        }
    if (!ln || ln == ann)
        return false;
    char *end;
    unsigned long v = strtoul(ln + 1, &end, 10);
    if (end != col || v == 0)
        return false;
    *file_len = (size_t)(ln - ann);
    *line = (unsigned)v;
    return true;
}

/* One line of dtc's annotated output. */
static int read_line(struct srcmap *m, char *line, char *stack[], unsigned *depth)
{
    char *ann = strstr(line, " /* ");
    char *ann_end = ann ? strstr(ann, " */") : NULL;
    if (!ann || !ann_end)
        return 0;
    *ann = '\0';
    const char *pos = ann + 4;
    size_t pos_len = (size_t)(ann_end - pos), file_len = 0;
    unsigned ln = 0;
    bool have = parse_position(pos, pos_len, &file_len, &ln);
    char *s = line;
    while (*s == '\t' || *s == ' ')
        s++;
    size_t len = strlen(s);
    if (strcmp(s, "};") == 0) {
        if (*depth)
            free(stack[--*depth]);
        return 0;
    }
    if (len >= 2 && s[len - 1] == '{') {
        /* [label: ...] name { */
        s[len - 1] = '\0';
        while (len > 1 && s[len - 2] == ' ')
            s[--len - 1] = '\0';
        char *name = strrchr(s, ' ');
        name = name ? name + 1 : s;
        if (*depth == MAX_DEPTH)
            return -1;
        char path[4096];
        if (*depth == 0)
            snprintf(path, sizeof(path), "/");
        else
            snprintf(path, sizeof(path), "%s%s%s", stack[*depth - 1],
                     strcmp(stack[*depth - 1], "/") == 0 ? "" : "/", name);
        stack[*depth] = strdup(path);
        if (!stack[*depth])
            return -1;
        ++*depth;
        return have ? add(m, path, NULL, 0, pos, file_len, ln) : 0;
    }
    if (len && s[len - 1] == ';' && *depth && have) {
        size_t name_len = strcspn(s, " ;");
        return add(m, stack[*depth - 1], s, name_len, pos, file_len, ln);
    }
    return 0;
}

int srcmap_build(struct srcmap *m, const char *dts)
{
    memset(m, 0, sizeof(*m));
    int pipefd[2];
    if (pipe(pipefd) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(pipefd[1], STDOUT_FILENO);
        close(pipefd[0]);
        close(pipefd[1]);
        execlp("dtc", "dtc", "-q", "-I", "dts", "-O", "dts", "-T", "-T", dts, (char *)NULL);
        _exit(127);
    }
    close(pipefd[1]);
    FILE *in = pid > 0 ? fdopen(pipefd[0], "r") : NULL;
    if (!in)
        close(pipefd[0]);
    char *line = NULL, *stack[MAX_DEPTH];
    size_t cap = 0;
    unsigned depth = 0;
    int err = in ? 0 : -1;
    while (in && getline(&line, &cap, in) >= 0)
        if (err == 0)
            err = read_line(m, line, stack, &depth);
    free(line);
    while (depth)
        free(stack[--depth]);
    if (in)
        fclose(in);
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        err = -1;
    if (err)
        srcmap_free(m);
    return err;
}

void srcmap_free(struct srcmap *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->v[i].path);
        free(m->v[i].prop);
        free(m->v[i].file);
    }
    free(m->v);
    memset(m, 0, sizeof(*m));
}

bool srcmap_find(const struct srcmap *m, const char *path, const char *prop, const char **file,
                 unsigned *line)
{
    const struct srcpos *node = NULL;
    for (size_t i = 0; i < m->n; i++) {
        const struct srcpos *p = &m->v[i];
        if (strcmp(p->path, path) != 0)
            continue;
        if (!p->prop)
            node = p;
        else if (prop && strcmp(p->prop, prop) == 0) {
            node = p;
            break;
        }
    }
    if (!node)
        return false;
    *file = node->file;
    *line = node->line;
    return true;
}
