// SPDX-License-Identifier: MIT
/*
 * Nested page faults. A domain's P2M maps its own RAM, its static shared
 * memory and its emulated device pages (P2M_MMIO_EMUL: the local APIC's
 * xAPIC page), built before it starts and never changed, so a nested fault
 * is an access to an emulated device (the instruction is emulated: mmio.c),
 * a write to shared memory the domain maps read-only, or an access outside
 * the domain's memory (another domain's, the hypervisor's, an address with
 * no device). The latter two are reported and the domain crashes, per its
 * on_crash policy; the write never reaches the region.
 */
#include <hv/domains.h>
#include <hv/p2m.h>
#include <hv/printk.h>
#include "hvm.h"
#include "mmio.h"

static const struct hvm_mmio_device lapic_mmio = {
    "local APIC", vlapic_mmio_read_vcpu, vlapic_mmio_write_vcpu,
};

/* Maps d's emulated device pages: the xAPIC page (every vCPU's APIC answers there). */
int hvm_domain_map_devices(struct domain *d)
{
    return p2m_map(d->p2m, VLAPIC_BASE_DEFAULT, 0, PAGE_SIZE, P2M_MMIO_EMUL, P2M_RWX);
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
           (unsigned long long)e->npf.gpa, e->npf.in_walk ? ", during a page-table walk" : "",
           (unsigned long long)hvm_be->get_reg(v, GREG_RIP));
    return hvm_crash(write ? "write to read-only shared memory"
                           : "instruction fetch from shared memory");
}

struct hvm_outcome hvm_exit_npf(struct vcpu *v, const struct hvm_exit *e)
{
    bool writable;
    const char *shm = domains_shm_at(v->domain, e->npf.gpa, &writable);

    if (shm)
        return shm_fault(v, e, shm, writable);
    if (p2m_query(v->domain->p2m, e->npf.gpa, NULL, NULL) == P2M_MMIO_EMUL && !e->npf.fetch &&
        !e->npf.in_walk)
        return hvm_mmio_emulate(v, e, &lapic_mmio);
    printk("%s: vCPU %u: %s of guest-physical 0x%llx outside the domain's memory%s "
           "(rip 0x%llx)\n", v->domain->name, v->id,
           e->npf.fetch ? "instruction fetch" : e->npf.write ? "write" : "read",
           (unsigned long long)e->npf.gpa,
           e->npf.in_walk ? ", during a page-table walk" :
           e->npf.present ? ", not permitted" : "",
           (unsigned long long)hvm_be->get_reg(v, GREG_RIP));
    return hvm_crash("access outside the domain's memory");
}
