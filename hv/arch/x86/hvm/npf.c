// SPDX-License-Identifier: MIT
/*
 * Nested page faults. A domain's P2M maps its own RAM, its static shared
 * memory and its emulated device pages (P2M_MMIO_EMUL: the local APIC's
 * xAPIC page), built before it starts. Its RAM may still be hidden, not
 * cleared yet (p2m_populate_ram_lazy()): the first access to each leaf of it
 * faults, the leaf is zeroed and shown, and the access runs again. Any other
 * nested fault is an access to an emulated device (the instruction is
 * emulated: mmio.c), a write to shared memory the domain maps read-only, or
 * an access to guest-physical memory that is neither RAM nor a device. The
 * second crashes the domain (per its on_crash policy; the write never
 * reaches the region). The third, as Xen treats a PVH domU, reads all ones
 * and drops writes (one log line per page, a bounded number of pages per
 * domain), unless the domain's tessera,unmapped-access is "crash"; an
 * instruction fetch or a page-table walk there always crashes it.
 */
#include <hv/domains.h>
#include <hv/p2m.h>
#include <hv/printk.h>
#include "hvm.h"
#include "mmio.h"

static const struct hvm_mmio_device lapic_mmio = {
    "local APIC",
    vlapic_mmio_read_vcpu,
    vlapic_mmio_write_vcpu,
};

static uint32_t unmapped_read(struct vcpu *v, uint32_t offset, unsigned int size)
{
    (void)v;
    (void)offset;
    return size == 4 ? 0xFFFFFFFFu : (1u << (size * 8)) - 1;
}

static void unmapped_write(struct vcpu *v, uint32_t offset, unsigned int size, uint32_t value)
{
    (void)v;
    (void)offset;
    (void)size;
    (void)value;
}

static const struct hvm_mmio_device unmapped_mmio = {
    "unmapped guest-physical memory",
    unmapped_read,
    unmapped_write,
};

/*
 * One line per page, for the first pages of a domain, so a guest cannot
 * flood the console; under d->lock, as several vCPUs may fault at once.
 */
static void log_unmapped(struct vcpu *v, const struct hvm_exit *e)
{
    struct arch_domain *a = &v->domain->arch;
    gpaddr_t page = gpaddr_page(e->npf.gpa);
    unsigned long flags = spin_lock_irqsave(&v->domain->lock);
    unsigned int i, n = a->nr_unmapped_logged;
    bool said = n > ARRAY_SIZE(a->unmapped_logged);

    for (i = 0; i < n && i < ARRAY_SIZE(a->unmapped_logged); i++)
        said |= gpaddr_eq(a->unmapped_logged[i], page);
    if (!said) {
        if (n < ARRAY_SIZE(a->unmapped_logged))
            a->unmapped_logged[n] = page;
        a->nr_unmapped_logged = n + 1;
    }
    spin_unlock_irqrestore(&v->domain->lock, flags);
    if (said)
        return;
    if (n == ARRAY_SIZE(a->unmapped_logged)) {
        printk("%s: vCPU %u: further accesses to unmapped guest-physical pages ignored "
               "without a line\n",
               v->domain->name, v->id);
        return;
    }
    printk("%s: vCPU %u: %s of unmapped guest-physical 0x%llx ignored (reads all ones, "
           "writes dropped; rip 0x%llx)\n",
           v->domain->name, v->id, e->npf.write ? "write" : "read",
           (unsigned long long)gpaddr_val(e->npf.gpa),
           (unsigned long long)hvm_be->get_reg(v, GREG_RIP));
}

/* Maps d's emulated device pages: the xAPIC page (every vCPU's APIC answers there). */
int hvm_domain_map_devices(struct domain *d)
{
    return p2m_map(d->p2m, mk_gpaddr(VLAPIC_BASE_DEFAULT), mk_paddr(0), PAGE_SIZE, P2M_MMIO_EMUL,
                   P2M_RWX);
}

/*
 * A fault inside a region the domain maps: a write to a read-only mapping (also
 * by the page walker setting accessed/dirty bits) or an instruction fetch.
 */
static struct hvm_outcome shm_fault(struct vcpu *v, const struct hvm_exit *e, const char *id,
                                    bool writable)
{
    bool write = e->npf.write && !writable;

    printk("%s: vCPU %u: %s shared memory '%s' at guest-physical 0x%llx%s (rip 0x%llx)\n",
           v->domain->name, v->id,
           write ? "write to read-only" : "instruction fetch from never-executable", id,
           (unsigned long long)gpaddr_val(e->npf.gpa),
           e->npf.in_walk ? ", during a page-table walk" : "",
           (unsigned long long)hvm_be->get_reg(v, GREG_RIP));
    return hvm_crash(write ? "write to read-only shared memory"
                           : "instruction fetch from shared memory");
}

struct hvm_outcome hvm_exit_npf(struct vcpu *v, const struct hvm_exit *e)
{
    bool writable;

    if (!e->npf.present && p2m_clear_on_fault(v->domain->p2m, e->npf.gpa))
        return hvm_resume();
    const char *shm = domains_shm_at(v->domain, e->npf.gpa, &writable);
    enum p2m_type type = p2m_query(v->domain->p2m, e->npf.gpa, NULL, NULL);
    bool data = !e->npf.fetch && !e->npf.in_walk;

    if (shm)
        return shm_fault(v, e, shm, writable);
    if (type == P2M_MMIO_EMUL && data)
        return hvm_mmio_emulate(v, e, &lapic_mmio);
    if (type == P2M_NONE && data && !v->domain->policy.unmapped_crash) {
        log_unmapped(v, e);
        return hvm_mmio_emulate(v, e, &unmapped_mmio);
    }
    printk("%s: vCPU %u: %s of guest-physical 0x%llx outside the domain's memory%s "
           "(rip 0x%llx)\n",
           v->domain->name, v->id,
           e->npf.fetch   ? "instruction fetch"
           : e->npf.write ? "write"
                          : "read",
           (unsigned long long)gpaddr_val(e->npf.gpa),
           e->npf.in_walk   ? ", during a page-table walk"
           : e->npf.present ? ", not permitted"
                            : "",
           (unsigned long long)hvm_be->get_reg(v, GREG_RIP));
    return hvm_crash("access outside the domain's memory");
}
