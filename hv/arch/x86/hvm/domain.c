// SPDX-License-Identifier: MIT
/*
 * The HVM/PVH domain type (asm/domain_type.h): vCPUs run by the hardware
 * back-end, with hvm/'s vendor-neutral state beside the back-end's;
 * VCPUOP_initialise takes Xen's vcpu_hvm_context; the hypercall page holds
 * the back-end's call instruction.
 */
#include <asm/hvm/context.h>
#include <public/errno.h>
#include <public/hvm/hvm_vcpu.h>
#include <public/xen.h>
#include <hv/guest_access.h>
#include <hv/page_alloc.h>
#include "hvm.h"

static void hvm_vcpu_reset(struct vcpu *v)
{
    hvm_xstate_reset(to_hvm(v));
    hvm_msrs_reset(v);
    hvm_vlapic_reset(v);
    hvm_be->vcpu_reset(v);
}

static int hvm_vcpu_create(struct vcpu *v)
{
    struct hvm_vcpu *h = to_hvm(v);
    paddr_t fpu = page_alloc(hvm_fpu_area_order);
    int rc;

    if (!paddr_val(fpu))
        return -12; /* ENOMEM */
    h->fpu_area = phys_to_virt(fpu);
    h->fpu_order = hvm_fpu_area_order;
    hvm_xstate_reset(h);
    hvm_msrs_reset(v);
    hvm_vlapic_create(v);
    rc = hvm_be->vcpu_create(v);
    if (rc) {
        page_free(fpu, h->fpu_order);
        h->fpu_area = NULL;
    }
    return rc;
}

static void hvm_vcpu_destroy(struct vcpu *v)
{
    struct hvm_vcpu *h = to_hvm(v);

    if (!h->fpu_area)
        return;
    hvm_be->vcpu_destroy(v);
    page_free(virt_to_phys(h->fpu_area), h->fpu_order);
    h->fpu_area = NULL;
}

static int hvm_vcpu_context_read(struct vcpu *caller, struct vcpu *target, uint64_t arg,
                                 struct db_vcpu_state *st)
{
    (void)target;
    struct vcpu_hvm_context ctx;
    struct hvm_context_limits lim;

    if (copy_from_guest(caller, &ctx, mk_gvaddr(arg), sizeof(ctx)))
        return -XEN_EFAULT;
    hvm_context_host_limits(&lim);
    return hvm_context_check(&ctx, &lim, st);
}

static void hvm_vcpu_get_paging(const struct vcpu *v, struct guest_paging *p)
{
    hvm_be->get_paging(v, p);
}

static int hvm_vcpu_set_start_state(struct vcpu *v, const struct db_vcpu_state *s)
{
    return hvm_be->vcpu_set_start_state(v, s);
}

static void hvm_vcpu_run(struct vcpu *v)
{
    hvm_be->vcpu_run(v);
}

static uint64_t hvm_vcpu_tsc_offset(const struct vcpu *v)
{
    return hvm_be->tsc_offset(v);
}

static void hvm_vcpu_set_tsc_offset(struct vcpu *v, uint64_t offset)
{
    hvm_be->set_tsc_offset(v, offset);
}

const struct domain_type_ops hvm_domain_type = {
    .name = "hvm",
    .vcpu_create = hvm_vcpu_create,
    .vcpu_destroy = hvm_vcpu_destroy,
    .vcpu_reset = hvm_vcpu_reset,
    .vcpu_set_start_state = hvm_vcpu_set_start_state,
    .vcpu_run = hvm_vcpu_run,
    .vcpu_get_paging = hvm_vcpu_get_paging,
    .vcpu_tsc_offset = hvm_vcpu_tsc_offset,
    .vcpu_set_tsc_offset = hvm_vcpu_set_tsc_offset,
    .vcpu_context_read = hvm_vcpu_context_read,
    .hypercall_page_write = hvm_hypercall_page_write,
    .domain_map_devices = hvm_domain_map_devices,
    .hypercall = hvm_hypercall,
    .in_guest_kernel = hvm_in_guest_kernel,
    .cpuid = hvm_cpuid,
    .exception = hvm_reflect_exception,
};
