/* SPDX-License-Identifier: MIT */
/* The PV console ring, from Xen's xen/include/public/io/console.h. */
#ifndef TESSERA_PUBLIC_IO_CONSOLE_H
#define TESSERA_PUBLIC_IO_CONSOLE_H

#include <stdint.h>

struct xencons_interface {
    char in[1024];
    char out[2048];
    uint32_t in_cons, in_prod;
    uint32_t out_cons, out_prod;
};

#endif
