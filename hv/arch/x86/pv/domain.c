// SPDX-License-Identifier: MIT
/*
 * The x86-64 PV domain type (asm/domain_type.h). A PV domain runs in the
 * same hardware container as an HVM one (docs/decisions.md item 27): its
 * "machine" frames are its guest-physical frames, so the P2M alone keeps it
 * out of other domains' memory and the hypervisor's. Its kernel and user
 * space both run at CPL 3 on Xen's flat selectors; every exception is
 * intercepted and handled here; its hypercall page holds the back-end's call
 * instruction. The container itself is the HVM type's (vCPU state, run loop,
 * TSC), reached through hvm_domain_type.
 */
#include <stddef.h>
#include <string.h>
#include <public/errno.h>
#include <public/xen.h>
#include <hv/guest_access.h>
#include <domain-builder/vcpu.h>
#include "pv.h"

static int pv_vcpu_create(struct vcpu *v)
{
    memset(to_pv(v), 0, sizeof(struct pv_vcpu));
    return hvm_domain_type.vcpu_create(v);
}

static void pv_vcpu_destroy(struct vcpu *v)
{
    /* The domain's own state goes with its first vCPU (there is no domain hook). */
    if (v->id == 0) {
        pv_pins_free(v->domain);
        pv_reserved_free(v->domain);
    }
    hvm_domain_type.vcpu_destroy(v);
}

static void pv_vcpu_reset(struct vcpu *v)
{
    memset(to_pv(v), 0, sizeof(struct pv_vcpu));
    hvm_domain_type.vcpu_reset(v);
}

/*
 * The builder's PV start (DB_CPU_PV64: long mode, CPL 3, the bootstrap page
 * tables), with what a PV kernel may assume of its CPU: SSE enabled and NX
 * honoured. EFER.SCE stays clear, so SYSCALL raises #UD in the container
 * and reaches the hypervisor. It starts in kernel mode.
 */
static int pv_vcpu_set_start_state(struct vcpu *v, const struct db_vcpu_state *s)
{
    struct db_vcpu_state st = *s;

    if (s->mode != DB_CPU_PV64)
        return -XEN_EINVAL;
    st.cr4 |= X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
    st.efer = (st.efer | EFER_NXE) & ~EFER_SCE;
    to_pv(v)->kernel_mode = true;
    /*
     * vCPU 0's start is the builder's (VCPUOP_initialise never reaches it):
     * the shared info's upcall masks set, its L4 pinned and given Xen's
     * slot, and start_info naming the shared info frame (the builder does
     * not know where the hypervisor maps it).
     */
    if (v->id == 0) {
        struct domain *d = v->domain;
        uint64_t si, maddr = pv_shared_info_maddr(d);

        /* Events start masked on every vCPU, as Xen's builders leave them for PV. */
        for (unsigned int i = 0; i < XEN_LEGACY_MAX_VCPUS; i++)
            __atomic_store_n(&d->events.shared->vcpu_info[i].evtchn_upcall_mask, 1,
                             __ATOMIC_RELAXED);
        pv_pin_bootstrap(d, st.cr3 >> PAGE_SHIFT);
        pv_l4_insert(d, st.cr3 >> PAGE_SHIFT);
        if (!pv_table_walk(d, st.cr3, st.rsi + offsetof(struct start_info, shared_info), &si) ||
            copy_to_guest_phys(d, mk_gpaddr(si), &maddr, sizeof(maddr)))
            return -XEN_EINVAL;
    }
    return hvm_domain_type.vcpu_set_start_state(v, &st);
}

static void pv_vcpu_run(struct vcpu *v)
{
    hvm_domain_type.vcpu_run(v);
}

/*
 * The hypervisor's accesses for the guest kernel are supervisor ones, as
 * Xen's (from ring 0 on the guest's tables), though the kernel runs at CPL 3.
 */
static void pv_vcpu_get_paging(const struct vcpu *v, struct guest_paging *p)
{
    hvm_domain_type.vcpu_get_paging(v, p);
    if (v->arch.pv.kernel_mode)
        p->cpl = 0;
}

static uint64_t pv_vcpu_tsc_offset(const struct vcpu *v)
{
    return hvm_domain_type.vcpu_tsc_offset(v);
}

static void pv_vcpu_set_tsc_offset(struct vcpu *v, uint64_t offset)
{
    hvm_domain_type.vcpu_set_tsc_offset(v, offset);
}

/*
 * A PV domain has no emulated devices (no local APIC: events come by
 * callback). At each build its PV state starts afresh (nothing pinned, no
 * pirq EOI frame) and Xen's pages are mapped: the shared info, the M2P.
 */
static int pv_domain_map_devices(struct domain *d)
{
    d->arch.pv.pirq_eoi_given = false;
    return pv_pins_reset(d) ? -XEN_ENOMEM : pv_reserved_map(d);
}

static bool pv_in_guest_kernel(const struct vcpu *v)
{
    return v->arch.pv.kernel_mode;
}

const struct domain_type_ops pv_domain_type = {
    .name = "pv",
    .vcpu_create = pv_vcpu_create,
    .vcpu_destroy = pv_vcpu_destroy,
    .vcpu_reset = pv_vcpu_reset,
    .vcpu_set_start_state = pv_vcpu_set_start_state,
    .vcpu_run = pv_vcpu_run,
    .vcpu_get_paging = pv_vcpu_get_paging,
    .vcpu_tsc_offset = pv_vcpu_tsc_offset,
    .vcpu_set_tsc_offset = pv_vcpu_set_tsc_offset,
    .vcpu_context_read = pv_vcpu_context_read,
    .hypercall_page_write = pv_hypercall_page_write,
    .domain_map_devices = pv_domain_map_devices,
    .hypercall = pv_hypercall,
    .in_guest_kernel = pv_in_guest_kernel,
    .cpuid = pv_cpuid,
    .exception = pv_exception,
    .deliver_events = pv_deliver_events,
};
