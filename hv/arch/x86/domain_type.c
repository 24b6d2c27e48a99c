// SPDX-License-Identifier: MIT
/*
 * The arch layer common code sees (hv/arch_vcpu.h), for x86: each call goes
 * to the ops of the vCPU's domain type (asm/domain_type.h), so domains of
 * different types can share a CPU. The HVM back-end is chosen here at boot.
 */
#include <asm/domain_type.h>
#include <asm/hvm/hvm.h>
#include <hv/arch_vcpu.h>
#include <hv/domain.h>

static const struct domain_type_ops *type_of(const struct vcpu *v)
{
    return v->domain->arch.type;
}

static int vcpu_create(struct vcpu *v)
{
    return type_of(v)->vcpu_create(v);
}

static void vcpu_destroy(struct vcpu *v)
{
    type_of(v)->vcpu_destroy(v);
}

static void vcpu_reset(struct vcpu *v)
{
    type_of(v)->vcpu_reset(v);
}

static int vcpu_set_start_state(struct vcpu *v, const struct db_vcpu_state *s)
{
    return type_of(v)->vcpu_set_start_state(v, s);
}

static void vcpu_run(struct vcpu *v)
{
    type_of(v)->vcpu_run(v);
}

static uint64_t vcpu_tsc_offset(const struct vcpu *v)
{
    return type_of(v)->vcpu_tsc_offset(v);
}

static void vcpu_set_tsc_offset(struct vcpu *v, uint64_t offset)
{
    type_of(v)->vcpu_set_tsc_offset(v, offset);
}

static int vcpu_context_read(struct vcpu *caller, struct vcpu *target, uint64_t arg,
                             struct db_vcpu_state *st)
{
    return type_of(caller)->vcpu_context_read(caller, target, arg, st);
}

static bool hypercall_page_write(struct domain *d, gpaddr_t gpa)
{
    return d->arch.type->hypercall_page_write(d, gpa);
}

static int domain_map_devices(struct domain *d)
{
    return d->arch.type->domain_map_devices(d);
}

static int64_t hypercall(struct vcpu *v, uint64_t nr, const uint64_t *args, bool *new_context)
{
    int64_t result = 0;

    *new_context = type_of(v)->hypercall(v, nr, args, &result) == HYPERCALL_NEW_CONTEXT;
    return result;
}

static const struct arch_virt_ops x86_virt = {
    .vcpu_create = vcpu_create,
    .vcpu_destroy = vcpu_destroy,
    .vcpu_reset = vcpu_reset,
    .vcpu_set_start_state = vcpu_set_start_state,
    .vcpu_run = vcpu_run,
    .vcpu_tsc_offset = vcpu_tsc_offset,
    .vcpu_set_tsc_offset = vcpu_set_tsc_offset,
    .vcpu_context_read = vcpu_context_read,
    .hypercall_page_write = hypercall_page_write,
    .domain_map_devices = domain_map_devices,
    .hypercall = hypercall,
};

const struct arch_virt_ops *arch_virt;

const struct arch_virt_ops *arch_virt_init(void)
{
    if (!hvm_backend_select())
        return NULL;
    arch_virt = &x86_virt;
    return arch_virt;
}

void arch_virt_init_cpu(void)
{
    hvm_init_cpu();
}

/* The plan's mode chooses: bit 0 PV, else PVH. */
void arch_domain_init(struct domain *d, bool pv)
{
    d->arch.type = pv ? &pv_domain_type : &hvm_domain_type;
}
