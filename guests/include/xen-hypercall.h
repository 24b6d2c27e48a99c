/* SPDX-License-Identifier: MIT */
/* A hypercall through a hypercall page's stub, for guests with their own page. */
#ifndef GUESTS_XEN_HYPERCALL_H
#define GUESTS_XEN_HYPERCALL_H

#include <stdint.h>

#include <public/xen.h>

static inline long xen_hypercall_via(const uint8_t *page, unsigned int nr, uint64_t a1, uint64_t a2,
                                     uint64_t a3)
{
    long ret;

    __asm__ volatile("call *%[stub]"
                     : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3)
                     : [stub] "r"(page + nr * XEN_HYPERCALL_STUB_SIZE)
                     : "memory", "rcx", "r8", "r9", "r10", "r11");
    return ret;
}

#endif
