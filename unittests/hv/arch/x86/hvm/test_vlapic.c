// SPDX-License-Identifier: MIT
/*
 * Host tests of the vLAPIC register model (hv/arch/x86/hvm/vlapic.c):
 * x2APIC MSR semantics, xAPIC MMIO, vector priority (IRR, ISR, TPR, PPR,
 * EOI), the timer in one-shot, periodic and TSC-deadline modes on a fake
 * clock, and the decode and destination matching of IPIs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <asm/hvm/vlapic.h>

#define MSR(off) (0x800u + ((off) >> 4))

static struct vlapic lapic;
static struct vlapic_clock clk = { .now_ns = 1000000, .guest_tsc = 5000000, .tsc_khz = 1000000 };
static struct vlapic_ipi ipi;

static uint64_t rd(uint32_t off)
{
    uint64_t v = 0xDEAD;

    assert_true(vlapic_x2apic_read(&lapic, MSR(off), &clk, &v));
    return v;
}

static void wr(uint32_t off, uint64_t v)
{
    assert_true(vlapic_x2apic_write(&lapic, MSR(off), v, &clk, &ipi));
}

static bool wr_ok(uint32_t off, uint64_t v)
{
    return vlapic_x2apic_write(&lapic, MSR(off), v, &clk, &ipi);
}

/* vCPU 3 in x2APIC mode, software-enabled. */
static int setup_x2apic(void **state)
{
    (void)state;
    vlapic_reset(&lapic, 3);
    assert_true(vlapic_set_base(&lapic, VLAPIC_BASE_DEFAULT | APIC_BASE_EN | APIC_BASE_EXTD));
    wr(APIC_SVR, APIC_SVR_ENABLE | 0xFF);
    clk.now_ns = 1000000;
    clk.guest_tsc = 5000000;
    return 0;
}

static void test_reset_and_base(void **state)
{
    struct vlapic bsp;

    (void)state;
    vlapic_reset(&bsp, 0);
    assert_int_equal(bsp.apic_base, VLAPIC_BASE_DEFAULT | APIC_BASE_EN | APIC_BASE_BSP);
    vlapic_reset(&lapic, 3);
    assert_int_equal(lapic.apic_base, VLAPIC_BASE_DEFAULT | APIC_BASE_EN);
    /* xAPIC: no MSR access; the id in bits 31:24 of the page's register. */
    assert_false(vlapic_x2apic_read(&lapic, MSR(APIC_ID), &clk, &(uint64_t){ 0 }));
    assert_int_equal(vlapic_mmio_read(&lapic, APIC_ID, 4, &clk), 6u << 24);
    assert_int_equal(vlapic_mmio_read(&lapic, APIC_VER, 4, &clk), 0x50014);
    /* EXTD without EN, a moved base, a BSP flag flip: refused. */
    assert_false(vlapic_set_base(&lapic, VLAPIC_BASE_DEFAULT | APIC_BASE_EXTD));
    assert_false(vlapic_set_base(&lapic, 0xFED00000u | APIC_BASE_EN));
    assert_false(vlapic_set_base(&lapic, VLAPIC_BASE_DEFAULT | APIC_BASE_EN | APIC_BASE_BSP));
    assert_true(vlapic_set_base(&lapic, VLAPIC_BASE_DEFAULT | APIC_BASE_EN | APIC_BASE_EXTD));
    /* x2APIC back to xAPIC is invalid; to disabled is fine. */
    assert_false(vlapic_set_base(&lapic, VLAPIC_BASE_DEFAULT | APIC_BASE_EN));
    /* In x2APIC mode the page reads 0. */
    assert_int_equal(vlapic_mmio_read(&lapic, APIC_VER, 4, &clk), 0);
    assert_true(vlapic_set_base(&lapic, VLAPIC_BASE_DEFAULT));
    assert_true(vlapic_set_base(&lapic, VLAPIC_BASE_DEFAULT | APIC_BASE_EN));
}

