// SPDX-License-Identifier: MIT
/*
 * domains_build_and_start() (domains.h) and domain restart: the glue between
 * the boot plan (hyperlaunch/), the domain builder (domain-builder/) and the
 * hypervisor's domains, P2M and scheduler. A restart runs the builder again
 * into the domain's own memory: nothing is allocated after boot.
 */
#include <stdio.h>
#include <string.h>
#include <boot/bootinfo.h>
#include <domain-builder/builder.h>
#include <hyperlaunch/hyperlaunch.h>
#include <hv/arch_vcpu.h>
#include <hv/cpuid_policy.h>
#include <hv/dom_console.h>
#include <hv/domain.h>
#include <hv/domains.h>
#include <hv/event.h>
#include <hv/p2m.h>
#include <hv/page_alloc.h>
#include <hv/panic.h>
#include <hv/printk.h>
#include <hv/sched.h>
#include <hv/smp.h>
#include <hv/timeline.h>

/* The plan stays for the machine's lifetime: restarts rebuild from it. */
static struct hl_plan plan;
static struct domain *built[HL_MAX_DOMAINS];
/*
 * One build at a time (the builder's layout is large, and restarts may race).
 * Nothing under it waits for other CPUs, which may spin on it.
 */
static spinlock_t build_lock = SPINLOCK_INIT;
static struct db_layout layout;

static void report_diag(void *ctx, const struct hl_diag *diag)
{
    char line[HL_DIAG_LINE_MAX];

    (void)ctx;
    hl_diag_format(diag, line, sizeof(line));
    printk("tessera: launch tree: %s\n", line);
}

static void *guest_frame(void *ctx, uint64_t gfn)
{
    struct domain *d = ctx;
    paddr_t pa = p2m_lookup(d->p2m, gfn << PAGE_SHIFT, NULL);

    return pa == INVALID_PADDR ? NULL : phys_to_virt(pa);
}

/* The CPUs vCPU vcpu of domain index may run on: its xen,vcpu pinning, else its pool. */
static void vcpu_affinity(unsigned int index, unsigned int vcpu, cpumask_t *mask)
{
    const hl_cpumask_t *from = &plan.pools[plan.domains[index].pool].cpus;
    unsigned int i;

    for (i = 0; i < plan.nr_affinities; i++)
        if (plan.affinities[i].domain == index && plan.affinities[i].vcpu == vcpu)
            from = &plan.affinities[i].hard;
    _Static_assert(sizeof(*mask) == sizeof(*from), "cpumask sizes");
    memcpy(mask, from, sizeof(*mask));
}

/*
 * Static shared memory: each region is taken from the allocator at its
 * declared host address once, at boot, zeroed, and kept for the machine's
 * lifetime (restarts map it again; nothing frees it).
 */
static bool claim_shm_regions(void)
{
    unsigned int i;

    for (i = 0; i < plan.nr_shm_regions; i++) {
        const struct hl_shm_region *r = &plan.shm_regions[i];

        if (!page_alloc_claim(r->host_base, r->size)) {
            printk("tessera: shared memory '%s' at host 0x%llx+0x%llx: not free RAM\n", r->id,
                   (unsigned long long)r->host_base, (unsigned long long)r->size);
            return false;
        }
        memset(phys_to_virt(r->host_base), 0, r->size);
    }
    return true;
}

/*
 * Domain index's shared memory regions, for the builder (memory map, shared
 * memory table): how many there are (the first DB_MAX_SHM go in out).
 */
static uint32_t shm_of_domain(unsigned int index, struct db_shm *out)
{
    uint32_t n = 0;
    unsigned int i;

    for (i = 0; i < plan.nr_shm_maps; i++) {
        const struct hl_shm_map *m = &plan.shm_maps[i];
        const struct hl_shm_region *r = &plan.shm_regions[m->region];

        if (m->domain != index)
            continue;
        if (n < DB_MAX_SHM)
            out[n] = (struct db_shm){ r->id, m->guest_base, r->size, !m->read_only, m->owner };
        n++;
    }
    return n;
}

