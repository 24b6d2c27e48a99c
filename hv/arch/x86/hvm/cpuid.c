// SPDX-License-Identifier: MIT
/*
 * CPUID: Xen's hypervisor leaves (hypercall.h), else the guest CPUID model
 * (asm/guest_cpuid.h): the host's values less what guests are not offered,
 * then the domain's hide/force policy. XSETBV: XCR0 within the XSAVE
 * components that model offers.
 */
#include <asm/guest_cpuid.h>
#include <hv/hypercall.h>
#include "hvm.h"

/* The CPL: CS.DPL in protected mode, 3 in virtual-8086 mode, 0 in real mode. */
static unsigned int cpl(struct vcpu *v)
{
    struct hvm_code c;
    struct guest_paging p;

    hvm_be->get_paging(v, &p);
    if (!(p.cr0 & X86_CR0_PE))
        return 0;
    if (hvm_be->get_reg(v, GREG_RFLAGS) & X86_RFLAGS_VM)
        return 3;
    hvm_be->get_code(v, &c);
    return (c.cs_attr >> 5) & 3;
}

/* The guest CPUID model's view of v: its domain's policy, its CR4.OSXSAVE and XCR0. */
static struct guest_cpuid_ctx cpuid_ctx(struct vcpu *v)
{
    struct guest_paging p;

    hvm_be->get_paging(v, &p);
    return (struct guest_cpuid_ctx){ .host = cpuid_host,
                                     .policy = &v->domain->policy.cpuid,
                                     .nr_vcpus = v->domain->nr_vcpus,
                                     .vcpu_id = v->id,
                                     .osxsave = (p.cr4 & X86_CR4_OSXSAVE) != 0,
                                     .xcr0 = hvm_xcr0_read(v) };
}

void hvm_cpuid(struct vcpu *v, uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
    if (!xen_cpuid_leaf(v, leaf, subleaf, r)) {
        struct guest_cpuid_ctx ctx = cpuid_ctx(v);

        guest_cpuid(&ctx, leaf, subleaf, r);
    }
}

/* The domain's type answers: a PV domain sees Xen's PV view (pv/cpuid.c). */
struct hvm_outcome hvm_exit_cpuid(struct vcpu *v, const struct hvm_exit *e)
{
    static const struct hvm_opcode op = { 2, { 0x0F, 0xA2 } };
    struct hvm_outcome o = hvm_advance_over(v, e, &op, "CPUID");
    uint32_t leaf = (uint32_t)hvm_be->get_reg(v, GREG_RAX);
    uint32_t subleaf = (uint32_t)hvm_be->get_reg(v, GREG_RCX);
    uint32_t r[4] = { 0, 0, 0, 0 };

    if (o.action != HVM_ADVANCE)
        return o;
    if (to_hvm(v)->cpuid_faulting && cpl(v) > 0)
        return hvm_exception(X86_EXC_GP, 0);
    v->domain->arch.type->cpuid(v, leaf, subleaf, r);
    /* CPUID writes the low halves and zeroes the high halves. */
    hvm_be->set_reg(v, GREG_RAX, r[0]);
    hvm_be->set_reg(v, GREG_RBX, r[1]);
    hvm_be->set_reg(v, GREG_RCX, r[2]);
    hvm_be->set_reg(v, GREG_RDX, r[3]);
    return o;
}

/*
 * XSETBV as Xen checks it: #UD without CR4.OSXSAVE, #GP(0) outside ring 0,
 * for an XCR other than XCR0, or for an XCR0 the model does not allow.
 * The exception goes through the domain's type (VMX exits on XSETBV even
 * at CPL 3, some emulators before the #GP): a PV kernel's is emulated there.
 */
struct hvm_outcome hvm_exit_xsetbv(struct vcpu *v, const struct hvm_exit *e)
{
    static const struct hvm_opcode op = { 3, { 0x0F, 0x01, 0xD1 } };
    struct hvm_outcome o = hvm_advance_over(v, e, &op, "XSETBV");
    struct guest_cpuid_ctx ctx = cpuid_ctx(v);
    uint64_t value = ((hvm_be->get_reg(v, GREG_RDX) & 0xFFFFFFFFu) << 32) |
                     (hvm_be->get_reg(v, GREG_RAX) & 0xFFFFFFFFu);

    if (o.action != HVM_ADVANCE)
        return o;
    if (!ctx.osxsave)
        return v->domain->arch.type->exception(v, X86_EXC_UD, 0, 0);
    if (cpl(v) > 0 || (uint32_t)hvm_be->get_reg(v, GREG_RCX) != 0 ||
        !guest_xcr0_valid(guest_xcr0_offered(&ctx), value))
        return v->domain->arch.type->exception(v, X86_EXC_GP, 0, 0);
    hvm_xcr0_write(v, value);
    return o;
}