static void test_x2apic_registers(void **state)
{
    uint64_t v;

    (void)state;
    assert_int_equal(rd(APIC_ID), 6); /* 2 x vCPU id */
    assert_int_equal(rd(APIC_VER), 0x50014);
    assert_int_equal(rd(APIC_LDR), (0u << 16) | (1u << 6)); /* cluster 0, bit 6 */
    /* Read-only and write-only registers, absent ones: #GP. */
    assert_false(wr_ok(APIC_ID, 0));
    assert_false(wr_ok(APIC_VER, 0));
    assert_false(wr_ok(APIC_LDR, 0));
    assert_false(wr_ok(APIC_PPR, 0));
    assert_false(wr_ok(APIC_TMCCT, 0));
    assert_false(wr_ok(APIC_IRR, 0));
    assert_false(vlapic_x2apic_read(&lapic, MSR(APIC_EOI), &clk, &v));
    assert_false(vlapic_x2apic_read(&lapic, MSR(APIC_SELF_IPI), &clk, &v));
    assert_false(vlapic_x2apic_read(&lapic, MSR(APIC_DFR), &clk, &v));
    assert_false(vlapic_x2apic_read(&lapic, MSR(APIC_ICR2), &clk, &v));
    assert_false(vlapic_x2apic_read(&lapic, 0x82F, &clk, &v)); /* CMCI: beyond max LVT */
    /* EOI and ESR take only 0; high halves only for the ICR. */
    assert_false(wr_ok(APIC_EOI, 1));
    assert_false(wr_ok(APIC_ESR, 1));
    assert_false(wr_ok(APIC_TPR, 1ull << 32));
    wr(APIC_TPR, 0x1FF);
    assert_int_equal(rd(APIC_TPR), 0xFF);
    /* LVTs keep their writable bits; the timer mode survives, masks too. */
    wr(APIC_LVTT, APIC_LVT_TIMER_PERIODIC | APIC_LVT_MASKED | 0x40 | 0xF000);
    assert_int_equal(rd(APIC_LVTT), APIC_LVT_TIMER_PERIODIC | APIC_LVT_MASKED | 0x40);
    for (unsigned int off = APIC_LVT0 + 0x10; off <= APIC_LVTERR; off += 0x10)
        assert_true(rd(off) & APIC_LVT_MASKED);
    /* SVR software disable masks every LVT. */
    wr(APIC_LVTT, 0x40);
    wr(APIC_SVR, 0xFF);
    assert_true(rd(APIC_LVTT) & APIC_LVT_MASKED);
    /* TDCR keeps bits 0, 1 and 3. */
    wr(APIC_TDCR, 0xFF);
    assert_int_equal(rd(APIC_TDCR), 0xB);
}

static void test_priority_and_eoi(void **state)
{
    (void)state;
    assert_int_equal(vlapic_pending_vector(&lapic), -1);
    assert_true(vlapic_accept(&lapic, 0x41, false));
    assert_true(vlapic_accept(&lapic, 0x62, true));
    assert_int_equal(rd(APIC_IRR + 0x30), 1u << 2); /* 0x62: word 3, bit 2 */
    assert_int_equal(rd(APIC_TMR + 0x30), 1u << 2); /* level */
    assert_int_equal(vlapic_pending_vector(&lapic), 0x62);
    /* TPR at the class of 0x62 holds it back; class 0x70 holds both. */
    wr(APIC_TPR, 0x60);
    assert_int_equal(vlapic_pending_vector(&lapic), -1);
    wr(APIC_TPR, 0x50);
    assert_int_equal(vlapic_pending_vector(&lapic), 0x62);
    vlapic_ack(&lapic, 0x62);
    assert_int_equal(rd(APIC_ISR + 0x30), 1u << 2);
    assert_int_equal(rd(APIC_IRR + 0x30), 0);
    /* PPR: the in-service class beats a lower TPR; 0x41 waits behind it. */
    assert_int_equal(rd(APIC_PPR), 0x60);
    wr(APIC_TPR, 0);
    assert_int_equal(vlapic_pending_vector(&lapic), -1);
    /* A higher class still preempts. */
    assert_true(vlapic_accept(&lapic, 0x75, false));
    assert_int_equal(vlapic_pending_vector(&lapic), 0x75);
    vlapic_ack(&lapic, 0x75);
    assert_int_equal(rd(APIC_PPR), 0x70);
    /* EOI retires the highest in service first. */
    wr(APIC_EOI, 0);
    assert_int_equal(rd(APIC_ISR + 0x30), 1u << 2);
    assert_int_equal(rd(APIC_PPR), 0x60);
    wr(APIC_EOI, 0);
    assert_int_equal(rd(APIC_PPR), 0);
    assert_int_equal(vlapic_pending_vector(&lapic), 0x41);
    /* Vectors 0-15 are illegal: refused, ESR says so once the guest writes ESR. */
    assert_false(vlapic_accept(&lapic, 7, false));
    assert_int_equal(rd(APIC_ESR), 0);
    wr(APIC_ESR, 0);
    assert_int_equal(rd(APIC_ESR), APIC_ESR_RECV_ILLEGAL);
    /* A software-disabled APIC accepts nothing and delivers nothing. */
    wr(APIC_SVR, 0xFF);
    assert_false(vlapic_accept(&lapic, 0x80, false));
    assert_int_equal(vlapic_pending_vector(&lapic), -1);
}

