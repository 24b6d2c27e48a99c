/* SPDX-License-Identifier: MIT */
/* tessera timeline: a boot timeline read from a serial log, and its SVG picture. */
#ifndef TESSERA_TOOL_TIMELINE_H
#define TESSERA_TOOL_TIMELINE_H

#include <stdint.h>
#include <stdio.h>

#define TIMELINE_NO_ARG (-1)

/* One row of the hypervisor's timeline table: "  AT  +DELTA  NAME [ARG]". */
struct tl_event {
    uint64_t at_us;
    char name[64];
    int arg; /* the trailing number (CPU, domain id, module), or TIMELINE_NO_ARG */
};

/* A domain's name, from the hypervisor's "tessera: domain NAME (id N)" lines. */
struct tl_domain_name {
    int domid;
    char name[64];
};

/* A phase: a bar on one row of the picture, from one event to a later one. */
struct tl_phase {
    char row[80]; /* "loader", "cpu N", "domain NAME" ("domain N" if the log names none) */
    char label[48];
    uint64_t start_us, end_us;
};

struct tl_picture {
    struct tl_phase *phases; /* in row order: loader, CPUs, domains */
    unsigned nr_phases;
    uint64_t end_us; /* the last event */
};

int cmd_timeline(int argc, char **argv);

/* timeline_svg.c: phases from the events (the rules docs/boot-report.md states), then the SVG. */
int timeline_phases(const struct tl_event *ev, unsigned n, const struct tl_domain_name *names,
                    unsigned nr_names, struct tl_picture *pic);
void timeline_picture_free(struct tl_picture *pic);
void timeline_svg_write(FILE *out, const struct tl_picture *pic, const char *title);

#endif
