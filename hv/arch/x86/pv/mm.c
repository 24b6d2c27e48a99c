// SPDX-License-Identifier: MIT
/*
 * The PV MMU calls. A PV guest's machine frames are its guest-physical
 * frames (mfn == gfn) and its page tables are walked by the hardware under
 * the P2M, so these calls are about the guest's correctness, not isolation
 * (docs/decisions.md item 27): a write lands only in the domain's own
 * memory, checked in its P2M. Xen's errors are kept for what guests check.
 * Pinning keeps Xen's answers for what a guest can get wrong about its own
 * frames (a frame not its RAM, a double pin, an unpin of a frame not
 * pinned, a table naming frames not its own) without Xen's per-frame types.
 * MMUEXT_CLEAR_PAGE and MMUEXT_COPY_PAGE (Xen's highmem assist) write a
 * frame of the domain's RAM that is not a pinned table.
 * Entries written by mmu_update and update_va_mapping get _PAGE_USER when
 * present, as Xen gives them (the kernel runs at CPL 3; page_fault.c
 * gives it to the entries the guest writes itself).
 * Not offered yet: the M2P's updates other than the identity.
 * new_user_baseptr's tables are the ones guest user mode runs on
 * (user_mode.c).
 */
#include <string.h>
#include <public/errno.h>
#include <public/xen.h>
#include <hv/domain_registry.h>
#include <hv/guest_access.h>
#include <hv/p2m.h>
#include <hv/page_alloc.h>
#include "pv.h"

#define PTE_PRESENT 1ull
#define PTE_USER    (1ull << 2)
#define PTE_PS      (1ull << 7)
#define PTE_FRAME   0x000FFFFFFFFFF000ull

/* Requests one call takes (Xen's batches from Linux are at most a page's worth). */
#define MMU_BATCH_MAX 1024

