/* SPDX-License-Identifier: MIT */
/*
 * tessera timeline LOG -o boot.svg: the boot timeline a serial log holds,
 * drawn on one time axis with a lane for the loader, the hypervisor, each CPU
 * and each domain. Events come from the hypervisor's timeline table
 * (docs/boot-report.md: "at +delta event" lines after "timeline (us since
 * loader start):"; the last table printed wins) and, for domains the table
 * does not cover, from the hypervisor's domain lines ("domain NAME (id N):
 * pvh, ..." built, "starting domain", "first instruction at X us",
 * "destroyed").
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "tool.h"

#define MAX_EVENTS 4096
#define MAX_LANES  256

struct event {
    uint64_t us;
    char lane[48];
    char name[64];
    bool from_table;
};

struct timeline {
    struct event ev[MAX_EVENTS];
    unsigned n;
    char domain_names[1024][HL_MAX_NAME]; /* by domid, from "domain NAME (id N)" */
};

static const char timeline_usage[] =
    "usage: tessera timeline LOG -o SVG\n"
    "\n"
    "Draws the boot timeline of a serial log (tessera run --log FILE, a boot\n"
    "test's log) as an SVG picture: one time axis, a lane for the loader, the\n"
    "hypervisor, each CPU and each domain, each phase a bar from the event that\n"
    "starts it to the next (hover for names and times). The events are those of\n"
    "the hypervisor's timeline table and its domain lines (docs/boot-report.md).\n"
    "\n"
    "options:\n"
    "  -o, --output SVG   the picture to write\n"
    "  -h, --help         this text\n"
    "\n"
    "exit status: 0 written, 1 no timeline in LOG or a file error, 2 usage error\n";

static void add_event(struct timeline *tl, uint64_t us, const char *lane, const char *name,
                      bool from_table)
{
    if (tl->n == MAX_EVENTS)
        return;
    struct event *e = &tl->ev[tl->n++];
    e->us = us;
    e->from_table = from_table;
    snprintf(e->lane, sizeof(e->lane), "%s", lane);
    snprintf(e->name, sizeof(e->name), "%s", name);
}

static const char *domain_lane(struct timeline *tl, unsigned domid, char *buf, size_t size)
{
    if (domid < 1024 && tl->domain_names[domid][0])
        snprintf(buf, size, "%s", tl->domain_names[domid]);
    else
        snprintf(buf, size, "domain %u", domid);
    return buf;
}

/* "cpu online 1" -> lane "CPU 1"; "domain built 2" -> lane of domain 2, "built". */
static void table_event(struct timeline *tl, uint64_t us, char *name)
{
    char lane[48], *last = strrchr(name, ' ');
    char *end;
    unsigned long arg = last ? strtoul(last + 1, &end, 10) : 0;
    bool has_arg = last && last[1] && *end == '\0';
    if (has_arg && strncmp(name, "cpu online", 10) == 0 && last == name + 10) {
        snprintf(lane, sizeof(lane), "CPU %lu", arg);
        add_event(tl, us, lane, "online", true);
    } else if (has_arg && strncmp(name, "domain ", 7) == 0) {
        *last = '\0';
        add_event(tl, us, domain_lane(tl, (unsigned)arg, lane, sizeof(lane)), name + 7, true);
    } else if (strcmp(name, "loader start") == 0 || strcmp(name, "ExitBootServices") == 0) {
        add_event(tl, us, "loader", name, true);
    } else {
        add_event(tl, us, "hypervisor", name, true);
    }
}

/* "[   12.345] text": the timestamp in us and the text after it. */
static bool stamped(const char *line, uint64_t *us, const char **text)
{
    const char *p = line;
    while (*p == ' ')
        p++;
    if (*p != '[')
        return false;
    char *end;
    double ms = strtod(p + 1, &end);
    if (end == p + 1 || *end != ']')
        return false;
    *us = (uint64_t)(ms * 1000.0 + 0.5);
    *text = end + 1 + (end[1] == ' ');
    return true;
}

