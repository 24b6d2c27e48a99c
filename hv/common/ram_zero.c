// SPDX-License-Identifier: MIT
/* Zeroing memory by checking it first (hv/ram_zero.h). */
#include <string.h>
#include <hv/ram_zero.h>

#define BLOCK 64 /* a cache line */

void ram_zero(void *p, size_t len)
{
    uint8_t *at = p, *end = at + len;
    uint8_t *first = (uint8_t *)ALIGN_UP((uintptr_t)at, BLOCK);
    uint8_t *last = (uint8_t *)ALIGN_DOWN((uintptr_t)end, BLOCK);

    if (first >= last) {
        memset(at, 0, len);
        return;
    }
    memset(at, 0, (size_t)(first - at));
    for (uint64_t *w = (uint64_t *)first; w < (uint64_t *)last; w += BLOCK / 8)
        if (w[0] | w[1] | w[2] | w[3] | w[4] | w[5] | w[6] | w[7])
            w[0] = w[1] = w[2] = w[3] = w[4] = w[5] = w[6] = w[7] = 0;
    memset(last, 0, (size_t)(end - last));
}
