// SPDX-License-Identifier: MIT
/*
 * FPU/SSE/AVX state, XCR0 and DR0-3 are in neither the VMCB nor the VMCS.
 * They are loaded when a vCPU starts running on a CPU and saved when it
 * stops, so nothing of one vCPU's state is ever visible to another. While
 * a vCPU is on its CPU the CPU runs with the guest's XCR0 (the hypervisor
 * itself uses no XSAVE-managed state); the image holds the components guests
 * may be offered (guest_xcr0_supported: x87, SSE, AVX), saved and restored
 * under that mask whatever the guest's XCR0, since SSE state is live with
 * CR4.OSFXSR alone.
 */
#include <string.h>
#include <asm/cpu.h>
#include <asm/guest_cpuid.h>
#include "hvm.h"

bool hvm_host_xsave;
unsigned int hvm_fpu_area_order;
/* The components every image holds: guest_xcr0_supported() of the boot CPU. */
static uint64_t xstate_mask;

static unsigned int order_for_bytes(uint64_t bytes)
{
    unsigned int order = 0;

    while ((PAGE_SIZE << order) < bytes)
        order++;
    return order;
}

void hvm_xstate_init(void)
{
    xstate_mask = guest_xcr0_supported(cpuid_host);
    hvm_host_xsave = xstate_mask != 0;
    /* XSAVE area for the components offered, else the 512-byte FXSAVE image. */
    hvm_fpu_area_order =
        order_for_bytes(hvm_host_xsave ? guest_xsave_size(cpuid_host, xstate_mask) : 512);
}

void hvm_xstate_init_cpu(void)
{
    if (hvm_host_xsave)
        write_cr4(read_cr4() | X86_CR4_OSXSAVE);
}

void hvm_xstate_reset(struct hvm_vcpu *h)
{
    memset(h->dr, 0, sizeof(h->dr));
    memset(h->fpu_area, 0, PAGE_SIZE << h->fpu_order);
    /* FXSAVE image of the reset state: FCW 0x37F, MXCSR 0x1F80 (XSTATE_BV 0 = init). */
    *(uint16_t *)h->fpu_area = 0x37F;
    *(uint32_t *)((uint8_t *)h->fpu_area + 24) = 0x1F80;
    h->xcr0 = 1;
}

static inline uint64_t xgetbv0(void)
{
    uint32_t lo, hi;

    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

static inline void xsetbv0(uint64_t v)
{
    __asm__ volatile("xsetbv" : : "c"(0), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static void load_extended_state(struct hvm_vcpu *h)
{
    if (hvm_host_xsave) {
        uint64_t all = xstate_mask;

        /* Restore under the full mask: components absent from the image get their init state. */
        xsetbv0(all);
        __asm__ volatile("xrstor64 %0"
                         :
                         : "m"(*(uint8_t *)h->fpu_area), "a"((uint32_t)all),
                           "d"((uint32_t)(all >> 32))
                         : "memory");
        xsetbv0(h->xcr0);
    } else {
        __asm__ volatile("fxrstor64 %0" : : "m"(*(uint8_t *)h->fpu_area) : "memory");
    }
    __asm__ volatile("mov %0, %%db0" : : "r"(h->dr[0]));
    __asm__ volatile("mov %0, %%db1" : : "r"(h->dr[1]));
    __asm__ volatile("mov %0, %%db2" : : "r"(h->dr[2]));
    __asm__ volatile("mov %0, %%db3" : : "r"(h->dr[3]));
}

static void save_extended_state(struct vcpu *v)
{
    struct hvm_vcpu *h = to_hvm(v);

    if (hvm_host_xsave) {
        uint64_t all = xstate_mask;

        /* Save under the full mask, as the load restores. */
        h->xcr0 = hvm_xcr0_read(v);
        xsetbv0(all);
        __asm__ volatile("xsave64 %0"
                         : "=m"(*(uint8_t *)h->fpu_area)
                         : "a"((uint32_t)all), "d"((uint32_t)(all >> 32))
                         : "memory");
    } else {
        __asm__ volatile("fxsave64 %0" : "=m"(*(uint8_t *)h->fpu_area) : : "memory");
    }
    __asm__ volatile("mov %%db0, %0" : "=r"(h->dr[0]));
    __asm__ volatile("mov %%db1, %0" : "=r"(h->dr[1]));
    __asm__ volatile("mov %%db2, %0" : "=r"(h->dr[2]));
    __asm__ volatile("mov %%db3, %0" : "=r"(h->dr[3]));
}

/* The CPU's, not h->xcr0: QEMU's TCG runs a guest's XSETBV without the intercept. */
uint64_t hvm_xcr0_read(struct vcpu *v)
{
    return hvm_host_xsave ? xgetbv0() : to_hvm(v)->xcr0;
}

void hvm_xcr0_write(struct vcpu *v, uint64_t xcr0)
{
    to_hvm(v)->xcr0 = xcr0;
    xsetbv0(xcr0);
}

void hvm_vcpu_load(struct vcpu *v)
{
    load_extended_state(to_hvm(v));
    hvm_msrs_load(v);
}

void hvm_vcpu_put(struct vcpu *v)
{
    hvm_msrs_put(v);
    save_extended_state(v);
}
