// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for what the loader parses from files it does not trust:
 * the hypervisor's ELF headers and the load options. The first byte picks
 * the parser.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct loader ld;
    void *copy;

    if (size < 1 || size > (1u << 20))
        return 0;
    /* An exact-size heap copy, so reads past the end are caught. */
    copy = malloc(size - 1 ? size - 1 : 1);
    memcpy(copy, data + 1, size - 1);
    if (data[0] & 1) {
        elf_check(copy, size - 1);
    } else {
        memset(&ld, 0, sizeof(ld));
        options_parse(&ld, copy, (uint32_t)(size - 1), data[0] & 2);
    }
    free(copy);
    return 0;
}
