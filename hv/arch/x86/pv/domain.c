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
#include <string.h>
#include <public/errno.h>
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
    if (v->id == 0)
        pv_pins_free(v->domain);
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
    /* vCPU 0's start is the builder's (VCPUOP_initialise never reaches it). */
    if (v->id == 0)
        pv_pin_bootstrap(v->domain, st.cr3 >> PAGE_SHIFT);
    return hvm_domain_type.vcpu_set_start_state(v, &st);
}

static void pv_vcpu_run(struct vcpu *v)
{
    hvm_domain_type.vcpu_run(v);
}

static void pv_vcpu_get_paging(const struct vcpu *v, struct guest_paging *p)
{
    hvm_domain_type.vcpu_get_paging(v, p);
}

static uint64_t pv_vcpu_tsc_offset(const struct vcpu *v)
{
    return hvm_domain_type.vcpu_tsc_offset(v);
}

static void pv_vcpu_set_tsc_offset(struct vcpu *v, uint64_t offset)
{
    hvm_domain_type.vcpu_set_tsc_offset(v, offset);
}

/* VCPUOP_initialise with a vcpu_guest_context: not offered yet (docs/domains.md). */
static int pv_vcpu_context_read(struct vcpu *caller, uint64_t arg, struct db_vcpu_state *st)
{
    (void)caller;
    (void)arg;
    (void)st;
    return -XEN_EINVAL;
}

/*
 * A PV domain has no emulated devices (no local APIC: events come by
 * callback). At each build its PV state starts afresh: nothing pinned, no
 * pirq EOI frame.
 */
static int pv_domain_map_devices(struct domain *d)
{
    d->arch.pv.pirq_eoi_given = false;
    return pv_pins_reset(d);
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
    .exception = pv_exception,
};
