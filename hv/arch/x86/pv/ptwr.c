// SPDX-License-Identifier: MIT
/*
 * Xen's writable page tables (VMASST_TYPE_writable_pagetables, which Linux
 * enables and relies on): a PV kernel maps its page-table pages read-only,
 * as Xen requires, and still writes entries with ordinary instructions
 * (Linux's ptep_get_and_clear() is an xchg); the write faults and Xen
 * emulates it, validating the new entry (ptwr_do_page_fault()). Here: a
 * write fault of the guest kernel on a present, read-only page whose frame
 * is pinned is run through the instruction emulator (hvm/emulate/), its
 * writes to that frame made in the guest's memory as Xen's
 * ptwr_emulated_update() makes them: whole 8-byte entries (a narrower
 * write merged into the entry), a present entry naming a frame of the
 * domain's memory and given _PAGE_USER (page_fault.c); any other write
 * follows the guest's tables. An entry Xen would refuse, an instruction
 * the emulator does not know, or a fault of its own: the #PF goes to the
 * kernel, as Xen's bail-out does.
 *
 * Differences from Xen, whose per-frame types are not kept here (decision
 * 27): any pinned frame qualifies, not only an L1 in use; a locked
 * read-modify-write (xchg) is a read then a write, not atomic against
 * another vCPU's processor setting accessed/dirty bits in that entry.
 */
#include <asm/guest_pt.h>
#include <hv/guest_access.h>
#include <hv/p2m.h>
#include "../hvm/emulate/x86_emulate.h"
#include "pv.h"

#define PF_PRESENT X86_BIT(0)
#define PF_WRITE   X86_BIT(1)
#define PF_RSVD    X86_BIT(3)
#define PF_FETCH   X86_BIT(4)
#define PTE_FRAME  0x000FFFFFFFFFF000ull

struct ptwr_ctx {
    struct vcpu *v;
    uint64_t table_gfn; /* the pinned frame written */
    bool refused;       /* an entry Xen would not take */
};

static const enum guest_reg gpr_of[16] = {
    GREG_RAX, GREG_RCX, GREG_RDX, GREG_RBX, GREG_RSP, GREG_RBP, GREG_RSI, GREG_RDI,
    GREG_R8,  GREG_R9,  GREG_R10, GREG_R11, GREG_R12, GREG_R13, GREG_R14, GREG_R15,
};

/* Any fault of the emulation gives up: the original #PF is bounced. */
static int ptwr_fetch(void *opaque, uint64_t linear, uint8_t *buf, unsigned int len,
                      struct x86_exception *exc)
{
    struct ptwr_ctx *c = opaque;
    gpaddr_t gpa;

    (void)exc;
    if (guest_fetch_virt_to_phys(c->v, mk_gvaddr(linear), &gpa) ||
        copy_from_guest_phys(c->v->domain, buf, gpa, len))
        return X86_EMUL_UNHANDLED;
    return X86_EMUL_OK;
}

/* The access's guest-physical address, within one page; false if it has none. */
static bool access_gpa(struct ptwr_ctx *c, const struct x86_access *a, bool write, gpaddr_t *gpa)
{
    if ((a->linear & (PAGE_SIZE - 1)) + a->size > PAGE_SIZE)
        return false;
    /* The table's page is read-only in the guest's tables: translated as a read. */
    if (write && !guest_virt_to_phys(c->v, mk_gvaddr(a->linear), false, gpa) &&
        gpaddr_val(*gpa) >> PAGE_SHIFT == c->table_gfn)
        return true;
    return !guest_virt_to_phys(c->v, mk_gvaddr(a->linear), write, gpa);
}

static int ptwr_read(void *opaque, const struct x86_access *a, uint64_t *value,
                     struct x86_exception *exc)
{
    struct ptwr_ctx *c = opaque;
    gpaddr_t gpa;

    (void)exc;
    *value = 0;
    if (!access_gpa(c, a, false, &gpa) || copy_from_guest_phys(c->v->domain, value, gpa, a->size))
        return X86_EMUL_UNHANDLED;
    return X86_EMUL_OK;
}

