// SPDX-License-Identifier: MIT
/*
 * Guest time (guest_time.h): Xen's vcpu_time_info, which a guest reads to
 * turn its TSC into system time (ns since the hypervisor's clock started).
 */
#include <asm/tsc.h>
#include <public/arch-x86/shared_info.h>
#include <hv/arch_vcpu.h>
#include <hv/domain.h>
#include <hv/guest_time.h>
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
 * Only v's own CPU writes its vcpu_time_info: the version seqlock has one
 * writer, and that CPU's writes are serialised (the run loop, hypercalls and
 * timer functions all run there with interrupts off). Any other CPU only
 * marks the time stale; v's CPU rewrites it before its next entry
 * (evtchn_upcall_vector) or schedule-in. No kick for that: a guest could
 * otherwise make the hypervisor IPI a CPU at will (remapping shared info).
 */
void guest_time_update(struct vcpu *v)
{
    struct vcpu_info *vi;
    struct vcpu_time_info *t;
    uint32_t version, mul;
    int8_t shift;

    if (v->pcpu != smp_processor_id()) {
        __atomic_store_n(&v->ev.time_stale, true, __ATOMIC_SEQ_CST);
        return;
    }
    __atomic_store_n(&v->ev.time_stale, false, __ATOMIC_SEQ_CST);
    vi = v->ev.info;
    if (!vi)
        return;
    t = &vi->time;
    time_scale(tsc_khz(), &mul, &shift);
    version = __atomic_load_n(&t->version, __ATOMIC_RELAXED);
    /* Odd while writing, as Xen: readers retry on an odd or changed version. */
    __atomic_store_n(&t->version, (version | 1) + 0, __ATOMIC_SEQ_CST);
    t->system_time = now_ns();
    t->tsc_timestamp = rdtsc() + arch_virt->vcpu_tsc_offset(v);
    t->tsc_to_system_mul = mul;
    t->tsc_shift = shift;
    t->flags = XEN_PVCLOCK_TSC_STABLE_BIT;
    __atomic_store_n(&t->version, (version | 1) + 1, __ATOMIC_SEQ_CST);
}
