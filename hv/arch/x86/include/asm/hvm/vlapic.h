/* SPDX-License-Identifier: MIT */
/*
 * The emulated local APIC of an HVM vCPU, as Xen gives one to every HVM/PVH
 * guest (its only emulated device for PVH): x2APIC through MSRs
 * 0x800-0x8FF, xAPIC through MMIO at the APIC base, both over one register
 * model. This part is pure state (hvm/vlapic.c, host-tested): register
 * semantics, vector priority, the timer's arithmetic on a clock the caller
 * passes, and the decode of an IPI the guest sends. Delivering IPIs to other
 * vCPUs, arming real timers and injecting the vector are the caller's.
 *
 * APIC ids are Xen's: x2APIC id = 2 x vCPU id (xAPIC id: its low 8 bits).
 */
#ifndef ASM_HVM_VLAPIC_H
#define ASM_HVM_VLAPIC_H

#include <hv/types.h>

#define VLAPIC_BASE_DEFAULT 0xFEE00000u
#define VLAPIC_MMIO_SIZE    0x1000u
#define VLAPIC_VERSION      0x00050014u /* integrated APIC, max LVT entry 5 */
#define VLAPIC_NR_LVT       6           /* timer, thermal, perf, LINT0, LINT1, error */
#define VLAPIC_NO_DEADLINE  UINT64_MAX

/* MSR_APIC_BASE bits. */
#define APIC_BASE_BSP  (1u << 8)
#define APIC_BASE_EXTD (1u << 10) /* x2APIC mode */
#define APIC_BASE_EN   (1u << 11)

/* xAPIC register offsets (x2APIC MSR = 0x800 + offset / 16). */
#define APIC_ID       0x020
#define APIC_VER      0x030
#define APIC_TPR      0x080
#define APIC_APR      0x090
#define APIC_PPR      0x0A0
#define APIC_EOI      0x0B0
#define APIC_LDR      0x0D0
#define APIC_DFR      0x0E0
#define APIC_SVR      0x0F0
#define APIC_ISR      0x100
#define APIC_TMR      0x180
#define APIC_IRR      0x200
#define APIC_ESR      0x280
#define APIC_ICR      0x300
#define APIC_ICR2     0x310
#define APIC_LVT0     0x320 /* the timer; the others follow every 0x10 */
#define APIC_LVTT     0x320
#define APIC_LVTERR   0x370
#define APIC_TMICT    0x380
#define APIC_TMCCT    0x390
#define APIC_TDCR     0x3E0
#define APIC_SELF_IPI 0x3F0 /* x2APIC only */

#define APIC_SVR_ENABLE             (1u << 8)
#define APIC_LVT_MASKED             (1u << 16)
#define APIC_LVT_TIMER_ONESHOT      (0u << 17)
#define APIC_LVT_TIMER_PERIODIC     (1u << 17)
#define APIC_LVT_TIMER_TSC_DEADLINE (2u << 17)
#define APIC_LVT_TIMER_MODE         (3u << 17)
#define APIC_ESR_SEND_ILLEGAL       (1u << 5)
#define APIC_ESR_RECV_ILLEGAL       (1u << 6)
#define APIC_ESR_ILLEGAL_REG        (1u << 7)

/* ICR fields. */
#define APIC_DM_FIXED        0u
#define APIC_DM_LOWEST       1u
#define APIC_DM_SMI          2u
#define APIC_DM_NMI          4u
#define APIC_DM_INIT         5u
#define APIC_DM_STARTUP      6u
#define APIC_ICR_LOGICAL     (1u << 11)
#define APIC_ICR_LEVEL       (1u << 14) /* assert (INIT: 0 with level trigger = de-assert) */
#define APIC_ICR_TRIGGER     (1u << 15)
#define APIC_SH_NONE         0u
#define APIC_SH_SELF         1u
#define APIC_SH_ALL          2u
#define APIC_SH_ALL_BUT_SELF 3u

/* Time as the vLAPIC sees it: now, and the guest's TSC at that moment. */
struct vlapic_clock {
    uint64_t now_ns;
    uint64_t guest_tsc;
    uint64_t tsc_khz;
};

/* An interprocessor interrupt the guest sent through the ICR (or SELF_IPI). */
struct vlapic_ipi {
    bool valid;
    uint8_t vector;
    uint8_t mode;      /* APIC_DM_* */
    uint8_t shorthand; /* APIC_SH_* */
    bool logical;
    bool x2apic; /* dest is 32 bits wide, else 8 */
    uint32_t dest;
};

