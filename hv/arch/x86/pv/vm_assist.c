// SPDX-License-Identifier: MIT
/*
 * HYPERVISOR_vm_assist for x86-64 PV guests: which of the assists Xen
 * defines are offered here (docs/domains.md, PV domains). Xen's errors:
 * -EINVAL for a type not offered, then -ENOSYS for a command other than
 * enable and disable.
 *
 * Offered, and so accepted either way: writable_pagetables, which is always
 * in effect here (a PV guest's page tables are its ordinary memory, walked
 * by the hardware under the P2M: its own writes to them need no help), and
 * the 32-bit assists Xen x86-64 also accepts from 64-bit guests, where they
 * change nothing (4gb_segments, 4gb_segments_notify, pae_extended_cr3).
 * Not offered: architectural_iopl (no I/O privilege exists for a PV guest
 * here), runstate_update_flag (the runstate area is written without it)
 * and m2p_strict (no M2P is mapped into guest page tables).
 */
#include <public/errno.h>
#include <public/xen.h>
#include "pv.h"

#define VM_ASSISTS_OFFERED                                                            \
    ((1ull << VMASST_TYPE_4gb_segments) | (1ull << VMASST_TYPE_4gb_segments_notify) | \
     (1ull << VMASST_TYPE_writable_pagetables) | (1ull << VMASST_TYPE_pae_extended_cr3))

int64_t pv_vm_assist(uint64_t cmd, uint64_t type)
{
    /* Xen's arguments are unsigned ints. */
    if ((uint32_t)type >= 64 || !(VM_ASSISTS_OFFERED & (1ull << (uint32_t)type)))
        return -XEN_EINVAL;
    if ((uint32_t)cmd != VMASST_CMD_enable && (uint32_t)cmd != VMASST_CMD_disable)
        return -XEN_ENOSYS;
    return 0;
}