static void test_timer_one_shot(void **state)
{
    (void)state;
    wr(APIC_TDCR, 0x3); /* divide by 16 */
    wr(APIC_LVTT, APIC_LVT_TIMER_ONESHOT | 0x50);
    wr(APIC_TMICT, 1000); /* 1000 x 16 ns at the 1 GHz bus */
    assert_int_equal(lapic.deadline_ns, clk.now_ns + 16000);
    clk.now_ns += 4000;
    assert_int_equal(rd(APIC_TMCCT), 750);
    vlapic_timer_expired(&lapic, clk.now_ns); /* early: nothing */
    assert_int_equal(vlapic_pending_vector(&lapic), -1);
    clk.now_ns += 12000;
    vlapic_timer_expired(&lapic, clk.now_ns);
    assert_int_equal(vlapic_pending_vector(&lapic), 0x50);
    assert_int_equal(lapic.deadline_ns, VLAPIC_NO_DEADLINE);
    assert_int_equal(rd(APIC_TMCCT), 0);
    assert_int_equal(rd(APIC_TMICT), 1000);
    /* Masked: the timer runs out without an interrupt; TMICT 0 stops it. */
    vlapic_ack(&lapic, 0x50);
    wr(APIC_EOI, 0);
    wr(APIC_LVTT, APIC_LVT_MASKED | 0x50);
    wr(APIC_TMICT, 10);
    clk.now_ns += 1000;
    vlapic_timer_expired(&lapic, clk.now_ns);
    assert_int_equal(vlapic_pending_vector(&lapic), -1);
    wr(APIC_TMICT, 10);
    wr(APIC_TMICT, 0);
    assert_int_equal(lapic.deadline_ns, VLAPIC_NO_DEADLINE);
    /* Divide by 1 (TDCR 1011b). */
    wr(APIC_TDCR, 0xB);
    wr(APIC_TMICT, 10);
    assert_int_equal(lapic.deadline_ns, clk.now_ns + 10);
}

static void test_timer_periodic(void **state)
{
    (void)state;
    wr(APIC_TDCR, 0xB);
    wr(APIC_LVTT, APIC_LVT_TIMER_PERIODIC | 0x51);
    wr(APIC_TMICT, 100000);
    uint64_t first = clk.now_ns + 100000;
    assert_int_equal(lapic.deadline_ns, first);
    clk.now_ns = first;
    vlapic_timer_expired(&lapic, clk.now_ns);
    assert_int_equal(vlapic_pending_vector(&lapic), 0x51);
    assert_int_equal(lapic.deadline_ns, first + 100000);
    clk.now_ns = first + 30000;
    assert_int_equal(rd(APIC_TMCCT), 70000);
    /* Late by several periods: the missed ones are dropped. */
    clk.now_ns = first + 550000;
    vlapic_timer_expired(&lapic, clk.now_ns);
    assert_int_equal(lapic.deadline_ns, first + 650000);
    /* A mode change disarms. */
    wr(APIC_LVTT, APIC_LVT_TIMER_ONESHOT | 0x51);
    assert_int_equal(lapic.deadline_ns, VLAPIC_NO_DEADLINE);
}

