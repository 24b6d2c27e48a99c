// SPDX-License-Identifier: MIT
/* Writes the synthetic seed images (bzImage, legacy __xen_guest ELF) to a directory. */
#include <stdio.h>
#include <stdlib.h>

#include "bzimage_gen.h"
#include "elf_gen.h"

static int save(const char *dir, const char *name, const uint8_t *b, uint64_t size)
{
    char path[4096];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "wb");
    if (!f || fwrite(b, 1, size, f) != size) {
        perror(path);
        return 1;
    }
    return fclose(f) != 0;
}

int main(int argc, char **argv)
{
    uint64_t size;
    uint8_t *b;
    int rc = 0;

    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    b = make_bzimage(true, &size);
    rc |= save(argv[1], "bzimage-reloc", b, size);
    free(b);
    b = make_bzimage(false, &size);
    rc |= save(argv[1], "bzimage-fixed", b, size);
    free(b);
    b = make_legacy_pv_elf(ELFGEN_LEGACY_STRING, &size);
    rc |= save(argv[1], "legacy-pv.elf", b, size);
    free(b);
    return rc;
}
