// SPDX-License-Identifier: MIT
/*
 * A PV guest's page faults, before they are bounced to its kernel.
 *
 * Xen x86-64 runs a PV kernel in ring 3 and gives every present entry of
 * its page tables _PAGE_USER as it validates them (adjust_guest_l1e() ..
 * adjust_guest_l4e(): at pinning, mmu_update, update_va_mapping and the
 * writes it emulates for writable page tables), so a kernel may write its
 * entries without that bit (Linux's PAGE_KERNEL, the tables built into its
 * image) and still use them at CPL 3. Here the hardware walks the guest's
 * own tables (decision 27), and the hypercalls add the bit to what they
 * write (mm.c); an entry the guest wrote itself gets it when an access
 * through it faults: every present entry on the faulting address's walk
 * gets _PAGE_USER, and the access is tried again. The guest's user-kernel
 * isolation is its page tables', as on Xen (user mode runs on the user
 * tables, which map no kernel page).
 *
 * Then, as Xen's spurious_page_fault(): a fault the tables no longer
 * explain (another vCPU just changed them, or this vCPU's TLB still held
 * the old entry) is retried after a flush of its guest TLB, not bounced.
 * Anything else, and any fault with a reserved bit, goes to the kernel.
 */
#include <hv/p2m.h>
#include <hv/page_alloc.h>
#include "pv.h"

#define PF_PRESENT X86_BIT(0)
#define PF_WRITE   X86_BIT(1)
#define PF_RSVD    X86_BIT(3)
#define PF_FETCH   X86_BIT(4)
#define PTE_FRAME  0x000FFFFFFFFFF000ull

/* The domain's RAM page at gfn, mapped in the hypervisor, or NULL. */
static uint64_t *ram_table(struct domain *d, uint64_t gfn)
{
    paddr_t pa;
    unsigned int perms;

    if (p2m_query(d->p2m, mk_gpaddr(gfn << PAGE_SHIFT), &pa, &perms) != P2M_RAM ||
        !(perms & P2M_WRITE))
        return NULL;
    return phys_to_virt(pa);
}

/*
 * Gives each present entry of va's walk _PAGE_USER (*fixed: one lacked
 * it); whether the access the error code describes is allowed now.
 */
static bool walk_fix(struct vcpu *v, uint64_t va, uint32_t error_code, bool *fixed)
{
    struct domain *d = v->domain;
    struct guest_paging p;
    uint64_t gfn;

    hvm_be->get_paging(v, &p);
    gfn = (p.cr3 & PTE_FRAME) >> PAGE_SHIFT;
    *fixed = false;
    for (unsigned int level = 4; level >= 1; level--) {
        uint64_t *table = ram_table(d, gfn), *slot, e;

        if (!table)
            return false;
        slot = &table[(va >> (12 + 9 * (level - 1))) & 511];
        e = __atomic_load_n(slot, __ATOMIC_RELAXED);
        if (!(e & X86_PTE_P))
            return false;
        if (!(e & X86_PTE_US)) {
            e = __atomic_or_fetch(slot, X86_PTE_US, __ATOMIC_RELAXED);
            *fixed = true;
        }
        if (((error_code & PF_WRITE) && !(e & X86_PTE_RW)) ||
            ((error_code & PF_FETCH) && (e & X86_PTE_NX)))
            return false;
        if (level == 1 || ((level == 2 || level == 3) && (e & X86_PTE_PS)))
            return true;
        gfn = (e & PTE_FRAME) >> PAGE_SHIFT;
    }
    return true;
}

bool pv_page_fault_fixed(struct vcpu *v, uint32_t error_code, uint64_t va)
{
    bool fixed, allowed;

    if ((error_code & PF_RSVD) || !pv_canonical(va))
        return false;
    allowed = walk_fix(v, va, error_code, &fixed);
    if (!fixed && !allowed)
        return false;
    /* The entries changed, or the TLB had an older one: it goes. */
    hvm_be->flush_guest_tlb(v);
    return allowed;
}
