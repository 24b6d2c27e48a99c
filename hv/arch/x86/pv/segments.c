// SPDX-License-Identifier: MIT
/*
 * HYPERVISOR_set_segment_base: the FS and GS bases a PV kernel cannot write
 * itself (WRMSR and WRFSBASE need CPL 0 or CR4.FSGSBASE, neither offered).
 * The call comes from kernel mode, where the container's GS base is the
 * kernel's and the shadow one (KERNEL_GS_BASE) the user's.
 */
#include <public/errno.h>
#include <public/xen.h>
#include "pv.h"

/*
 * SEGBASE_GS_USER_SEL: a selector into user %gs (RPL 3 forced unless
 * null), the user GS base from its descriptor, as Xen loads it: from the
 * guest's GDT or LDT or Xen's flat entries, checked as the load; a null
 * selector loads as null with base 0 (Xen's behaviour on AMD), and one
 * that fails to load gives null too, which Xen answers with 0 (Linux
 * cannot take an error here).
 */
static void load_user_gs(struct vcpu *v, uint16_t sel)
{
    struct hvm_segment gs;

    if (sel > 3)
        sel |= 3;
    if (!pv_segment(v, HVM_SEG_GS, sel, &gs))
        gs = (struct hvm_segment){ 0 };
    /* The GS register's base stays the kernel's; the user's is the shadow one. */
    hvm_be->set_reg(v, GREG_SHADOW_GS_BASE, gs.base);
    gs.base = hvm_be->get_reg(v, GREG_GS_BASE);
    hvm_be->set_segment(v, HVM_SEG_GS, &gs);
}

int64_t pv_set_segment_base(struct vcpu *v, uint64_t which, uint64_t base)
{
    enum guest_reg reg;

    /* Xen's argument is an unsigned int. */
    switch ((uint32_t)which) {
    case SEGBASE_FS: reg = GREG_FS_BASE; break;
    case SEGBASE_GS_USER: reg = GREG_SHADOW_GS_BASE; break;
    case SEGBASE_GS_KERNEL: reg = GREG_GS_BASE; break;
    case SEGBASE_GS_USER_SEL: load_user_gs(v, (uint16_t)base); return 0;
    default: return -XEN_EINVAL;
    }
    if (!pv_canonical(base))
        return -XEN_EINVAL;
    hvm_be->set_reg(v, reg, base);
    return 0;
}
