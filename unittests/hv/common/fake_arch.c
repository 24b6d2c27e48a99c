// SPDX-License-Identifier: MIT
/* The fake arch layer (fake_arch.h). */
#include <stdlib.h>
#include <string.h>
#include <public/errno.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/p2m.h>
#include <hv/page_alloc.h>
#include <hv/sched.h>
#include <hv/smp.h>
#include <hv/time.h>
#include <hv/timer.h>
#include <hv/vcpu_info.h>
#include "fake_arch.h"

uint8_t fake_guest_mem[FAKE_GUEST_SIZE];
uint8_t fake_frames[FAKE_NR_FRAMES][4096] __attribute__((aligned(4096)));
uint64_t fake_now;
unsigned int fake_unblocks, fake_kicks, fake_blocks, fake_smp_calls;
struct timer *fake_last_timer;

void fake_arch_reset(void)
{
    memset(fake_guest_mem, 0, sizeof(fake_guest_mem));
    memset(fake_frames, 0, sizeof(fake_frames));
    fake_now = 1000000000ull;
    fake_unblocks = fake_kicks = fake_blocks = fake_smp_calls = 0;
    fake_last_timer = NULL;
}

/* The host address of [gva, gva + len) in guest memory, or NULL. */
static uint8_t *guest_range(uint64_t gva, size_t len)
{
    if (gva < FAKE_GUEST_BASE || len > FAKE_GUEST_SIZE ||
        gva - FAKE_GUEST_BASE > FAKE_GUEST_SIZE - len)
        return NULL;
    return fake_guest_mem + (gva - FAKE_GUEST_BASE);
}

int copy_from_guest(struct vcpu *v, void *dst, gvaddr_t gva, size_t len)
{
    uint8_t *src = guest_range(gvaddr_val(gva), len);

    (void)v;
    if (!src)
        return -XEN_EFAULT;
    memcpy(dst, src, len);
    return 0;
}

int copy_to_guest(struct vcpu *v, gvaddr_t gva, const void *src, size_t len)
{
    uint8_t *dst = guest_range(gvaddr_val(gva), len);

    (void)v;
    if (!dst)
        return -XEN_EFAULT;
    memcpy(dst, src, len);
    return 0;
}

paddr_t guest_area_frame(const struct domain *d, uint64_t gfn)
{
    (void)d;
    if (gfn < FAKE_FRAME_GFN || gfn - FAKE_FRAME_GFN >= FAKE_NR_FRAMES)
        return INVALID_PADDR;
    return virt_to_phys(fake_frames[gfn - FAKE_FRAME_GFN]);
}

uint64_t now_ns(void)
{
    return fake_now;
}

void *page_alloc_zeroed_virt(void)
{
    void *p = aligned_alloc(PAGE_SIZE, PAGE_SIZE);

    if (p)
        memset(p, 0, PAGE_SIZE);
    return p;
}

void page_free(paddr_t pa, unsigned int order)
{
    (void)order;
    free(phys_to_virt(pa));
}

void sched_unblock(struct vcpu *v)
{
    (void)v;
    fake_unblocks++;
}

void sched_block(struct vcpu *v)
{
    (void)v;
    fake_blocks++;
}

void sched_kick(struct vcpu *v)
{
    (void)v;
    fake_kicks++;
}

void timer_set(struct timer *t, uint64_t deadline_ns)
{
    t->deadline_ns = deadline_ns;
    t->armed = true;
    fake_last_timer = t;
}

void timer_cancel(struct timer *t)
{
    t->armed = false;
}

unsigned int smp_processor_id(void)
{
    return 0;
}

void smp_call_others(void (*fn)(void *), void *arg, bool wait)
{
    (void)wait;
    fn(arg);
    fake_smp_calls++;
}