/* Maps domain index's shared memory regions, never executable, read-only if declared so. */
static bool map_shm(struct domain *d, unsigned int index)
{
    unsigned int i;

    for (i = 0; i < plan.nr_shm_maps; i++) {
        const struct hl_shm_map *m = &plan.shm_maps[i];
        const struct hl_shm_region *r = &plan.shm_regions[m->region];

        if (m->domain != index)
            continue;
        if (p2m_map_static(d->p2m, m->guest_base, r->host_base, r->size,
                           m->read_only ? P2M_READ : P2M_READ | P2M_WRITE)) {
            printk("tessera: domain %s: cannot map shared memory '%s' at 0x%llx "
                   "(P2M pool exhausted or overlapping)\n", d->name, r->id,
                   (unsigned long long)m->guest_base);
            return false;
        }
        printk("tessera: domain %s: shared memory '%s' (%s%s) at guest 0x%llx, host 0x%llx, "
               "0x%llx bytes\n", d->name, r->id, m->owner ? "owner" : "borrower",
               m->read_only ? ", read-only" : "", (unsigned long long)m->guest_base,
               (unsigned long long)r->host_base, (unsigned long long)r->size);
    }
    return true;
}

const char *domains_shm_at(const struct domain *d, gpaddr_t gpa, bool *writable)
{
    unsigned int i;

    for (i = 0; i < plan.nr_shm_maps; i++) {
        const struct hl_shm_map *m = &plan.shm_maps[i];
        const struct hl_shm_region *r = &plan.shm_regions[m->region];

        if (m->domain == d->index && gpa >= m->guest_base && gpa - m->guest_base < r->size) {
            *writable = !m->read_only;
            return r->id;
        }
    }
    return NULL;
}

/* What the builder is given for one domain; with layout, under the build lock. */
static struct {
    struct db_domain_spec spec;
    struct db_module ramdisk;
    struct db_shm shm[DB_MAX_SHM];
} inputs;

/* Lays out plan domain index (inputs and layout); false after saying why. */
static bool prepare_domain(unsigned int index)
{
    const struct hl_domain *hd = &plan.domains[index];
    const struct hl_module *kernel = &plan.modules[hd->kernel];
    struct db_domain_spec *spec = &inputs.spec;
    struct db_diag diag;

    if (kernel->source != HL_MODSRC_REG || !kernel->base) {
        printk("tessera: domain %s: its kernel was not loaded by the loader\n", hd->name);
        return false;
    }
    memset(spec, 0, sizeof(*spec));
    spec->name = hd->name;
    spec->domid = hd->domid;
    spec->flags = (hd->capabilities & HL_CAP_CONTROL) ? DB_SPEC_PRIVILEGED : 0;
    spec->mode = DB_MODE_AUTO;
    spec->memory_bytes = hd->memory_kib * 1024;
    spec->nr_vcpus = hd->vcpus;
    spec->kernel = phys_to_virt(kernel->base);
    spec->kernel_size = kernel->size;
    spec->cmdline = hd->bootargs;
    if (hd->ramdisk != HL_NONE) {
        const struct hl_module *rd = &plan.modules[hd->ramdisk];

        inputs.ramdisk = (struct db_module){ phys_to_virt(rd->base), rd->size, rd->bootargs };
        spec->modules = &inputs.ramdisk;
        spec->nr_modules = 1;
    }
    /* The validator refused more regions per domain than the builder's table holds. */
    _Static_assert(HL_MAX_SHM_PER_DOMAIN <= DB_MAX_SHM, "shared memory regions per domain");
    spec->nr_shm = shm_of_domain(index, inputs.shm);
    spec->shm = inputs.shm;
    if (db_prepare(spec, &layout, &diag)) {
        printk("tessera: domain %s: %s: %s\n", hd->name, db_err_name(diag.code), diag.msg);
        return false;
    }
    if (layout.mode == DB_MODE_PV) {
        printk("tessera: domain %s: the kernel is a PV image, which is not supported yet\n",
               hd->name);
        return false;
    }
    return true;
}

