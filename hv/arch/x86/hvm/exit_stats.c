// SPDX-License-Identifier: MIT
/* Exit statistics (asm/hvm/exit_stats.h). */
#include <public/xen.h>
#include <asm/hvm/exit_stats.h>
#include <asm/tsc.h>
#include <hv/printk.h>
#include <hv/smp.h>
#include <hv/time.h>

static const char *const reason_names[EXIT_STATS_REASONS] = {
    [HVM_EXIT_NONE] = "back-end only (interrupt, NMI, window)",
    [HVM_EXIT_CPUID] = "cpuid",
    [HVM_EXIT_MSR] = "msr",
    [HVM_EXIT_IO] = "port i/o",
    [HVM_EXIT_HLT] = "hlt",
    [HVM_EXIT_HYPERCALL] = "hypercall",
    [HVM_EXIT_NPF] = "nested page fault",
    [HVM_EXIT_EXCEPTION] = "exception",
    [HVM_EXIT_UNDEFINED] = "undefined instruction",
    [HVM_EXIT_CACHE_FLUSH] = "invd/wbinvd",
    [HVM_EXIT_XSETBV] = "xsetbv",
    [HVM_EXIT_TRIPLE_FAULT] = "triple fault",
    [HVM_EXIT_UNKNOWN] = "unknown",
};

/* The ops a PVH guest can make here; others print by number. */
static const char *const op_names[EXIT_STATS_HYPERCALLS] = {
    [__HYPERVISOR_memory_op] = "memory_op",
    [__HYPERVISOR_set_timer_op] = "set_timer_op",
    [__HYPERVISOR_xen_version] = "xen_version",
    [__HYPERVISOR_console_io] = "console_io",
    [__HYPERVISOR_grant_table_op] = "grant_table_op",
    [__HYPERVISOR_vm_assist] = "vm_assist",
    [__HYPERVISOR_vcpu_op] = "vcpu_op",
    [__HYPERVISOR_sched_op] = "sched_op",
    [__HYPERVISOR_event_channel_op] = "event_channel_op",
    [__HYPERVISOR_physdev_op] = "physdev_op",
    [__HYPERVISOR_hvm_op] = "hvm_op",
};

static struct exit_stats per_cpu_stats[HV_MAX_CPUS];

void exit_stats_open(struct exit_stats *s, uint64_t tsc)
{
    s->exit_tsc = tsc;
    s->open_reason = HVM_EXIT_NONE; /* until hvm/ names one */
    s->open_op = EXIT_STATS_HYPERCALLS;
    s->open = true;
}

void exit_stats_close(struct exit_stats *s, uint64_t tsc)
{
    uint64_t ticks = tsc - s->exit_tsc;

    if (!s->open)
        return;
    s->open = false;
    s->reason[s->open_reason].count++;
    s->reason[s->open_reason].ticks += ticks;
    if (s->open_reason == HVM_EXIT_HYPERCALL) {
        s->hypercall[s->open_op].count++;
        s->hypercall[s->open_op].ticks += ticks;
    }
}

static void add_rows(struct exit_stat *sum, const struct exit_stat *s, unsigned int n)
{
    for (unsigned int i = 0; i < n; i++) {
        sum[i].count += __atomic_load_n(&s[i].count, __ATOMIC_RELAXED);
        sum[i].ticks += __atomic_load_n(&s[i].ticks, __ATOMIC_RELAXED);
    }
}

void exit_stats_add(struct exit_stats *sum, const struct exit_stats *s)
{
    add_rows(sum->reason, s->reason, EXIT_STATS_REASONS);
    add_rows(sum->hypercall, s->hypercall, EXIT_STATS_HYPERCALLS + 1);
}

static void print_row(const char *name, const struct exit_stat *r, uint64_t tsc_khz)
{
    printk("  %-40s %10llu %14llu %10llu %10llu\n", name, (unsigned long long)r->count,
           (unsigned long long)r->ticks, (unsigned long long)(r->count ? r->ticks / r->count : 0),
           (unsigned long long)(tsc_khz ? r->ticks * 1000 / tsc_khz : 0));
}

static void print_header(const char *what)
{
    printk("  %-40s %10s %14s %10s %10s\n", what, "count", "ticks", "ticks/each", "total us");
}

void exit_stats_print_table(const struct exit_stats *sum, uint64_t tsc_khz)
{
    struct exit_stat total = { 0, 0 };
    char name[24];

    printk("tessera: exits by reason, all CPUs, since boot (time: #VMEXIT to the next entry, "
           "TSC at %llu kHz):\n",
           (unsigned long long)tsc_khz);
    print_header("reason");
    for (unsigned int i = 0; i < EXIT_STATS_REASONS; i++) {
        if (!sum->reason[i].count)
            continue;
        print_row(reason_names[i], &sum->reason[i], tsc_khz);
        total.count += sum->reason[i].count;
        total.ticks += sum->reason[i].ticks;
    }
    print_row("total", &total, tsc_khz);
    printk("tessera: hypercalls by op:\n");
    print_header("op");
    for (unsigned int i = 0; i <= EXIT_STATS_HYPERCALLS; i++) {
        if (!sum->hypercall[i].count)
            continue;
        if (i == EXIT_STATS_HYPERCALLS)
            snprintf(name, sizeof(name), "op >= %u", EXIT_STATS_HYPERCALLS);
        else if (!op_names[i])
            snprintf(name, sizeof(name), "op %u", i);
        print_row(i < EXIT_STATS_HYPERCALLS && op_names[i] ? op_names[i] : name, &sum->hypercall[i],
                  tsc_khz);
    }
}

void exit_stats_print(void)
{
    struct exit_stats sum = { 0 };

    for (unsigned int cpu = 0; cpu < HV_MAX_CPUS; cpu++)
        exit_stats_add(&sum, &per_cpu_stats[cpu]);
    exit_stats_print_table(&sum, tsc_khz());
}

void exit_stats_exited(void)
{
    exit_stats_open(&per_cpu_stats[smp_processor_id()], rdtsc());
}

void exit_stats_reason(enum hvm_exit_reason reason)
{
    if ((unsigned int)reason < EXIT_STATS_REASONS)
        per_cpu_stats[smp_processor_id()].open_reason = reason;
}

void exit_stats_hypercall(uint64_t op)
{
    per_cpu_stats[smp_processor_id()].open_op = (uint32_t)MIN(op, (uint64_t)EXIT_STATS_HYPERCALLS);
}

void exit_stats_resume(void)
{
    exit_stats_close(&per_cpu_stats[smp_processor_id()], rdtsc());
}
