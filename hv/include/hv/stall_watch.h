/* SPDX-License-Identifier: MIT */
/*
 * The stall report: once the machine has been idle for a while (no vCPU
 * runnable, running or taking exits), one report of each domain's vCPU
 * states and the timers that could wake them (stall_watch.c).
 */
#ifndef HV_STALL_WATCH_H
#define HV_STALL_WATCH_H

/* Starts the watch on the calling CPU (the boot CPU, when the domains start). */
void stall_watch_start(void);

#endif
