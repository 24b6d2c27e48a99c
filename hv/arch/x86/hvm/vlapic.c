// SPDX-License-Identifier: MIT
/*
 * The vLAPIC's register model (asm/hvm/vlapic.h): pure state, one model for
 * the x2APIC MSRs and the xAPIC page. Semantics are the Intel SDM's (vol. 3,
 * ch. 11) with Xen's choices where the manual leaves room: a 1 GHz timer
 * bus clock (Xen's APIC_BUS_CYCLE_NS), version 0x50014, ids 2 x vCPU id.
 */
#include <string.h>
#include <asm/hvm/vlapic.h>

#define X2APIC_MSR_BASE 0x800u
#define BUS_CYCLE_NS    1u
#define LVT_TIMER_INDEX 0u

static void vec_set(uint32_t *bits, unsigned int vector)
{
    bits[vector / 32] |= 1u << (vector % 32);
}

static void vec_clear(uint32_t *bits, unsigned int vector)
{
    bits[vector / 32] &= ~(1u << (vector % 32));
}

/* Highest vector set, or -1. */
static int vec_highest(const uint32_t *bits)
{
    int i;

    for (i = 7; i >= 0; i--)
        if (bits[i])
            return i * 32 + (31 - __builtin_clz(bits[i]));
    return -1;
}

/* The x2APIC logical id: cluster (id / 16) in 31:16, one bit for id % 16. */
static uint32_t x2apic_ldr(uint32_t id)
{
    return ((id >> 4) << 16) | (1u << (id & 0xF));
}

static void reset_registers(struct vlapic *l)
{
    unsigned int i;

    l->tpr = l->esr = l->esr_pending = l->icr = l->icr2 = 0;
    l->ldr = vlapic_x2apic_mode(l) ? x2apic_ldr(l->id) : 0;
    l->dfr = 0xFFFFFFFFu;
    l->svr = 0xFF;
    for (i = 0; i < VLAPIC_NR_LVT; i++)
        l->lvt[i] = APIC_LVT_MASKED;
    memset(l->irr, 0, sizeof(l->irr));
    memset(l->isr, 0, sizeof(l->isr));
    memset(l->tmr, 0, sizeof(l->tmr));
    l->tmict = l->tdcr = 0;
    l->tsc_deadline = 0;
    l->deadline_ns = VLAPIC_NO_DEADLINE;
    l->period_ns = 0;
    l->nmi_pending = false;
}

void vlapic_reset(struct vlapic *l, unsigned int vcpu_id)
{
    l->id = 2 * vcpu_id;
    l->apic_base = VLAPIC_BASE_DEFAULT | APIC_BASE_EN | (vcpu_id == 0 ? APIC_BASE_BSP : 0);
    reset_registers(l);
}

void vlapic_init_ipi(struct vlapic *l)
{
    reset_registers(l);
}

bool vlapic_set_base(struct vlapic *l, uint64_t value)
{
    uint64_t mode = value & (APIC_BASE_EN | APIC_BASE_EXTD);
    uint64_t old = l->apic_base & (APIC_BASE_EN | APIC_BASE_EXTD);

    /* The base stays where it is; BSP is read-only; EXTD needs EN; x2APIC -> xAPIC is invalid. */
    if ((value & ~(uint64_t)(APIC_BASE_EN | APIC_BASE_EXTD | APIC_BASE_BSP)) !=
            VLAPIC_BASE_DEFAULT ||
        (value & APIC_BASE_BSP) != (l->apic_base & APIC_BASE_BSP) || mode == APIC_BASE_EXTD ||
        (old == (APIC_BASE_EN | APIC_BASE_EXTD) && mode == APIC_BASE_EN))
        return false;
    l->apic_base = value;
    if (mode == (APIC_BASE_EN | APIC_BASE_EXTD) && old != mode)
        l->ldr = x2apic_ldr(l->id);
    if (!mode)
        reset_registers(l);
    return true;
}

uint32_t vlapic_ppr(const struct vlapic *l)
{
    int isrv = vec_highest(l->isr);
    uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xF0;

    return (l->tpr & 0xF0) >= isr_class ? l->tpr & 0xFF : isr_class;
}

