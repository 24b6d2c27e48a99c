/* SPDX-License-Identifier: MIT */
/*
 * The boot timeline's phases (docs/boot-report.md, "The picture") and their
 * SVG: one row for the loader, one per CPU, one per domain, a labelled bar
 * per phase on one time axis in milliseconds.
 */
#include <stdlib.h>
#include <string.h>
#include "timeline.h"

#define WIDTH  1200
#define LEFT   130 /* row labels */
#define RIGHT  30
#define TOP    56 /* title and time axis */
#define ROW_H  26
#define BAR_H  18
#define CHAR_W 6.2 /* of the 11px sans-serif labels, roughly */

/* What a domain goes through, each phase ending at its event. */
static const struct {
    const char *from, *to, *label;
} domain_phases[] = {
    { "domain building", "domain built", "build" },
    { "domain built", "domain start", "wait" },
    { "domain start", "domain first entry", "start" },
    { "domain first entry", "domain ready", "boot" },
};

static const struct tl_event *find(const struct tl_event *ev, unsigned n, const char *name, int arg)
{
    for (unsigned i = 0; i < n; i++)
        if (strcmp(ev[i].name, name) == 0 && ev[i].arg == arg)
            return &ev[i];
    return NULL;
}

static void add(struct tl_picture *pic, const char *row, const char *label, uint64_t start,
                uint64_t end)
{
    struct tl_phase *p = &pic->phases[pic->nr_phases++];

    snprintf(p->row, sizeof(p->row), "%s", row);
    snprintf(p->label, sizeof(p->label), "%s", label);
    p->start_us = start;
    p->end_us = end < start ? start : end;
}

/* Each loader stamp ends a phase that began at the one before. */
static void loader_phases(const struct tl_event *ev, unsigned n, struct tl_picture *pic)
{
    const struct tl_event *start = find(ev, n, "loader start", TIMELINE_NO_ARG);
    uint64_t prev;
    char label[48];

    if (!start)
        return;
    prev = start->at_us;
    for (unsigned i = 0; i < n; i++) {
        if (strcmp(ev[i].name, "tree read") == 0)
            snprintf(label, sizeof(label), "read tree");
        else if (strcmp(ev[i].name, "hypervisor read") == 0)
            snprintf(label, sizeof(label), "read hypervisor");
        else if (strcmp(ev[i].name, "module read") == 0)
            snprintf(label, sizeof(label), "read module %d", ev[i].arg);
        else if (strcmp(ev[i].name, "ExitBootServices") == 0)
            snprintf(label, sizeof(label), "ExitBootServices");
        else
            continue;
        add(pic, "loader", label, prev, ev[i].at_us);
        prev = ev[i].at_us;
    }
}

/* CPU 0 brings the hypervisor up; every other CPU is online from its event on. */
static void cpu_phases(const struct tl_event *ev, unsigned n, struct tl_picture *pic)
{
    const struct tl_event *entry = find(ev, n, "hv entry", TIMELINE_NO_ARG);
    char row[sizeof(pic->phases->row)];

    for (unsigned i = 0; i < n; i++) {
        if (entry && strcmp(ev[i].name, "cpus online") == 0)
            add(pic, "cpu 0", "bring-up", entry->at_us, ev[i].at_us);
    }
    for (unsigned i = 0; i < n; i++) {
        if (strcmp(ev[i].name, "cpu online") == 0 && ev[i].arg > 0) {
            snprintf(row, sizeof(row), "cpu %d", ev[i].arg);
            add(pic, row, "online", ev[i].at_us, pic->end_us);
        }
    }
}

static void domain_phases_of(const struct tl_event *ev, unsigned n, int domid,
                             const struct tl_domain_name *names, unsigned nr_names,
                             struct tl_picture *pic)
{
    char row[sizeof(pic->phases->row)];

    snprintf(row, sizeof(row), "domain %d", domid);
    for (unsigned i = 0; i < nr_names; i++)
        if (names[i].domid == domid)
            snprintf(row, sizeof(row), "domain %s", names[i].name);
    for (unsigned k = 0; k < sizeof(domain_phases) / sizeof(domain_phases[0]); k++) {
        const struct tl_event *from = find(ev, n, domain_phases[k].from, domid);
        const struct tl_event *to = find(ev, n, domain_phases[k].to, domid);

        if (from && to)
            add(pic, row, domain_phases[k].label, from->at_us, to->at_us);
    }
}

int timeline_phases(const struct tl_event *ev, unsigned n, const struct tl_domain_name *names,
                    unsigned nr_names, struct tl_picture *pic)
{
    memset(pic, 0, sizeof(*pic));
    /* At most one phase per event (each phase ends at a distinct event). */
    pic->phases = calloc(n ? n : 1, sizeof(*pic->phases));
    if (!pic->phases)
        return -1;
    for (unsigned i = 0; i < n; i++)
        if (ev[i].at_us > pic->end_us)
            pic->end_us = ev[i].at_us;
    loader_phases(ev, n, pic);
    cpu_phases(ev, n, pic);
    /* Domains in the order they were built. */
    for (unsigned i = 0; i < n; i++)
        if (strcmp(ev[i].name, "domain building") == 0)
            domain_phases_of(ev, n, ev[i].arg, names, nr_names, pic);
    return 0;
}