static bool canonical(uint64_t va)
{
    return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

/*
 * An entry as Xen writes it for a 64-bit PV guest (adjust_guest_l1e() ..
 * l4e()): present ones get _PAGE_USER, the guest kernel running at CPL 3.
 */
static uint64_t adjust_entry(uint64_t e)
{
    return (e & PTE_PRESENT) ? e | PTE_USER : e;
}

/* Whether frame mfn is memory the domain may read and write (its RAM, its shared memory). */
static bool own_frame(struct domain *d, uint64_t mfn)
{
    uint64_t probe;

    return mfn < (1ull << 40) &&
           !copy_from_guest_phys(d, &probe, mk_gpaddr(mfn << PAGE_SHIFT), 8) &&
           !copy_to_guest_phys(d, mk_gpaddr(mfn << PAGE_SHIFT), &probe, 8);
}

bool pv_own_ram(struct domain *d, uint64_t gfn)
{
    return gfn < d->arch.pv.nr_frames &&
           p2m_owns_range(d->p2m, mk_gpaddr(gfn << PAGE_SHIFT), PAGE_SIZE);
}

int pv_pins_reset(struct domain *d)
{
    struct pv_domain *pd = &d->arch.pv;
    uint64_t bytes;

    if (!pd->pinned) {
        paddr_t pa;

        pd->nr_frames = d->ram_bytes >> PAGE_SHIFT;
        bytes = (pd->nr_frames + 63) / 64 * 8;
        while ((PAGE_SIZE << pd->pinned_order) < bytes)
            pd->pinned_order++;
        pa = page_alloc(pd->pinned_order);
        if (!paddr_val(pa))
            return -XEN_ENOMEM;
        pd->pinned = phys_to_virt(pa);
    }
    memset(pd->pinned, 0, PAGE_SIZE << pd->pinned_order);
    return 0;
}

void pv_pins_free(struct domain *d)
{
    if (d->arch.pv.pinned)
        page_free(virt_to_phys(d->arch.pv.pinned), d->arch.pv.pinned_order);
    d->arch.pv.pinned = NULL;
}

/* Sets (pin) or clears frame mfn's pin bit; false if it already was so. */
static bool pin_bit_change(struct domain *d, uint64_t mfn, bool pin)
{
    uint64_t bit = 1ull << (mfn % 64), *word = &d->arch.pv.pinned[mfn / 64];
    uint64_t old = pin ? __atomic_fetch_or(word, bit, __ATOMIC_RELAXED)
                       : __atomic_fetch_and(word, ~bit, __ATOMIC_RELAXED);

    return !(old & bit) == pin;
}

void pv_pin_bootstrap(struct domain *d, uint64_t l4_mfn)
{
    if (pv_own_ram(d, l4_mfn))
        pin_bit_change(d, l4_mfn, true);
}

/*
 * MMUEXT_PIN_L<level>_TABLE: the frame is the domain's RAM and not pinned,
 * each present entry names a frame of the domain (L4: outside Xen's slots
 * 256-271, which it leaves empty); else -EINVAL, as Xen.
 */
static int64_t pin_table(struct vcpu *v, uint64_t mfn, unsigned int level)
{
    struct domain *d = v->domain;
    uint64_t e[64];

    if (!pv_own_ram(d, mfn))
        return -XEN_EINVAL;
    for (unsigned int i = 0; i < 512; i++) {
        if (i % 64 == 0 &&
            copy_from_guest_phys(d, e, mk_gpaddr(mfn << PAGE_SHIFT | i * 8), sizeof(e)))
            return -XEN_EINVAL;
        if (!(e[i % 64] & PTE_PRESENT) || (level == 4 && i >= 256 && i < 272))
            continue;
        if (p2m_query(d->p2m, mk_gpaddr(e[i % 64] & PTE_FRAME), NULL, NULL) == P2M_NONE)
            return -XEN_EINVAL;
    }
    if (!pin_bit_change(d, mfn, true))
        return -XEN_EINVAL;
    if (level == 4)
        pv_l4_insert(d, mfn);
    return 0;
}

static int64_t unpin_table(struct vcpu *v, uint64_t mfn)
{
    if (!pv_own_ram(v->domain, mfn) || !pin_bit_change(v->domain, mfn, false))
        return -XEN_EINVAL;
    return 0;
}

bool pv_frame_pinned(struct domain *d, uint64_t mfn)
{
    return pv_own_ram(d, mfn) &&
           (__atomic_load_n(&d->arch.pv.pinned[mfn / 64], __ATOMIC_RELAXED) & 1ull << (mfn % 64));
}

/* Whether frame mfn is one a page op may write: the domain's RAM, not a pinned table. */
static bool writable_page(struct domain *d, uint64_t mfn)
{
    return pv_own_ram(d, mfn) && !pv_frame_pinned(d, mfn);
}

/*
 * MMUEXT_CLEAR_PAGE (src_mfn none) and MMUEXT_COPY_PAGE (XENFEAT_highmem_assist):
 * the destination a frame of the domain's RAM Xen could type writable (a
 * pinned table cannot be), the source a frame of its RAM; else -EINVAL.
 */
static int64_t page_op(struct vcpu *v, uint64_t dst_mfn, bool copy, uint64_t src_mfn)
{
    struct domain *d = v->domain;
    uint64_t buf[64] = { 0 };

    if ((copy && !pv_own_ram(d, src_mfn)) || !writable_page(d, dst_mfn))
        return -XEN_EINVAL;
    for (unsigned int off = 0; off < PAGE_SIZE; off += sizeof(buf)) {
        if (copy &&
            copy_from_guest_phys(d, buf, mk_gpaddr(src_mfn << PAGE_SHIFT | off), sizeof(buf)))
            return -XEN_EINVAL;
        if (copy_to_guest_phys(d, mk_gpaddr(dst_mfn << PAGE_SHIFT | off), buf, sizeof(buf)))
            return -XEN_EINVAL;
    }
    return 0;
}

/* Every vCPU of the domain drops its guest TLB entries before it runs again. */
static void flush_domain_tlbs(struct domain *d)
{
    for (unsigned int i = 0; i < d->nr_vcpus; i++)
        hvm_be->flush_guest_tlb(d->vcpus[i]);
}

/* DOMID_SELF only: 0, or Xen's error for naming a domain. */
static int64_t check_domid(struct vcpu *v, uint64_t domid)
{
    unsigned long flags;
    bool exists;

    if (domid == DOMID_SELF)
        return 0;
    /* Xen refuses a caller naming itself, and an unknown domain, with -ESRCH. */
    if (domid == v->domain->domid || domid > UINT16_MAX)
        return -XEN_ESRCH;
    flags = domain_registry_lock();
    exists = domain_registry_find((uint16_t)domid) != NULL;
    domain_registry_unlock(flags);
    return exists ? -XEN_EPERM : -XEN_ESRCH;
}

int64_t pv_mmu_update(struct vcpu *v, uint64_t reqs, uint64_t count, uint64_t pdone, uint64_t domid)
{
    struct domain *d = v->domain;
    struct mmu_update req;
    uint32_t done = 0;
    int64_t rc = check_domid(v, domid);

    if (rc)
        return rc;
    if (count > MMU_BATCH_MAX)
        return -XEN_EINVAL;
    for (; done < count; done++) {
        unsigned int cmd;
        uint64_t mfn;

        if (copy_from_guest(v, &req, mk_gvaddr(reqs + done * sizeof(req)), sizeof(req))) {
            rc = -XEN_EFAULT;
            break;
        }
        cmd = req.ptr & 7;
        mfn = req.ptr >> PAGE_SHIFT;
        if (cmd == MMU_NORMAL_PT_UPDATE || cmd == MMU_PT_UPDATE_PRESERVE_AD) {
            /* PRESERVE_AD's A/D merge is the hardware's own business here: plain write. */
            req.val = adjust_entry(req.val);
            if (!own_frame(d, mfn) ||
                copy_to_guest_phys(d, mk_gpaddr(req.ptr & ~7ull), &req.val, 8)) {
                rc = -XEN_EINVAL;
                break;
            }
        } else if (cmd == MMU_MACHPHYS_UPDATE) {
            /* The M2P is the identity over the domain's frames: only that entry is accepted. */
            if (!own_frame(d, mfn) || req.val != mfn) {
                rc = -XEN_EINVAL;
                break;
            }
        } else {
            rc = -XEN_ENOSYS;
            break;
        }
    }
    if (pdone && copy_to_guest(v, mk_gvaddr(pdone), &done, sizeof(done)))
        return -XEN_EFAULT;
    return rc;
}

/* The guest-physical address of va's L1 entry in the tables at cr3; 0 if there is none. */
static uint64_t l1_entry_gpa(struct domain *d, uint64_t cr3, uint64_t va)
{
    uint64_t table = cr3 & PTE_FRAME, e;

    for (unsigned int shift = 39; shift > 12; shift -= 9) {
        if (copy_from_guest_phys(d, &e, mk_gpaddr(table + ((va >> shift) & 511) * 8), 8) ||
            !(e & PTE_PRESENT) || (e & PTE_PS))
            return 0;
        table = e & PTE_FRAME;
    }
    return table + ((va >> 12) & 511) * 8;
}

bool pv_table_walk(struct domain *d, uint64_t cr3, uint64_t va, uint64_t *gpa)
{
    uint64_t at = l1_entry_gpa(d, cr3, va), pte;

    if (!at || copy_from_guest_phys(d, &pte, mk_gpaddr(at), 8) || !(pte & PTE_PRESENT))
        return false;
    *gpa = (pte & PTE_FRAME) | (va & (PAGE_SIZE - 1));
    return true;
}

static void flush(struct vcpu *v, uint64_t flags)
{
    if (!(flags & UVMF_FLUSHTYPE_MASK))
        return;
    /* INVLPG is a whole flush of the container's tag: more than asked, never less. */
    if (flags & ~(uint64_t)UVMF_FLUSHTYPE_MASK)
        flush_domain_tlbs(v->domain);
    else
        hvm_be->flush_guest_tlb(v);
}

int64_t pv_update_va_mapping(struct vcpu *v, uint64_t va, uint64_t val, uint64_t flags)
{
    struct guest_paging p;
    uint64_t pte;

    if (!canonical(va))
        return -XEN_EINVAL;
    val = adjust_entry(val);
    hvm_be->get_paging(v, &p);
    pte = l1_entry_gpa(v->domain, p.cr3, va);
    if (!pte || copy_to_guest_phys(v->domain, mk_gpaddr(pte), &val, 8))
        return -XEN_EINVAL;
    flush(v, flags);
    return 0;
}

int64_t pv_new_baseptr(struct vcpu *v, uint64_t mfn)
{
    if (!own_frame(v->domain, mfn))
        return -XEN_EINVAL;
    pv_l4_insert(v->domain, mfn);
    hvm_be->set_reg(v, GREG_CR3, mfn << PAGE_SHIFT);
    hvm_be->flush_guest_tlb(v);
    return 0;
}

static int64_t mmuext_one(struct vcpu *v, const struct mmuext_op *op)
{
    switch (op->cmd) {
    case MMUEXT_PIN_L1_TABLE:
    case MMUEXT_PIN_L2_TABLE:
    case MMUEXT_PIN_L3_TABLE:
    case MMUEXT_PIN_L4_TABLE: return pin_table(v, op->arg1, op->cmd - MMUEXT_PIN_L1_TABLE + 1);
    case MMUEXT_UNPIN_TABLE: return unpin_table(v, op->arg1);
    case MMUEXT_SET_LDT: return pv_set_ldt(v, op->arg1, op->arg2);
    case MMUEXT_NEW_BASEPTR: return pv_new_baseptr(v, op->arg1);
    case MMUEXT_NEW_USER_BASEPTR:
        if (op->arg1 && !own_frame(v->domain, op->arg1))
            return -XEN_EINVAL;
        if (op->arg1)
            pv_l4_insert(v->domain, op->arg1);
        to_pv(v)->user_baseptr = op->arg1 << PAGE_SHIFT;
        return 0;
    case MMUEXT_TLB_FLUSH_LOCAL:
    case MMUEXT_INVLPG_LOCAL: hvm_be->flush_guest_tlb(v); return 0;
    case MMUEXT_TLB_FLUSH_MULTI:
    case MMUEXT_INVLPG_MULTI:
    case MMUEXT_TLB_FLUSH_ALL:
    case MMUEXT_INVLPG_ALL: flush_domain_tlbs(v->domain); return 0;
    case MMUEXT_CLEAR_PAGE: return page_op(v, op->arg1, false, 0);
    case MMUEXT_COPY_PAGE: return page_op(v, op->arg1, true, op->arg2);
    }
    return -XEN_ENOSYS;
}

int64_t pv_mmuext_op(struct vcpu *v, uint64_t ops, uint64_t count, uint64_t pdone, uint64_t domid)
{
    struct mmuext_op op;
    uint32_t done = 0;
    int64_t rc = check_domid(v, domid);

    if (rc)
        return rc;
    if (count > MMU_BATCH_MAX)
        return -XEN_EINVAL;
    for (; done < count; done++) {
        if (copy_from_guest(v, &op, mk_gvaddr(ops + done * sizeof(op)), sizeof(op))) {
            rc = -XEN_EFAULT;
            break;
        }
        rc = mmuext_one(v, &op);
        if (rc)
            break;
    }
    if (pdone && copy_to_guest(v, mk_gvaddr(pdone), &done, sizeof(done)))
        return -XEN_EFAULT;
    return rc;
}
