// SPDX-License-Identifier: MIT
/*
 * memory_op: the guest's memory map, the shared info frame, and ballooning
 * within the domain's static budget. A domain's RAM is allocated once, when
 * it is built; what the guest gives back (decrease_reservation) stays its
 * own, unmapped in its P2M (p2m_release_ram), and only it can have it back
 * (populate_physmap, increase_reservation). Nothing reaches another domain
 * or the page allocator, and nothing is allocated after boot.
 */
#include <public/arch-x86/e820.h>
#include <public/arch-x86/hvm/start_info.h>
#include <public/errno.h>
#include <public/memory.h>
#include <public/xen.h>
#include <hv/compat_xlat.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/p2m.h>
#include <hv/page_alloc.h>
#include <hv/vcpu_info.h>

/* Largest extent a domU may ask for (Xen's CONFIG_DOMU_MAX_ORDER on x86: 2 MiB). */
#define MEMOP_MAX_ORDER 9

static int64_t memory_map(struct vcpu *v, uint64_t arg)
{
    struct domain *d = v->domain;
    struct e820entry entries[DOMAIN_MEMMAP_MAX];
    struct xen_memory_map map;
    uint32_t nr, i;

    if (copy_from_guest_xlat(v, &map, mk_gvaddr(arg), &compat_memory_map_layout))
        return -XEN_EFAULT;
    /* As Xen: as many entries as the guest has room for. */
    nr = MIN(map.nr_entries, d->nr_memmap);
    for (i = 0; i < nr; i++)
        entries[i] = (struct e820entry){ d->memmap[i].addr, d->memmap[i].size, d->memmap[i].type };
    if (copy_to_guest(v, mk_gvaddr(map.buffer), entries, nr * sizeof(entries[0])))
        return -XEN_EFAULT;
    map.nr_entries = nr;
    return copy_to_guest_xlat(v, mk_gvaddr(arg), &map, &compat_memory_map_layout);
}

static int64_t add_to_physmap(struct vcpu *v, uint64_t arg)
{
    struct xen_add_to_physmap x;

    if (copy_from_guest_xlat(v, &x, mk_gvaddr(arg), &compat_add_to_physmap_layout))
        return -XEN_EFAULT;
    if (x.domid != DOMID_SELF && x.domid != v->domain->domid)
        return -XEN_EPERM;
    /* The shared info page; grant tables come with grant_table_op. */
    if (x.space != XENMAPSPACE_shared_info || x.idx != 0)
        return -XEN_EINVAL;
    return shared_info_map(v, x.gpfn);
}

/* Whether [gpa, gpa + size) lies inside one RAM range of d's memory map. */
static bool in_ram_map(const struct domain *d, uint64_t gpa, uint64_t size)
{
    unsigned int i;

    for (i = 0; i < d->nr_memmap; i++) {
        const struct domain_memmap_entry *m = &d->memmap[i];

        if (m->type == XEN_HVM_MEMMAP_TYPE_RAM && gpa >= m->addr && gpa - m->addr <= m->size &&
            size <= m->size - (gpa - m->addr))
            return true;
    }
    return false;
}

/*
 * Host page of a frame the hypervisor itself writes into: shared info, a
 * vcpu_info, the console, a FIFO control block or event array page.
 */
static bool frame_in_use(const struct domain *d, paddr_t pa)
{
    unsigned int i;

    if (d->events.shared && paddr_eq(virt_to_phys(d->events.shared), pa))
        return true;
    if (d->console.ring && paddr_eq(virt_to_phys(d->console.ring), pa))
        return true;
    for (i = 0; i < d->nr_vcpus; i++) {
        const struct vcpu_info *vi = d->vcpus[i]->ev.info;
        const struct evtchn_fifo_control_block *cb = d->vcpus[i]->ev.fifo.control;

        if (vi && paddr_eq(paddr_page(virt_to_phys(vi)), pa))
            return true;
        if (cb && paddr_eq(paddr_page(virt_to_phys(cb)), pa))
            return true;
    }
    for (i = 0; i < EVTCHN_FIFO_ARRAY_PAGES; i++) {
        const event_word_t *page = d->events.fifo.array[i];

        if (page && paddr_eq(virt_to_phys(page), pa))
            return true;
    }
    return false;
}

/* XENMEM_decrease_reservation of one extent: every page the guest's RAM, none in use. */
static int release_extent(struct domain *d, gpaddr_t gpa, uint64_t size)
{
    uint64_t off;

    for (off = 0; off < size; off += PAGE_SIZE) {
        paddr_t pa;

        if (p2m_query(d->p2m, gpaddr_add(gpa, off), &pa, NULL) != P2M_RAM ||
            frame_in_use(d, paddr_page(pa)))
            return -XEN_EINVAL;
    }
    return p2m_release_ram(d->p2m, gpa, size);
}

