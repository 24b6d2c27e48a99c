// SPDX-License-Identifier: MIT
/*
 * Each HVM vCPU's vLAPIC (the register model: vlapic.c) wired to the
 * hypervisor: its MSRs (APIC_BASE, TSC_DEADLINE, the x2APIC range), its timer
 * on the hypervisor's timers, IPIs delivered to the domain's vCPUs, and the
 * one decision which interrupt a vCPU takes next (the Xen callback vector or
 * the APIC's highest vector above PPR), made for every back-end.
 *
 * Locking: a vCPU's vlapic_lock guards its model and the arming of its
 * timer (vlapic_lock -> timer queue lock); an IPI takes only the target's
 * lock, never two at once, and wakes the target after releasing it
 * (sched_unblock: vlapic_lock is never held with the pool lock).
 */
#include <asm/tsc.h>
#include <domain-builder/vcpu.h>
#include <hv/arch_vcpu.h>
#include <hv/domain.h>
#include <hv/evtchn.h>
#include <hv/sched.h>
#include <hv/time.h>
#include "hvm.h"

#define MSR_APIC_BASE    0x1B
#define MSR_TSC_DEADLINE 0x6E0
#define MSR_X2APIC_FIRST 0x800
#define MSR_X2APIC_LAST  0x8FF

static struct vlapic_clock clock_of(struct vcpu *v)
{
    return (struct vlapic_clock){ now_ns(), rdtsc() + hvm_be->tsc_offset(v), tsc_khz() };
}

/*
 * Makes t look at its APIC: woken if blocked in HLT, kicked out of the guest
 * if it runs elsewhere. The fence orders the IRR store (under the lock just
 * released) before the load of running, as evtchn_upcall_raise() does.
 */
static void vlapic_kick(struct vcpu *t)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    sched_unblock(t);
    if (__atomic_load_n(&t->running, __ATOMIC_SEQ_CST))
        sched_kick(t);
}

/* The hypervisor timer follows the model's deadline; under vlapic_lock. */
static void timer_sync(struct hvm_vcpu *h, uint64_t old_deadline)
{
    uint64_t deadline = h->vlapic.deadline_ns;

    if (deadline == old_deadline && (deadline == VLAPIC_NO_DEADLINE || h->vlapic_timer.armed))
        return;
    if (deadline == VLAPIC_NO_DEADLINE)
        timer_cancel(&h->vlapic_timer);
    else
        timer_set(&h->vlapic_timer, deadline);
}

static void vlapic_timer_fired(struct timer *t)
{
    struct vcpu *v = t->data;
    struct hvm_vcpu *h = to_hvm(v);
    unsigned long flags = spin_lock_irqsave(&h->vlapic_lock);

    vlapic_timer_expired(&h->vlapic, now_ns());
    /* Periodic: the next period; none for a domain that stopped running. */
    if (h->vlapic.deadline_ns != VLAPIC_NO_DEADLINE && !t->armed &&
        v->domain->state == DOMAIN_RUNNING)
        timer_set(t, h->vlapic.deadline_ns);
    spin_unlock_irqrestore(&h->vlapic_lock, flags);
    vlapic_kick(v);
}

void hvm_vlapic_create(struct vcpu *v)
{
    struct hvm_vcpu *h = to_hvm(v);

    h->vlapic_lock = (spinlock_t)SPINLOCK_INIT;
    h->vlapic_timer = (struct timer){ .fn = vlapic_timer_fired, .data = v };
    h->wait_for_sipi = false;
    vlapic_reset(&h->vlapic, v->id);
}

void hvm_vlapic_reset(struct vcpu *v)
{
    struct hvm_vcpu *h = to_hvm(v);
    unsigned long flags = spin_lock_irqsave(&h->vlapic_lock);

    timer_cancel(&h->vlapic_timer);
    h->wait_for_sipi = false;
    vlapic_reset(&h->vlapic, v->id);
    spin_unlock_irqrestore(&h->vlapic_lock, flags);
}

/* The x86 state after STARTUP: real mode at CS = vector << 8, IP 0 (AMD APM 14.1.5). */
static struct db_vcpu_state startup_state(uint8_t vector)
{
    const struct db_segment data = { 0, X86_SEG_ATTR_P | X86_SEG_ATTR_S | X86_SEG_TYPE_DATA_RW_A,
                                     0xFFFF, 0 };

