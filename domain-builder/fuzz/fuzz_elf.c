// SPDX-License-Identifier: MIT
/* libFuzzer: ELF32/ELF64 kernels, Xen notes, __xen_guest, PVH and PV layouts. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct db_elf elf;
    struct db_xen_notes notes;
    struct db_diag diag;
    uint8_t *copy = malloc(size ? size : 1);

    if (copy) {
        memcpy(copy, data, size);
        if (db_elf_parse(copy, size, &elf, &diag) == 0)
            db_xen_notes_parse(&elf, &notes, &diag);
        free(copy);
    }
    fuzz_build(data, size);
    return 0;
}
