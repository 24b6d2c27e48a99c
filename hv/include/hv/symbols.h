/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's own function symbols, for crash reports. The table is
 * generated from a first link of the image (hv/symbols/gen-symbols.sh) and
 * linked into the second; the build checks both links agree on every address.
 */
#ifndef HV_SYMBOLS_H
#define HV_SYMBOLS_H

#include <hv/types.h>

struct hv_symbol {
    uint64_t addr;
    const char *name;
};

/* Sorted by address. */
extern const struct hv_symbol hv_symbols[];
extern const unsigned int hv_nr_symbols;

/* The function containing addr and the offset into it; NULL if none. */
const char *symbol_lookup(uint64_t addr, uint64_t *offset);

#endif
