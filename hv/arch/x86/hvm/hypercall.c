// SPDX-License-Identifier: MIT
/*
 * Xen's hypercalls from HVM/PVH guests: the back-end's call instruction
 * (VMMCALL, VMCALL), from the hypercall page or issued directly. The call's
 * width is the code's: 64-bit callers pass RDI, RSI, RDX, R10, R8; 32-bit
 * callers EBX, ECX, EDX, ESI, EDI. Only the guest kernel (HVM/PVH: CPL 0;
 * PV: its kernel mode, at CPL 3) may call; user space gets -EPERM, as from
 * Xen. The domain's type serves the call (PV adds its own calls); the result
 * goes to RAX (truncated to EAX for 32-bit callers), unless the call gave
 * the vCPU a whole new context (PV iret).
 */
#include <string.h>
#include <public/errno.h>
#include <public/xen.h>
#include <asm/hvm/exit_stats.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/spinlock.h>
#include "hvm.h"

#define HYPERCALL_PAGE_STUBS (PAGE_SIZE / XEN_HYPERCALL_STUB_SIZE)

static const enum guest_reg args64[HYPERCALL_NR_ARGS] = {
    GREG_RDI, GREG_RSI, GREG_RDX, GREG_R10, GREG_R8,
};
static const enum guest_reg args32[HYPERCALL_NR_ARGS] = {
    GREG_RBX, GREG_RCX, GREG_RDX, GREG_RSI, GREG_RDI,
};

struct hvm_outcome hvm_exit_hypercall(struct vcpu *v, const struct hvm_exit *e)
{
    struct hvm_opcode op = { (uint8_t)hvm_be->hypercall_insn_len, { 0, 0, 0 } };
    struct hvm_outcome o;
    uint64_t args[HYPERCALL_NR_ARGS], nr;
    int64_t ret;
    unsigned int i;

    memcpy(op.bytes, hvm_be->hypercall_insn, MIN(sizeof(op.bytes), hvm_be->hypercall_insn_len));
    o = hvm_advance_over(v, e, &op, hvm_be->hypercall_insn_name);
    if (o.action != HVM_ADVANCE)
        return o;
    if (!v->domain->arch.type->in_guest_kernel(v)) {
        hvm_be->set_reg(v, GREG_RAX, (uint64_t)-XEN_EPERM);
        return o;
    }
    v->hypercall_64bit = hvm_code_bits(v) == 64;
    nr = hvm_be->get_reg(v, GREG_RAX);
    exit_stats_hypercall(v->hypercall_64bit ? nr : (uint32_t)nr);
    for (i = 0; i < HYPERCALL_NR_ARGS; i++)
        args[i] = v->hypercall_64bit ? hvm_be->get_reg(v, args64[i])
                                     : (uint32_t)hvm_be->get_reg(v, args32[i]);
    if (!v->hypercall_64bit)
        nr = (uint32_t)nr;
    /* A new context (PV iret) has its RIP and RAX already: nothing to advance or set. */
    if (v->domain->arch.type->hypercall(v, nr, args, &ret) == HYPERCALL_NEW_CONTEXT)
        return hvm_resume();
    hvm_be->set_reg(v, GREG_RAX, v->hypercall_64bit ? (uint64_t)ret : (uint32_t)ret);
    return o;
}

enum hypercall_return hvm_hypercall(struct vcpu *v, uint64_t nr, const uint64_t *args,
                                    int64_t *result)
{
    *result = hypercall_dispatch(v, nr, args);
    return HYPERCALL_RESULT;
}

bool hvm_in_guest_kernel(const struct vcpu *v)
{
    struct guest_paging p;

    hvm_be->get_paging(v, &p);
    return p.cpl == 0;
}

/*
 * Each 32-byte stub: mov $nr, %eax; <the back-end's call instruction>; ret,
 * padded with int3. iret (23) is a PV-only call: its stub is ud2, as Xen's.
 * Built once, by the first write of the MSR (the back-end is chosen by then),
 * and only read after: every write copies it, with no lock held.
 */
static uint8_t hypercall_page_template[PAGE_SIZE];
static bool hypercall_page_built; /* release/acquire with the template */
static spinlock_t hypercall_page_build_lock = SPINLOCK_INIT;

static const uint8_t *hypercall_page(void)
{
    unsigned long flags;
    unsigned int nr;

    if (__atomic_load_n(&hypercall_page_built, __ATOMIC_ACQUIRE))
        return hypercall_page_template;
    flags = spin_lock_irqsave(&hypercall_page_build_lock);
    if (!hypercall_page_built) {
        memset(hypercall_page_template, 0xCC, sizeof(hypercall_page_template));
        for (nr = 0; nr < HYPERCALL_PAGE_STUBS; nr++) {
            uint8_t *p = hypercall_page_template + nr * XEN_HYPERCALL_STUB_SIZE;

            if (nr == __HYPERVISOR_iret) {
                p[0] = 0x0F;
                p[1] = 0x0B;
                continue;
            }
            p[0] = 0xB8;
            memcpy(p + 1, &nr, 4);
            memcpy(p + 5, hvm_be->hypercall_insn, hvm_be->hypercall_insn_len);
            p[5 + hvm_be->hypercall_insn_len] = 0xC3;
        }
        __atomic_store_n(&hypercall_page_built, true, __ATOMIC_RELEASE);
    }
    spin_unlock_irqrestore(&hypercall_page_build_lock, flags);
    return hypercall_page_template;
}

bool hvm_hypercall_page_write(struct domain *d, gpaddr_t gpa)
{
    return copy_to_guest_phys(d, gpa, hypercall_page(), PAGE_SIZE) == 0;
}
