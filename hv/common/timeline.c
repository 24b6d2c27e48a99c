// SPDX-License-Identifier: MIT
/* Boot timeline (hv/timeline.h): TSC-stamped events, shown in µs since the loader started. */
#include <boot/bootinfo.h>
#include <hv/printk.h>
#include <hv/time.h>
#include <hv/timeline.h>
#include <asm/tsc.h>

#define TIMELINE_MAX_EVENTS 256
/* Modules with a read event of their own; beyond it only the last one's (many small modules). */
#define TIMELINE_MAX_MODULE_EVENTS 32
#define DOMID_WORDS                (65536 / 64)

struct timeline_event {
    const char *name;
    int arg;
    uint64_t tsc;
    bool valid; /* written last: the slot is complete */
};

static struct timeline_event events[TIMELINE_MAX_EVENTS];
static unsigned int nr_events; /* slots claimed, may exceed the array: dropped events */
static uint64_t loader_start_tsc;

/* Domains that have completed a console line, by domid; and how many of the started. */
static uint64_t domains_ready[DOMID_WORDS];
static unsigned int nr_ready, nr_starting;

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

static void record_modules(const struct tessera_bootinfo *bi)
{
    const uint8_t *list = (const void *)(uintptr_t)bi->modules_paddr;

    for (uint32_t i = 0; i < bi->nr_modules; i++) {
        const struct tessera_module *m = (const void *)(list + (uint64_t)i * bi->module_entry_size);

        if (m->read_tsc && (i < TIMELINE_MAX_MODULE_EVENTS - 1 || i == bi->nr_modules - 1))
            record("module read", (int)i, m->read_tsc);
    }
}

void timeline_init(const struct tessera_bootinfo *bi)
{
    loader_start_tsc = bi->stamps.loader_start_tsc;
    nr_events = 0;
    nr_ready = nr_starting = 0;
    for (unsigned int i = 0; i < DOMID_WORDS; i++)
        domains_ready[i] = 0;
    record("loader start", TIMELINE_NO_ARG, bi->stamps.loader_start_tsc);
    if (bi->stamps.tree_read_tsc)
        record("tree read", TIMELINE_NO_ARG, bi->stamps.tree_read_tsc);
    if (bi->stamps.hv_read_tsc)
        record("hypervisor read", TIMELINE_NO_ARG, bi->stamps.hv_read_tsc);
    record_modules(bi);
    if (bi->stamps.exit_boot_services_tsc)
        record("ExitBootServices", TIMELINE_NO_ARG, bi->stamps.exit_boot_services_tsc);
    record("hv entry", TIMELINE_NO_ARG, rdtsc());
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
    uint16_t order[TIMELINE_MAX_EVENTS];
    unsigned int count = 0;
    uint64_t prev = 0;

    /* Complete slots in time order (CPUs claim slots and read the TSC separately). */
    for (unsigned int i = 0; i < n; i++) {
        unsigned int j;

        if (!__atomic_load_n(&events[i].valid, __ATOMIC_ACQUIRE))
            continue;
        for (j = count; j > 0 && events[order[j - 1]].tsc > events[i].tsc; j--)
            order[j] = order[j - 1];
        order[j] = (uint16_t)i;
        count++;
    }
    printk("timeline (us since loader start):\n");
    printk("  %12s %10s  %s\n", "at", "+delta", "event");
    for (unsigned int k = 0; k < count; k++) {
        const struct timeline_event *e = &events[order[k]];
        uint64_t us = timeline_tsc_to_us(e->tsc);

        if (e->arg == TIMELINE_NO_ARG)
            printk("  %12llu %10llu  %s\n", (unsigned long long)us,
                   (unsigned long long)(us - MIN(prev, us)), e->name);
        else
            printk("  %12llu %10llu  %s %d\n", (unsigned long long)us,
                   (unsigned long long)(us - MIN(prev, us)), e->name, e->arg);
        prev = us;
    }
    if (nr_events > TIMELINE_MAX_EVENTS)
        printk("  (%u later events dropped)\n", nr_events - TIMELINE_MAX_EVENTS);
}

void timeline_domains_starting(unsigned int n)
{
    __atomic_store_n(&nr_starting, n, __ATOMIC_RELEASE);
}

void timeline_domain_output(uint16_t domid)
{
    unsigned int starting = __atomic_load_n(&nr_starting, __ATOMIC_ACQUIRE);
    uint64_t bit = 1ull << (domid % 64);

    if (!starting || __atomic_load_n(&nr_ready, __ATOMIC_RELAXED) >= starting)
        return;
    if (__atomic_fetch_or(&domains_ready[domid / 64], bit, __ATOMIC_RELAXED) & bit)
        return;
    timeline_mark("domain ready", domid);
    if (__atomic_add_fetch(&nr_ready, 1, __ATOMIC_ACQ_REL) == starting) {
        printk("tessera: boot timeline: every domain is ready\n");
        timeline_print();
    }
}
