/* SPDX-License-Identifier: MIT */
/*
 * Validation speed of a large launch tree: generates, in memory, a tree of N
 * domains (default 1000) that uses every feature (names, pools, pinned vCPUs,
 * event channel pairs, shared memory, start dependencies, CPUID policies),
 * validates it repeatedly and prints the best and median times.
 *
 *   bench_hyperlaunch [DOMAINS [RUNS]]
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <hyperlaunch/hyperlaunch.h>

#define CPUS  64
#define POOLS 4

static void check(int err, const char *what)
{
    if (err) {
        fprintf(stderr, "bench_hyperlaunch: %s: %s\n", what, fdt_strerror(err));
        exit(2);
    }
}

static void prop_u32(void *fdt, const char *name, uint32_t v)
{
    check(fdt_property_u32(fdt, name, v), name);
}

/* phandles: CPUs 1..CPUS, pools next, domains next, event channel ends last. */
static uint32_t cpu_ph(unsigned cpu)
{
    return 1 + cpu;
}
static uint32_t pool_ph(unsigned p)
{
    return 1 + CPUS + p;
}
static uint32_t dom_ph(unsigned d)
{
    return 1 + CPUS + POOLS + d;
}
static uint32_t evt_ph(unsigned n, unsigned d)
{
    return 1 + CPUS + POOLS + n + d;
}

static void add_domain(void *fdt, unsigned d, unsigned n)
{
    char name[64];
    snprintf(name, sizeof(name), "domain@%u", d + 1);
    check(fdt_begin_node(fdt, name), "domain");
    check(fdt_property_string(fdt, "compatible", "xen,domain"), "compatible");
    snprintf(name, sizeof(name), "vm%04u", d);
    check(fdt_property_string(fdt, "tessera,name", name), "name");
    prop_u32(fdt, "domid", d + 1);
    check(fdt_property_u64(fdt, "memory", 16 * 1024), "memory");
    prop_u32(fdt, "cpus", 2);
    prop_u32(fdt, "domain-cpupool", pool_ph(d % POOLS));
    prop_u32(fdt, "phandle", dom_ph(d));
    if (d > 0)
        prop_u32(fdt, "tessera,after-started", dom_ph(d - 1));
    check(fdt_property(fdt, "tessera,cpuid-hide", "virt-ssbd\0avx512f", 18), "cpuid");
    check(fdt_property_string(fdt, "tessera,on-crash", "restart"), "on-crash");

    check(fdt_begin_node(fdt, "kernel"), "kernel");
    check(fdt_property(fdt, "compatible", "multiboot,kernel\0multiboot,module", 34), "compat");
    fdt32_t reg[3] = { 0, cpu_to_fdt32(0x10000000u + d * 0x100000u), cpu_to_fdt32(0x80000) };
    check(fdt_property(fdt, "reg", reg, sizeof(reg)), "reg");
    check(fdt_property_string(fdt, "bootargs", "console=hvc0 quiet"), "bootargs");
    check(fdt_end_node(fdt), "kernel");

    /* vCPU 0 pinned to the pool's first CPU. */
    check(fdt_begin_node(fdt, "vcpu0"), "vcpu");
    check(fdt_property_string(fdt, "compatible", "xen,vcpu"), "compat");
    prop_u32(fdt, "id", 0);
    snprintf(name, sizeof(name), "%u", (d % POOLS) * (CPUS / POOLS));
    check(fdt_property_string(fdt, "hard-affinity", name), "affinity");
    check(fdt_end_node(fdt), "vcpu");

    /* Pairs (0,1), (2,3), ...: an event channel and a shared ring each. */
    unsigned peer = d ^ 1;
    if (peer < n) {
        check(fdt_begin_node(fdt, "evtchn"), "evtchn");
        check(fdt_property_string(fdt, "compatible", "xen,evtchn-v1"), "compat");
        fdt32_t ev[2] = { cpu_to_fdt32(10), cpu_to_fdt32(evt_ph(n, peer)) };
        check(fdt_property(fdt, "xen,evtchn", ev, sizeof(ev)), "xen,evtchn");
        prop_u32(fdt, "phandle", evt_ph(n, d));
        check(fdt_end_node(fdt), "evtchn");

        check(fdt_begin_node(fdt, "shm"), "shm");
        check(fdt_property_string(fdt, "compatible", "xen,domain-shared-memory-v1"), "c");
        snprintf(name, sizeof(name), "ring%u", d / 2);
        check(fdt_property_string(fdt, "xen,shm-id", name), "id");
        check(fdt_property_string(fdt, "role", d % 2 ? "borrower" : "owner"), "role");
        uint64_t host = 0x100000000ull + (uint64_t)(d / 2) * 0x10000;
        fdt32_t shm[5] = { cpu_to_fdt32((uint32_t)(host >> 32)), cpu_to_fdt32((uint32_t)host), 0,
                           cpu_to_fdt32(0x80000000u), cpu_to_fdt32(0x10000) };
        check(fdt_property(fdt, "xen,shared-mem", shm, sizeof(shm)), "shared-mem");
        check(fdt_end_node(fdt), "shm");
    }
    check(fdt_end_node(fdt), "domain");
}

