// SPDX-License-Identifier: MIT
/*
 * Clearing a new domain's RAM on every CPU (hv/common/ram_clear.c): every
 * page behind the range is zeroed through the P2M, however the host pages
 * are laid out, and nothing else; the other CPUs' share runs from the
 * cross-CPU call, and the caller returns only once they are all done.
 * Copying an image in the same way puts every byte where the P2M says,
 * from any guest address to any length, and touches nothing else; a single
 * piece is done without the other CPUs. ram_zero() leaves no stale byte
 * whatever the alignment, and never writes memory that is zero already.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <sys/mman.h>

#include <hv/p2m.h>
#include <hv/ram_clear.h>
#include <hv/smp.h>
#include "fake_hv.h"

#define PAGE       4096u
#define GUEST_PAGE 2048u /* 8 MiB of guest RAM, from gpa 0 */
#define HOST_PAGES (GUEST_PAGE + 64)

static uint8_t host[HOST_PAGES * PAGE] __attribute__((aligned(4096)));
static uint32_t host_page_of[GUEST_PAGE]; /* the fake P2M: guest page -> host page */

volatile unsigned int nr_cpus_online = 2;
unsigned int nr_cpus_possible = 2;
static unsigned int calls;

/* The other CPU: takes pieces from the same counter as the caller. */
void smp_call_others(void (*fn)(void *), void *arg, bool wait)
{
    (void)wait;
    calls++;
    fn(arg);
}

paddr_t p2m_lookup(struct p2m *p2m, gpaddr_t gpa, unsigned int *perms)
{
    (void)p2m;
    (void)perms;
    if (gpaddr_frame(gpa) >= GUEST_PAGE)
        return INVALID_PADDR;
    return mk_paddr((uint64_t)host_page_of[gpaddr_frame(gpa)] * PAGE + gpaddr_offset(gpa));
}

static void test_every_page_behind_the_range_and_no_other(void **state)
{
    (void)state;
    fake_phys_offset = (intptr_t)host;
    /* 2 MiB runs, then single pages scattered backwards, then runs again. */
    for (uint32_t g = 0; g < GUEST_PAGE; g++)
        host_page_of[g] = g < 512 || g >= 1024 ? g + 32 : 32 + 1023 - (g - 512);
    memset(host, 0xAA, sizeof(host));
    calls = 0;
    /* From 4 KiB in to 4 KiB before the end: pieces of 2 MiB and a partial last one. */
    domain_ram_clear(NULL, mk_gpaddr(PAGE), (GUEST_PAGE - 2) * PAGE, NULL, 0);
    assert_int_equal(calls, 1);
    for (uint32_t g = 0; g < GUEST_PAGE; g++) {
        const uint8_t *p = host + (size_t)host_page_of[g] * PAGE;
        uint8_t want = g == 0 || g == GUEST_PAGE - 1 ? 0xAA : 0;

        for (uint32_t i = 0; i < PAGE; i++)
            if (p[i] != want)
                fail_msg("guest page %u byte %u: %#x, not %#x", g, i, p[i], want);
    }
    /* Host pages behind no guest page of the range are left alone. */
    for (uint32_t i = 0; i < 32 * PAGE; i++)
        assert_int_equal(host[i], 0xAA);
}

/* Kept frames (at a piece's edge, across one, the range's first) stay; every other byte is zero. */
static void test_clear_leaves_only_the_kept_frames(void **state)
{
    const struct frame_range keep[] = { { 1, 2 }, { 511, 3 }, { 700, 1 }, { 1500, 600 } };

    (void)state;
    fake_phys_offset = (intptr_t)host;
    for (uint32_t g = 0; g < GUEST_PAGE; g++)
        host_page_of[g] = g < 512 || g >= 1024 ? g + 32 : 32 + 1023 - (g - 512);
    memset(host, 0xAA, sizeof(host));
    domain_ram_clear(NULL, mk_gpaddr(PAGE), (GUEST_PAGE - 2) * PAGE, keep, 4);
    for (uint32_t g = 0; g < GUEST_PAGE; g++) {
        const uint8_t *p = host + (size_t)host_page_of[g] * PAGE;
        bool left = g == 0 || g == GUEST_PAGE - 1;

        for (unsigned int i = 0; i < 4; i++)
            left |= g >= keep[i].gfn && g < keep[i].gfn + keep[i].nr;
        for (uint32_t i = 0; i < PAGE; i++)
            if (p[i] != (left ? 0xAA : 0))
                fail_msg("guest page %u byte %u: %#x", g, i, p[i]);
    }
}

static uint8_t image[(GUEST_PAGE - 3) * PAGE];

