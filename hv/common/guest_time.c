// SPDX-License-Identifier: MIT
/*
 * Guest time (guest_time.h): Xen's vcpu_time_info, which a guest reads to
 * turn its TSC into system time (ns since the hypervisor's clock started).
 */
#include <stddef.h>
#include <asm/tsc.h>
#include <public/errno.h>
#include <public/vcpu.h>
#include <public/arch-x86/shared_info.h>
#include <hv/arch_vcpu.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/guest_time.h>
#include <hv/runstate_area.h>
#include <hv/smp.h>
#include <hv/time.h>

/* tsc_to_system_mul and tsc_shift for the TSC rate: ns = ((delta << shift) * mul) >> 32. */
static void time_scale(uint64_t khz, uint32_t *mul, int8_t *shift)
{
    uint64_t num = 1000000, den = khz ? khz : 1; /* ns per tick = num / den */
    int s = 0;

    while (num >= den) {
        den <<= 1;
        s++;
    }
    while (num * 2 < den) {
        num <<= 1;
        s--;
    }
    *mul = (uint32_t)((num << 32) / den);
    *shift = (int8_t)s;
}

/*
 * VCPUOP_register_vcpu_time_memory_area's copy, written as Xen writes it
 * (update_secondary_system_time): the odd version first, then the whole
 * record (still odd), then the even version, each visible in that order.
 * Through v's page tables as they are now, as the runstate copy; an
 * address not mapped now is skipped.
 */
static void time_area_write(struct vcpu *v, const struct vcpu_time_info *t)
{
    uint64_t gva = __atomic_load_n(&v->ev.time_area_gva, __ATOMIC_ACQUIRE);
    struct vcpu_time_info u = *t;
    struct guest_area_pieces p;

    if (!gva || guest_area_translate(v, mk_gvaddr(gva), sizeof(u), &p))
        return;
    u.version = t->version - 1;
    guest_area_copy(&p, offsetof(struct vcpu_time_info, version), &u.version, sizeof(u.version));
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    guest_area_copy(&p, 0, &u, sizeof(u));
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    u.version = t->version;
    guest_area_copy(&p, offsetof(struct vcpu_time_info, version), &u.version, sizeof(u.version));
}

/*
 * Only v's own CPU writes its vcpu_time_info: the version seqlock has one
 * writer, and that CPU's writes are serialised (the run loop, hypercalls and
 * timer functions all run there with interrupts off). Any other CPU only
 * marks the time stale; v's CPU rewrites it before its next entry
 * (evtchn_upcall_vector) or schedule-in. No kick for that: a guest could
 * otherwise make the hypervisor IPI a CPU at will (remapping shared info).
 * The registered copy (time_area_write) follows each write of vcpu_info's.
 */
void guest_time_update(struct vcpu *v)
{
    struct vcpu_info *vi;
    struct vcpu_time_info *t, u;
    uint32_t version;

    if (v->pcpu != smp_processor_id()) {
        __atomic_store_n(&v->ev.time_stale, true, __ATOMIC_SEQ_CST);
        return;
    }
    __atomic_store_n(&v->ev.time_stale, false, __ATOMIC_SEQ_CST);
    vi = v->ev.info;
    if (!vi)
        return;
    t = &vi->time;
    time_scale(tsc_khz(), &u.tsc_to_system_mul, &u.tsc_shift);
    version = __atomic_load_n(&t->version, __ATOMIC_RELAXED);
    /* Odd while writing, as Xen: readers retry on an odd or changed version. */
    __atomic_store_n(&t->version, (version | 1) + 0, __ATOMIC_SEQ_CST);
    u.system_time = now_ns();
    u.tsc_timestamp = rdtsc() + arch_virt->vcpu_tsc_offset(v);
    /*
     * Stable, as the guest's CPUID says its TSC is invariant on every host
     * (asm/guest_cpuid.h: the hypervisor's time assumes a constant-rate,
     * synchronised TSC); Xen sets the bit when its clocksource is the TSC.
     */
    u.flags = XEN_PVCLOCK_TSC_STABLE_BIT;
    t->system_time = u.system_time;
    t->tsc_timestamp = u.tsc_timestamp;
    t->tsc_to_system_mul = u.tsc_to_system_mul;
    t->tsc_shift = u.tsc_shift;
    t->flags = u.flags;
    u.version = (version | 1) + 1;
    __atomic_store_n(&t->version, u.version, __ATOMIC_SEQ_CST);
    u.pad0 = 0;
    u.pad1[0] = u.pad1[1] = 0;
    time_area_write(v, &u);
}

int64_t guest_time_area_register(struct vcpu *v, struct vcpu *target, uint64_t arg)
{
    struct vcpu_register_time_memory_area area;
    struct guest_area_pieces p;
    uint64_t gva;

    /* The same layout for 64- and 32-bit callers. */
    if (copy_from_guest(v, &area, mk_gvaddr(arg), sizeof(area)))
        return -XEN_EFAULT;
    gva = area.addr;
    /*
     * As Xen for HVM: any guest-virtual address, one not mapped now taken
     * (copies wait until it is), 0 unregisters. As the runstate area, one
     * that maps a page no area may be in is refused.
     */
    if (gva &&
        guest_area_translate(v, mk_gvaddr(gva), sizeof(struct vcpu_time_info), &p) == -XEN_EINVAL)
        return -XEN_EINVAL;
    __atomic_store_n(&target->ev.time_area_gva, gva, __ATOMIC_RELEASE);
    /* As Xen (force_update_vcpu_system_time): at once on v; another vCPU's at its CPU's next chance. */
    guest_time_update(target);
    return 0;
}