void timeline_picture_free(struct tl_picture *pic)
{
    free(pic->phases);
    memset(pic, 0, sizeof(*pic));
}

static void put_escaped(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        default: fputc((unsigned char)*s >= 0x20 ? *s : '?', out);
        }
    }
}

/* A tick spacing of 1, 2 or 5 times a power of ten ms giving at most about 12 ticks. */
static double tick_ms(double span_ms)
{
    static const int multiples[] = { 1, 2, 5 };
    double step = 0.001;

    for (;;) {
        for (unsigned i = 0; i < sizeof(multiples) / sizeof(multiples[0]); i++)
            if (span_ms / (step * multiples[i]) <= 12)
                return step * multiples[i];
        step *= 10;
    }
}

static const char *row_colour(const char *row)
{
    if (strncmp(row, "loader", 6) == 0)
        return "#8da0cb";
    if (strncmp(row, "cpu", 3) == 0)
        return "#66c2a5";
    return "#fc8d62";
}

void timeline_svg_write(FILE *out, const struct tl_picture *pic, const char *title)
{
    const char *rows[512];
    unsigned nr_rows = 0;
    double span_ms = pic->end_us ? pic->end_us / 1000.0 : 1.0;
    double scale = (WIDTH - LEFT - RIGHT) / span_ms; /* px per ms */

    for (unsigned i = 0; i < pic->nr_phases; i++) {
        unsigned r = 0;

        while (r < nr_rows && strcmp(rows[r], pic->phases[i].row) != 0)
            r++;
        if (r == nr_rows && nr_rows < sizeof(rows) / sizeof(rows[0]))
            rows[nr_rows++] = pic->phases[i].row;
    }
    unsigned height = TOP + nr_rows * ROW_H + 10;

    fprintf(out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%u\" "
            "viewBox=\"0 0 %d %u\" font-family=\"sans-serif\" font-size=\"11\">\n",
            WIDTH, height, WIDTH, height);
    fputs("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n<text x=\"4\" y=\"16\" "
          "font-size=\"14\">Boot timeline: ",
          out);
    put_escaped(out, title);
    fprintf(out, " (%.3f ms)</text>\n", span_ms);

    /* Time axis: ticks and grid lines in ms since the loader started. */
    double step = tick_ms(span_ms);

    fputs("<g class=\"axis\" stroke=\"#ccc\">\n", out);
    for (double t = 0; t <= span_ms + step / 2; t += step) {
        double x = LEFT + t * scale;

        fprintf(out,
                "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%u\"/>"
                "<text x=\"%.1f\" y=\"%d\" stroke=\"none\" fill=\"#333\" "
                "text-anchor=\"middle\">%g ms</text>\n",
                x, TOP - 8, x, height - 10, x, TOP - 12, t);
    }
    fputs("</g>\n", out);

    for (unsigned r = 0; r < nr_rows; r++) {
        unsigned y = TOP + r * ROW_H;

        fprintf(out, "<text class=\"row\" x=\"4\" y=\"%u\">", y + BAR_H - 4);
        put_escaped(out, rows[r]);
        fputs("</text>\n", out);
    }
    for (unsigned i = 0; i < pic->nr_phases; i++) {
        const struct tl_phase *p = &pic->phases[i];
        unsigned r = 0;

        while (r < nr_rows && strcmp(rows[r], p->row) != 0)
            r++;
        if (r == nr_rows)
            continue;
        double x = LEFT + p->start_us / 1000.0 * scale;
        double w = (p->end_us - p->start_us) / 1000.0 * scale;
        unsigned y = TOP + r * ROW_H;

        fprintf(out,
                "<g><rect class=\"phase\" x=\"%.1f\" y=\"%u\" width=\"%.1f\" height=\"%d\" "
                "fill=\"%s\" stroke=\"#444\" stroke-width=\"0.5\"><title>",
                x, y, w < 1 ? 1.0 : w, BAR_H, row_colour(p->row));
        put_escaped(out, p->row);
        fputs(": ", out);
        put_escaped(out, p->label);
        fprintf(out, ", %.3f to %.3f ms (%.3f ms)</title></rect>", p->start_us / 1000.0,
                p->end_us / 1000.0, (p->end_us - p->start_us) / 1000.0);
        /* A label that does not fit in its bar is left to the bar's tooltip. */
        if (w >= strlen(p->label) * CHAR_W + 4) {
            fprintf(out, "<text x=\"%.1f\" y=\"%u\">", x + 2, y + BAR_H - 5);
            put_escaped(out, p->label);
            fputs("</text>", out);
        }
        fputs("</g>\n", out);
    }
    fputs("</svg>\n", out);
}
