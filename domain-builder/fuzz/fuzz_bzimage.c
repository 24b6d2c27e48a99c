// SPDX-License-Identifier: MIT
/* libFuzzer: Linux bzImage setup headers and the boot-protocol layout. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct db_bzimage bz;
    struct db_diag diag;
    uint8_t *copy = malloc(size ? size : 1);

    if (copy) {
        memcpy(copy, data, size);
        db_bzimage_parse(copy, size, &bz, &diag);
        free(copy);
    }
    fuzz_build(data, size);
    return 0;
}
