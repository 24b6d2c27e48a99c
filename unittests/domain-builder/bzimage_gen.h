/* SPDX-License-Identifier: MIT */
/* A synthetic bzImage (protocol 2.15, 64-bit entry) for tests and fuzz seeds. */
#ifndef UNITTESTS_DOMAIN_BUILDER_BZIMAGE_GEN_H
#define UNITTESTS_DOMAIN_BUILDER_BZIMAGE_GEN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define BZGEN_PREF_ADDRESS 0x1000000ull
#define BZGEN_INIT_SIZE    0x400000u
#define BZGEN_SETUP_SECTS  4
#define BZGEN_PM_SIZE      0x10000u

static inline void bzgen_put(uint8_t *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* malloc'd image; *size set. */
static inline uint8_t *make_bzimage(bool relocatable, uint64_t *size)
{
    uint64_t pm_off = (BZGEN_SETUP_SECTS + 1) * 512;
    uint8_t *b;

    *size = pm_off + BZGEN_PM_SIZE;
    b = calloc(1, *size);
    b[0x1F1] = BZGEN_SETUP_SECTS;
    bzgen_put(b + 0x1FE, 0xAA55, 2);
    b[0x200] = 0xEB;
    b[0x201] = 0x6A; /* header ends at 0x26C */
    memcpy(b + 0x202, "HdrS", 4);
    bzgen_put(b + 0x206, 0x020F, 2);
    b[0x211] = 0x01;                     /* LOADED_HIGH */
    bzgen_put(b + 0x22C, 0x7FFFFFFF, 4); /* initrd_addr_max */
    bzgen_put(b + 0x230, 0x200000, 4);   /* kernel_alignment */
    b[0x234] = relocatable;
    b[0x235] = 21;
    bzgen_put(b + 0x236, 0x7F, 2);   /* xloadflags: KERNEL_64 ... */
    bzgen_put(b + 0x238, 2047, 4);   /* cmdline_size */
    bzgen_put(b + 0x248, 0x300, 4);  /* payload_offset */
    bzgen_put(b + 0x24C, 0x8000, 4); /* payload_length */
    bzgen_put(b + 0x258, BZGEN_PREF_ADDRESS, 8);
    bzgen_put(b + 0x260, BZGEN_INIT_SIZE, 4);
    for (uint64_t i = pm_off; i < *size; i++)
        b[i] = (uint8_t)(i * 31 + 7);
    return b;
}

#endif