struct vlapic {
    uint32_t id; /* x2APIC id */
    uint64_t apic_base;
    uint32_t tpr, svr, ldr, dfr, esr, esr_pending, icr, icr2;
    uint32_t lvt[VLAPIC_NR_LVT];
    uint32_t irr[8], isr[8], tmr[8];
    uint32_t tmict, tdcr;
    uint64_t tsc_deadline; /* MSR 0x6E0, guest TSC; 0 = disarmed */
    uint64_t deadline_ns;  /* when the timer fires, or VLAPIC_NO_DEADLINE */
    uint64_t period_ns;    /* periodic mode: the reload */
    bool nmi_pending;      /* an NMI IPI arrived and is not injected yet */
};

/* Power-on (and INIT) state of the vLAPIC of vCPU vcpu_id; vCPU 0 is the BSP. */
void vlapic_reset(struct vlapic *l, unsigned int vcpu_id);
/* INIT: everything but the APIC id and base is reset. */
void vlapic_init_ipi(struct vlapic *l);

static inline bool vlapic_x2apic_mode(const struct vlapic *l)
{
    return (l->apic_base & (APIC_BASE_EN | APIC_BASE_EXTD)) == (APIC_BASE_EN | APIC_BASE_EXTD);
}

static inline bool vlapic_xapic_mode(const struct vlapic *l)
{
    return (l->apic_base & (APIC_BASE_EN | APIC_BASE_EXTD)) == APIC_BASE_EN;
}

/* MSR_APIC_BASE write: false for a transition the architecture forbids (#GP). */
bool vlapic_set_base(struct vlapic *l, uint64_t value);

/* x2APIC MSR access (0x800-0x8FF): false means #GP. A write may give an IPI to send. */
bool vlapic_x2apic_read(struct vlapic *l, uint32_t msr, const struct vlapic_clock *c,
                        uint64_t *val);
bool vlapic_x2apic_write(struct vlapic *l, uint32_t msr, uint64_t val, const struct vlapic_clock *c,
                         struct vlapic_ipi *ipi);

/*
 * xAPIC MMIO access at offset into the APIC page, size 1, 2 or 4 bytes:
 * reads inside a register's first dword return those bytes of it; writes
 * take only an aligned dword. Other accesses, and any while not in xAPIC
 * mode, read 0 and drop the write (as Xen).
 */
uint32_t vlapic_mmio_read(struct vlapic *l, uint32_t offset, unsigned int size,
                          const struct vlapic_clock *c);
void vlapic_mmio_write(struct vlapic *l, uint32_t offset, unsigned int size, uint32_t val,
                       const struct vlapic_clock *c, struct vlapic_ipi *ipi);

/* TSC_DEADLINE MSR (0x6E0): in TSC-deadline mode a write arms the timer (0 disarms). */
uint64_t vlapic_tsc_deadline_read(const struct vlapic *l);
void vlapic_tsc_deadline_write(struct vlapic *l, uint64_t tsc, const struct vlapic_clock *c);

/* The timer reached deadline_ns: its vector pending if unmasked; periodic reloads. */
void vlapic_timer_expired(struct vlapic *l, uint64_t now_ns);

/* Whether the IPI is for the vLAPIC target (source: the sender's). */
bool vlapic_ipi_matches(const struct vlapic *target, const struct vlapic *source,
                        const struct vlapic_ipi *ipi);

/* A fixed interrupt arrives: true when it was accepted (the APIC is software-enabled). */
bool vlapic_accept(struct vlapic *l, uint8_t vector, bool level);
/*
 * An NMI arrives: latched unless the APIC is hardware-disabled (a software-
 * disabled APIC still takes NMIs); NMIs that arrive while one is latched
 * merge into it, as on hardware. vlapic_take_nmi() hands it over once.
 */
bool vlapic_accept_nmi(struct vlapic *l);
bool vlapic_take_nmi(struct vlapic *l);

/* PPR: the larger of TPR and the class of the highest in-service vector. */
uint32_t vlapic_ppr(const struct vlapic *l);
/* Highest pending vector above PPR, or -1. */
int vlapic_pending_vector(const struct vlapic *l);
/* The vector is being injected: from IRR to ISR. */
void vlapic_ack(struct vlapic *l, uint8_t vector);

#endif
