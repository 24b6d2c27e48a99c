// SPDX-License-Identifier: MIT
/*
 * The one copy helper for guest structures in either width
 * (hv/common/compat_xlat.c): each layout against the bytes Xen's 32-bit
 * (compat) ABI puts where, written out by hand here, and the native layout
 * passed through unchanged.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <public/errno.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <hv/compat_xlat.h>
#include <hv/domain.h>
#include "fake_arch.h"

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, 8);
}

static void test_sched_poll_in(void **state)
{
    uint8_t g[16];
    struct sched_poll p;

    (void)state;
    memset(&p, 0xAA, sizeof(p));
    put32(g, 0xFFFFF000u); /* the handle: zero-extended, not sign-extended */
    put32(g + 4, 3);
    put64(g + 8, 0x1122334455667788ull);
    compat_xlat_in(&p, g, &compat_sched_poll_layout, true);
    assert_int_equal(p.ports, 0xFFFFF000ull);
    assert_int_equal(p.nr_ports, 3);
    assert_int_equal(p.pad, 0);
    assert_int_equal(p.timeout, 0x1122334455667788ull);
}

static void test_add_to_physmap_in(void **state)
{
    uint8_t g[16];
    struct xen_add_to_physmap x;

    (void)state;
    put32(g, 0x00027FF0u); /* domid DOMID_SELF, size 2 */
    put32(g + 4, 7);
    put32(g + 8, 0x80000001u);
    put32(g + 12, 0xABCDEu);
    compat_xlat_in(&x, g, &compat_add_to_physmap_layout, true);
    assert_int_equal(x.domid, 0x7FF0);
    assert_int_equal(x.size, 2);
    assert_int_equal(x.space, 7);
    assert_int_equal(x.idx, 0x80000001ull);
    assert_int_equal(x.gpfn, 0xABCDEull);
}

static void test_singleshot_in(void **state)
{
    uint8_t g[12];
    struct vcpu_set_singleshot_timer ss;

    (void)state;
    memset(&ss, 0xAA, sizeof(ss));
    put64(g, 123456789ull);
    put32(g + 8, VCPU_SSHOTTMR_future);
    compat_xlat_in(&ss, g, &compat_vcpu_set_singleshot_timer_layout, true);
    assert_int_equal(ss.timeout_abs_ns, 123456789ull);
    assert_int_equal(ss.flags, VCPU_SSHOTTMR_future);
    assert_int_equal(ss.pad, 0);
}

/* 44 bytes: state at 0, entry time at 4, the four times from 12. */
static void test_runstate_out(void **state)
{
    struct vcpu_runstate_info info = { .state = 2,
                                       .state_entry_time = 0x0102030405060708ull,
                                       .time = { 10, 20, 30, 0xFFFFFFFFFFull } };
    uint8_t g[COMPAT_XLAT_MAX_SIZE], want[44];

    (void)state;
    memset(g, 0xEE, sizeof(g));
    put32(want, 2);
    put64(want + 4, 0x0102030405060708ull);
    put64(want + 12, 10);
    put64(want + 20, 20);
    put64(want + 28, 30);
    put64(want + 36, 0xFFFFFFFFFFull);
    assert_int_equal(compat_xlat_out(g, &info, &compat_vcpu_runstate_info_layout, true), 44);
    assert_memory_equal(g, want, 44);
    assert_int_equal(g[44], 0xEE);
    assert_int_equal(compat_xlat_out(g, &info, &compat_vcpu_runstate_info_layout, false), 48);
    assert_memory_equal(g, &info, 48);
}

/* Out again, the count is written and the handle is what the guest gave. */
static void test_memory_map_out(void **state)
{
    struct xen_memory_map map = { .nr_entries = 5, .buffer = 0x12345678ull };
    uint8_t g[COMPAT_XLAT_MAX_SIZE], want[8];

    (void)state;
    put32(want, 5);
    put32(want + 4, 0x12345678u);
    assert_int_equal(compat_xlat_out(g, &map, &compat_memory_map_layout, true), 8);
    assert_memory_equal(g, want, 8);
}

/* The width of v's hypercall picks the layout, and what is read must be there. */
static void test_copy_from_guest_width(void **state)
{
    struct vcpu v = { .hypercall_64bit = false };
    struct vcpu_register_runstate_memory_area area;

    (void)state;
    fake_arch_reset();
    put64(fake_guest_mem + 0x10, 0xDEAD0000BEEFull);
    assert_int_equal(copy_from_guest_xlat(&v, &area, mk_gvaddr(FAKE_GUEST_BASE + 0x10),
                                          &compat_vcpu_register_runstate_memory_area_layout),
                     0);
    assert_int_equal(area.addr, 0xBEEFull);
    v.hypercall_64bit = true;
    assert_int_equal(copy_from_guest_xlat(&v, &area, mk_gvaddr(FAKE_GUEST_BASE + 0x10),
                                          &compat_vcpu_register_runstate_memory_area_layout),
                     0);
    assert_int_equal(area.addr, 0xDEAD0000BEEFull);
    /* 4 bytes left in guest memory: enough for a 32-bit handle only. */
    assert_int_equal(copy_from_guest_xlat(&v, &area,
                                          mk_gvaddr(FAKE_GUEST_BASE + FAKE_GUEST_SIZE - 4),
                                          &compat_vcpu_register_runstate_memory_area_layout),
                     -XEN_EFAULT);
    v.hypercall_64bit = false;
    assert_int_equal(copy_from_guest_xlat(&v, &area,
                                          mk_gvaddr(FAKE_GUEST_BASE + FAKE_GUEST_SIZE - 4),
                                          &compat_vcpu_register_runstate_memory_area_layout),
                     0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sched_poll_in),  cmocka_unit_test(test_add_to_physmap_in),
        cmocka_unit_test(test_singleshot_in),  cmocka_unit_test(test_runstate_out),
        cmocka_unit_test(test_memory_map_out), cmocka_unit_test(test_copy_from_guest_width),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
