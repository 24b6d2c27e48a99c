/* SPDX-License-Identifier: MIT */
/*
 * HYPERVISOR_physdev_op (Xen's public/physdev.h): the commands a guest
 * without devices meets, with Xen's numbers.
 */
#ifndef PUBLIC_PHYSDEV_H
#define PUBLIC_PHYSDEV_H

#include <stdint.h>

#define PHYSDEVOP_irq_status_query   5
#define PHYSDEVOP_set_iopl           6
#define PHYSDEVOP_set_iobitmap       7
#define PHYSDEVOP_apic_read          8
#define PHYSDEVOP_apic_write         9
#define PHYSDEVOP_alloc_irq_vector   10
#define PHYSDEVOP_free_irq_vector    11
#define PHYSDEVOP_eoi                12
#define PHYSDEVOP_map_pirq           13
#define PHYSDEVOP_unmap_pirq         14
#define PHYSDEVOP_manage_pci_add     15
#define PHYSDEVOP_manage_pci_remove  16
#define PHYSDEVOP_pirq_eoi_gmfn_v1   17
#define PHYSDEVOP_restore_msi        19
#define PHYSDEVOP_manage_pci_add_ext 20
#define PHYSDEVOP_setup_gsi          21
#define PHYSDEVOP_get_free_pirq      23
#define PHYSDEVOP_pci_mmcfg_reserved 24
#define PHYSDEVOP_pci_device_add     25
#define PHYSDEVOP_pci_device_remove  26
#define PHYSDEVOP_restore_msi_ext    27
#define PHYSDEVOP_pirq_eoi_gmfn_v2   28

struct physdev_set_iopl {
    uint32_t iopl; /* 0-3 */
};

struct physdev_pirq_eoi_gmfn {
    uint64_t gmfn;
};

#endif
