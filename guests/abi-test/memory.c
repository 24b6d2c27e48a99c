// SPDX-License-Identifier: MIT
/*
 * memory_op's reservation calls, valid and hostile: a page given back
 * (decrease_reservation) is unmapped at once (reads all ones, writes are
 * dropped: this domain's unmapped-access is "ignore") and leaves the
 * domain's current reservation; populate_physmap maps one of its own
 * released pages again, zeroed; increase_reservation only takes back what
 * was released; the budget (maximum_reservation) never changes. Extents,
 * orders, handles and domids are checked as Xen checks them, in both the
 * 64-bit and the 32-bit (compat) layout.
 */
#include <stdbool.h>
#include <stdint.h>

#include <public/memory.h>
#include <public/sched.h>
#include <public/xen.h>

#include "abi-test.h"

#define UNMAPPED_GVA 0x80000000ull /* no guest page table maps it */
#define OUTSIDE_GFN  0x40000ull    /* 1 GiB: not RAM */
#define LAPIC_GFN    0xFEE00ull

/* Pages this test gives back and takes again; nothing else lives in them. */
static volatile uint8_t balloon[4][4096] __attribute__((aligned(8192)));

static long memory_op(uint64_t cmd, const void *arg)
{
    return abi_hypercall(__HYPERVISOR_memory_op, cmd, (uintptr_t)arg, 0);
}

static uint64_t gfn_of(const volatile void *p)
{
    return (uintptr_t)p >> 12;
}

static long reservation(unsigned int op, uint64_t *extents, uint64_t nr, unsigned int order)
{
    struct xen_memory_reservation r = { .extent_start = (uintptr_t)extents,
                                        .nr_extents = nr,
                                        .extent_order = order,
                                        .domid = DOMID_SELF };

    return memory_op(op, &r);
}

long abi_give_back(uint64_t gfn)
{
    return reservation(XENMEM_decrease_reservation, &gfn, 1, 0);
}

static long current_pages(void)
{
    uint16_t self = DOMID_SELF;

    return memory_op(XENMEM_current_reservation, &self);
}

static void check_give_back_and_repopulate(long max)
{
    uint64_t ext[2] = { gfn_of(balloon[0]), gfn_of(balloon[1]) };

    balloon[0][0] = 0x5A;
    balloon[0][4095] = 0xA5;
    check(reservation(XENMEM_decrease_reservation, ext, 1, 0) == 1,
          "decrease_reservation of one of its pages: 1 extent");
    check(current_pages() == max - 1, "current_reservation: one page less");
    check(balloon[0][0] == 0xFF && balloon[0][4095] == 0xFF,
          "a page given back reads all ones (unmapped)");
    balloon[0][8] = 0x11;
    check(balloon[0][8] == 0xFF, "a write to a page given back is dropped");
    check(reservation(XENMEM_decrease_reservation, ext, 1, 0) == 0,
          "decrease_reservation of a page given back already: 0 extents");
    check(reservation(XENMEM_populate_physmap, ext, 1, 0) == 1 && ext[0] == gfn_of(balloon[0]),
          "populate_physmap at the released frame: 1 extent, the list left as it was");
    check(balloon[0][0] == 0 && balloon[0][4095] == 0, "a repopulated page reads zero");
    balloon[0][8] = 0x22;
    check(balloon[0][8] == 0x22, "a repopulated page is writable");
    check(current_pages() == max, "current_reservation: back to the budget");
    check(reservation(XENMEM_populate_physmap, ext, 1, 0) == 0,
          "populate_physmap of a frame that has RAM: 0 extents");

    /* An order-1 extent: two pages at an even frame. */
    ext[0] = gfn_of(balloon[0]);
    check(reservation(XENMEM_decrease_reservation, ext, 1, 1) == 1 && current_pages() == max - 2 &&
              balloon[1][0] == 0xFF,
          "decrease_reservation of an order-1 extent: both pages gone");
    ext[0] = gfn_of(balloon[1]);
    check(reservation(XENMEM_populate_physmap, ext, 1, 1) == 0,
          "populate_physmap of an order-1 extent at an odd frame: 0 extents");
    ext[0] = OUTSIDE_GFN;
    check(reservation(XENMEM_populate_physmap, ext, 1, 0) == 0,
          "populate_physmap outside the domain's RAM: 0 extents");
    ext[0] = gfn_of(balloon[0]);
    ext[1] = gfn_of(balloon[1]);
    check(reservation(XENMEM_populate_physmap, ext, 2, 0) == 2 && current_pages() == max &&
              balloon[1][0] == 0,
          "populate_physmap of two order-0 extents: both back, zeroed");
}

