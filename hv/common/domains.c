// SPDX-License-Identifier: MIT
/*
 * domains_build_and_start() (domains.h) and domain restart: the glue between
 * the boot plan (hyperlaunch/), the domain builder (domain-builder/) and the
 * hypervisor's domains, P2M and scheduler. Each domain's part of the plan is
 * copied into its own spec at boot; once every domain is built the plan and
 * the launch tree are never read again. A restart runs the builder again
 * from the spec into the domain's own memory: nothing is allocated after boot.
 */
#include <stdio.h>
#include <string.h>
#include <libfdt.h>
#include <boot/bootinfo.h>
#include <domain-builder/builder.h>
#include <hyperlaunch/hyperlaunch.h>
#include <public/errno.h>
#include <public/xen.h>
#include <hv/arch_vcpu.h>
#include <hv/boot_modules.h>
#include <hv/cpuid_policy.h>
#include <hv/dom_console.h>
#include <hv/domain.h>
#include <hv/domain_registry.h>
#include <hv/domains.h>
#include <hv/guest_access.h>
#include <hv/evtchn.h>
#include <hv/image_placement.h>
#include <hv/p2m.h>
#include <hv/page_alloc.h>
#include <hv/panic.h>
#include <hv/printk.h>
#include <hv/ram_clear.h>
#include <hv/sched.h>
#include <hv/stall_watch.h>
#include <hv/smp.h>
#include <hv/timeline.h>

/* The boot plan and information: read only while domains are built, then NULL. */
static struct hl_plan plan_storage;
static const struct hl_plan *plan;
static const struct tessera_bootinfo *boot_info;

#define SHM_ID_MAX    16 /* xen,shm-id: at most 15 characters */
#define POOL_NAME_MAX 32 /* for messages */
/* A restart's scrub step: 2 MiB, a few ms even under an emulator, then others may run. */
#define RESTART_SCRUB_PAGES 512

struct spec_module {
    uint64_t base, size; /* host-physical, a range the loader placed */
    const char *cmdline; /* in the spec, or NULL */
    bool map;            /* its pages become the domain's (module_mappable()) */
};

struct spec_shm {
    char id[SHM_ID_MAX];
    gpaddr_t guest_base;
    paddr_t host_base;
    uint64_t size;
    bool read_only, owner;
};

struct spec_evtchn {
    uint32_t port;
    uint16_t peer_domid;
    uint32_t peer_port;
};

/*
 * Everything of the plan a domain needs to be built and rebuilt at a
 * restart, copied at boot into pages of its own (strings included) and kept
 * for the machine's lifetime.
 */
struct domain_spec {
    char name[HL_MAX_NAME];
    uint16_t domid;
    bool privileged;
    bool pv; /* mode bit 0: an x86-64 PV domain, else PVH */
    /* tessera,ram-clear = "before-start" (always for PV), else cleared lazily (decision 33) */
    bool clear_before_start;
    uint32_t vcpus;
    uint64_t memory_bytes, p2m_pool_bytes;
    struct domain_policy policy;
    uint16_t sched_weight, sched_cap;
    uint16_t pool;
    char pool_name[POOL_NAME_MAX];
    struct spec_module kernel, ramdisk; /* ramdisk.size 0: none */
    /*
     * The frames the builder fills whole (layout.filled, the same at every
     * build of the spec): left uncleared at boot and by a restart's scrub.
     */
    struct frame_range filled[DB_MAX_FILLED];
    uint32_t nr_filled;
    uint32_t nr_shm, nr_evtchns;
    struct spec_shm *shm;
    struct spec_evtchn *evtchns;
    cpumask_t *affinity; /* per vCPU */
};

static struct domain_spec *specs[HL_MAX_DOMAINS];
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
    paddr_t pa = p2m_lookup(d->p2m, mk_gpaddr(gfn << PAGE_SHIFT), NULL);

    return paddr_eq(pa, INVALID_PADDR) ? NULL : phys_to_virt(pa);
}

