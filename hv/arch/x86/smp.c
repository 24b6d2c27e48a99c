/* SPDX-License-Identifier: MIT */
/*
 * Starting the application processors: every enabled CPU the MADT lists is
 * started with INIT-SIPI-SIPI through the low trampoline (trampoline.S), each
 * as soon as the one before has left the trampoline's data, so that they
 * initialise together; bounded waits, each with a message saying how far a CPU
 * got.
 */
#include <string.h>
#include <asm/acpi.h>
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/idt.h>
#include <asm/msr.h>
#include <asm/paging.h>
#include <asm/smp.h>
#include <hv/page_alloc.h>
#include <hv/panic.h>
#include <hv/percpu.h>
#include <hv/printk.h>
#include <hv/spinlock.h>
#include <hv/time.h>
#include <hv/timeline.h>
#include <hv/timer.h>

/* Page 0: the code; page 1: the start-up PML4. */
#define TRAMPOLINE_PAGES       2
#define INIT_TO_SIPI_US        10000
#define SIPI_RETRY_US          200
#define AP_START_TIMEOUT_MS    2000
#define AP_ONLINE_TIMEOUT_MS   5000
#define TIMER_CHECK_AHEAD_NS   100000 /* the boot waits for it */
#define TIMER_CHECK_TIMEOUT_MS 1000

/* Layout shared with trampoline.S (trampoline_params). */
struct trampoline_params {
    uint32_t cr3;
    uint32_t efer;
    uint64_t stack_top;
    uint64_t percpu;
    uint64_t entry;
    volatile uint32_t started;
    uint32_t reserved;
};
_Static_assert(sizeof(struct trampoline_params) == 40, "trampoline.S layout");

extern const uint8_t trampoline_start[], trampoline_params[], trampoline_end[];

unsigned int nr_cpus_possible = 1;
volatile unsigned int nr_cpus_online = 1;

static paddr_t trampoline_paddr;
static uint32_t trampoline_size;

unsigned int smp_processor_id(void)
{
    return this_cpu()->cpu_id;
}

void smp_set_trampoline(paddr_t paddr, uint32_t size)
{
    trampoline_paddr = paddr;
    trampoline_size = size;
}

/* Polls cond for at most ms milliseconds; its last value. */
#define WAIT_MS(cond, ms)                                  \
    ({                                                     \
        uint64_t end_ = now_ns() + (uint64_t)(ms)*1000000; \
        bool ok_;                                          \
        while (!(ok_ = (cond)) && now_ns() < end_)         \
            cpu_relax();                                   \
        ok_;                                               \
    })

void ap_start(struct percpu *pc)
{
    write_cr3(paddr_val(paging_root()));
    arch_cpu_init(pc);
    lapic_init();
    if (lapic_id() != pc->apic_id)
        printk("tessera: smp: CPU %u reports APIC id %u, the MADT said %u\n", pc->cpu_id,
               lapic_id(), pc->apic_id);
    timer_init_cpu();
    timeline_mark("cpu online", (int)pc->cpu_id);
    printk("tessera: CPU %u (APIC id %u) online\n", pc->cpu_id, pc->apic_id);
    __atomic_add_fetch(&nr_cpus_online, 1, __ATOMIC_SEQ_CST);
    __atomic_store_n(&pc->online, true, __ATOMIC_RELEASE);
    ASSERT_NO_LOCKS_HELD();
    for (;;)
        __asm__ volatile("sti; hlt; cli" ::: "memory");
}

/*
 * Copies the code; the start-up PML4 (page 1) is filled per CPU. The hypervisor's
 * tables map the trampoline identity while APs start, so the code keeps running
 * when paging turns on.
 */
static struct trampoline_params *trampoline_install(void)
{
    size_t code = (size_t)(trampoline_end - trampoline_start);
    uint8_t *va = phys_to_virt(trampoline_paddr);
    struct trampoline_params *params;

    paging_map_identity(trampoline_paddr, TRAMPOLINE_PAGES * PAGE_SIZE, PAGING_WRITE | PAGING_EXEC);
    memcpy(va, trampoline_start, code);
    params = (void *)(va + (trampoline_params - trampoline_start));
    params->cr3 = (uint32_t)paddr_val(paddr_add(trampoline_paddr, PAGE_SIZE));
    params->efer = (uint32_t)(rdmsr(MSR_EFER) & (EFER_SCE | EFER_LME | EFER_NXE));
    params->entry = (uint64_t)ap_start;
    return params;
}

