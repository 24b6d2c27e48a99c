// SPDX-License-Identifier: MIT
/*
 * Exceptions a PV guest raises. The container intercepts every one (its IDT
 * is never used). With no handler registered for the vector, Xen crashes
 * the domain, and so does this.
 */
#include <hv/printk.h>
#include "pv.h"

struct hvm_outcome pv_exception(struct vcpu *v, uint8_t vector, uint32_t error_code,
                                uint64_t fault_addr)
{
    printk("%s: vCPU %u: PV exception %u (error 0x%x, address 0x%llx) at 0x%llx with no "
           "handler in its trap table\n",
           v->domain->name, v->id, vector, error_code, (unsigned long long)fault_addr,
           (unsigned long long)hvm_be->get_reg(v, GREG_RIP));
    return hvm_crash("PV exception with no trap table handler");
}
