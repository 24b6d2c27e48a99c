// SPDX-License-Identifier: MIT
/*
 * Hypercalls from a PV guest kernel: the PV-only ones here, every other one
 * through the common table (hv/common/hypercall.c), as for PVH.
 */
#include <public/xen.h>
#include <hv/hypercall.h>
#include "pv.h"

enum hypercall_return pv_hypercall(struct vcpu *v, uint64_t nr, const uint64_t *args,
                                   int64_t *result)
{
    switch (nr) {
    case __HYPERVISOR_set_trap_table: *result = pv_set_trap_table(v, args[0]); break;
    case __HYPERVISOR_iret: return pv_iret(v, result);
    case __HYPERVISOR_mmu_update:
        *result = pv_mmu_update(v, args[0], args[1], args[2], args[3]);
        break;
    case __HYPERVISOR_update_va_mapping:
        *result = pv_update_va_mapping(v, args[0], args[1], args[2]);
        break;
    case __HYPERVISOR_mmuext_op:
        *result = pv_mmuext_op(v, args[0], args[1], args[2], args[3]);
        break;
    case __HYPERVISOR_set_gdt: *result = pv_set_gdt(v, args[0], args[1]); break;
    case __HYPERVISOR_update_descriptor: *result = pv_update_descriptor(v, args[0], args[1]); break;
    case __HYPERVISOR_physdev_op: *result = pv_physdev_op(v, args[0], args[1]); break;
    case __HYPERVISOR_memory_op:
        if (!pv_memory_op(v, args[0], args[1], result))
            *result = hypercall_dispatch(v, nr, args);
        break;
    default: *result = hypercall_dispatch(v, nr, args);
    }
    return HYPERCALL_RESULT;
}
