// SPDX-License-Identifier: MIT
/*
 * physdev_op for a PV domain without devices, answered as Xen answers an
 * unprivileged domU that was given none: the virtual IOPL (PHYSDEVOP_set_iopl)
 * and the pirq EOI frame (pirq_eoi_gmfn_v1/v2) are the domain's to set,
 * although no I/O port or pirq is ever its; a query or EOI of a pirq is
 * -EINVAL (it has none); every command that would reach a device, an
 * interrupt line or the platform is refused with -EPERM; the others
 * (set_iobitmap among them: no port I/O is emulated for PV) are -ENOSYS.
 */
#include <public/errno.h>
#include <public/physdev.h>
#include <hv/guest_access.h>
#include "pv.h"

static int64_t set_iopl(struct vcpu *v, uint64_t arg)
{
    struct physdev_set_iopl s;

    if (copy_from_guest(v, &s, mk_gvaddr(arg), sizeof(s)))
        return -XEN_EFAULT;
    if (s.iopl > 3)
        return -XEN_EINVAL;
    to_pv(v)->iopl = (uint8_t)s.iopl;
    return 0;
}

/* As Xen: a writable frame of the domain's RAM, once (-EBUSY after). Nothing writes it: no pirqs. */
static int64_t pirq_eoi_gmfn(struct vcpu *v, uint64_t arg)
{
    struct domain *d = v->domain;
    struct physdev_pirq_eoi_gmfn g;

    if (copy_from_guest(v, &g, mk_gvaddr(arg), sizeof(g)))
        return -XEN_EFAULT;
    if (!pv_own_ram(d, g.gmfn))
        return -XEN_EINVAL;
    return __atomic_exchange_n(&d->arch.pv.pirq_eoi_given, true, __ATOMIC_RELAXED) ? -XEN_EBUSY : 0;
}

/* irq_status_query, eoi: the pirq (the first field of both) is never one of the domain's. */
static int64_t no_pirq(struct vcpu *v, uint64_t arg)
{
    uint32_t irq;

    return copy_from_guest(v, &irq, mk_gvaddr(arg), sizeof(irq)) ? -XEN_EFAULT : -XEN_EINVAL;
}

int64_t pv_physdev_op(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
    switch (cmd) {
    case PHYSDEVOP_set_iopl: return set_iopl(v, arg);
    case PHYSDEVOP_pirq_eoi_gmfn_v1:
    case PHYSDEVOP_pirq_eoi_gmfn_v2: return pirq_eoi_gmfn(v, arg);
    case PHYSDEVOP_irq_status_query:
    case PHYSDEVOP_eoi: return no_pirq(v, arg);
    case PHYSDEVOP_apic_read:
    case PHYSDEVOP_apic_write:
    case PHYSDEVOP_alloc_irq_vector:
    case PHYSDEVOP_free_irq_vector:
    case PHYSDEVOP_map_pirq:
    case PHYSDEVOP_unmap_pirq:
    case PHYSDEVOP_manage_pci_add:
    case PHYSDEVOP_manage_pci_remove:
    case PHYSDEVOP_restore_msi:
    case PHYSDEVOP_manage_pci_add_ext:
    case PHYSDEVOP_setup_gsi:
    case PHYSDEVOP_get_free_pirq:
    case PHYSDEVOP_pci_mmcfg_reserved:
    case PHYSDEVOP_pci_device_add:
    case PHYSDEVOP_pci_device_remove:
    case PHYSDEVOP_restore_msi_ext: return -XEN_EPERM;
    }
    return -XEN_ENOSYS;
}