static void test_timer_tsc_deadline(void **state)
{
    (void)state;
    /* Outside TSC-deadline mode the MSR reads 0 and writes are ignored. */
    vlapic_tsc_deadline_write(&lapic, clk.guest_tsc + 1000, &clk);
    assert_int_equal(vlapic_tsc_deadline_read(&lapic), 0);
    assert_int_equal(lapic.deadline_ns, VLAPIC_NO_DEADLINE);
    wr(APIC_LVTT, APIC_LVT_TIMER_TSC_DEADLINE | 0x52);
    /* TMICT does not run the timer in this mode. */
    wr(APIC_TMICT, 100);
    assert_int_equal(lapic.deadline_ns, VLAPIC_NO_DEADLINE);
    /* 1 GHz TSC: 5000 ticks ahead is 5 us. */
    vlapic_tsc_deadline_write(&lapic, clk.guest_tsc + 5000, &clk);
    assert_int_equal(vlapic_tsc_deadline_read(&lapic), clk.guest_tsc + 5000);
    assert_int_equal(lapic.deadline_ns, clk.now_ns + 5000);
    clk.now_ns += 5000;
    vlapic_timer_expired(&lapic, clk.now_ns);
    assert_int_equal(vlapic_pending_vector(&lapic), 0x52);
    assert_int_equal(vlapic_tsc_deadline_read(&lapic), 0); /* disarmed once fired */
    /* A deadline in the past fires at once; 0 disarms. */
    vlapic_tsc_deadline_write(&lapic, 1, &clk);
    assert_int_equal(lapic.deadline_ns, clk.now_ns);
    vlapic_tsc_deadline_write(&lapic, 0, &clk);
    assert_int_equal(lapic.deadline_ns, VLAPIC_NO_DEADLINE);
    /* 2.6 GHz: 2.6e9 ticks is one second. */
    clk.tsc_khz = 2600000;
    vlapic_tsc_deadline_write(&lapic, clk.guest_tsc + 2600000000ull, &clk);
    assert_int_equal(lapic.deadline_ns, clk.now_ns + 1000000000ull);
    clk.tsc_khz = 1000000;
}

static void test_icr_decode(void **state)
{
    (void)state;
    /* Linux 6.1's AP start: INIT assert, INIT de-assert, STARTUP at 0x99000. */
    wr(APIC_ICR, (2ull << 32) | 0xC500);
    assert_true(ipi.valid);
    assert_int_equal(ipi.mode, APIC_DM_INIT);
    assert_int_equal(ipi.dest, 2);
    assert_false(ipi.logical);
    wr(APIC_ICR, (2ull << 32) | 0x8500);
    assert_false(ipi.valid);
    wr(APIC_ICR, (2ull << 32) | 0x0699);
    assert_true(ipi.valid);
    assert_int_equal(ipi.mode, APIC_DM_STARTUP);
    assert_int_equal(ipi.vector, 0x99);
    assert_int_equal(rd(APIC_ICR), (2ull << 32) | 0x0699);
    /* Fixed to all-but-self; NMI; a self IPI through SELF_IPI. */
    wr(APIC_ICR, (3u << 18) | 0xF3);
    assert_true(ipi.valid && ipi.mode == APIC_DM_FIXED && ipi.shorthand == APIC_SH_ALL_BUT_SELF);
    wr(APIC_ICR, 0x400 | (2u << 18));
    assert_true(ipi.valid && ipi.mode == APIC_DM_NMI && ipi.shorthand == APIC_SH_ALL);
    wr(APIC_SELF_IPI, 0x66);
    assert_true(ipi.valid && ipi.vector == 0x66 && ipi.shorthand == APIC_SH_SELF);
    assert_false(wr_ok(APIC_SELF_IPI, 0x166));
    /* A fixed IPI with an illegal vector is not sent, and the sender's ESR says so. */
    wr(APIC_ICR, 0x05);
    assert_false(ipi.valid);
    wr(APIC_ESR, 0);
    assert_int_equal(rd(APIC_ESR), APIC_ESR_SEND_ILLEGAL);
    /* SMI is not sent. */
    wr(APIC_ICR, 0x200);
    assert_false(ipi.valid);
}