_Static_assert(HL_CPUID_EAX == (int)CPUID_EAX && HL_CPUID_EDX == (int)CPUID_EDX,
               "the plan's CPUID registers are the policy's");

/* What tessera,cpuid-force may name on this machine, for the plan's validation. */
static void machine_cpuid(struct hl_machine *m)
{
    unsigned int count, i;
    const struct hl_cpuid_feature *f = hl_cpuid_features(&count);

    m->cpuid_known = true;
    for (i = 0; i < count; i++) {
        enum cpuid_force why = arch_cpuid_can_force(f[i].leaf, f[i].subleaf,
                                                    (enum cpuid_reg)f[i].reg, f[i].bit);

        if (why == CPUID_FORCE_OK)
            m->cpuid_forceable |= 1ull << i;
        else if (why == CPUID_FORCE_HOST_LACKS)
            m->cpuid_absent |= 1ull << i;
    }
}

/* The plan's hide/force masks as the domain's policy; false after saying why. */
static bool cpuid_policy_of(const struct hl_domain *hd, struct cpuid_policy *p)
{
    unsigned int count, i;
    const struct hl_cpuid_feature *f = hl_cpuid_features(&count);

    for (i = 0; i < count; i++) {
        uint64_t bit = 1ull << i;

        if (((hd->cpuid.hide | hd->cpuid.force) & bit) &&
            !cpuid_policy_add(p, f[i].leaf, f[i].subleaf, (enum cpuid_reg)f[i].reg, f[i].bit,
                              (hd->cpuid.force & bit) != 0)) {
            printk("tessera: domain %s: its CPUID policy changes more than %u registers\n",
                   hd->name, CPUID_POLICY_MAX_REGS);
            return false;
        }
    }
    return true;
}

/* A new domain for plan domain index, its RAM backed as the layout says; NULL if not. */
static struct domain *create_domain(unsigned int index)
{
    const struct hl_domain *hd = &plan.domains[index];
    struct domain_policy policy = { hd->on_poweroff, hd->on_reboot, hd->on_crash,
                                    hd->console_serial, { 0 } };
    struct domain *d;
    unsigned int i;

    if (!cpuid_policy_of(hd, &policy.cpuid))
        return NULL;
    d = domain_create(index, hd->domid, hd->name, hd->vcpus, hd->p2m_pool_kib * 1024, &policy);
    if (!d)
        return NULL;
    d->sched.weight = hd->sched_weight;
    d->sched.cap = hd->sched_cap;
    for (i = 0; i < layout.nr_populate; i++) {
        int rc = p2m_populate_ram(d->p2m, layout.populate[i].gfn << PAGE_SHIFT,
                                  layout.populate[i].nr << PAGE_SHIFT, P2M_RWX);

        if (rc) {
            printk("tessera: domain %s: cannot back guest frames 0x%llx+0x%llx (%s)\n",
                   hd->name, (unsigned long long)layout.populate[i].gfn,
                   (unsigned long long)layout.populate[i].nr,
                   rc == -12 ? "out of memory or P2M pool exhausted" : "bad range");
            domain_free(d);
            return NULL;
        }
    }
    return d;
}

/*
 * Places d's vCPUs on their CPUs: by affinity at boot; at a restart each on
 * the CPU it had, which nothing else can have taken (a partitioned CPU stays
 * its vCPU's, and restarts of other domains only take back their own).
 */
