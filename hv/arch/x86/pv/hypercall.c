// SPDX-License-Identifier: MIT
/*
 * Hypercalls from a PV guest kernel: the PV-only ones here, every other one
 * through the common table (hv/common/hypercall.c), as for PVH.
 */
#include <public/sched.h>
#include <public/xen.h>
#include <hv/hypercall.h>
#include "pv.h"

enum hypercall_return pv_hypercall(struct vcpu *v, uint64_t nr, const uint64_t *args,
                                   int64_t *result)
{
    bool new_context;

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
    case __HYPERVISOR_xen_version:
        if (!pv_xen_version(v, args[0], args[1], result))
            *result = hypercall_dispatch(v, nr, args);
        break;
    case __HYPERVISOR_stack_switch: *result = pv_stack_switch(v, args[0], args[1]); break;
    case __HYPERVISOR_set_callbacks:
        *result = pv_set_callbacks(v, args[0], args[1], args[2]);
        break;
    case __HYPERVISOR_fpu_taskswitch: *result = pv_fpu_taskswitch(v, args[0]); break;
    case __HYPERVISOR_vm_assist: *result = pv_vm_assist(args[0], args[1]); break;
    case __HYPERVISOR_set_segment_base: *result = pv_set_segment_base(v, args[0], args[1]); break;
    case __HYPERVISOR_callback_op: *result = pv_callback_op(v, args[0], args[1]); break;
    /* An iret among the entries ends the batch in the context it gave. */
    case __HYPERVISOR_multicall:
        *result = multicall(v, args[0], args[1], &new_context);
        return new_context ? HYPERCALL_NEW_CONTEXT : HYPERCALL_RESULT;
    /* As Xen, blocking enables event delivery (Linux's safe_halt relies on it). */
    case __HYPERVISOR_sched_op:
        if (args[0] == SCHEDOP_block)
            pv_set_upcall_mask(v, 0);
        *result = hypercall_dispatch(v, nr, args);
        break;
    default: *result = hypercall_dispatch(v, nr, args);
    }
    return HYPERCALL_RESULT;
}
