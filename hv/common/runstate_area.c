// SPDX-License-Identifier: MIT
/*
 * VCPUOP_register_runstate_memory_area: a copy of a vCPU's runstate in its
 * guest's memory, which the guest kernel reads without a hypercall (Linux:
 * steal time, vcpu_is_preempted). As in Xen, the copy is rewritten at each
 * switch of the vCPU onto and off its CPU, through the vCPU's own page tables
 * as they are then; an address that is not mapped then is skipped silently.
 *
 * Only the vCPU's own CPU writes the copy, from its scheduling loop or from
 * the vCPU's own hypercall: the translation needs the vCPU's current paging
 * state, and no other CPU writes guest memory behind the vCPU's back. Xen's
 * VMASST_TYPE_runstate_update_flag (XEN_RUNSTATE_UPDATE in state_entry_time
 * while writing) is not offered: there is no vm_assist hypercall.
 */
#include <public/errno.h>
#include <public/vcpu.h>
#include <public/xen.h>
#include <hv/compat_xlat.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/panic.h>
#include <hv/runstate_area.h>
#include <hv/sched.h>
#include <hv/smp.h>

/*
 * As a kernel access: the same as copy_to_guest() in a hypercall (only CPL 0
 * may call), and what the area needs when v was switched out in user space.
 */
int runstate_to_guest(struct vcpu *v, uint64_t gva, const struct vcpu_runstate_info *info,
                      bool compat)
{
    uint8_t buf[COMPAT_XLAT_MAX_SIZE];
    size_t len = compat_xlat_out(buf, info, &compat_vcpu_runstate_info_layout, compat);

    return copy_to_guest_kernel(v, gva, buf, len);
}

void runstate_area_update(struct vcpu *v)
{
    uint64_t gva = __atomic_load_n(&v->runstate_area.gva, __ATOMIC_ACQUIRE);
    struct vcpu_runstate_info info;

    CHECK(v->pcpu == smp_processor_id());
    if (!gva)
        return;
    /* As Xen's copy: the current state's time is left for the guest to add. */
    sched_runstate(v, &info, false);
    /* As Xen: a failed copy is the guest's business (it unmapped its area). */
    (void)runstate_to_guest(v, gva, &info, __atomic_load_n(&v->runstate_area.compat,
                                                           __ATOMIC_RELAXED));
}

int64_t runstate_area_register(struct vcpu *v, struct vcpu *target, uint64_t arg)
{
    bool compat = hypercall_compat(v);
    struct vcpu_register_runstate_memory_area area;
    uint64_t gva;

    if (copy_from_guest_xlat(v, &area, arg, &compat_vcpu_register_runstate_memory_area_layout))
        return -XEN_EFAULT;
    gva = area.addr;
    /*
     * Not checked further, as Xen for HVM: any address is the guest's own
     * virtual one. Racing registrations for one vCPU can only pair one's
     * address with the other's layout: still only the guest's own memory.
     */
    __atomic_store_n(&target->runstate_area.compat, compat, __ATOMIC_RELAXED);
    __atomic_store_n(&target->runstate_area.gva, gva, __ATOMIC_RELEASE);
    /* As Xen, a first copy at once; another vCPU's waits for its next switch. */
    if (target == v)
        runstate_area_update(v);
    return 0;
}