int vlapic_pending_vector(const struct vlapic *l)
{
    int irrv = vec_highest(l->irr);

    if (irrv < 0 || !(l->svr & APIC_SVR_ENABLE))
        return -1;
    return ((uint32_t)irrv & 0xF0) > (vlapic_ppr(l) & 0xF0) ? irrv : -1;
}

void vlapic_ack(struct vlapic *l, uint8_t vector)
{
    vec_clear(l->irr, vector);
    vec_set(l->isr, vector);
}

static void raise_error(struct vlapic *l, uint32_t bits)
{
    uint32_t lvt = l->lvt[VLAPIC_NR_LVT - 1];

    l->esr_pending |= bits;
    if (!(lvt & APIC_LVT_MASKED) && (lvt & 0xFF) >= 16)
        vec_set(l->irr, lvt & 0xFF);
}

bool vlapic_accept(struct vlapic *l, uint8_t vector, bool level)
{
    if (!(l->svr & APIC_SVR_ENABLE) || !(l->apic_base & APIC_BASE_EN))
        return false;
    if (vector < 16) {
        raise_error(l, APIC_ESR_RECV_ILLEGAL);
        return false;
    }
    vec_set(l->irr, vector);
    if (level)
        vec_set(l->tmr, vector);
    else
        vec_clear(l->tmr, vector);
    return true;
}

bool vlapic_accept_nmi(struct vlapic *l)
{
    if (!(l->apic_base & APIC_BASE_EN))
        return false;
    l->nmi_pending = true;
    return true;
}

bool vlapic_take_nmi(struct vlapic *l)
{
    bool pending = l->nmi_pending;

    l->nmi_pending = false;
    return pending;
}

static void eoi(struct vlapic *l)
{
    int v = vec_highest(l->isr);

    if (v >= 0)
        vec_clear(l->isr, (unsigned int)v);
}

/* Timer divisor from TDCR bits 0, 1 and 3: 2, 4, ... 128, then 1. */
static uint64_t timer_divisor(const struct vlapic *l)
{
    unsigned int v = (l->tdcr & 3) | ((l->tdcr & 8) >> 1);

    return v == 7 ? 1 : 2u << v;
}

static uint32_t timer_mode(const struct vlapic *l)
{
    return l->lvt[LVT_TIMER_INDEX] & APIC_LVT_TIMER_MODE;
}

static void timer_stop(struct vlapic *l)
{
    l->deadline_ns = VLAPIC_NO_DEADLINE;
    l->period_ns = 0;
}

/* TMICT written (or reloaded): count from now, in bus cycles times the divisor. */
static void timer_start_count(struct vlapic *l, uint64_t now_ns)
{
    uint64_t ns = (uint64_t)l->tmict * timer_divisor(l) * BUS_CYCLE_NS;

    timer_stop(l);
    if (!l->tmict || timer_mode(l) == APIC_LVT_TIMER_TSC_DEADLINE)
        return;
    l->deadline_ns = now_ns + ns;
    if (timer_mode(l) == APIC_LVT_TIMER_PERIODIC)
        l->period_ns = ns;
}

static uint32_t timer_current_count(const struct vlapic *l, uint64_t now_ns)
{
    if (timer_mode(l) == APIC_LVT_TIMER_TSC_DEADLINE || l->deadline_ns == VLAPIC_NO_DEADLINE ||
        now_ns >= l->deadline_ns)
        return 0;
    return (uint32_t)((l->deadline_ns - now_ns) / (timer_divisor(l) * BUS_CYCLE_NS));
}

void vlapic_timer_expired(struct vlapic *l, uint64_t now_ns)
{
    uint32_t lvt = l->lvt[LVT_TIMER_INDEX];

    if (l->deadline_ns == VLAPIC_NO_DEADLINE || now_ns < l->deadline_ns)
        return;
    if (!(lvt & APIC_LVT_MASKED))
        vlapic_accept(l, lvt & 0xFF, false);
    if (timer_mode(l) == APIC_LVT_TIMER_PERIODIC && l->period_ns) {
        /* Periods missed (a late interrupt, a vCPU off its CPU) are dropped, not replayed. */
        l->deadline_ns += l->period_ns;
        if (l->deadline_ns <= now_ns)
            l->deadline_ns = now_ns + l->period_ns;
        return;
    }
    if (timer_mode(l) == APIC_LVT_TIMER_TSC_DEADLINE)
        l->tsc_deadline = 0;
    l->deadline_ns = VLAPIC_NO_DEADLINE;
}