static void test_copy_every_byte_where_the_p2m_says(void **state)
{
    /* Unaligned at both ends, across runs, single pages and piece boundaries. */
    const uint64_t at = PAGE + 100, len = sizeof(image) - 1000;

    (void)state;
    fake_phys_offset = (intptr_t)host;
    for (uint32_t g = 0; g < GUEST_PAGE; g++)
        host_page_of[g] = g < 512 || g >= 1024 ? g + 32 : 32 + 1023 - (g - 512);
    for (size_t i = 0; i < sizeof(image); i++)
        image[i] = (uint8_t)(i * 13 + i / 4096 + 1);
    for (int cpus = 0; cpus < 2; cpus++) {
        memset(host, 0xAA, sizeof(host));
        calls = 0;
        domain_ram_copy(NULL, mk_gpaddr(at), image, len, cpus);
        assert_int_equal(calls, (unsigned int)cpus);
        for (uint64_t gpa = 0; gpa < (uint64_t)GUEST_PAGE * PAGE; gpa++) {
            uint8_t got = host[(size_t)host_page_of[gpa / PAGE] * PAGE + gpa % PAGE];
            uint8_t want = gpa >= at && gpa < at + len ? image[gpa - at] : 0xAA;

            if (got != want)
                fail_msg("gpa %#lx: %#x, not %#x", (unsigned long)gpa, got, want);
        }
        for (uint32_t i = 0; i < 32 * PAGE; i++)
            assert_int_equal(host[i], 0xAA);
    }
    /* One piece: not worth waking the other CPUs. */
    calls = 0;
    domain_ram_copy(NULL, mk_gpaddr(at), image, 3 * PAGE, true);
    assert_int_equal(calls, 0);
    assert_int_equal(
        host[(size_t)host_page_of[(at + 3 * PAGE - 1) / PAGE] * PAGE + (at + 3 * PAGE - 1) % PAGE],
        image[3 * PAGE - 1]);
}

static uint8_t zbuf[4 * PAGE] __attribute__((aligned(4096)));

/* One stale byte anywhere in or beside the range: zeroed inside, left outside. */
static void test_ram_zero_leaves_no_stale_byte(void **state)
{
    static const size_t offs[] = { 0, 1, 7, 8, 63, 64, 65, 4095, 4096, 4100 };
    static const size_t lens[] = { 0, 1, 63, 64, 65, 127, 128, 4096, 8192 + 37 };

    (void)state;
    for (size_t o = 0; o < sizeof(offs) / sizeof(offs[0]); o++)
        for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++) {
            size_t off = offs[o], len = lens[l];

            for (size_t stale = off > 0 ? off - 1 : 0; stale <= off + len && stale < sizeof(zbuf);
                 stale += stale < off + 130 || stale + 130 > off + len ? 1 : 61) {
                memset(zbuf, 0, sizeof(zbuf));
                zbuf[stale] = 0x5A;
                ram_zero(zbuf + off, len);
                if (zbuf[stale] != (stale >= off && stale < off + len ? 0 : 0x5A))
                    fail_msg("off %zu len %zu: stale byte at %zu is %#x", off, len, stale,
                             zbuf[stale]);
            }
            /* Every byte, dirty everywhere. */
            memset(zbuf, 0xA5, sizeof(zbuf));
            ram_zero(zbuf + off, len);
            for (size_t i = 0; i < sizeof(zbuf); i++)
                if (zbuf[i] != (i >= off && i < off + len ? 0 : 0xA5))
                    fail_msg("off %zu len %zu: byte %zu is %#x", off, len, i, zbuf[i]);
        }
}

/* Zero blocks are read, not written: a read-only zero page in the middle does not fault. */
static void test_ram_zero_does_not_write_zero_memory(void **state)
{
    uint8_t *m = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    (void)state;
    assert_true(m != MAP_FAILED);
    memset(m, 0x11, PAGE);
    m[2 * PAGE + 100] = 0x22;
    assert_int_equal(mprotect(m + PAGE, PAGE, PROT_READ), 0);
    ram_zero(m + 3, 3 * PAGE - 3);
    assert_int_equal(m[0], 0x11);
    for (size_t i = 3; i < 3 * PAGE; i++)
        if (m[i])
            fail_msg("byte %zu is %#x", i, m[i]);
    munmap(m, 3 * PAGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_page_behind_the_range_and_no_other),
        cmocka_unit_test(test_clear_leaves_only_the_kept_frames),
        cmocka_unit_test(test_copy_every_byte_where_the_p2m_says),
        cmocka_unit_test(test_ram_zero_leaves_no_stale_byte),
        cmocka_unit_test(test_ram_zero_does_not_write_zero_memory),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
