// SPDX-License-Identifier: MIT
/*
 * Guest-virtual to guest-physical translation through the guest's own page
 * tables, in every x86 paging mode: paging off, 32-bit (with PSE), PAE,
 * 4-level and 5-level. Each table entry is read through the domain's P2M, so
 * a hostile table can only point at the domain's own memory; anything
 * missing or not permitted (U/S, R/W with CR0.WP, NX for fetches) is
 * -XEN_EFAULT. Accessed/dirty bits are not set (the hypervisor's accesses do
 * not count as the guest's).
 */
#include <public/errno.h>
#include <asm/domain_type.h>
#include <arch/x86-defs.h>
#include <hv/domain.h>
#include <asm/guest_pt.h>
#include <hv/guest_access.h>

#define PTE_ADDR_MASK 0x000FFFFFFFFFF000ull

struct walk {
    bool write, fetch, user, wp, nxe;
    bool writable, usable, executable; /* accumulated over the levels */
};

static bool entry_allows(struct walk *w, uint64_t e)
{
    if (!(e & X86_PTE_P))
        return false;
    w->writable &= (e & X86_PTE_RW) != 0;
    w->usable &= (e & X86_PTE_US) != 0;
    /* 32-bit entries are read zero-extended: their bit 63 is never set. */
    w->executable &= !(w->nxe && (e & X86_PTE_NX));
    return true;
}

static bool access_allowed(const struct walk *w)
{
    if (w->user && !w->usable)
        return false;
    if (w->write && !w->writable && (w->user || w->wp))
        return false;
    if (w->fetch && !w->executable)
        return false;
    return true;
}

/* Entry index (size bytes each) of the table at guest-physical table. */
static int read_entry(struct domain *d, gpaddr_t table, uint64_t index, size_t size, uint64_t *e)
{
    *e = 0;
    return copy_from_guest_phys(d, e, gpaddr_add(table, index * size), size);
}

/* The table or page an entry points at (bits 51:12). */
static gpaddr_t entry_addr(uint64_t e)
{
    return mk_gpaddr(e & PTE_ADDR_MASK);
}

static int walk_long(struct domain *d, struct walk *w, uint64_t cr3, uint64_t gva,
                     unsigned int levels, gpaddr_t *gpa)
{
    unsigned int top = 12 + 9 * levels; /* 48 or 57 */
    gpaddr_t table = entry_addr(cr3);
    uint64_t e;
    int level;

    /* Canonical: bits 63..top-1 all equal. */
    if ((uint64_t)(((int64_t)(gva << (64 - top))) >> (64 - top)) != gva)
        return -XEN_EFAULT;
    for (level = (int)levels; level >= 1; level--) {
        unsigned int shift = 12 + 9 * (unsigned int)(level - 1);

        if (read_entry(d, table, (gva >> shift) & 0x1FF, 8, &e) || !entry_allows(w, e))
            return -XEN_EFAULT;
        if (level <= 3 && level >= 2 && (e & X86_PTE_PS)) {
            uint64_t size = 1ull << shift;

            *gpa = mk_gpaddr((e & PTE_ADDR_MASK & ~(size - 1)) | (gva & (size - 1)));
            return access_allowed(w) ? 0 : -XEN_EFAULT;
        }
        table = entry_addr(e);
    }
    *gpa = gpaddr_add(table, gva & (PAGE_SIZE - 1));
    return access_allowed(w) ? 0 : -XEN_EFAULT;
}

