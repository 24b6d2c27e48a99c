// SPDX-License-Identifier: MIT
/*
 * HYPERVISOR_multicall, for every domain type, as Xen serves it: a list of
 * hypercall entries, each run through the caller's own hypercall table (a
 * PV kernel's entries reach the PV calls) and its result written back into
 * its entry; the call itself answers 0, or -EFAULT for a list it could not
 * read or write back (the entries before were run). A 32-bit caller's
 * entries are Xen's compat form. As Xen: a multicall among the entries is
 * refused with -EINVAL in its entry (no reentry), and a call that gives
 * the vCPU a whole new context (PV iret) ends the batch.
 *
 * Without hypercall preemption here (no continuations), a batch is bounded
 * instead: at most MULTICALL_MAX entries, more is -EINVAL before any runs.
 * Each entry is bounded by its own call.
 */
#include <public/errno.h>
#include <public/xen.h>
#include <hv/arch_vcpu.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/smp.h>

/* Twice Linux's batch (its MC_BATCH is 32). */
#define MULTICALL_MAX 64

/*
 * Whether this CPU is inside a multicall: a hypercall runs to its end on
 * the CPU it started on, with interrupts off, so per CPU is per vCPU here.
 */
static bool in_multicall[HV_MAX_CPUS];

/* Entry i of the list: its op and arguments, in the caller's form. */
static int read_entry(struct vcpu *v, uint64_t list, uint64_t i, uint64_t *op, uint64_t *args)
{
    struct multicall_entry e;
    struct compat_multicall_entry c;

    if (v->hypercall_64bit) {
        if (copy_from_guest(v, &e, mk_gvaddr(list + i * sizeof(e)), sizeof(e)))
            return -XEN_EFAULT;
        *op = e.op;
        for (unsigned int a = 0; a < HYPERCALL_NR_ARGS; a++)
            args[a] = e.args[a];
        return 0;
    }
    if (copy_from_guest(v, &c, mk_gvaddr(list + i * sizeof(c)), sizeof(c)))
        return -XEN_EFAULT;
    *op = c.op;
    for (unsigned int a = 0; a < HYPERCALL_NR_ARGS; a++)
        args[a] = c.args[a];
    return 0;
}

static int write_result(struct vcpu *v, uint64_t list, uint64_t i, int64_t result)
{
    uint64_t wide = (uint64_t)result;
    uint32_t narrow = (uint32_t)result;

    if (v->hypercall_64bit)
        return copy_to_guest(v,
                             mk_gvaddr(list + i * sizeof(struct multicall_entry) +
                                       __builtin_offsetof(struct multicall_entry, result)),
                             &wide, sizeof(wide));
    return copy_to_guest(v,
                         mk_gvaddr(list + i * sizeof(struct compat_multicall_entry) +
                                   __builtin_offsetof(struct compat_multicall_entry, result)),
                         &narrow, sizeof(narrow));
}

int64_t multicall(struct vcpu *v, uint64_t list, uint64_t count, bool *new_context)
{
    unsigned int cpu = smp_processor_id();
    uint64_t args[HYPERCALL_NR_ARGS], op;
    int64_t rc = 0;

    *new_context = false;
    if (in_multicall[cpu])
        return -XEN_EINVAL;
    /* Xen's nr_calls is an unsigned int. */
    if ((uint32_t)count > MULTICALL_MAX)
        return -XEN_EINVAL;
    in_multicall[cpu] = true;
    for (uint64_t i = 0; i < (uint32_t)count && !*new_context; i++) {
        int64_t result;

        if (read_entry(v, list, i, &op, args)) {
            rc = -XEN_EFAULT;
            break;
        }
        result = arch_virt->hypercall(v, v->hypercall_64bit ? op : (uint32_t)op, args, new_context);
        if (write_result(v, list, i, result)) {
            rc = -XEN_EFAULT;
            break;
        }
    }
    in_multicall[cpu] = false;
    return rc;
}

/* The common table's entry (HVM/PVH: no call of theirs gives a new context). */
int64_t do_multicall(struct vcpu *v, const uint64_t *args)
{
    bool new_context;

    return multicall(v, args[0], args[1], &new_context);
}