static void trampoline_remove(void)
{
    for (unsigned int i = 0; i < TRAMPOLINE_PAGES; i++)
        paging_unmap_page((void *)paddr_val(paddr_add(trampoline_paddr, i * PAGE_SIZE)));
}

static bool trampoline_usable(void)
{
    uint64_t base = paddr_val(trampoline_paddr);

    if (trampoline_size < TRAMPOLINE_PAGES * PAGE_SIZE || base == 0 ||
        base + trampoline_size > MiB(1) || !IS_ALIGNED(base, PAGE_SIZE)) {
        printk("tessera: smp: no usable trampoline (0x%llx, %u bytes): other CPUs stay off\n",
               (unsigned long long)base, trampoline_size);
        return false;
    }
    return true;
}

/*
 * The MP specification's 10 ms between INIT and STARTUP is for old CPUs with
 * external APICs. Linux skips it on Intel family 6 and later and AMD/Hygon
 * family 0xF and later; x2APIC CPUs are all of those, and a hypervisor's
 * virtual CPUs do not need it either.
 */
static bool init_wait_needed(void)
{
    if (lapic_x2apic_mode() || cpu_under_hypervisor())
        return false;
    if (cpu_vendor_is_intel())
        return cpu_family() < 6;
    return !(cpu_vendor_is_amd_or_hygon() && cpu_family() >= 0xF);
}

/*
 * INIT-SIPI-SIPI to one CPU, returning once it has taken its parameters (left
 * the trampoline's data) or has not started in time; its per-CPU block, or
 * NULL if it did not start (and was sent back to wait-for-SIPI).
 */
static struct percpu *start_cpu(struct trampoline_params *params, unsigned int cpu,
                                uint32_t apic_id, bool init_wait)
{
    struct percpu *pc = percpu_alloc(cpu, apic_id);
    uint32_t sipi = APIC_DM_STARTUP | (uint32_t)paddr_frame(trampoline_paddr);

    /* CR3 is loaded in 32-bit mode, so a copy of the hypervisor's PML4 below 1 MiB. */
    memcpy(phys_to_virt(paddr_add(trampoline_paddr, PAGE_SIZE)), phys_to_virt(paging_root()),
           PAGE_SIZE);
    params->stack_top = pc->stack_top;
    params->percpu = (uint64_t)pc;
    params->started = 0;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);

    lapic_send_ipi(apic_id, APIC_DM_INIT | APIC_LEVEL_ASSERT);
    if (init_wait)
        udelay(INIT_TO_SIPI_US);
    lapic_send_ipi(apic_id, sipi);
    udelay(SIPI_RETRY_US);
    if (!params->started)
        lapic_send_ipi(apic_id, sipi);

    if (WAIT_MS(params->started, AP_START_TIMEOUT_MS)) {
        timeline_mark("cpu started", (int)cpu);
        return pc;
    }
    printk("tessera: smp: CPU %u (APIC id %u) did not start within %u ms of "
           "INIT-SIPI-SIPI; leaving it off\n",
           cpu, apic_id, AP_START_TIMEOUT_MS);
    /* Back to wait-for-SIPI, so it cannot run on the next CPU's trampoline data. */
    lapic_send_ipi(apic_id, APIC_DM_INIT | APIC_LEVEL_ASSERT);
    return NULL;
}

/* Waits for a started CPU to come online; one that does not is stopped (INIT). */
static void wait_online(struct percpu *pc)
{
    if (WAIT_MS(pc->online, AP_ONLINE_TIMEOUT_MS))
        return;
    printk("tessera: smp: CPU %u (APIC id %u) entered long mode but was not online "
           "within %u ms; stopping it\n",
           pc->cpu_id, pc->apic_id, AP_ONLINE_TIMEOUT_MS);
    lapic_send_ipi(pc->apic_id, APIC_DM_INIT | APIC_LEVEL_ASSERT);
}

static volatile unsigned int timers_fired;
static uint64_t timers_latest_ns;