static void check_increase(long max)
{
    uint64_t ext[1] = { gfn_of(balloon[2]) };

    check(reservation(XENMEM_increase_reservation, ext, 1, 0) == 0,
          "increase_reservation with nothing given back: 0 extents (static budget)");
    check(reservation(XENMEM_decrease_reservation, ext, 1, 0) == 1,
          "decrease_reservation of a third page");
    check(reservation(XENMEM_increase_reservation, ext, 1, 0) == 1 && current_pages() == max &&
              ext[0] == gfn_of(balloon[2]),
          "increase_reservation takes it back, unmapped, nothing written back (as Xen)");
    check(reservation(XENMEM_populate_physmap, ext, 1, 0) == 0,
          "populate_physmap with every released page held: 0 extents");
    check(reservation(XENMEM_increase_reservation, ext, 1, 0) == 0,
          "increase_reservation beyond the budget: 0 extents");
}

static void check_hostile(void)
{
    struct xen_memory_reservation r = { .nr_extents = 1, .domid = DOMID_SELF };
    uint64_t ext[1] = { gfn_of(balloon[3]) };
    uint16_t other = 999;

    check(reservation(XENMEM_decrease_reservation, ext, 1, 10) == 0,
          "decrease_reservation with extent_order 10: 0 extents");
    check(reservation(XENMEM_decrease_reservation, ext, 1, 1) == 0,
          "decrease_reservation of an order-1 extent at an odd frame: 0 extents");
    ext[0] = LAPIC_GFN;
    check(reservation(XENMEM_decrease_reservation, ext, 1, 0) == 0,
          "decrease_reservation of the local APIC page: 0 extents");
    ext[0] = OUTSIDE_GFN;
    check(reservation(XENMEM_decrease_reservation, ext, 1, 0) == 0,
          "decrease_reservation outside the domain: 0 extents");
    ext[0] = ~0ull;
    check(reservation(XENMEM_decrease_reservation, ext, 1, 0) == 0,
          "decrease_reservation of frame ~0: 0 extents");
    ext[0] = abi_shared_info_gfn();
    check(reservation(XENMEM_decrease_reservation, ext, 1, 0) == 0,
          "decrease_reservation of the shared info frame (in use): 0 extents");
    r.extent_start = UNMAPPED_GVA;
    check(memory_op(XENMEM_decrease_reservation, &r) == 0,
          "decrease_reservation with an unmapped extent list: 0 extents");
    r.extent_start = ~0ull - 8;
    r.nr_extents = 4;
    check(memory_op(XENMEM_populate_physmap, &r) == 0,
          "populate_physmap with an extent list that wraps: 0 extents");
    r = (struct xen_memory_reservation){ (uintptr_t)ext, 1, 0, 0, 999 };
    check(memory_op(XENMEM_decrease_reservation, &r) == -1,
          "decrease_reservation of another domain: -EPERM");
    r.domid = DOMID_SELF;
    r.mem_flags = XENMEMF_populate_on_demand;
    check(memory_op(XENMEM_populate_physmap, &r) == 0, "populate_physmap on demand: 0 extents");
    r.mem_flags = 0;
    check(memory_op(XENMEM_decrease_reservation | (1u << MEMOP_EXTENT_SHIFT), &r) == 1,
          "decrease_reservation continuing at its last extent: returns it, nothing done");
    check(memory_op(XENMEM_decrease_reservation, (void *)UNMAPPED_GVA) == -14,
          "decrease_reservation with an unmapped argument: -EFAULT");
    check(memory_op(XENMEM_current_reservation, &other) == -1,
          "current_reservation of another domain: -EPERM");
    check(memory_op(XENMEM_maximum_reservation, (void *)UNMAPPED_GVA) == -14,
          "maximum_reservation with an unmapped argument: -EFAULT");
}

