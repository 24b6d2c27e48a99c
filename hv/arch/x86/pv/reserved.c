// SPDX-License-Identifier: MIT
/*
 * What a PV domain finds of Xen's in its address space (docs/decisions.md
 * item 27): the shared info frame start_info names, and the M2P at Xen's
 * MACH2PHYS_VIRT_START (L4 slot 256), read-only to the guest, both in
 * frames of the hypervisor's that the P2M maps above the domain's memory
 * map:
 *
 *   gfn R          shared info (the domain's event page)
 *   gfn R+1        L3 of slot 256 (one entry: the L2)
 *   gfn R+2        L2 (one entry per L1)
 *   gfn R+3 ...    L1s (one read-only entry per M2P frame)
 *   gfn R+512 ...  the M2P: entry mfn = mfn (mfn == gfn) for every frame of
 *                  the domain's RAM
 *
 * R is the first 2 MiB boundary above the memory map. The hypervisor writes
 * the slot-256 entry into every L4 the guest starts on, pins or installs.
 * The P2M maps these frames read-write-execute: the processor's walk of
 * guest page tables is checked as a write at the nested level, and no
 * nested fault may ever come from them (its handler knows only the tree's
 * shared memory). They are the domain's alone and the hypervisor never
 * reads them, so a guest that maps them writable itself only rewrites its
 * own view; they are written afresh at each build. Allocated at the first
 * build and kept across restarts.
 */
#include <string.h>
#include <public/errno.h>
#include <public/memory.h>
#include <public/xen.h>
#include <hv/guest_access.h>
#include <hv/p2m.h>
#include <hv/page_alloc.h>
#include "pv.h"

#define PTE_P  (1ull << 0)
#define PTE_U  (1ull << 2)
#define PTE_A  (1ull << 5)
#define PTE_D  (1ull << 6)
#define PTE_NX (1ull << 63)
#define TABLE  (PTE_P | PTE_U | PTE_A)

#define M2P_SLOT     256u
#define M2P_GFN_OFF  512u /* the M2P's first frame: R + 512 */
#define TABLES_FIRST 1u   /* the L3 at R + 1 */

static unsigned int order_for(uint64_t pages)
{
    unsigned int order = 0;

    while ((1ull << order) < pages)
        order++;
    return order;
}

/* The first 2 MiB boundary above every range of the domain's memory map. */
static uint64_t reserved_base_gfn(const struct domain *d)
{
    uint64_t end = d->ram_bytes;

    for (unsigned int i = 0; i < d->nr_memmap; i++)
        if (d->memmap[i].addr + d->memmap[i].size > end)
            end = d->memmap[i].addr + d->memmap[i].size;
    return ((end + (1ull << 21) - 1) >> 21) << 9;
}

/* Allocates the tables and the M2P (first build). */
static int reserved_alloc(struct domain *d)
{
    struct pv_domain *pd = &d->arch.pv;
    uint64_t nr_m2p = (pd->nr_frames + 511) / 512, nr_l1 = (nr_m2p + 511) / 512;
    paddr_t pa;

    if (TABLES_FIRST + 2 + nr_l1 > M2P_GFN_OFF)
        return -XEN_ENOMEM; /* tables reaching the M2P: about 500 GiB of RAM */
    pd->tables_order = order_for(2 + nr_l1);
    pd->m2p_order = order_for(nr_m2p);
    pa = page_alloc(pd->tables_order);
    if (!paddr_val(pa))
        return -XEN_ENOMEM;
    pd->tables = phys_to_virt(pa);
    pa = page_alloc(pd->m2p_order);
    if (!paddr_val(pa))
        return -XEN_ENOMEM;
    pd->m2p = phys_to_virt(pa);
    pd->nr_m2p = nr_m2p;
    pd->nr_tables = 2 + nr_l1;
    return 0;
}

/* Writes the tables and the M2P (each build: the guest may have written them). */
static void reserved_fill(struct domain *d)
{
    struct pv_domain *pd = &d->arch.pv;
    uint64_t *l3 = pd->tables, *l2 = l3 + 512, base = pd->reserved_gfn;

    memset(pd->tables, 0, PAGE_SIZE << pd->tables_order);
    l3[0] = (base + TABLES_FIRST + 1) << PAGE_SHIFT | TABLE;
    for (uint64_t j = 0; j + 2 < pd->nr_tables; j++) {
        uint64_t *l1 = l2 + 512 * (1 + j);

        l2[j] = (base + TABLES_FIRST + 2 + j) << PAGE_SHIFT | TABLE;
        for (uint64_t i = 0; i < 512 && j * 512 + i < pd->nr_m2p; i++)
            l1[i] = (base + M2P_GFN_OFF + j * 512 + i) << PAGE_SHIFT | TABLE | PTE_D | PTE_NX;
    }
    for (uint64_t mfn = 0; mfn < (PAGE_SIZE << pd->m2p_order) / 8; mfn++)
        pd->m2p[mfn] = mfn < pd->nr_frames ? mfn : ~0ull;
}