/* The CPUs vCPU vcpu of plan domain index may run on: its xen,vcpu pinning, else its pool. */
static void vcpu_affinity(unsigned int index, unsigned int vcpu, cpumask_t *mask)
{
    const hl_cpumask_t *from = &plan->pools[plan->domains[index].pool].cpus;
    unsigned int i;

    for (i = 0; i < plan->nr_affinities; i++)
        if (plan->affinities[i].domain == index && plan->affinities[i].vcpu == vcpu)
            from = &plan->affinities[i].hard;
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

    for (i = 0; i < plan->nr_shm_regions; i++) {
        const struct hl_shm_region *r = &plan->shm_regions[i];

        if (!page_alloc_claim(mk_paddr(r->host_base), r->size)) {
            printk("tessera: shared memory '%s' at host 0x%llx+0x%llx: not free RAM\n", r->id,
                   (unsigned long long)r->host_base, (unsigned long long)r->size);
            return false;
        }
        memset(phys_to_virt(mk_paddr(r->host_base)), 0, r->size);
    }
    return true;
}

/* The spec's shared memory regions, for the builder (memory map, shared memory table). */
static void shm_for_builder(const struct domain_spec *spec, struct db_shm *out)
{
    uint32_t i;

    for (i = 0; i < spec->nr_shm; i++)
        out[i] = (struct db_shm){ spec->shm[i].id, gpaddr_val(spec->shm[i].guest_base),
                                  spec->shm[i].size, !spec->shm[i].read_only, spec->shm[i].owner };
}

/* Maps the domain's shared memory regions, never executable, read-only if declared so. */
static bool map_shm(struct domain *d, const struct domain_spec *spec)
{
    uint32_t i;

    for (i = 0; i < spec->nr_shm; i++) {
        const struct spec_shm *m = &spec->shm[i];

        if (p2m_map(d->p2m, m->guest_base, m->host_base, m->size,
                    m->read_only ? P2M_SHARED_RO : P2M_SHARED_RW,
                    m->read_only ? P2M_READ : P2M_READ | P2M_WRITE)) {
            printk("tessera: domain %s: cannot map shared memory '%s' at 0x%llx "
                   "(P2M pool exhausted or overlapping)\n",
                   d->name, m->id, (unsigned long long)gpaddr_val(m->guest_base));
            return false;
        }
        printk("tessera: domain %s: shared memory '%s' (%s%s) at guest 0x%llx, host 0x%llx, "
               "0x%llx bytes\n",
               d->name, m->id, m->owner ? "owner" : "borrower", m->read_only ? ", read-only" : "",
               (unsigned long long)gpaddr_val(m->guest_base),
               (unsigned long long)paddr_val(m->host_base), (unsigned long long)m->size);
    }
    return true;
}

