// SPDX-License-Identifier: MIT
/* Address -> function name, for crash reports (hv/symbols.h). */
#include <hv/symbols.h>

extern const char __text_end[];

const char *symbol_lookup(uint64_t addr, uint64_t *offset)
{
    unsigned int lo = 0, hi = hv_nr_symbols;

    if (hv_nr_symbols == 0 || addr < hv_symbols[0].addr || addr >= (uint64_t)__text_end)
        return NULL;
    /* The last symbol at or below addr. */
    while (hi - lo > 1) {
        unsigned int mid = lo + (hi - lo) / 2;

        if (hv_symbols[mid].addr <= addr)
            lo = mid;
        else
            hi = mid;
    }
    *offset = addr - hv_symbols[lo].addr;
    return hv_symbols[lo].name;
}