static void check_timer_fired(struct timer *t)
{
    uint64_t late = now_ns() - t->deadline_ns;
    uint64_t seen = __atomic_load_n(&timers_latest_ns, __ATOMIC_RELAXED);

    while (late > seen && !__atomic_compare_exchange_n(&timers_latest_ns, &seen, late, false,
                                                       __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
        ;
    __atomic_add_fetch(&timers_fired, 1, __ATOMIC_SEQ_CST);
}

static void check_timer_arm(void *arg)
{
    struct timer *t = &this_cpu()->arch.check_timer;

    (void)arg;
    t->fn = check_timer_fired;
    timer_set(t, now_ns() + TIMER_CHECK_AHEAD_NS);
}

/* Every online CPU arms a timer 100 us ahead; all must fire. */
static void timer_self_check(void)
{
    unsigned long flags = irq_save();
    uint64_t deadline = now_ns() + TIMER_CHECK_TIMEOUT_MS * 1000000ull;

    timers_fired = 0;
    smp_call_others(check_timer_arm, NULL, true);
    check_timer_arm(NULL);
    ASSERT_NO_LOCKS_HELD();
    irq_enable();
    while (timers_fired < nr_cpus_online && now_ns() < deadline)
        cpu_relax();
    irq_disable();
    irq_restore(flags);
    if (timers_fired < nr_cpus_online)
        panic("timers: only %u of %u CPUs' %llu us timers fired within %u ms", timers_fired,
              nr_cpus_online, (unsigned long long)(TIMER_CHECK_AHEAD_NS / 1000),
              TIMER_CHECK_TIMEOUT_MS);
    printk("tessera: timers ok on %u CPU%s (%llu us timers, latest fired %llu us after its "
           "deadline)\n",
           nr_cpus_online, nr_cpus_online == 1 ? "" : "s",
           (unsigned long long)(TIMER_CHECK_AHEAD_NS / 1000),
           (unsigned long long)(timers_latest_ns / 1000));
}

/* CPUs to start: the MADT's enabled CPUs less the boot CPU, in MADT order. */
static unsigned int secondaries(uint32_t bsp_apic_id, uint32_t *apic_ids)
{
    unsigned int n = 0;
    bool bsp_listed = false;

    for (unsigned int i = 0; i < acpi.nr_cpus; i++) {
        uint32_t id = acpi.cpu_apic_id[i];

        if (id == bsp_apic_id)
            bsp_listed = true;
        else if (!lapic_x2apic_mode() && id > 0xFE)
            printk("tessera: smp: APIC id %u needs x2APIC mode; CPU left off\n", id);
        else if (n == HV_MAX_CPUS - 1)
            printk("tessera: smp: more than %u CPUs; APIC id %u left off\n", HV_MAX_CPUS, id);
        else
            apic_ids[n++] = id;
    }
    if (acpi.nr_cpus && !bsp_listed)
        printk("tessera: smp: the MADT does not list the boot CPU (APIC id %u)\n", bsp_apic_id);
    return n;
}

void smp_boot_secondaries(void)
{
    static uint32_t apic_ids[HV_MAX_CPUS - 1];
    unsigned int n = secondaries(lapic_id(), apic_ids);

    this_cpu()->online = true;
    smp_init_ipis();
    nr_cpus_possible = 1 + n;
    if (n && trampoline_usable()) {
        static struct percpu *started[HV_MAX_CPUS - 1];
        struct trampoline_params *params = trampoline_install();
        bool init_wait = init_wait_needed();

        /*
         * Each CPU is started as soon as the one before has left the trampoline's
         * data, and they all initialise at once; the trampoline stays mapped until
         * every one is online (or stopped). A CPU that fails keeps its number (and
         * per-CPU block): numbers are never reused.
         */
        for (unsigned int i = 0; i < n; i++)
            started[i] = start_cpu(params, 1 + i, apic_ids[i], init_wait);
        for (unsigned int i = 0; i < n; i++)
            if (started[i])
                wait_online(started[i]);
        trampoline_remove();
    }
    timeline_mark("cpus online", (int)nr_cpus_online);
    printk("tessera: smp: %u of %u CPUs online\n", nr_cpus_online, nr_cpus_possible);
    timer_self_check();
    timeline_mark("timers checked", TIMELINE_NO_ARG);
}