/* What the P2M says gpa is; the region's name from the domain's spec. */
const char *domains_shm_at(const struct domain *d, gpaddr_t gpa, bool *writable)
{
    enum p2m_type type = p2m_query(d->p2m, gpa, NULL, NULL);
    const struct domain_spec *spec = specs[d->index];
    uint32_t i;

    if (type != P2M_SHARED_RO && type != P2M_SHARED_RW)
        return NULL;
    *writable = type == P2M_SHARED_RW;
    for (i = 0; i < spec->nr_shm; i++)
        if (gpaddr_val(gpa) >= gpaddr_val(spec->shm[i].guest_base) &&
            gpaddr_val(gpa) - gpaddr_val(spec->shm[i].guest_base) < spec->shm[i].size)
            return spec->shm[i].id;
    panic("domain %s: shared memory at guest-physical 0x%llx that its spec does not list", d->name,
          (unsigned long long)gpaddr_val(gpa));
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
        enum cpuid_force why =
            arch_cpuid_can_force(f[i].leaf, f[i].subleaf, (enum cpuid_reg)f[i].reg, f[i].bit);

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

/* Bytes of s with its NUL, 0 for NULL. */
static size_t string_bytes(const char *s)
{
    return s ? strlen(s) + 1 : 0;
}

/* Copies s to *at (advancing it); NULL for NULL. */
static const char *copy_string(char **at, const char *s)
{
    char *copy = *at;
    size_t n = string_bytes(s);

    if (!s)
        return NULL;
    memcpy(copy, s, n);
    *at += n;
    return copy;
}

/* Counts plan domain index's shared memory maps and static event channel ends. */
static void count_links(unsigned int index, uint32_t *nr_shm, uint32_t *nr_evtchns)
{
    unsigned int i;

    *nr_shm = *nr_evtchns = 0;
    for (i = 0; i < plan->nr_shm_maps; i++)
        *nr_shm += plan->shm_maps[i].domain == index;
    for (i = 0; i < plan->nr_evtchns; i++)
        *nr_evtchns += plan->evtchns[i].domain == index;
}

static void copy_links(unsigned int index, struct domain_spec *ds)
{
    uint32_t n = 0;
    unsigned int i;

    for (i = 0; i < plan->nr_shm_maps; i++) {
        const struct hl_shm_map *m = &plan->shm_maps[i];
        const struct hl_shm_region *r = &plan->shm_regions[m->region];
        struct spec_shm *out = &ds->shm[n];

        if (m->domain != index)
            continue;
        *out = (struct spec_shm){ .guest_base = mk_gpaddr(m->guest_base),
                                  .host_base = mk_paddr(r->host_base),
                                  .size = r->size,
                                  .read_only = m->read_only,
                                  .owner = m->owner };
        snprintf(out->id, sizeof(out->id), "%s", r->id);
        n++;
    }
    n = 0;
    for (i = 0; i < plan->nr_evtchns; i++) {
        const struct hl_evtchn_end *e = &plan->evtchns[i], *peer = &plan->evtchns[e->peer];

        if (e->domain == index)
            ds->evtchns[n++] =
                (struct spec_evtchn){ e->port, plan->domains[peer->domain].domid, peer->port };
    }
}

/* Whether no policy of hd rebuilds it: then nothing needs its images again. */
static bool never_restarts(const struct hl_domain *hd)
{
    return hd->on_poweroff != HL_ACTION_RESTART && hd->on_reboot != HL_ACTION_RESTART &&
           hd->on_crash != HL_ACTION_RESTART;
}

/*
 * Whether plan domain index may have the pages of its module mod (kernel or
 * ramdisk) rather than a copy (docs/performance.md, "Image placement"): a
 * PVH domain that is never rebuilt (a restart needs the pristine image), a
 * module no other module of the plan overlaps (a second user would see the
 * first one's writes), and pages that are one loader-placed module's alone
 * and that the memory map calls module memory.
 */
static bool module_mappable(unsigned int index, const struct hl_module *mod)
{
    const struct hl_domain *hd = &plan->domains[index];
    uint64_t end = ALIGN_UP(mod->base + mod->size, PAGE_SIZE);
    unsigned int i;

    if (hd->type != HL_DOMAIN_PVH || !never_restarts(hd) || !IS_ALIGNED(mod->base, PAGE_SIZE))
        return false;
    for (i = 0; i < plan->nr_modules; i++) {
        const struct hl_module *m = &plan->modules[i];

        if (m != mod && m->size && m->base < end && mod->base < m->base + m->size)
            return false;
    }
    return boot_module_exclusive(boot_info, mod->base, mod->size);
}

/*
 * Copies what plan domain index needs at run time into pages of its own
 * (specs[index]); false after saying why.
 */
static bool copy_spec(unsigned int index)
{
    const struct hl_domain *hd = &plan->domains[index];
    const struct hl_module *kernel = &plan->modules[hd->kernel];
    const struct hl_module *rd = hd->ramdisk != HL_NONE ? &plan->modules[hd->ramdisk] : NULL;
    uint32_t nr_shm, nr_evtchns, v;
    struct domain_spec *ds;
    unsigned int order = 0;
    uint64_t bytes;
    paddr_t pa;
    char *at;

    if ((kernel->source != HL_MODSRC_REG && kernel->source != HL_MODSRC_INDEX) || !kernel->base) {
        printk("tessera: domain %s: its kernel was not loaded by the loader\n", hd->name);
        return false;
    }
    count_links(index, &nr_shm, &nr_evtchns);
    /* The validator refused more regions per domain than the builder's table holds. */
    _Static_assert(HL_MAX_SHM_PER_DOMAIN <= DB_MAX_SHM, "shared memory regions per domain");
    bytes = sizeof(*ds) + nr_shm * sizeof(struct spec_shm) +
            nr_evtchns * sizeof(struct spec_evtchn) + hd->vcpus * sizeof(cpumask_t) +
            string_bytes(hd->bootargs) + (rd ? string_bytes(rd->bootargs) : 0);
    while ((PAGE_SIZE << order) < bytes)
        order++;
    pa = page_alloc(order);
    if (!paddr_val(pa)) {
        printk("tessera: domain %s: out of memory for its spec\n", hd->name);
        return false;
    }
    ds = phys_to_virt(pa);
    memset(ds, 0, sizeof(*ds));
    snprintf(ds->name, sizeof(ds->name), "%s", hd->name);
    ds->domid = hd->domid;
    ds->privileged = (hd->capabilities & HL_CAP_CONTROL) != 0;
    ds->pv = hd->type == HL_DOMAIN_PV;
    ds->clear_before_start = hd->ram_clear_before_start;
    ds->vcpus = hd->vcpus;
    ds->memory_bytes = hd->memory_kib * 1024;
    ds->p2m_pool_bytes = hd->p2m_pool_kib * 1024;
    ds->policy = (struct domain_policy){ hd->on_poweroff,    hd->on_reboot, hd->on_crash,
                                         hd->console_serial, { 0 },         hd->unmapped_crash };
    ds->sched_weight = hd->sched_weight;
    ds->sched_cap = hd->sched_cap;
    ds->pool = hd->pool;
    snprintf(ds->pool_name, sizeof(ds->pool_name), "%s", plan->pools[hd->pool].name);
    ds->nr_shm = nr_shm;
    ds->nr_evtchns = nr_evtchns;
    /* The arrays after the struct, most aligned first, the strings last. */
    ds->shm = (struct spec_shm *)(ds + 1);
    ds->affinity = (cpumask_t *)(ds->shm + nr_shm);
    ds->evtchns = (struct spec_evtchn *)(ds->affinity + hd->vcpus);
    at = (char *)(ds->evtchns + nr_evtchns);
    ds->kernel = (struct spec_module){ kernel->base, kernel->size, copy_string(&at, hd->bootargs),
                                       module_mappable(index, kernel) };
    if (rd)
        ds->ramdisk = (struct spec_module){ rd->base, rd->size, copy_string(&at, rd->bootargs),
                                            module_mappable(index, rd) };
    copy_links(index, ds);
    for (v = 0; v < hd->vcpus; v++)
        vcpu_affinity(index, v, &ds->affinity[v]);
    specs[index] = ds;
    if (!cpuid_policy_of(hd, &ds->policy.cpuid)) {
        specs[index] = NULL;
        page_free(pa, order);
        return false;
    }
    return true;
}

/* What the builder is given for one domain; with layout, under the build lock. */
static struct {
    struct db_domain_spec spec;
    struct db_module ramdisk;
    struct db_shm shm[DB_MAX_SHM];
} inputs;

/* Lays out the domain spec describes (inputs and layout); false after saying why. */
static bool prepare_domain(const struct domain_spec *ds)
{
    struct db_domain_spec *spec = &inputs.spec;
    struct db_diag diag;

    memset(spec, 0, sizeof(*spec));
    spec->name = ds->name;
    spec->domid = ds->domid;
    spec->flags = ds->privileged ? DB_SPEC_PRIVILEGED : 0;
    /* The tree's mode decides; a PVH domain's image says which PVH entry (ELF or bzImage). */
    spec->mode = ds->pv ? DB_MODE_PV : DB_MODE_AUTO;
    spec->memory_bytes = ds->memory_bytes;
    spec->nr_vcpus = ds->vcpus;
    spec->kernel = phys_to_virt(mk_paddr(ds->kernel.base));
    spec->kernel_size = ds->kernel.size;
    spec->kernel_map = ds->kernel.map;
    spec->kernel_host_addr = ds->kernel.base;
    spec->cmdline = ds->kernel.cmdline;
    if (ds->ramdisk.size) {
        inputs.ramdisk =
            (struct db_module){ phys_to_virt(mk_paddr(ds->ramdisk.base)), ds->ramdisk.size,
                                ds->ramdisk.cmdline, ds->ramdisk.map, ds->ramdisk.base };
        spec->modules = &inputs.ramdisk;
        spec->nr_modules = 1;
    }
    shm_for_builder(ds, inputs.shm);
    spec->nr_shm = ds->nr_shm;
    spec->shm = inputs.shm;
    /* The same check and words as `tessera check`'s. */
    if (db_check_runnable(spec, &layout, &diag)) {
        char line[320];

        db_diag_format(&diag, line, sizeof(line));
        printk("tessera: %s\n", line);
        return false;
    }
    return true;
}

/* The frames the builder fills whole, for the clearing that leaves them out. */
static void keep_filled(struct domain_spec *ds)
{
    ds->nr_filled = layout.nr_filled;
    for (uint32_t i = 0; i < layout.nr_filled; i++)
        ds->filled[i] = (struct frame_range){ layout.filled[i].gfn, layout.filled[i].nr };
}

/* Whether the layout fills whole the frames ds keeps (a restart's layout: the boot's). */
static bool fills_kept(const struct domain_spec *ds)
{
    if (layout.nr_filled != ds->nr_filled)
        return false;
    for (uint32_t i = 0; i < layout.nr_filled; i++)
        if (layout.filled[i].gfn != ds->filled[i].gfn || layout.filled[i].nr != ds->filled[i].nr)
            return false;
    return true;
}

/* Large domains report progress while their RAM is backed (allocated, and cleared if PV). */
#define BUILD_PROGRESS_STEP MiB(512)

/*
 * Backs [gpa, gpa + size) in steps of BUILD_PROGRESS_STEP, printing how much
 * of total is done after each step when total is at least two steps. RAM
 * cleared before the domain starts (a PV domain's, whose page tables map
 * host frames so that no access of its would fault on a page not cleared
 * yet, or tessera,ram-clear = "before-start") is cleared now, on every CPU.
 * Any other domain's is cleared lazily, as it or the hypervisor first
 * touches each leaf or an idle CPU gets to it (decision 33), all but the
 * leaves its images fill, cleared now.
 */
static int populate_with_progress(struct domain *d, const struct domain_spec *ds, gpaddr_t gpa,
                                  uint64_t size, uint64_t *done, uint64_t total)
{
    while (size) {
        uint64_t step = MIN(size, BUILD_PROGRESS_STEP - *done % BUILD_PROGRESS_STEP);
        int rc = ds->clear_before_start
                     ? p2m_populate_ram_uncleared(d->p2m, gpa, step, P2M_RWX)
                     : p2m_populate_ram_lazy(d->p2m, gpa, step, P2M_RWX, ds->filled, ds->nr_filled);

        if (rc)
            return rc;
        if (ds->clear_before_start)
            domain_ram_clear(d->p2m, gpa, step, ds->filled, ds->nr_filled);
        gpa = gpaddr_add(gpa, step);
        size -= step;
        *done += step;
        if (total >= 2 * BUILD_PROGRESS_STEP && *done % BUILD_PROGRESS_STEP == 0)
            printk("tessera: domain %s: memory %llu of %llu MiB backed%s\n", d->name,
                   (unsigned long long)(*done >> 20), (unsigned long long)(total >> 20),
                   ds->clear_before_start ? " and cleared" : "");
    }
    return 0;
}

/* Whether m maps pages of module mod, one it may map (the builder computed m from its bytes). */
static bool inside_module(const struct spec_module *mod, const struct db_mapped_range *m)
{
    return mod->map && m->host >= mod->base && m->size <= ALIGN_UP(mod->size, PAGE_SIZE) &&
           m->host - mod->base <= ALIGN_UP(mod->size, PAGE_SIZE) - m->size;
}

/* A new domain for spec (plan domain index), its RAM backed as the layout says; NULL if not. */
static struct domain *create_domain(unsigned int index, const struct domain_spec *ds)
{
    uint64_t done = 0, total = 0;
    struct domain *d;
    unsigned int i;

    d = domain_create(index, ds->domid, ds->name, ds->pv, ds->vcpus, ds->p2m_pool_bytes,
                      &ds->policy);
    if (!d)
        return NULL;
    d->sched.weight = ds->sched_weight;
    d->sched.cap = ds->sched_cap;
    for (i = 0; i < layout.nr_populate; i++)
        total += layout.populate[i].nr << PAGE_SHIFT;
    for (i = 0; i < layout.nr_populate; i++) {
        int rc = populate_with_progress(d, ds, mk_gpaddr(layout.populate[i].gfn << PAGE_SHIFT),
                                        layout.populate[i].nr << PAGE_SHIFT, &done, total);

        if (rc) {
            printk("tessera: domain %s: cannot back guest frames 0x%llx+0x%llx (%s)\n", ds->name,
                   (unsigned long long)layout.populate[i].gfn,
                   (unsigned long long)layout.populate[i].nr,
                   rc == -XEN_ENOMEM ? "out of memory or P2M pool exhausted" : "bad range");
            domain_free(d);
            return NULL;
        }
    }
    timeline_mark("domain RAM backed", (int)ds->domid);
    /* Pages of the images themselves, where ds allowed it (module_mappable()). */
    for (i = 0; i < layout.nr_mapped; i++) {
        const struct db_mapped_range *m = &layout.mapped[i];

        CHECK(inside_module(&ds->kernel, m) || inside_module(&ds->ramdisk, m));
        if (image_placement_map(d, mk_gpaddr(m->gpa), mk_paddr(m->host), m->size)) {
            printk("tessera: domain %s: cannot map its images' pages at 0x%llx (P2M pool "
                   "exhausted)\n",
                   ds->name, (unsigned long long)m->gpa);
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
static bool place_vcpus(struct domain *d, const struct domain_spec *ds, bool again)
{
    unsigned int i;

    for (i = 0; i < d->nr_vcpus; i++) {
        cpumask_t mask;

        if (again) {
            memset(&mask, 0, sizeof(mask));
            cpumask_set(&mask, d->vcpus[i]->pcpu);
        } else {
            mask = ds->affinity[i];
        }
        if (!sched_add_vcpu(cpupool_get(ds->pool), d->vcpus[i], &mask)) {
            printk("tessera: domain %s: vCPU %u may run on no CPU of pool '%s' "
                   "(its affinity, or partitioned CPUs already taken)\n",
                   ds->name, i, ds->pool_name);
            while (i--)
                sched_detach(d->vcpus[i]);
            return false;
        }
    }
    return true;
}

/*
 * Runs the builder into d (its RAM backed as the layout says) and maps its
 * shared memory and emulated devices; false after saying why.
 */
static bool build_into(struct domain *d, const struct domain_spec *ds)
{
    struct db_vcpu_state start;
    struct db_guest_mem mem;
    struct db_diag diag;
    unsigned int i;

    if (!map_shm(d, ds))
        return false;
    /* Before the type's devices: a PV domain sizes its own state by its RAM. */
    d->ram_bytes = inputs.spec.memory_bytes;
    d->nr_memmap = MIN(layout.nr_e820, (uint32_t)DOMAIN_MEMMAP_MAX);
    for (i = 0; i < d->nr_memmap; i++)
        d->memmap[i] = (struct domain_memmap_entry){ layout.e820[i].addr, layout.e820[i].size,
                                                     layout.e820[i].type };
    if (arch_virt->domain_map_devices(d)) {
        printk("tessera: domain %s: cannot map its emulated devices (P2M pool exhausted or "
               "overlapping)\n",
               ds->name);
        return false;
    }
    mem = (struct db_guest_mem){
        .ctx = d, .map = guest_frame, .gfn_to_mfn = NULL, .copy = image_placement_copy
    };
    if (db_build(&inputs.spec, &layout, &mem, &start, &diag)) {
        printk("tessera: domain %s: %s: %s\n", ds->name, db_err_name(diag.code), diag.msg);
        return false;
    }
    image_placement_report(d);
    /* A PV kernel's hypercall page: the builder's stubs are replaced by the type's own. */
    if (layout.mode == DB_MODE_PV && layout.hypercall_page.size &&
        !arch_virt->hypercall_page_write(d, mk_gpaddr(layout.hypercall_page.gpa))) {
        printk("tessera: domain %s: cannot write its hypercall page\n", ds->name);
        return false;
    }
    if (arch_virt->vcpu_set_start_state(d->vcpus[0], &start)) {
        printk("tessera: domain %s: its start state (%s) is not supported\n", ds->name,
               db_mode_name(layout.mode));
        return false;
    }
    d->vcpus[0]->initialised = true;
    return true;
}

/*
 * Copies plan domain index's spec and builds it into a new, not yet started
 * domain; NULL after saying why.
 */
static struct domain *build_domain(unsigned int index)
{
    uint64_t free_before = page_alloc_free_pages(), took, populated = 0;
    struct domain *d;
    unsigned int i;

    image_placement_begin(true);
    if (!copy_spec(index) || !prepare_domain(specs[index]))
        return NULL;
    keep_filled(specs[index]);
    if (!(d = create_domain(index, specs[index])))
        return NULL;
    /*
     * What the hypervisor took for itself (spec, structures) stays within the
     * estimate the validator budgeted: otherwise a tree it passed could run
     * out of memory at build time.
     */
    for (i = 0; i < layout.nr_populate; i++)
        populated += layout.populate[i].nr;
    took = free_before - page_alloc_free_pages() - populated -
           (ALIGN_UP(specs[index]->p2m_pool_bytes, PAGE_SIZE) >> PAGE_SHIFT);
    CHECK(took << PAGE_SHIFT <= hl_hv_domain_bytes(plan, index));
    if (!build_into(d, specs[index]) || !place_vcpus(d, specs[index], false)) {
        domain_free(d); /* never started: waits for no other CPU */
        return NULL;
    }
    return d;
}

/*
 * The spec's static event channels, bound to their remote ends, then the
 * domain's PV console: the ring page the builder reserved, served by the
 * hypervisor through a port bound to it, taken after the static channels so
 * it never collides with one of them; a PV kernel finds that port in its
 * start_info (console.domU.evtchn, written now: the builder could not know
 * it). False after saying why.
 */
static bool bind_evtchns(struct domain *d, const struct domain_spec *ds)
{
    paddr_t ring = p2m_lookup(d->p2m, mk_gpaddr(layout.console.gpa), NULL);
    unsigned int i, port;

    for (i = 0; i < ds->nr_evtchns; i++)
        evtchn_bind_static(d, ds->evtchns[i].port, ds->evtchns[i].peer_domid,
                           ds->evtchns[i].peer_port);
    CHECK(layout.console.size == PAGE_SIZE && !paddr_eq(ring, INVALID_PADDR));
    port = evtchn_bind_hypervisor(d, dom_console_ring_notify);
    if (!port) {
        printk("tessera: domain %s: no free event channel port for its console\n", d->name);
        return false;
    }
    dom_console_attach_ring(&d->console, phys_to_virt(ring), layout.console.gpa >> PAGE_SHIFT,
                            port);
    if (layout.mode == DB_MODE_PV) {
        uint32_t evtchn = port;
        gpaddr_t at =
            mk_gpaddr(layout.start_info.gpa + offsetof(struct start_info, console.domU.evtchn));

        CHECK(!copy_to_guest_phys(d, at, &evtchn, sizeof(evtchn)));
    }
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
        n += (size_t)snprintf(cpus + n, sizeof(cpus) - n, "%s%u", i ? "," : "", d->vcpus[i]->pcpu);
    if (i < d->nr_vcpus)
        snprintf(cpus + n, sizeof(cpus) - n, ",...");
    p2m_pool_usage(d->p2m, &used, &total);
    printk("tessera: domain %s (id %u): %s, %llu MiB, %u vCPU(s), entry 0x%llx, "
           "P2M %llu/%llu pages, %s on CPU%s %s, RAM cleared %s\n",
           d->name, d->domid, db_mode_name(layout.mode), (unsigned long long)(d->ram_bytes >> 20),
           d->nr_vcpus, (unsigned long long)layout.entry, (unsigned long long)used,
           (unsigned long long)total, d->nr_vcpus > 1 ? "vCPUs" : "vCPU 0",
           d->nr_vcpus > 1 ? "s" : "", cpus,
           specs[d->index]->clear_before_start ? "before start" : "lazily");
}

/* The same layout as at boot (the same spec and images): RAM already where it goes. */
static bool layout_backed(const struct domain *d)
{
    unsigned int i;

    for (i = 0; i < layout.nr_populate; i++)
        if (!p2m_owns_range(d->p2m, mk_gpaddr(layout.populate[i].gfn << PAGE_SHIFT),
                            layout.populate[i].nr << PAGE_SHIFT))
            return false;
    return true;
}

bool domain_restart_begin(struct domain *d)
{
    /* A domain given its images' pages has no policy that restarts it (module_mappable()). */
    CHECK(!specs[d->index]->kernel.map && !specs[d->index]->ramdisk.map);
    domain_reset(d);
    return place_vcpus(d, specs[d->index], true);
}

enum restart_step domain_restart_step(struct domain *d)
{
    const struct domain_spec *ds = specs[d->index];
    bool ok;

    if (!p2m_scrub_step(d->p2m, RESTART_SCRUB_PAGES, ds->filled, ds->nr_filled))
        return RESTART_MORE;
    /*
     * The rest is short (the images' bytes): one step, as at boot. BUILT as
     * then: events sent once its channels are bound stay pending for its start.
     */
    d->state = DOMAIN_BUILT;
    spin_lock(&build_lock);
    image_placement_begin(false); /* the other CPUs run domains */
    ok = prepare_domain(ds);
    /* The frames the scrub left must be the ones this build fills: nothing stale remains. */
    CHECK(!ok || (layout_backed(d) && fills_kept(ds)));
    ok = ok && build_into(d, ds) && bind_evtchns(d, ds);
    if (ok) {
        evtchn_domain_connect(d);
        report_built(d);
    }
    spin_unlock(&build_lock);
    return ok ? RESTART_DONE : RESTART_FAILED;
}

/*
 * A module's bytes are read from where its reg says: only from a module the
 * loader placed, never from the hypervisor's memory, another boot range or
 * an address that is not RAM. The number of modules refused.
 */
static unsigned int refuse_unplaced_modules(const struct tessera_bootinfo *bi, const void *fdt)
{
    unsigned int i, refused = 0;
    char path[HL_DIAG_PATH_MAX];

    for (i = 0; i < plan->nr_modules; i++) {
        const struct hl_module *m = &plan->modules[i];

        if (m->source != HL_MODSRC_REG || boot_module_placed(bi, m->base, m->size))
            continue;
        if (fdt_get_path(fdt, m->node, path, sizeof(path)) != 0)
            snprintf(path, sizeof(path), "(node at offset %d)", (int)m->node);
        printk("tessera: launch tree: error: %s: property \"reg\": 0x%llx+0x%llx is not a "
               "module the loader placed\n",
               path, (unsigned long long)m->base, (unsigned long long)m->size);
        refused++;
    }
    return refused;
}

/* Whether static shared memory at [base, base + size) can be claimed: claimed and given back. */
static bool ram_free(void *ctx, uint64_t base, uint64_t size)
{
    uint64_t off;

    (void)ctx;
    if (!page_alloc_claim(mk_paddr(base), size))
        return false;
    for (off = 0; off < size; off += PAGE_SIZE)
        page_free(mk_paddr(base + off), 0);
    return true;
}

enum hv_exit_status domains_build_and_start(const struct tessera_bootinfo *bi)
{
    struct hl_input in = {
        .fdt = phys_to_virt(mk_paddr(bi->launch_tree_paddr)),
        .fdt_size = bi->launch_tree_size,
        .machine = { .cpus = nr_cpus_online, .ram_bytes = page_alloc_free_pages() << PAGE_SHIFT },
        /*
         * Both boot paths load modules themselves (the UEFI loader by file
         * name, multiboot2 as numbered modules): a reg alone names memory
         * nobody loaded.
         */
        .modules_by_file = true,
        .ram_free = ram_free,
        .report = report_diag,
    };
    static uint16_t start_order[HL_MAX_DOMAINS];
    unsigned int errors, i, failed, nr_domains;

    boot_info = bi;
    machine_cpuid(&in.machine);
    in.boot_modules = boot_modules_indexed(bi, &in.nr_boot_modules);
    errors = hl_build_plan(&in, &plan_storage);
    timeline_mark("boot plan built", TIMELINE_NO_ARG);
    plan = &plan_storage;
    if (!errors && plan->valid)
        errors = refuse_unplaced_modules(bi, in.fdt);
    if (errors || !plan->valid) {
        printk("tessera: launch tree: %u error(s); no domain is built\n", errors);
        return HV_EXIT_FAILURE;
    }
    if (!arch_virt_init()) {
        printk("tessera: no domain can run on this machine\n");
        return HV_EXIT_FAILURE;
    }
    timeline_mark("virtualisation ready", TIMELINE_NO_ARG);
    sched_init();
    if (!cpupools_create(plan) || !claim_shm_regions())
        return HV_EXIT_FAILURE;

    /* Every domain is built before the first one starts; one failure builds none. */
    spin_lock(&build_lock);
    for (i = 0; i < plan->nr_domains; i++) {
        struct domain *d;

        timeline_mark("domain building", (int)plan->domains[i].domid);
        d = build_domain(i);

        if (d && !bind_evtchns(d, specs[i])) {
            domain_free(d);
            d = NULL;
        }
        if (!d)
            break;
        evtchn_domain_connect(d);
        report_built(d);
        timeline_mark("domain built", (int)d->domid);
    }
    spin_unlock(&build_lock);
    if (i < plan->nr_domains) {
        failed = i;
        /* The registry at boot: nothing else adds or removes domains yet. */
        while (i--)
            domain_free(domain_registry_at(i));
        printk("tessera: domain %s could not be built; no domain is started\n",
               plan->domains[failed].name);
        return HV_EXIT_FAILURE;
    }
    image_placement_bench_memcpy();
    cpupools_report(plan);
    dom_console_give_input(
        plan->console_input == HL_NONE ? NULL : &domain_registry_at(plan->console_input)->console);
    nr_domains = plan->nr_domains;
    memcpy(start_order, plan->start_order, nr_domains * sizeof(start_order[0]));
    /* From here on only the domains' specs: the plan, the tree and bi are not read again. */
    plan = NULL;
    boot_info = NULL;

    timeline_domains_starting(nr_domains);
    for (i = 0; i < nr_domains; i++) {
        struct domain *d = domain_registry_at(start_order[i]);

        printk("tessera: starting domain %s (id %u)\n", d->name, d->domid);
        timeline_mark("domain start", (int)d->domid);
        domain_start(d);
    }
    page_alloc_seal();
    stall_watch_start();
    sched_start();
}