static void read_log(struct timeline *tl, FILE *in)
{
    char *line = NULL;
    size_t cap = 0;
    bool in_table = false;
    while (getline(&line, &cap, in) >= 0) {
        line[strcspn(line, "\r\n")] = '\0';
        uint64_t ts = 0;
        const char *text = line;
        bool has_ts = stamped(line, &ts, &text);
        if (strstr(text, "timeline (us since loader start):")) {
            /* A later table repeats and extends an earlier one: keep the last. */
            unsigned keep = 0;
            for (unsigned i = 0; i < tl->n; i++)
                if (!tl->ev[i].from_table)
                    tl->ev[keep++] = tl->ev[i];
            tl->n = keep;
            in_table = true;
            continue;
        }
        if (in_table) {
            unsigned long long at, delta;
            int used = 0;
            if (sscanf(text, " at +delta event%n", &used) == 0 && used)
                continue;
            if (sscanf(text, " %llu %llu %n", &at, &delta, &used) == 2 && text[used]) {
                char name[64];
                snprintf(name, sizeof(name), "%s", text + used);
                table_event(tl, at, name);
                continue;
            }
            in_table = false;
        }
        if (!has_ts || strncmp(text, "tessera: ", 9) != 0)
            continue;
        const char *msg = text + 9;
        char name[HL_MAX_NAME];
        unsigned domid;
        unsigned long long first;
        int used = 0;
        if (sscanf(msg, "starting domain %31s (id %u)", name, &domid) == 2) {
            if (domid < 1024)
                snprintf(tl->domain_names[domid], HL_MAX_NAME, "%s", name);
            add_event(tl, ts, name, "start", false);
        } else if (sscanf(msg, "domain %31s (id %u): first instruction at %llu us", name,
                          &domid, &first) == 3) {
            add_event(tl, first, name, "first instruction", false);
        } else if (sscanf(msg, "domain %31s (id %u) destroyed%n", name, &domid, &used) == 2 &&
                   used) {
            add_event(tl, ts, name, "destroyed", false);
        } else if (sscanf(msg, "domain %31s (id %u): %n", name, &domid, &used) == 2 && used &&
                   (strncmp(msg + used, "pvh,", 4) == 0 || strncmp(msg + used, "pv,", 3) == 0 ||
                    strncmp(msg + used, "hvm,", 4) == 0)) {
            if (domid < 1024)
                snprintf(tl->domain_names[domid], HL_MAX_NAME, "%s", name);
            add_event(tl, ts, name, "built", false);
        }
    }
    free(line);
}

/*
 * Table events named a domain by id before its name was known: rename the
 * lanes. Where the table covers a lane, the console's events for it go.
 */
static void name_domain_lanes(struct timeline *tl)
{
    for (unsigned i = 0; i < tl->n; i++) {
        unsigned domid;
        char rest;
        if (sscanf(tl->ev[i].lane, "domain %u%c", &domid, &rest) == 1 && domid < 1024 &&
            tl->domain_names[domid][0])
            memcpy(tl->ev[i].lane, tl->domain_names[domid], HL_MAX_NAME);
    }
    unsigned keep = 0;
    for (unsigned i = 0; i < tl->n; i++) {
        bool covered = false;
        for (unsigned j = 0; j < tl->n && !tl->ev[i].from_table && !covered; j++)
            covered = tl->ev[j].from_table && strcmp(tl->ev[j].lane, tl->ev[i].lane) == 0;
        if (!covered)
            tl->ev[keep++] = tl->ev[i];
    }
    tl->n = keep;
}

static int by_time(const void *a, const void *b)
{
    const struct event *x = a, *y = b;
    return x->us < y->us ? -1 : x->us > y->us;
}

static void xml_text(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '&': fputs("&amp;", out); break;
        case '"': fputs("&quot;", out); break;
        default: fputc(*s, out);
        }
    }
}

static const char *const colors[] = { "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2",
                                      "#edc948", "#b07aa1", "#ff9da7", "#9c755f" };