static bool place_vcpus(struct domain *d, unsigned int index, bool again)
{
    const struct hl_domain *hd = &plan.domains[index];
    unsigned int i;

    for (i = 0; i < d->nr_vcpus; i++) {
        cpumask_t mask;

        if (again) {
            memset(&mask, 0, sizeof(mask));
            cpumask_set(&mask, d->vcpus[i]->pcpu);
        } else {
            vcpu_affinity(index, i, &mask);
        }
        if (!sched_add_vcpu(cpupool_get(hd->pool), d->vcpus[i], &mask)) {
            printk("tessera: domain %s: vCPU %u may run on no CPU of pool '%s' "
                   "(its affinity, or partitioned CPUs already taken)\n", hd->name, i,
                   plan.pools[hd->pool].name);
            while (i--)
                sched_detach(d->vcpus[i]);
            return false;
        }
    }
    return true;
}

/*
 * Runs the builder into d (its RAM backed as the layout says), maps its shared
 * memory and places its vCPUs; false after saying why.
 */
static bool build_into(struct domain *d, unsigned int index, bool again)
{
    const struct hl_domain *hd = &plan.domains[index];
    struct db_vcpu_state start;
    struct db_guest_mem mem;
    struct db_diag diag;
    unsigned int i;

    if (!map_shm(d, index))
        return false;
    d->ram_bytes = inputs.spec.memory_bytes;
    d->nr_memmap = MIN(layout.nr_e820, (uint32_t)DOMAIN_MEMMAP_MAX);
    for (i = 0; i < d->nr_memmap; i++)
        d->memmap[i] = (struct domain_memmap_entry){ layout.e820[i].addr, layout.e820[i].size,
                                                     layout.e820[i].type };
    mem = (struct db_guest_mem){ .ctx = d, .map = guest_frame, .gfn_to_mfn = NULL };
    if (db_build(&inputs.spec, &layout, &mem, &start, &diag)) {
        printk("tessera: domain %s: %s: %s\n", hd->name, db_err_name(diag.code), diag.msg);
        return false;
    }
    if (arch_virt->vcpu_set_start_state(d->vcpus[0], &start)) {
        printk("tessera: domain %s: its start state (%s) is not supported\n", hd->name,
               db_mode_name(layout.mode));
        return false;
    }
    d->vcpus[0]->initialised = true;
    return place_vcpus(d, index, again);
}

/* Builds plan domain index into a new, not yet started domain; NULL after saying why. */
static struct domain *build_domain(unsigned int index)
{
    struct domain *d;

    if (!prepare_domain(index) || !(d = create_domain(index)))
        return NULL;
    if (!build_into(d, index, false)) {
        domain_free(d);     /* never started: waits for no other CPU */
        return NULL;
    }
    return d;
}

/*
 * The plan's static event channels of domain index, bound to their remote
 * ends, then its PV console: the ring page the builder reserved, served by
 * the hypervisor through a port bound to it, taken after the static channels
 * so it never collides with one of them. False after saying why.
 */
static bool bind_evtchns(struct domain *d, unsigned int index)
{
    paddr_t ring = p2m_lookup(d->p2m, layout.console.gpa, NULL);
    unsigned int i, port;

    for (i = 0; i < plan.nr_evtchns; i++) {
        const struct hl_evtchn_end *e = &plan.evtchns[i], *peer;

        if (e->domain != index)
            continue;
        peer = &plan.evtchns[e->peer];
        events_bind_static(d, e->port, plan.domains[peer->domain].domid, peer->port);
    }
    CHECK(layout.console.size == PAGE_SIZE && ring != INVALID_PADDR);
    port = events_bind_hypervisor(d, dom_console_ring_notify);
    if (!port) {
        printk("tessera: domain %s: no free event channel port for its console\n", d->name);
        return false;
    }
    dom_console_attach_ring(&d->console, phys_to_virt(ring), layout.console.gpa >> PAGE_SHIFT,
                            port);
    return true;
}