/* Xen's compat layout: 32-bit handle and count, 32-bit frame numbers. */
static void check_compat(long max)
{
    static struct {
        uint32_t extent_start, nr_extents, extent_order, mem_flags;
        uint16_t domid;
    } r32;
    static uint32_t ext32[2];

    ext32[0] = (uint32_t)gfn_of(balloon[3]);
    ext32[1] = 0xDEADBEEF;
    r32 = (typeof(r32)){ (uint32_t)(uintptr_t)ext32, 1, 0, 0, DOMID_SELF };
    check(abi_hypercall32(__HYPERVISOR_memory_op, XENMEM_decrease_reservation,
                          (uint32_t)(uintptr_t)&r32, 0) == 1 &&
              current_pages() == max - 1 && balloon[3][0] == 0xFF,
          "32-bit decrease_reservation (compat layout)");
    check(abi_hypercall32(__HYPERVISOR_memory_op, XENMEM_populate_physmap,
                          (uint32_t)(uintptr_t)&r32, 0) == 1 &&
              ext32[0] == (uint32_t)gfn_of(balloon[3]) && ext32[1] == 0xDEADBEEF &&
              balloon[3][0] == 0,
          "32-bit populate_physmap (32-bit frame numbers), the list left as it was");
}

void check_reservation(void)
{
    uint16_t self = DOMID_SELF;
    long max = memory_op(XENMEM_maximum_reservation, &self);

    check(max > 0 && current_pages() == max,
          "maximum_reservation: the budget; current_reservation: all of it");
    check_give_back_and_repopulate(max);
    check_hostile();
    check_compat(max);
    check_increase(max);
    check(memory_op(XENMEM_maximum_reservation, &self) == max, "maximum_reservation unchanged");
}

/* Pages mode=balloon gives back at every boot. */
static volatile uint8_t given_back[16][4096] __attribute__((aligned(4096)));

/*
 * mode=balloon: at each boot every page of the budget is there (a restart
 * maps the pages given back into their holes again, zeroed); gives 16 back
 * and takes 4 of them back unmapped, then reboots (its on-reboot policy
 * restarts it, up to the restart limit).
 */
void run_balloon(void)
{
    uint16_t self = DOMID_SELF;
    long max = memory_op(XENMEM_maximum_reservation, &self);
    uint64_t ext[16], i;
    bool clean = true;

    for (i = 0; i < 16; i++) {
        clean &= given_back[i][0] == 0 && given_back[i][4095] == 0;
        given_back[i][0] = 0x77;
        clean &= given_back[i][0] == 0x77;
        ext[i] = gfn_of(given_back[i]);
    }
    abi_say(max > 0 && current_pages() == max && clean
                ? "balloon: boot: every page of the budget present, zeroed, writable: PASS"
                : "balloon: boot: FAIL: pages missing or not zeroed");
    check(reservation(XENMEM_decrease_reservation, ext, 16, 0) == 16 &&
              current_pages() == max - 16 && given_back[15][0] == 0xFF,
          "balloon: 16 pages given back");
    check(reservation(XENMEM_increase_reservation, ext, 4, 0) == 4 && current_pages() == max - 12,
          "balloon: 4 taken back, unmapped");
    abi_say(current_pages() == max - 12 ? "balloon: rebooting with 12 pages given back and 4 held"
                                        : "balloon: FAIL");
    abi_shutdown_reason(SHUTDOWN_reboot);
}
