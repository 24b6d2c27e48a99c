/* SPDX-License-Identifier: MIT */
/*
 * The exit counters the architecture keeps (x86: asm/hvm/exit_stats.h), as
 * common code prints them: on the debug key 'p', and when the last domain
 * ends with "exit-stats" on the command line.
 */
#ifndef HV_EXIT_STATS_H
#define HV_EXIT_STATS_H

/* Every CPU's counters summed, as a table (docs/boot-report.md). */
void exit_stats_print(void);

#endif