    return (struct db_vcpu_state){
        .mode = DB_CPU_REAL16,
        .rflags = X86_RFLAGS_FIXED,
        .cr0 = X86_CR0_ET,
        .cs = { (uint16_t)(vector << 8), X86_SEG_ATTR_P | X86_SEG_ATTR_S | X86_SEG_TYPE_CODE_XR_A,
                0xFFFF, (uint64_t)vector << 12 },
        .ds = data,
        .es = data,
        .fs = data,
        .gs = data,
        .ss = data,
        .tr = { 0, X86_SEG_ATTR_P | 0x3, 0xFFFF, 0 }, /* busy 16-bit TSS */
        .ldtr = { 0, X86_SEG_ATTR_P | X86_SEG_TYPE_LDT, 0xFFFF, 0 },
        .gdtr = { 0, 0xFFFF },
        .idtr = { 0, 0xFFFF },
    };
}

/*
 * INIT and STARTUP to a vCPU that is down and off its CPU (Linux 6.1 PVH
 * starts its APs so): INIT resets its APIC and makes it wait; the first
 * STARTUP after it starts the vCPU in real mode, a second is ignored (as on
 * hardware, the AP runs already). INIT to a running vCPU is not emulated.
 * Under d->lock, as VCPUOP_initialise and VCPUOP_up (d->lock -> vlapic_lock).
 */
static void init_startup(struct vcpu *t, const struct vlapic_ipi *ipi)
{
    struct domain *d = t->domain;
    struct hvm_vcpu *h = to_hvm(t);
    unsigned long flags = spin_lock_irqsave(&d->lock);

    if (t->state == VCPU_DOWN && !t->running) {
        if (ipi->mode == APIC_DM_INIT) {
            unsigned long lflags = spin_lock_irqsave(&h->vlapic_lock);

            vlapic_init_ipi(&h->vlapic);
            spin_unlock_irqrestore(&h->vlapic_lock, lflags);
            h->wait_for_sipi = true;
        } else if (h->wait_for_sipi) {
            struct db_vcpu_state st = startup_state(ipi->vector);

            h->wait_for_sipi = false;
            if (!arch_virt->vcpu_set_start_state(t, &st)) {
                arch_virt->vcpu_set_tsc_offset(t, arch_virt->vcpu_tsc_offset(d->vcpus[0]));
                t->initialised = true;
                sched_up(t);
            }
        }
    }
    spin_unlock_irqrestore(&d->lock, flags);
}

/*
 * Fixed and lowest-priority IPIs (the latter to the first vCPU that
 * matches, as Xen may), NMI (Linux's panic, stop and backtrace paths), INIT
 * and STARTUP.
 */
static void send_ipi(struct vcpu *src, const struct vlapic_ipi *ipi)
{
    struct domain *d = src->domain;
    unsigned int i;

    if (ipi->mode == APIC_DM_INIT || ipi->mode == APIC_DM_STARTUP) {
        for (i = 0; i < d->nr_vcpus; i++)
            if (d->vcpus[i] != src &&
                vlapic_ipi_matches(&to_hvm(d->vcpus[i])->vlapic, &to_hvm(src)->vlapic, ipi))
                init_startup(d->vcpus[i], ipi);
        return;
    }
    if (ipi->mode != APIC_DM_FIXED && ipi->mode != APIC_DM_LOWEST && ipi->mode != APIC_DM_NMI)
        return;
    for (i = 0; i < d->nr_vcpus; i++) {
        struct vcpu *t = d->vcpus[i];
        struct hvm_vcpu *th = to_hvm(t);
        unsigned long flags = spin_lock_irqsave(&th->vlapic_lock);
        bool taken = vlapic_ipi_matches(&th->vlapic, &to_hvm(src)->vlapic, ipi) &&
                     (ipi->mode == APIC_DM_NMI ? vlapic_accept_nmi(&th->vlapic)
                                               : vlapic_accept(&th->vlapic, ipi->vector, false));

        spin_unlock_irqrestore(&th->vlapic_lock, flags);
        if (!taken)
            continue;
        vlapic_kick(t);
        if (ipi->mode == APIC_DM_LOWEST)
            break;
    }
}

bool hvm_vlapic_owns_msr(uint32_t msr)
{
    return msr == MSR_APIC_BASE || msr == MSR_TSC_DEADLINE ||
           (msr >= MSR_X2APIC_FIRST && msr <= MSR_X2APIC_LAST);
}