static int walk_pae(struct domain *d, struct walk *w, uint64_t cr3, uint32_t gva, gpaddr_t *gpa)
{
    uint64_t e;

    /* The four PDPTEs carry no R/W or U/S bits. */
    if (read_entry(d, mk_gpaddr(cr3 & 0xFFFFFFE0u), gva >> 30, 8, &e) || !(e & X86_PTE_P))
        return -XEN_EFAULT;
    if (read_entry(d, entry_addr(e), (gva >> 21) & 0x1FF, 8, &e) || !entry_allows(w, e))
        return -XEN_EFAULT;
    if (e & X86_PTE_PS) {
        *gpa = mk_gpaddr((e & PTE_ADDR_MASK & ~(MiB(2) - 1)) | (gva & (MiB(2) - 1)));
        return access_allowed(w) ? 0 : -XEN_EFAULT;
    }
    if (read_entry(d, entry_addr(e), (gva >> 12) & 0x1FF, 8, &e) || !entry_allows(w, e))
        return -XEN_EFAULT;
    *gpa = gpaddr_add(entry_addr(e), gva & (PAGE_SIZE - 1));
    return access_allowed(w) ? 0 : -XEN_EFAULT;
}

static int walk_32(struct domain *d, struct walk *w, uint64_t cr3, uint64_t cr4, uint32_t gva,
                   gpaddr_t *gpa)
{
    uint64_t e;

    if (read_entry(d, mk_gpaddr(cr3 & 0xFFFFF000u), gva >> 22, 4, &e) || !entry_allows(w, e))
        return -XEN_EFAULT;
    if ((e & X86_PTE_PS) && (cr4 & X86_CR4_PSE)) {
        /* PSE-36: bits 20:13 of the entry are physical address bits 39:32. */
        uint64_t base = (e & 0xFFC00000u) | (((e >> 13) & 0xFF) << 32);

        *gpa = mk_gpaddr(base | (gva & 0x3FFFFFu));
        return access_allowed(w) ? 0 : -XEN_EFAULT;
    }
    if (read_entry(d, mk_gpaddr(e & 0xFFFFF000u), (gva >> 12) & 0x3FF, 4, &e) ||
        !entry_allows(w, e))
        return -XEN_EFAULT;
    *gpa = mk_gpaddr((e & 0xFFFFF000u) | (gva & (PAGE_SIZE - 1)));
    return access_allowed(w) ? 0 : -XEN_EFAULT;
}

enum access {
    ACCESS_READ,
    ACCESS_WRITE,
    ACCESS_FETCH
};

static int virt_to_phys(struct vcpu *v, gvaddr_t addr, enum access access, bool as_kernel,
                        gpaddr_t *gpa)
{
    uint64_t gva = gvaddr_val(addr); /* the walks slice its bits */
    struct guest_paging p;
    struct walk w;

    v->domain->arch.type->vcpu_get_paging(v, &p);
    w.write = access == ACCESS_WRITE;
    w.fetch = access == ACCESS_FETCH;
    w.user = !as_kernel && p.cpl == 3;
    w.wp = (p.cr0 & X86_CR0_WP) != 0;
    w.nxe = (p.efer & EFER_NXE) != 0;
    w.writable = w.usable = w.executable = true;
    if (!(p.cr0 & X86_CR0_PG)) {
        *gpa = mk_gpaddr(gva & 0xFFFFFFFFu);
        return 0;
    }
    if (p.efer & EFER_LMA)
        return walk_long(v->domain, &w, p.cr3, gva, (p.cr4 & X86_CR4_LA57) ? 5 : 4, gpa);
    if (p.cr4 & X86_CR4_PAE)
        return walk_pae(v->domain, &w, p.cr3, (uint32_t)gva, gpa);
    return walk_32(v->domain, &w, p.cr3, p.cr4, (uint32_t)gva, gpa);
}

int guest_virt_to_phys(struct vcpu *v, gvaddr_t gva, bool write, gpaddr_t *gpa)
{
    return virt_to_phys(v, gva, write ? ACCESS_WRITE : ACCESS_READ, false, gpa);
}

int guest_kernel_virt_to_phys(struct vcpu *v, gvaddr_t gva, bool write, gpaddr_t *gpa)
{
    return virt_to_phys(v, gva, write ? ACCESS_WRITE : ACCESS_READ, true, gpa);
}

int guest_fetch_virt_to_phys(struct vcpu *v, gvaddr_t gva, gpaddr_t *gpa)
{
    return virt_to_phys(v, gva, ACCESS_FETCH, false, gpa);
}
