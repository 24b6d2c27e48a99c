/* SPDX-License-Identifier: MIT */
/* sched_op, from Xen's xen/include/public/sched.h. */
#ifndef TESSERA_PUBLIC_SCHED_H
#define TESSERA_PUBLIC_SCHED_H

#include <stdint.h>

#include "event_channel.h"

#define SCHEDOP_yield    0
#define SCHEDOP_block    1
#define SCHEDOP_shutdown 2
#define SCHEDOP_poll     3

struct sched_shutdown {
    uint32_t reason; /* SHUTDOWN_* */
};

struct sched_poll {
    uint64_t ports; /* guest pointer to evtchn_port_t[nr_ports] */
    uint32_t nr_ports;
    uint32_t pad;
    uint64_t timeout; /* absolute system time in ns, 0 = none */
};

#define SHUTDOWN_poweroff 0
#define SHUTDOWN_reboot   1
#define SHUTDOWN_suspend  2
#define SHUTDOWN_crash    3
#define SHUTDOWN_watchdog 4

#endif
