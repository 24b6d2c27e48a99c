/* SPDX-License-Identifier: MIT */
/* tessera timeline LOG -o FILE: the last boot timeline in a serial log, drawn as SVG. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "timeline.h"

static const char timeline_usage[] =
    "usage: tessera timeline LOG [-o FILE]\n"
    "\n"
    "Reads the last boot timeline the hypervisor printed in LOG (a serial log, e.g.\n"
    "from tessera run --log, after the line \"timeline (us since loader start):\")\n"
    "and draws it as an SVG picture: one row for the loader, one per CPU and one per\n"
    "domain (by its name), each phase a labelled bar on one time axis\n"
    "(docs/boot-report.md).\n"
    "\n"
    "options:\n"
    "  -o, --output FILE    write the SVG to FILE (default: standard output)\n"
    "  -h, --help           this text\n"
    "\n"
    "exit status: 0 drawn, 1 LOG unreadable or without a timeline, or FILE not\n"
    "written, 2 usage error\n";

#define HEADER     "timeline (us since loader start):"
#define MAX_EVENTS 4096
#define MAX_NAMES  1024 /* domains named in one log (the binding's limit) */

/* The line without the console's "[    ms.us] " stamp and the line end. */
static char *strip_line(char *line)
{
    char *p = line;

    if (*p == '[') {
        char *close = strchr(p, ']');

        if (close && close[1] == ' ')
            p = close + 2;
    }
    p[strcspn(p, "\r\n")] = '\0';
    return p;
}

/* "  AT  DELTA  NAME [ARG]" (two or more leading spaces, two before the name). */
static int parse_row(const char *s, struct tl_event *e)
{
    unsigned long long at, delta;
    int name_at = 0;
    const char *name, *last_space;
    size_t len;

    if (strncmp(s, "  ", 2) != 0 || sscanf(s, " %llu %llu  %n", &at, &delta, &name_at) != 2 ||
        name_at == 0 || s[name_at] == '\0' || s[name_at - 1] != ' ' || s[name_at - 2] != ' ')
        return 0;
    name = s + name_at;
    e->at_us = at;
    e->arg = TIMELINE_NO_ARG;
    len = strlen(name);
    last_space = strrchr(name, ' ');
    if (last_space && last_space[1] &&
        strspn(last_space + 1, "0123456789") == strlen(last_space + 1)) {
        e->arg = atoi(last_space + 1);
        len = (size_t)(last_space - name);
    }
    if (len >= sizeof(e->name))
        len = sizeof(e->name) - 1;
    memcpy(e->name, name, len);
    e->name[len] = '\0';
    return 1;
}

/*
 * The rows after the last header; lines of other CPUs or domains printed
 * meanwhile do not have the row's shape and are skipped.
 */
static int read_log(FILE *f, struct tl_event *ev, unsigned *n, struct tl_domain_name *names,
                    unsigned *nr_names)
{
    char line[1024];
    int seen = 0;

    *n = 0;
    *nr_names = 0;
    while (fgets(line, sizeof(line), f)) {
        char *s = strip_line(line);
        struct tl_domain_name d;

        /* "tessera: domain NAME (id N): ...", the hypervisor's lines about a domain. */
        if (sscanf(s, "tessera: domain %63s (id %d)", d.name, &d.domid) == 2) {
            unsigned i = 0;

            while (i < *nr_names && names[i].domid != d.domid)
                i++;
            if (i < MAX_NAMES) {
                names[i] = d;
                *nr_names += i == *nr_names;
            }
        }
        if (strcmp(s, HEADER) == 0) {
            seen = 1;
            *n = 0;
        } else if (seen && *n < MAX_EVENTS && parse_row(s, &ev[*n])) {
            (*n)++;
        }
    }
    return seen;
}

int cmd_timeline(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "output", required_argument, NULL, 'o' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *output = NULL, *log;
    struct tl_picture pic;
    struct tl_event *ev;
    struct tl_domain_name *names;
    unsigned n, nr_names;
    FILE *f, *out;
    int opt, seen;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'o': output = optarg; break;
        case 'h': fputs(timeline_usage, stdout); return 0;
        default: fputs(timeline_usage, stderr); return 2;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "tessera timeline: %s\n\n%s",
                optind == argc ? "no LOG given" : "one LOG only", timeline_usage);
        return 2;
    }
    log = argv[optind];
    f = fopen(log, "r");
    if (!f) {
        fprintf(stderr, "tessera timeline: %s: %s\n", log, strerror(errno));
        return 1;
    }
    ev = calloc(MAX_EVENTS, sizeof(*ev));
    names = calloc(MAX_NAMES, sizeof(*names));
    if (!ev || !names) {
        free(ev);
        free(names);
        fclose(f);
        fprintf(stderr, "tessera timeline: out of memory\n");
        return 1;
    }
    seen = read_log(f, ev, &n, names, &nr_names);
    fclose(f);
    if (!seen || n == 0) {
        fprintf(stderr,
                "tessera timeline: %s: no boot timeline (no line \"%s\" followed by "
                "its table)\n",
                log, HEADER);
        free(ev);
        free(names);
        return 1;
    }
    if (timeline_phases(ev, n, names, nr_names, &pic) != 0) {
        fprintf(stderr, "tessera timeline: out of memory\n");
        free(ev);
        free(names);
        return 1;
    }
    out = output ? fopen(output, "w") : stdout;
    if (!out) {
        fprintf(stderr, "tessera timeline: %s: %s\n", output, strerror(errno));
        timeline_picture_free(&pic);
        free(ev);
        free(names);
        return 1;
    }
    timeline_svg_write(out, &pic, log);
    timeline_picture_free(&pic);
    free(ev);
    free(names);
    if (output && fclose(out) != 0) {
        fprintf(stderr, "tessera timeline: %s: %s\n", output, strerror(errno));
        return 1;
    }
    return 0;
}