uint64_t vlapic_tsc_deadline_read(const struct vlapic *l)
{
    return timer_mode(l) == APIC_LVT_TIMER_TSC_DEADLINE ? l->tsc_deadline : 0;
}

void vlapic_tsc_deadline_write(struct vlapic *l, uint64_t tsc, const struct vlapic_clock *c)
{
    uint64_t delta;

    /* Outside TSC-deadline mode the write is ignored (SDM 11.5.4.1). */
    if (timer_mode(l) != APIC_LVT_TIMER_TSC_DEADLINE)
        return;
    l->tsc_deadline = tsc;
    timer_stop(l);
    if (!tsc)
        return;
    delta = tsc > c->guest_tsc ? tsc - c->guest_tsc : 0;
    /* TSC ticks to ns, without overflow for deltas up to ~2^44 ticks at GHz rates. */
    l->deadline_ns = c->now_ns + (c->tsc_khz ? (delta / c->tsc_khz) * 1000000u +
                                                   (delta % c->tsc_khz) * 1000000u / c->tsc_khz
                                             : 0);
}

static void lvt_write(struct vlapic *l, unsigned int i, uint32_t val)
{
    /* Vector, delivery mode (LINT), polarity, trigger, mask, timer mode: what each has. */
    static const uint32_t writable[VLAPIC_NR_LVT] = {
        0x000700FF, 0x000107FF, 0x000107FF, 0x0001A7FF, 0x0001A7FF, 0x000100FF,
    };
    uint32_t old_mode = timer_mode(l);

    if (!(l->svr & APIC_SVR_ENABLE))
        val |= APIC_LVT_MASKED;
    l->lvt[i] = val & writable[i];
    /* A timer mode change disarms it (SDM 11.5.4.1). */
    if (i == LVT_TIMER_INDEX && timer_mode(l) != old_mode) {
        timer_stop(l);
        l->tsc_deadline = 0;
    }
}

static void svr_write(struct vlapic *l, uint32_t val)
{
    unsigned int i;

    l->svr = val & 0x3FF; /* vector, enable, focus check; no EOI-broadcast suppression */
    /* Software disable masks every LVT (SDM 11.4.7.2). */
    if (!(l->svr & APIC_SVR_ENABLE))
        for (i = 0; i < VLAPIC_NR_LVT; i++)
            l->lvt[i] |= APIC_LVT_MASKED;
}

static void icr_decode(const struct vlapic *l, uint64_t icr, struct vlapic_ipi *ipi)
{
    uint8_t mode = (uint8_t)((icr >> 8) & 7);

    *ipi = (struct vlapic_ipi){
        .vector = (uint8_t)icr,
        .mode = mode,
        .shorthand = (uint8_t)((icr >> 18) & 3),
        .logical = icr & APIC_ICR_LOGICAL,
        .x2apic = vlapic_x2apic_mode(l),
        .dest = vlapic_x2apic_mode(l) ? (uint32_t)(icr >> 32) : (uint32_t)(icr >> 56),
    };
    /* INIT level de-assert (the 82489DX's arbitration id sync) does nothing. */
    if (mode == APIC_DM_INIT && !(icr & APIC_ICR_LEVEL) && (icr & APIC_ICR_TRIGGER))
        return;
    /* SMI has no meaning for a guest; reserved modes are not sent. */
    if (mode == APIC_DM_SMI || mode == 3 || mode == 7)
        return;
    ipi->valid = true;
}

