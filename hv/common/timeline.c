// SPDX-License-Identifier: MIT
/* Boot timeline (hv/timeline.h): TSC-stamped events, shown in µs since the loader started. */
#include <boot/bootinfo.h>
#include <hv/printk.h>
#include <hv/time.h>
#include <hv/timeline.h>
#include <asm/tsc.h>

#define TIMELINE_MAX_EVENTS 128
#define NO_ARG (-1)

struct timeline_event {
    const char *name;
    int arg;
    uint64_t tsc;
    bool valid;  /* written last: the slot is complete */
};

static struct timeline_event events[TIMELINE_MAX_EVENTS];
static unsigned int nr_events;  /* slots claimed, may exceed the array: dropped events */
static uint64_t loader_start_tsc;

static void record(const char *name, int arg, uint64_t tsc)
{
    unsigned int i = __atomic_fetch_add(&nr_events, 1, __ATOMIC_RELAXED);

    if (i >= TIMELINE_MAX_EVENTS)
        return;
    events[i].name = name;
    events[i].arg = arg;
    events[i].tsc = tsc;
    __atomic_store_n(&events[i].valid, true, __ATOMIC_RELEASE);
}

void timeline_init(const struct tessera_bootinfo *bi)
{
    loader_start_tsc = bi->stamps.loader_start_tsc;
    nr_events = 0;
    record("loader start", NO_ARG, bi->stamps.loader_start_tsc);
    if (bi->stamps.exit_boot_services_tsc)
        record("ExitBootServices", NO_ARG, bi->stamps.exit_boot_services_tsc);
    record("hv entry", NO_ARG, rdtsc());
}

void timeline_mark(const char *name, int arg)
{
    record(name, arg, rdtsc());
}

uint64_t timeline_tsc_to_us(uint64_t tsc)
{
    uint64_t khz = tsc_khz();

    if (khz == 0 || tsc <= loader_start_tsc)
        return 0;
    uint64_t ticks = tsc - loader_start_tsc;

    /* Split so that ticks * 1000 cannot overflow. */
    return ticks / khz * 1000 + ticks % khz * 1000 / khz;
}

void timeline_print(void)
{
    unsigned int n = MIN(__atomic_load_n(&nr_events, __ATOMIC_RELAXED), TIMELINE_MAX_EVENTS);
    uint64_t prev = 0;

    printk("timeline (us since loader start):\n");
    printk("  %12s %10s  %s\n", "at", "+delta", "event");
    for (unsigned int i = 0; i < n; i++) {
        if (!__atomic_load_n(&events[i].valid, __ATOMIC_ACQUIRE))
            continue;
        uint64_t us = timeline_tsc_to_us(events[i].tsc);

        if (events[i].arg == NO_ARG)
            printk("  %12llu %10llu  %s\n", (unsigned long long)us,
                   (unsigned long long)(us - MIN(prev, us)), events[i].name);
        else
            printk("  %12llu %10llu  %s %d\n", (unsigned long long)us,
                   (unsigned long long)(us - MIN(prev, us)), events[i].name, events[i].arg);
        prev = us;
    }
    if (nr_events > TIMELINE_MAX_EVENTS)
        printk("  (%u later events dropped)\n", nr_events - TIMELINE_MAX_EVENTS);
}
