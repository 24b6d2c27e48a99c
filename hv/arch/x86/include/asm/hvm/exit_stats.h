/* SPDX-License-Identifier: MIT */
/*
 * Exit statistics: per CPU, how many VM exits of each vendor-neutral reason
 * (and hypercalls of each op) were handled and how long each took, in TSC
 * ticks from the #VMEXIT to the next entry of the same vCPU (or to the run
 * loop giving the CPU back). Written only by their own CPU, with no lock:
 * the debug key 'p' sums the CPUs' counters as they are (a row being
 * updated at that moment may be one exit behind).
 *
 * The hot path: the back-end calls exit_stats_exited() right after the
 * guest exits and exit_stats_resume() right before it enters again and when
 * its run loop ends; hvm/ names the reason and the hypercall op in between.
 */
#ifndef ASM_HVM_EXIT_STATS_H
#define ASM_HVM_EXIT_STATS_H

#include <asm/hvm/hvm.h>
#include <hv/exit_stats.h>
#include <hv/types.h>

#define EXIT_STATS_REASONS    (HVM_EXIT_UNKNOWN + 1)
#define EXIT_STATS_HYPERCALLS 48 /* ops below this are counted each; the rest as one row */

struct exit_stat {
    uint64_t count, ticks;
};

struct exit_stats {
    struct exit_stat reason[EXIT_STATS_REASONS];
    struct exit_stat hypercall[EXIT_STATS_HYPERCALLS + 1]; /* [EXIT_STATS_HYPERCALLS]: others */
    /* The exit being handled: since exit_tsc, of open_reason (and open_op for a hypercall). */
    uint64_t exit_tsc;
    uint32_t open_reason, open_op;
    bool open;
} __aligned(64);

/* This CPU's counters. */
void exit_stats_exited(void);
void exit_stats_reason(enum hvm_exit_reason reason);
void exit_stats_hypercall(uint64_t op);
void exit_stats_resume(void);

/* The accounting and the table, on any struct (exit_stats.c; host-tested). */
void exit_stats_open(struct exit_stats *s, uint64_t tsc);
void exit_stats_close(struct exit_stats *s, uint64_t tsc);
void exit_stats_add(struct exit_stats *sum, const struct exit_stats *s);
/* Prints sum as two tables (reasons, hypercall ops), rows with no exit left out. */
void exit_stats_print_table(const struct exit_stats *sum, uint64_t tsc_khz);

#endif