static void test_destinations(void **state)
{
    struct vlapic cpu[20];
    struct vlapic_ipi p = { .valid = true, .x2apic = true };
    unsigned int i;

    (void)state;
    for (i = 0; i < 20; i++) {
        vlapic_reset(&cpu[i], i);
        assert_true(vlapic_set_base(&cpu[i], VLAPIC_BASE_DEFAULT | APIC_BASE_EN | APIC_BASE_EXTD |
                                                 (i == 0 ? APIC_BASE_BSP : 0)));
    }
    /* Physical: the id is 2 x vCPU id; 0xFFFFFFFF is everyone. */
    p.dest = 6;
    assert_true(vlapic_ipi_matches(&cpu[3], &cpu[0], &p));
    assert_false(vlapic_ipi_matches(&cpu[6], &cpu[0], &p));
    p.dest = 0xFFFFFFFFu;
    for (i = 0; i < 20; i++)
        assert_true(vlapic_ipi_matches(&cpu[i], &cpu[0], &p));
    /* Logical x2APIC: vCPU 9 has id 18, cluster 1, bit 2. */
    p.logical = true;
    p.dest = (1u << 16) | (1u << 2);
    for (i = 0; i < 20; i++)
        assert_int_equal(vlapic_ipi_matches(&cpu[i], &cpu[0], &p), i == 9);
    p.dest = (0u << 16) | 0x5; /* ids 0 and 2: vCPUs 0 and 1 */
    for (i = 0; i < 20; i++)
        assert_int_equal(vlapic_ipi_matches(&cpu[i], &cpu[0], &p), i < 2);
    /* Shorthands ignore the destination. */
    p.shorthand = APIC_SH_SELF;
    assert_true(vlapic_ipi_matches(&cpu[4], &cpu[4], &p));
    assert_false(vlapic_ipi_matches(&cpu[5], &cpu[4], &p));
    p.shorthand = APIC_SH_ALL_BUT_SELF;
    assert_false(vlapic_ipi_matches(&cpu[4], &cpu[4], &p));
    assert_true(vlapic_ipi_matches(&cpu[5], &cpu[4], &p));
    p.shorthand = APIC_SH_ALL;
    assert_true(vlapic_ipi_matches(&cpu[4], &cpu[4], &p));
}

static void test_xapic_mmio(void **state)
{
    struct vlapic a, b;
    struct vlapic_ipi p;

    (void)state;
    vlapic_reset(&a, 0);
    vlapic_reset(&b, 1);
    vlapic_mmio_write(&a, APIC_SVR, 4, APIC_SVR_ENABLE | 0xFF, &clk, &p);
    assert_int_equal(vlapic_mmio_read(&a, APIC_SVR, 4, &clk), APIC_SVR_ENABLE | 0xFF);
    /* Bytes of a register's first dword; beyond it, or too wide, 0. */
    assert_int_equal(vlapic_mmio_read(&a, APIC_VER + 4, 4, &clk), 0);
    assert_int_equal(vlapic_mmio_read(&a, APIC_VER + 2, 1, &clk), 0x05);
    assert_int_equal(vlapic_mmio_read(&a, APIC_VER, 2, &clk), 0x0014);
    assert_int_equal(vlapic_mmio_read(&a, APIC_VER + 2, 4, &clk), 0);
    /* Writes: aligned dwords only; the ID keeps Xen's value. */
    vlapic_mmio_write(&a, APIC_TPR, 1, 0x20, &clk, &p);
    assert_int_equal(vlapic_mmio_read(&a, APIC_TPR, 4, &clk), 0);
    vlapic_mmio_write(&a, APIC_TPR, 4, 0x20, &clk, &p);
    assert_int_equal(vlapic_mmio_read(&a, APIC_TPR, 4, &clk), 0x20);
    vlapic_mmio_write(&a, APIC_ID, 4, 0xFF000000u, &clk, &p);
    assert_int_equal(vlapic_mmio_read(&a, APIC_ID, 4, &clk), 0);
    /* Flat logical model: LDR bits, DFR all ones. */
    vlapic_mmio_write(&b, APIC_LDR, 4, 0x02000000u, &clk, &p);
    assert_int_equal(vlapic_mmio_read(&b, APIC_DFR, 4, &clk), 0xFFFFFFFFu);
    /* ICR2 holds the destination; the low half sends. */
    vlapic_mmio_write(&a, APIC_ICR2, 4, 0x02000000u, &clk, &p);
    assert_false(p.valid);
    vlapic_mmio_write(&a, APIC_ICR, 4, APIC_ICR_LOGICAL | 0x40, &clk, &p);
    assert_true(p.valid && p.logical && !p.x2apic && p.dest == 0x02);
    assert_true(vlapic_ipi_matches(&b, &a, &p));
    assert_false(vlapic_ipi_matches(&a, &a, &p));
    /* Cluster model: high nibble the cluster, low nibble the members. */
    vlapic_mmio_write(&b, APIC_DFR, 4, 0x0FFFFFFFu, &clk, &p);
    vlapic_mmio_write(&b, APIC_LDR, 4, 0x31000000u, &clk, &p);
    p.dest = 0x31;
    assert_true(vlapic_ipi_matches(&b, &a, &p));
    p.dest = 0x21;
    assert_false(vlapic_ipi_matches(&b, &a, &p));
    /* Physical xAPIC: 8-bit id, 0xFF broadcast. */
    p = (struct vlapic_ipi){ .valid = true, .dest = 2 };
    assert_true(vlapic_ipi_matches(&b, &a, &p));
    p.dest = 0xFF;
    assert_true(vlapic_ipi_matches(&a, &a, &p));
    /* A write to a read-only register is an illegal register address in ESR. */
    vlapic_mmio_write(&a, APIC_PPR, 4, 0, &clk, &p);
    vlapic_mmio_write(&a, APIC_ESR, 4, 0, &clk, &p);
    assert_int_equal(vlapic_mmio_read(&a, APIC_ESR, 4, &clk), APIC_ESR_ILLEGAL_REG);
}