static void *generate(unsigned n, size_t *size)
{
    size_t cap = 4096 + (size_t)n * 1024;
    void *fdt = malloc(cap);
    check(fdt_create(fdt, (int)cap), "create");
    check(fdt_finish_reservemap(fdt), "reservemap");
    check(fdt_begin_node(fdt, ""), "root");
    check(fdt_begin_node(fdt, "cpus"), "cpus");
    prop_u32(fdt, "#address-cells", 1);
    prop_u32(fdt, "#size-cells", 0);
    for (unsigned c = 0; c < CPUS; c++) {
        char name[32];
        snprintf(name, sizeof(name), "cpu@%u", c);
        check(fdt_begin_node(fdt, name), "cpu");
        check(fdt_property_string(fdt, "device_type", "cpu"), "device_type");
        prop_u32(fdt, "reg", c);
        prop_u32(fdt, "phandle", cpu_ph(c));
        check(fdt_end_node(fdt), "cpu");
    }
    check(fdt_end_node(fdt), "cpus");
    check(fdt_begin_node(fdt, "chosen"), "chosen");
    check(fdt_begin_node(fdt, "hypervisor"), "hypervisor");
    check(fdt_property_string(fdt, "compatible", "hypervisor,xen"), "compatible");
    for (unsigned p = 0; p < POOLS; p++) {
        char name[32];
        snprintf(name, sizeof(name), "pool%u", p);
        check(fdt_begin_node(fdt, name), "pool");
        check(fdt_property_string(fdt, "compatible", "xen,cpupool"), "compatible");
        fdt32_t cpus[CPUS / POOLS];
        for (unsigned c = 0; c < CPUS / POOLS; c++)
            cpus[c] = cpu_to_fdt32(cpu_ph(p * (CPUS / POOLS) + c));
        check(fdt_property(fdt, "cpupool-cpus", cpus, sizeof(cpus)), "cpupool-cpus");
        prop_u32(fdt, "phandle", pool_ph(p));
        check(fdt_end_node(fdt), "pool");
    }
    for (unsigned d = 0; d < n; d++)
        add_domain(fdt, d, n);
    check(fdt_end_node(fdt), "hypervisor");
    check(fdt_end_node(fdt), "chosen");
    check(fdt_end_node(fdt), "root");
    check(fdt_finish(fdt), "finish");
    *size = fdt_totalsize(fdt);
    return fdt;
}

static void print_first_error(void *ctx, const struct hl_diag *d)
{
    unsigned *shown = ctx;
    if ((*shown)++ < 5) {
        char line[HL_DIAG_LINE_MAX];
        hl_diag_format(d, line, sizeof(line));
        fprintf(stderr, "%s\n", line);
    }
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    unsigned n = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 0) : 1000;
    unsigned runs = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 0) : 20;
    if (n == 0 || n > HL_MAX_DOMAINS || runs == 0 || runs > 1000) {
        fprintf(stderr, "usage: bench_hyperlaunch [DOMAINS (1-%u) [RUNS (1-1000)]]\n",
                HL_MAX_DOMAINS);
        return 2;
    }
    size_t size;
    void *fdt = generate(n, &size);
    struct hl_plan *plan = malloc(sizeof(*plan));
    double *times = malloc(runs * sizeof(*times));
    unsigned shown = 0;
    struct hl_input in = {
        .fdt = fdt,
        .fdt_size = size,
        .machine = { .cpus = CPUS, .ram_bytes = 64ull << 30 },
        .report = print_first_error,
        .ctx = &shown,
    };
    for (unsigned r = 0; r < runs; r++) {
        double t0 = now_ms();
        unsigned errors = hl_build_plan(&in, plan);
        times[r] = now_ms() - t0;
        if (errors) {
            fprintf(stderr, "bench_hyperlaunch: the generated tree has %u errors\n", errors);
            return 1;
        }
    }
    qsort(times, runs, sizeof(*times), cmp_double);
    printf("hyperlaunch validate: %u domains (%zu KiB tree, %u event channels, "
           "%u shared regions) in %.2f ms best, %.2f ms median of %u runs "
           "(%.1fk domains/s)\n",
           n, size / 1024, plan->nr_evtchns / 2, plan->nr_shm_regions, times[0], times[runs / 2],
           runs, (double)n / times[runs / 2]);
    free(times);
    free(plan);
    free(fdt);
    return 0;
}
