// SPDX-License-Identifier: MIT
/*
 * xen_version for a PV guest: the feature map is the one Xen 4.14 gives an
 * x86 PV domU (xen/common/kernel.c, XENVER_get_features), not the HVM one
 * (no translated physmap, no vector callback, no HVM pvclock). Linux's
 * xen_setup_features() panics, as a PV guest, without
 * XENFEAT_mmu_pt_update_preserve_ad and XENFEAT_gnttab_map_avail_bits:
 * here MMU_PT_UPDATE_PRESERVE_AD is served (mm.c) and no grant table is
 * offered to map with. XENFEAT_highmem_assist: MMUEXT_CLEAR_PAGE and
 * MMUEXT_COPY_PAGE are served (mm.c). XENFEAT_pae_pgdir_above_4gb, which
 * Xen adds while a guest has VMASST_TYPE_pae_extended_cr3 on, is not given:
 * that assist is accepted without effect and its state not kept
 * (vm_assist.c); a 64-bit guest has no use for it. Every other subcommand
 * is the common one (hv/common/xen_version.c).
 */
#include <public/errno.h>
#include <public/features.h>
#include <public/version.h>
#include <hv/guest_access.h>
#include "pv.h"

#define PV_FEATURES                                                                          \
    ((1u << XENFEAT_memory_op_vnode_supported) | (1u << XENFEAT_mmu_pt_update_preserve_ad) | \
     (1u << XENFEAT_highmem_assist) | (1u << XENFEAT_gnttab_map_avail_bits))

bool pv_xen_version(struct vcpu *v, uint64_t cmd, uint64_t arg, int64_t *result)
{
    struct xen_feature_info fi;

    if (cmd != XENVER_get_features)
        return false;
    if (copy_from_guest(v, &fi, mk_gvaddr(arg), sizeof(fi)))
        *result = -XEN_EFAULT;
    else if (fi.submap_idx != 0)
        *result = -XEN_EINVAL;
    else {
        fi.submap = PV_FEATURES;
        *result = copy_to_guest(v, mk_gvaddr(arg), &fi, sizeof(fi)) ? -XEN_EFAULT : 0;
    }
    return true;
}