/* NMIs: latched even by a software-disabled APIC, merged, taken once, cleared by INIT. */
static void test_nmi(void **state)
{
    (void)state;
    assert_false(vlapic_take_nmi(&lapic));
    assert_true(vlapic_accept_nmi(&lapic));
    assert_true(vlapic_accept_nmi(&lapic));
    assert_int_equal(vlapic_pending_vector(&lapic), -1); /* no vector: not an interrupt */
    assert_true(vlapic_take_nmi(&lapic));
    assert_false(vlapic_take_nmi(&lapic));
    wr(APIC_SVR, 0xFF);
    assert_true(vlapic_accept_nmi(&lapic));
    vlapic_init_ipi(&lapic);
    assert_false(vlapic_take_nmi(&lapic));
    /* A hardware-disabled APIC takes nothing. */
    vlapic_reset(&lapic, 1);
    assert_true(vlapic_set_base(&lapic, VLAPIC_BASE_DEFAULT));
    assert_false(vlapic_accept_nmi(&lapic));
    assert_false(vlapic_take_nmi(&lapic));
}

static void test_init_keeps_id(void **state)
{
    (void)state;
    assert_true(vlapic_accept(&lapic, 0x80, false));
    wr(APIC_TPR, 0x20);
    vlapic_init_ipi(&lapic);
    assert_int_equal(rd(APIC_ID), 6);
    assert_int_equal(rd(APIC_TPR), 0);
    assert_int_equal(rd(APIC_IRR + 0x40), 0);
    assert_int_equal(rd(APIC_SVR), 0xFF); /* software-disabled again */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reset_and_base),
        cmocka_unit_test_setup(test_x2apic_registers, setup_x2apic),
        cmocka_unit_test_setup(test_priority_and_eoi, setup_x2apic),
        cmocka_unit_test_setup(test_timer_one_shot, setup_x2apic),
        cmocka_unit_test_setup(test_timer_periodic, setup_x2apic),
        cmocka_unit_test_setup(test_timer_tsc_deadline, setup_x2apic),
        cmocka_unit_test_setup(test_icr_decode, setup_x2apic),
        cmocka_unit_test(test_destinations),
        cmocka_unit_test(test_xapic_mmio),
        cmocka_unit_test_setup(test_nmi, setup_x2apic),
        cmocka_unit_test_setup(test_init_keeps_id, setup_x2apic),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