bool hvm_vlapic_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
    struct hvm_vcpu *h = to_hvm(v);
    struct vlapic_clock c = clock_of(v);
    unsigned long flags = spin_lock_irqsave(&h->vlapic_lock);
    bool ok = true;

    if (msr == MSR_APIC_BASE)
        *val = h->vlapic.apic_base;
    else if (msr == MSR_TSC_DEADLINE)
        *val = vlapic_tsc_deadline_read(&h->vlapic);
    else
        ok = vlapic_x2apic_read(&h->vlapic, msr, &c, val);
    spin_unlock_irqrestore(&h->vlapic_lock, flags);
    return ok;
}

bool hvm_vlapic_msr_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
    struct hvm_vcpu *h = to_hvm(v);
    struct vlapic_clock c = clock_of(v);
    struct vlapic_ipi ipi = { .valid = false };
    unsigned long flags = spin_lock_irqsave(&h->vlapic_lock);
    uint64_t old_deadline = h->vlapic.deadline_ns;
    bool ok = true;

    if (msr == MSR_APIC_BASE)
        ok = vlapic_set_base(&h->vlapic, val);
    else if (msr == MSR_TSC_DEADLINE)
        vlapic_tsc_deadline_write(&h->vlapic, val, &c);
    else
        ok = vlapic_x2apic_write(&h->vlapic, msr, val, &c, &ipi);
    timer_sync(h, old_deadline);
    spin_unlock_irqrestore(&h->vlapic_lock, flags);
    if (ok && ipi.valid)
        send_ipi(v, &ipi);
    return ok;
}

uint32_t vlapic_mmio_read_vcpu(struct vcpu *v, uint32_t offset, unsigned int size)
{
    struct hvm_vcpu *h = to_hvm(v);
    struct vlapic_clock c = clock_of(v);
    unsigned long flags = spin_lock_irqsave(&h->vlapic_lock);
    uint32_t val = vlapic_mmio_read(&h->vlapic, offset, size, &c);

    spin_unlock_irqrestore(&h->vlapic_lock, flags);
    return val;
}

void vlapic_mmio_write_vcpu(struct vcpu *v, uint32_t offset, unsigned int size, uint32_t val)
{
    struct hvm_vcpu *h = to_hvm(v);
    struct vlapic_clock c = clock_of(v);
    struct vlapic_ipi ipi = { .valid = false };
    unsigned long flags = spin_lock_irqsave(&h->vlapic_lock);
    uint64_t old_deadline = h->vlapic.deadline_ns;

    vlapic_mmio_write(&h->vlapic, offset, size, val, &c, &ipi);
    timer_sync(h, old_deadline);
    spin_unlock_irqrestore(&h->vlapic_lock, flags);
    if (ipi.valid)
        send_ipi(v, &ipi);
}

int hvm_vlapic_pending(struct vcpu *v)
{
    struct hvm_vcpu *h = to_hvm(v);
    unsigned long flags = spin_lock_irqsave(&h->vlapic_lock);
    int vector = vlapic_pending_vector(&h->vlapic);

    spin_unlock_irqrestore(&h->vlapic_lock, flags);
    return vector;
}

bool hvm_nmi_pending(struct vcpu *v)
{
    return __atomic_load_n(&to_hvm(v)->vlapic.nmi_pending, __ATOMIC_ACQUIRE);
}

bool hvm_nmi_take(struct vcpu *v)
{
    struct hvm_vcpu *h = to_hvm(v);
    unsigned long flags = spin_lock_irqsave(&h->vlapic_lock);
    bool pending = vlapic_take_nmi(&h->vlapic);

    spin_unlock_irqrestore(&h->vlapic_lock, flags);
    return pending;
}

/*
 * As Xen's hvm_vcpu_has_pending_irq(): the callback vector, while an upcall
 * is pending, before the APIC (it bypasses the APIC: no IRR, no EOI).
 */
struct hvm_intack hvm_pending_interrupt(struct vcpu *v)
{
    int vector = evtchn_upcall_vector(v);

    /* A PV domain takes its events through its event callback, never as a vector. */
    if (v->domain->arch.type->deliver_events) {
        v->domain->arch.type->deliver_events(v);
        return (struct hvm_intack){ -1, false };
    }
    if (vector >= 0)
        return (struct hvm_intack){ vector, false };
    return (struct hvm_intack){ hvm_vlapic_pending(v), true };
}

void hvm_interrupt_ack(struct vcpu *v, struct hvm_intack a)
{
    struct hvm_vcpu *h = to_hvm(v);
    unsigned long flags;

    if (!a.lapic || a.vector < 0)
        return;
    flags = spin_lock_irqsave(&h->vlapic_lock);
    vlapic_ack(&h->vlapic, (uint8_t)a.vector);
    spin_unlock_irqrestore(&h->vlapic_lock, flags);
}