static void draw(FILE *out, struct timeline *tl)
{
    /* Lanes in order of first appearance, the loader and hypervisor first. */
    const char *lanes[MAX_LANES];
    unsigned nl = 0;
    static const char *const fixed[] = { "loader", "hypervisor" };
    for (unsigned f = 0; f < 2; f++)
        lanes[nl++] = fixed[f];
    for (unsigned i = 0; i < tl->n; i++) {
        unsigned l = 0;
        while (l < nl && strcmp(lanes[l], tl->ev[i].lane) != 0)
            l++;
        if (l == nl && nl < MAX_LANES)
            lanes[nl++] = tl->ev[i].lane;
    }
    uint64_t end = tl->ev[tl->n - 1].us;
    if (end == 0)
        end = 1;
    const int left = 170, width = 900, row = 30, top = 50;
    int height = top + (int)nl * row + 40;
    double scale = (double)width / (double)end;
    fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "font-family=\"sans-serif\" font-size=\"12\">\n"
            "<title>Tessera boot timeline</title>\n"
            "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
            "<text x=\"10\" y=\"20\" font-size=\"14\">Tessera boot timeline "
            "(ms since the loader started)</text>\n", left + width + 40, height);
    /* Axis: about 10 ticks at a round step. */
    double step_ms = 1;
    while ((double)end / 1000.0 / step_ms > 10)
        step_ms *= step_ms == 1 || (int)step_ms % 5 == 0 ? 2 : 2.5;
    for (double t = 0; t * 1000.0 <= (double)end; t += step_ms) {
        double x = left + t * 1000.0 * scale;
        fprintf(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>\n"
                "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%g</text>\n",
                x, top - 5, x, top + (int)nl * row, x, top - 10, t);
    }
    for (unsigned l = 0; l < nl; l++) {
        int y = top + (int)l * row;
        fprintf(out, "<g class=\"lane\"><text x=\"10\" y=\"%d\">", y + 19);
        xml_text(out, lanes[l]);
        fputs("</text>\n", out);
        const struct event *prev = NULL;
        unsigned k = 0;
        for (unsigned i = 0; i <= tl->n; i++) {
            const struct event *e = i < tl->n ? &tl->ev[i] : NULL;
            if (e && strcmp(e->lane, lanes[l]) != 0)
                continue;
            /* A phase: from the previous event of this lane to this one (a CPU's
             * last phase, "online", lasts to the end). */
            bool to_end = !e && prev && strncmp(lanes[l], "CPU ", 4) == 0;
            if (prev && (e || to_end)) {
                uint64_t until = e ? e->us : end;
                double x = left + (double)prev->us * scale;
                double w = (double)(until - prev->us) * scale;
                fprintf(out, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
                        "fill=\"%s\" opacity=\"0.8\"><title>", x, y + 5, w < 1 ? 1 : w,
                        row - 10, colors[k++ % (sizeof(colors) / sizeof(colors[0]))]);
                xml_text(out, lanes[l]);
                fprintf(out, ": ");
                xml_text(out, prev->name);
                fprintf(out, " %.3f ms, for %.3f ms</title></rect>\n", (double)prev->us / 1000,
                        (double)(until - prev->us) / 1000);
                if (w > 7.0 * (double)strlen(prev->name)) {
                    fprintf(out, "<text x=\"%.1f\" y=\"%d\" fill=\"white\">", x + 3, y + 19);
                    xml_text(out, prev->name);
                    fputs("</text>\n", out);
                }
            }
            if (!e)
                break;
            double x = left + (double)e->us * scale;
            fprintf(out, "<circle cx=\"%.1f\" cy=\"%d\" r=\"3\" fill=\"black\"><title>", x,
                    y + row / 2);
            xml_text(out, lanes[l]);
            fprintf(out, ": ");
            xml_text(out, e->name);
            fprintf(out, " at %.3f ms</title></circle>\n", (double)e->us / 1000);
            prev = e;
        }
        fputs("</g>\n", out);
    }
    fputs("</svg>\n", out);
}

int cmd_timeline(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "output", required_argument, NULL, 'o' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *out_path = NULL;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'h':
            fputs(timeline_usage, stdout);
            return 0;
        case 'o': out_path = optarg; break;
        default:
            fputs("tessera timeline --help describes the options\n", stderr);
            return 2;
        }
    }
    if (optind == argc) {
        fprintf(stderr, "tessera timeline: no LOG given\n%s", timeline_usage);
        return 2;
    }
    if (optind + 1 != argc) {
        fprintf(stderr, "tessera timeline: one LOG expected, found \"%s\" too\n",
                argv[optind + 1]);
        return 2;
    }
    if (!out_path) {
        fputs("tessera timeline: no picture file: -o SVG is required\n", stderr);
        return 2;
    }
    const char *log = argv[optind];
    FILE *in = fopen(log, "r");
    if (!in) {
        perror(log);
        return 1;
    }
    struct timeline *tl = calloc(1, sizeof(*tl));
    if (!tl) {
        perror("tessera");
        fclose(in);
        return 1;
    }
    read_log(tl, in);
    fclose(in);
    name_domain_lanes(tl);
    int status = 0;
    if (tl->n == 0) {
        fprintf(stderr, "tessera timeline: %s: no timeline (no \"timeline (us since loader "
                "start):\" table and no domain lines)\n", log);
        status = 1;
    } else {
        qsort(tl->ev, tl->n, sizeof(tl->ev[0]), by_time);
        FILE *out = fopen(out_path, "w");
        if (!out) {
            perror(out_path);
            status = 1;
        } else {
            draw(out, tl);
            if (fclose(out) != 0) {
                perror(out_path);
                status = 1;
            }
        }
    }
    free(tl);
    return status;
}
