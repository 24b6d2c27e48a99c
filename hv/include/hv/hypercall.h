/* SPDX-License-Identifier: MIT */
/*
 * Xen's hypercall ABI (HVM/PVH guests). Back-ends decode the call (RAX =
 * number, RDI, RSI, RDX, R10, R8 = arguments) and pass it here; the result
 * goes back in RAX. Unknown or unsupported calls return -ENOSYS.
 */
#ifndef HV_HYPERCALL_H
#define HV_HYPERCALL_H

#include <hv/types.h>

struct vcpu;

#define HYPERCALL_NR_ARGS 5

int64_t hypercall_dispatch(struct vcpu *v, uint64_t nr, const uint64_t args[HYPERCALL_NR_ARGS]);

/* vcpu_op (vcpu_op.c): secondary vCPUs' bring-up, up, down, is_up; timers via event.c. */
int64_t do_vcpu_op(struct vcpu *v, const uint64_t *args);
/* VCPUOP_down of target (also HLT with interrupts off): the last vCPU down powers the domain off. */
int64_t vcpu_down(struct vcpu *target);

/* memory_op (memory.c): the memory map, the shared info frame, ballooning within the budget. */
int64_t do_memory_op(struct vcpu *v, const uint64_t *args);

/*
 * multicall (multicall.c): the entries of list through the caller's own
 * hypercall table; *new_context when one gave the vCPU a new context (PV
 * iret), which ends the batch. do_multicall: the common table's entry.
 */
int64_t multicall(struct vcpu *v, uint64_t list, uint64_t count, bool *new_context);
int64_t do_multicall(struct vcpu *v, const uint64_t *args);

/* xen_version (xen_version.c). */
int64_t do_xen_version(struct vcpu *v, const uint64_t *args);
/* XENVER_get_features' submap submap_idx; *valid false for a submap Xen does not define. */
uint32_t xen_version_features(uint32_t submap_idx, bool *valid);

/*
 * Xen's hypervisor CPUID leaves (0x40000000 ...): true and regs[] filled when
 * leaf is one of them.
 */
bool xen_cpuid_leaf(struct vcpu *v, uint32_t leaf, uint32_t subleaf, uint32_t regs[4]);
/* MSR number of Xen's hypercall page. */
bool xen_is_hypercall_page_msr(uint32_t msr);
/* Guest wrote the hypercall MSR: fills the page. false: the guest gets #GP. */
bool xen_write_hypercall_page(struct vcpu *v, uint64_t value);

#endif
