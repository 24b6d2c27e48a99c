/* SPDX-License-Identifier: MIT */
/*
 * Linux bzImage (x86 boot protocol 2.12+ with the 64-bit entry): the setup
 * header, validated against the file size.
 */
#ifndef DOMAIN_BUILDER_BZIMAGE_H
#define DOMAIN_BUILDER_BZIMAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "diag.h"

#define DB_BZ_MIN_VERSION 0x020C

struct db_bzimage {
    const uint8_t *data;
    uint64_t size;
    uint16_t version;
    uint8_t setup_sects; /* 0 already replaced by 4 */
    uint8_t loadflags;
    uint16_t xloadflags;
    bool relocatable;
    uint32_t kernel_alignment;
    uint64_t pref_address;
    uint32_t init_size;
    uint32_t initrd_addr_max;
    uint32_t cmdline_size;                   /* longest command line, without the NUL */
    uint32_t payload_offset, payload_length; /* within the protected-mode part */
    uint64_t hdr_end;                        /* setup header bytes are [0x1F1, hdr_end) */
    uint64_t pm_offset;                      /* protected-mode kernel in the file */
    uint64_t pm_size;
};

bool db_bzimage_probe(const uint8_t *data, uint64_t size);
int db_bzimage_parse(const uint8_t *data, uint64_t size, struct db_bzimage *bz,
                     struct db_diag *diag);

#endif