/* Reads by xAPIC offset; false: no such register (x2APIC: #GP). */
static bool reg_read(struct vlapic *l, uint32_t off, const struct vlapic_clock *c, uint32_t *val)
{
    bool x2 = vlapic_x2apic_mode(l);

    switch (off) {
    case APIC_ID: *val = x2 ? l->id : l->id << 24; return true;
    case APIC_VER: *val = VLAPIC_VERSION; return true;
    case APIC_TPR: *val = l->tpr; return true;
    case APIC_APR: *val = 0; return !x2;
    case APIC_PPR: *val = vlapic_ppr(l); return true;
    case APIC_LDR: *val = l->ldr; return true;
    case APIC_DFR: *val = l->dfr; return !x2;
    case APIC_SVR: *val = l->svr; return true;
    case APIC_ESR: *val = l->esr; return true;
    case APIC_ICR: *val = l->icr; return true;
    case APIC_ICR2: *val = l->icr2; return !x2;
    case APIC_TMICT: *val = l->tmict; return true;
    case APIC_TMCCT: *val = timer_current_count(l, c->now_ns); return true;
    case APIC_TDCR: *val = l->tdcr; return true;
    }
    if (off >= APIC_ISR && off < APIC_ISR + 0x80) {
        *val = l->isr[(off - APIC_ISR) >> 4];
        return true;
    }
    if (off >= APIC_TMR && off < APIC_TMR + 0x80) {
        *val = l->tmr[(off - APIC_TMR) >> 4];
        return true;
    }
    if (off >= APIC_IRR && off < APIC_IRR + 0x80) {
        *val = l->irr[(off - APIC_IRR) >> 4];
        return true;
    }
    if (off >= APIC_LVT0 && off <= APIC_LVTERR) {
        *val = l->lvt[(off - APIC_LVT0) >> 4];
        return true;
    }
    return false;
}

/* Writes by xAPIC offset (ICR: the low half; x2APIC passes the whole ICR). */
static bool reg_write(struct vlapic *l, uint32_t off, uint64_t val, const struct vlapic_clock *c,
                      struct vlapic_ipi *ipi)
{
    bool x2 = vlapic_x2apic_mode(l);
    uint32_t v32 = (uint32_t)val;

    ipi->valid = false;
    switch (off) {
    case APIC_ID: return !x2; /* xAPIC: Xen keeps the id it assigned */
    case APIC_TPR: l->tpr = v32 & 0xFF; return true;
    case APIC_EOI:
        if (x2 && val)
            return false;
        eoi(l);
        return true;
    case APIC_LDR:
        if (x2)
            return false;
        l->ldr = v32 & 0xFF000000u;
        return true;
    case APIC_DFR:
        if (x2)
            return false;
        l->dfr = v32 | 0x0FFFFFFFu;
        return true;
    case APIC_SVR: svr_write(l, v32); return true;
    case APIC_ESR:
        if (x2 && val)
            return false;
        l->esr = l->esr_pending;
        l->esr_pending = 0;
        return true;
    case APIC_ICR:
        if (x2) {
            l->icr = v32 & ~(1u << 12);
            l->icr2 = (uint32_t)(val >> 32);
        } else {
            l->icr = v32 & ~(1u << 12);
        }
        icr_decode(l, ((uint64_t)l->icr2 << 32) | l->icr, ipi);
        if (ipi->valid && (ipi->mode == APIC_DM_FIXED || ipi->mode == APIC_DM_LOWEST) &&
            ipi->vector < 16) {
            raise_error(l, APIC_ESR_SEND_ILLEGAL);
            ipi->valid = false;
        }
        return true;
    case APIC_ICR2:
        if (x2)
            return false;
        l->icr2 = v32 & 0xFF000000u;
        return true;
    case APIC_TMICT:
        l->tmict = v32;
        timer_start_count(l, c->now_ns);
        return true;
    case APIC_TDCR: l->tdcr = v32 & 0xB; return true;
    case APIC_SELF_IPI:
        if (!x2)
            return false;
        *ipi = (struct vlapic_ipi){ .valid = true,
                                    .vector = (uint8_t)val,
                                    .mode = APIC_DM_FIXED,
                                    .shorthand = APIC_SH_SELF,
                                    .x2apic = true };
        return !(val >> 8);
    }
    if (off >= APIC_LVT0 && off <= APIC_LVTERR) {
        lvt_write(l, (off - APIC_LVT0) >> 4, v32);
        return true;
    }
    /* Read-only registers: x2APIC #GP, xAPIC ignores the write. */
    return false;
}