static int ptwr_write(void *opaque, const struct x86_access *a, uint64_t value,
                      struct x86_exception *exc)
{
    struct ptwr_ctx *c = opaque;
    struct domain *d = c->v->domain;
    uint64_t entry;
    gpaddr_t gpa, at;

    (void)exc;
    if (!access_gpa(c, a, true, &gpa))
        return X86_EMUL_UNHANDLED;
    if (gpaddr_val(gpa) >> PAGE_SHIFT != c->table_gfn)
        return copy_to_guest_phys(d, gpa, &value, a->size) ? X86_EMUL_UNHANDLED : X86_EMUL_OK;
    /* An entry of the table: the whole 8 bytes, the write merged in. */
    at = mk_gpaddr(gpaddr_val(gpa) & ~7ull);
    if ((gpaddr_val(gpa) & 7) + a->size > 8 || copy_from_guest_phys(d, &entry, at, 8))
        return X86_EMUL_UNHANDLED;
    __builtin_memcpy((uint8_t *)&entry + (gpaddr_val(gpa) & 7), &value, a->size);
    if (entry & X86_PTE_P) {
        if (p2m_query(d->p2m, mk_gpaddr(entry & PTE_FRAME), NULL, NULL) == P2M_NONE) {
            c->refused = true;
            return X86_EMUL_UNHANDLED;
        }
        entry |= X86_PTE_US;
    }
    return copy_to_guest_phys(d, at, &entry, 8) ? X86_EMUL_UNHANDLED : X86_EMUL_OK;
}

static uint64_t ptwr_read_gpr(void *opaque, enum x86_gpr reg)
{
    return hvm_be->get_reg(((struct ptwr_ctx *)opaque)->v, gpr_of[reg]);
}

static void ptwr_write_gpr(void *opaque, enum x86_gpr reg, uint64_t value)
{
    hvm_be->set_reg(((struct ptwr_ctx *)opaque)->v, gpr_of[reg], value);
}

static void ptwr_read_segment(void *opaque, enum x86_seg seg, struct x86_segment *out)
{
    struct hvm_segment s;

    hvm_be->get_segment(((struct ptwr_ctx *)opaque)->v, (enum hvm_seg)seg, &s);
    *out = (struct x86_segment){ s.base, s.limit, s.attr };
}

static const struct x86_emul_ops ptwr_ops = {
    .fetch = ptwr_fetch,
    .read = ptwr_read,
    .write = ptwr_write,
    .read_gpr = ptwr_read_gpr,
    .write_gpr = ptwr_write_gpr,
    .read_segment = ptwr_read_segment,
};

bool pv_ptwr_fault(struct vcpu *v, uint32_t error_code, uint64_t va, struct hvm_outcome *o)
{
    struct ptwr_ctx c = { v, 0, false };
    struct x86_emul_ctxt ctxt;
    gpaddr_t gpa;

    if ((error_code & (PF_PRESENT | PF_WRITE | PF_RSVD | PF_FETCH)) != (PF_PRESENT | PF_WRITE) ||
        !to_pv(v)->kernel_mode || guest_virt_to_phys(v, mk_gvaddr(va), false, &gpa))
        return false;
    c.table_gfn = gpaddr_val(gpa) >> PAGE_SHIFT;
    if (!pv_frame_pinned(v->domain, c.table_gfn))
        return false;
    ctxt = (struct x86_emul_ctxt){ .opaque = &c,
                                   .cr0_pe = true,
                                   .efer_lma = true,
                                   .rip = hvm_be->get_reg(v, GREG_RIP),
                                   .rflags = hvm_be->get_reg(v, GREG_RFLAGS) };
    if (x86_emulate(&ctxt, &ptwr_ops) != X86_EMUL_OK)
        return false;
    hvm_be->set_reg(v, GREG_RIP, ctxt.rip);
    hvm_be->set_reg(v, GREG_RFLAGS, ctxt.rflags);
    hvm_be->end_interrupt_shadow(v);
    /* The entry changed under this vCPU's TLB. */
    hvm_be->flush_guest_tlb(v);
    *o = hvm_resume();
    return true;
}