int pv_reserved_map(struct domain *d)
{
    struct pv_domain *pd = &d->arch.pv;
    uint64_t base;
    int rc;

    if (!pd->tables) {
        pd->reserved_gfn = reserved_base_gfn(d);
        rc = reserved_alloc(d);
        if (rc)
            return rc;
    }
    reserved_fill(d);
    base = pd->reserved_gfn << PAGE_SHIFT;
    rc = p2m_map(d->p2m, mk_gpaddr(base), virt_to_phys(d->events.own_page), PAGE_SIZE,
                 P2M_SHARED_RW, P2M_RWX);
    if (!rc)
        rc = p2m_map(d->p2m, mk_gpaddr(base + TABLES_FIRST * PAGE_SIZE), virt_to_phys(pd->tables),
                     pd->nr_tables * PAGE_SIZE, P2M_SHARED_RW, P2M_RWX);
    if (!rc)
        rc = p2m_map(d->p2m, mk_gpaddr(base + M2P_GFN_OFF * PAGE_SIZE), virt_to_phys(pd->m2p),
                     pd->nr_m2p * PAGE_SIZE, P2M_SHARED_RW, P2M_RWX);
    return rc;
}

void pv_reserved_free(struct domain *d)
{
    struct pv_domain *pd = &d->arch.pv;

    if (pd->tables)
        page_free(virt_to_phys(pd->tables), pd->tables_order);
    if (pd->m2p)
        page_free(virt_to_phys(pd->m2p), pd->m2p_order);
    pd->tables = pd->m2p = NULL;
}

uint64_t pv_shared_info_maddr(const struct domain *d)
{
    return d->arch.pv.reserved_gfn << PAGE_SHIFT;
}

void pv_l4_insert(struct domain *d, uint64_t l4_mfn)
{
    uint64_t e = (d->arch.pv.reserved_gfn + TABLES_FIRST) << PAGE_SHIFT | TABLE;

    if (pv_own_ram(d, l4_mfn))
        copy_to_guest_phys(d, mk_gpaddr(l4_mfn << PAGE_SHIFT | M2P_SLOT * 8), &e, sizeof(e));
}

/* XENMEM_machphys_mapping: where the M2P is and the last frame it covers. */
static int64_t machphys_mapping(struct vcpu *v, uint64_t arg)
{
    const struct pv_domain *pd = &v->domain->arch.pv;
    struct xen_machphys_mapping m = {
        .v_start = MACH2PHYS_VIRT_START,
        .v_end = MACH2PHYS_VIRT_START + pd->nr_m2p * PAGE_SIZE,
        .max_mfn = pd->nr_frames - 1,
    };

    return copy_to_guest(v, mk_gvaddr(arg), &m, sizeof(m)) ? -XEN_EFAULT : 0;
}

/* XENMEM_machphys_mfn_list: the M2P's 2 MiB extents, by first frame (mfn == gfn). */
static int64_t machphys_mfn_list(struct vcpu *v, uint64_t arg)
{
    const struct pv_domain *pd = &v->domain->arch.pv;
    struct xen_machphys_mfn_list l;
    unsigned int n = 0;

    if (copy_from_guest(v, &l, mk_gvaddr(arg), sizeof(l)))
        return -XEN_EFAULT;
    for (uint64_t first = 0; first < pd->nr_m2p && n < l.max_extents; first += 512, n++) {
        uint64_t mfn = pd->reserved_gfn + M2P_GFN_OFF + first;

        if (copy_to_guest(v, mk_gvaddr(l.extent_start + n * sizeof(mfn)), &mfn, sizeof(mfn)))
            return -XEN_EFAULT;
    }
    l.nr_extents = n;
    return copy_to_guest(v, mk_gvaddr(arg), &l, sizeof(l)) ? -XEN_EFAULT : 0;
}

bool pv_memory_op(struct vcpu *v, uint64_t cmd, uint64_t arg, int64_t *result)
{
    switch (cmd) {
    case XENMEM_machphys_mapping: *result = machphys_mapping(v, arg); return true;
    case XENMEM_machphys_mfn_list: *result = machphys_mfn_list(v, arg); return true;
    }
    return false;
}