bool vlapic_x2apic_read(struct vlapic *l, uint32_t msr, const struct vlapic_clock *c, uint64_t *val)
{
    uint32_t v32;

    if (!vlapic_x2apic_mode(l) || msr < X2APIC_MSR_BASE || msr > X2APIC_MSR_BASE + 0xFF)
        return false;
    if (msr == X2APIC_MSR_BASE + (APIC_ICR >> 4)) {
        *val = ((uint64_t)l->icr2 << 32) | l->icr;
        return true;
    }
    if (!reg_read(l, (msr - X2APIC_MSR_BASE) << 4, c, &v32))
        return false;
    *val = v32;
    return true;
}

bool vlapic_x2apic_write(struct vlapic *l, uint32_t msr, uint64_t val, const struct vlapic_clock *c,
                         struct vlapic_ipi *ipi)
{
    uint32_t off = (msr - X2APIC_MSR_BASE) << 4;

    ipi->valid = false;
    if (!vlapic_x2apic_mode(l) || msr < X2APIC_MSR_BASE || msr > X2APIC_MSR_BASE + 0xFF)
        return false;
    /* Only the ICR is 64 bits wide; the other registers' high halves are reserved. */
    if (off != APIC_ICR && (val >> 32))
        return false;
    return reg_write(l, off, val, c, ipi);
}

uint32_t vlapic_mmio_read(struct vlapic *l, uint32_t offset, unsigned int size,
                          const struct vlapic_clock *c)
{
    uint32_t reg = offset & ~0xFu, val = 0;

    if (!vlapic_xapic_mode(l) || offset >= VLAPIC_MMIO_SIZE || reg == APIC_SELF_IPI ||
        (size != 1 && size != 2 && size != 4) || (offset & 0xF) + size > 4 ||
        !reg_read(l, reg, c, &val))
        return 0;
    val >>= (offset & 3) * 8;
    return size == 4 ? val : val & ((1u << (size * 8)) - 1);
}

void vlapic_mmio_write(struct vlapic *l, uint32_t offset, unsigned int size, uint32_t val,
                       const struct vlapic_clock *c, struct vlapic_ipi *ipi)
{
    ipi->valid = false;
    if (vlapic_xapic_mode(l) && size == 4 && !(offset & 0xF) && offset < VLAPIC_MMIO_SIZE &&
        offset != APIC_SELF_IPI && !reg_write(l, offset, val, c, ipi))
        raise_error(l, APIC_ESR_ILLEGAL_REG);
}

/* xAPIC logical destination: flat model (DFR 1111b) or cluster model (0000b). */
static bool xapic_logical_match(const struct vlapic *t, uint8_t dest)
{
    uint8_t ldr = (uint8_t)(t->ldr >> 24);

    if ((t->dfr >> 28) == 0xF)
        return (dest & ldr) != 0;
    return (dest >> 4) == (ldr >> 4) && (dest & ldr & 0xF) != 0;
}

bool vlapic_ipi_matches(const struct vlapic *target, const struct vlapic *source,
                        const struct vlapic_ipi *ipi)
{
    uint32_t broadcast = ipi->x2apic ? 0xFFFFFFFFu : 0xFFu;

    switch (ipi->shorthand) {
    case APIC_SH_SELF: return target == source;
    case APIC_SH_ALL: return true;
    case APIC_SH_ALL_BUT_SELF: return target != source;
    }
    if (ipi->dest == broadcast)
        return true;
    if (!ipi->logical)
        return ipi->x2apic ? target->id == ipi->dest : (target->id & 0xFF) == ipi->dest;
    if (ipi->x2apic)
        return (ipi->dest >> 16) == (target->ldr >> 16) && (ipi->dest & target->ldr & 0xFFFF);
    return xapic_logical_match(target, (uint8_t)ipi->dest);
}
