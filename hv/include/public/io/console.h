/* SPDX-License-Identifier: MIT */
/*
 * The PV console ring, from Xen's xen/include/public/io/console.h. The guest
 * produces out[] (out_prod) and consumes in[] (in_cons); the backend (here
 * the hypervisor) consumes out[] (out_cons) and produces in[] (in_prod).
 * Indices run free; MASK_XENCONS_IDX gives the byte's place in its ring.
 */
#ifndef TESSERA_PUBLIC_IO_CONSOLE_H
#define TESSERA_PUBLIC_IO_CONSOLE_H

#include <stdint.h>

typedef uint32_t XENCONS_RING_IDX;

#define MASK_XENCONS_IDX(idx, ring) ((idx) & (sizeof(ring) - 1))

struct xencons_interface {
    char in[1024];
    char out[2048];
    XENCONS_RING_IDX in_cons, in_prod;
    XENCONS_RING_IDX out_cons, out_prod;
};

#endif