static void report_built(const struct domain *d)
{
    char cpus[160];
    size_t n = 0;
    uint64_t used, total;
    unsigned int i;

    /* The CPU of each vCPU, in vCPU order; a long list ends in "...". */
    for (i = 0; i < d->nr_vcpus && n < sizeof(cpus) - 8; i++)
        n += (size_t)snprintf(cpus + n, sizeof(cpus) - n, "%s%u", i ? "," : "",
                              d->vcpus[i]->pcpu);
    if (i < d->nr_vcpus)
        snprintf(cpus + n, sizeof(cpus) - n, ",...");
    p2m_pool_usage(d->p2m, &used, &total);
    printk("tessera: domain %s (id %u): %s, %llu MiB, %u vCPU(s), entry 0x%llx, "
           "P2M %llu/%llu pages, %s on CPU%s %s\n", d->name, d->domid,
           db_mode_name(layout.mode), (unsigned long long)(d->ram_bytes >> 20), d->nr_vcpus,
           (unsigned long long)layout.entry, (unsigned long long)used,
           (unsigned long long)total, d->nr_vcpus > 1 ? "vCPUs" : "vCPU 0",
           d->nr_vcpus > 1 ? "s" : "", cpus);
}

/* The same layout as at boot (the same plan and images): RAM already where it goes. */
static bool layout_backed(const struct domain *d)
{
    unsigned int i;

    for (i = 0; i < layout.nr_populate; i++)
        if (!p2m_owns_range(d->p2m, layout.populate[i].gfn << PAGE_SHIFT,
                            layout.populate[i].nr << PAGE_SHIFT))
            return false;
    return true;
}

bool domain_restart(struct domain *d)
{
    unsigned int index = d->index;
    bool ok;

    domain_reset(d);
    spin_lock(&build_lock);
    ok = prepare_domain(index);
    CHECK(!ok || layout_backed(d));
    ok = ok && build_into(d, index, true) && bind_evtchns(d, index);
    if (ok) {
        events_register_domain(d);
        report_built(d);
    }
    spin_unlock(&build_lock);
    return ok;
}

enum hv_exit_status domains_build_and_start(const struct tessera_bootinfo *bi)
{
    struct hl_input in = {
        .fdt = phys_to_virt(bi->launch_tree_paddr),
        .fdt_size = bi->launch_tree_size,
        .machine = { .cpus = nr_cpus_online, .ram_bytes = page_alloc_free_pages() << PAGE_SHIFT },
        .report = report_diag,
    };
    unsigned int errors, i, failed;

    machine_cpuid(&in.machine);
    errors = hl_build_plan(&in, &plan);
    if (errors || !plan.valid) {
        printk("tessera: launch tree: %u error(s); no domain is built\n", errors);
        return HV_EXIT_FAILURE;
    }
    if (!arch_virt_init()) {
        printk("tessera: no domain can run on this machine\n");
        return HV_EXIT_FAILURE;
    }
    sched_init();
    if (!cpupools_create(&plan) || !claim_shm_regions())
        return HV_EXIT_FAILURE;

    /* Every domain is built before the first one starts; one failure builds none. */
    spin_lock(&build_lock);
    for (i = 0; i < plan.nr_domains; i++) {
        built[i] = build_domain(i);
        if (built[i] && !bind_evtchns(built[i], i)) {
            domain_free(built[i]);
            built[i] = NULL;
        }
        if (!built[i])
            break;
        events_register_domain(built[i]);
        report_built(built[i]);
        timeline_mark("domain built", (int)built[i]->domid);
    }
    spin_unlock(&build_lock);
    if (i < plan.nr_domains) {
        failed = i;
        while (i--)
            domain_free(built[i]);
        printk("tessera: domain %s could not be built; no domain is started\n",
               plan.domains[failed].name);
        return HV_EXIT_FAILURE;
    }
    cpupools_report(&plan);
    dom_console_give_input(plan.console_input == HL_NONE ? NULL
                                                         : &built[plan.console_input]->console);

    for (i = 0; i < plan.nr_domains; i++) {
        struct domain *d = built[plan.start_order[i]];

        printk("tessera: starting domain %s (id %u)\n", d->name, d->domid);
        timeline_mark("domain start", (int)d->domid);
        domain_start(d);
    }
    page_alloc_seal();
    sched_start();
}