/* One extent of op at frame number gfn; 0 or -errno (the call stops there). */
static int reservation_extent(struct domain *d, unsigned int op, uint64_t gfn, unsigned int order)
{
    uint64_t size = PAGE_SIZE << order, gpa = gfn << PAGE_SHIFT;

    if (op == XENMEM_increase_reservation)
        return p2m_claim_released(d->p2m, 1ull << order);
    /* Naturally aligned extents inside the RAM of the guest's memory map. */
    if (gfn > (~0ull >> PAGE_SHIFT) || (gfn & ((1ull << order) - 1)) || !in_ram_map(d, gpa, size))
        return -XEN_EINVAL;
    if (op == XENMEM_decrease_reservation)
        return release_extent(d, mk_gpaddr(gpa), size);
    return p2m_populate_released(d->p2m, mk_gpaddr(gpa), size);
}

/*
 * XENMEM_increase_reservation, decrease_reservation and populate_physmap, as
 * Xen does them for a translated guest: extents from start (the command's
 * continuation bits) on, the count of extents done returned. Checks that
 * fail before any extent return start, as Xen's do. Nothing is written
 * back: Xen gives a translated guest no frame numbers (its extent list is
 * only read).
 */
static int64_t reservation_op(struct vcpu *v, unsigned int op, uint64_t start, uint64_t arg)
{
    struct domain *d = v->domain;
    struct xen_memory_reservation r;
    size_t width = hypercall_compat(v) ? 4 : 8;
    uint64_t i;

    if (copy_from_guest_xlat(v, &r, mk_gvaddr(arg), &compat_memory_reservation_layout))
        return -XEN_EFAULT;
    if (r.domid != DOMID_SELF && r.domid != d->domid)
        return -XEN_EPERM;
    if (start >= r.nr_extents || r.extent_order > MEMOP_MAX_ORDER ||
        (r.mem_flags & XENMEMF_populate_on_demand))
        return (int64_t)start;
    /* The handle's array must fit the guest's address space (guest_handle_okay). */
    if (r.nr_extents > (~0ull - r.extent_start) / width ||
        (width == 4 && r.extent_start + r.nr_extents * width > (1ull << 32)))
        return (int64_t)start;
    for (i = start; i < r.nr_extents; i++) {
        uint64_t gfn = 0;

        if (op != XENMEM_increase_reservation &&
            copy_from_guest(v, &gfn, mk_gvaddr(r.extent_start + i * width), width))
            break;
        if (reservation_extent(d, op, gfn, r.extent_order))
            break;
    }
    return (int64_t)i;
}

/* XENMEM_current_reservation / maximum_reservation: pages, for DOMID_SELF. */
static int64_t reservation_query(struct vcpu *v, unsigned int op, uint64_t arg)
{
    struct domain *d = v->domain;
    uint64_t budget = d->ram_bytes >> PAGE_SHIFT, released, held;
    uint16_t domid;

    if (copy_from_guest(v, &domid, mk_gvaddr(arg), sizeof(domid)))
        return -XEN_EFAULT;
    if (domid != DOMID_SELF && domid != d->domid)
        return -XEN_EPERM;
    if (op == XENMEM_maximum_reservation)
        return (int64_t)budget;
    p2m_reservation(d->p2m, &released, &held);
    return (int64_t)(budget - released + held);
}

int64_t do_memory_op(struct vcpu *v, const uint64_t *args)
{
    unsigned int op = args[0] & MEMOP_CMD_MASK;
    uint64_t start = args[0] >> MEMOP_EXTENT_SHIFT;

    switch (op) {
    case XENMEM_increase_reservation:
    case XENMEM_decrease_reservation:
    case XENMEM_populate_physmap: return reservation_op(v, op, start, args[1]);
    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation: return reservation_query(v, op, args[1]);
    case XENMEM_add_to_physmap: return add_to_physmap(v, args[1]);
    case XENMEM_memory_map: return memory_map(v, args[1]);
    default: return -XEN_ENOSYS;
    }
}

void memory_domain_reset(struct domain *d)
{
    unsigned int i;

    for (i = 0; i < d->nr_memmap; i++)
        if (d->memmap[i].type == XEN_HVM_MEMMAP_TYPE_RAM)
            p2m_refill_ram(d->p2m, mk_gpaddr(d->memmap[i].addr), d->memmap[i].size);
}
