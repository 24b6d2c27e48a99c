/*
 * Seeds for fuzz-x86-emulate: each handled instruction form in each mode, with
 * registers pointing into the fuzzer's memory, so fuzzing starts from inputs
 * that execute rather than fault. Usage: fuzz_emulate_seeds DIR
 */
#include <stdio.h>
#include <string.h>

#include "fuzz_emulate.h"

static const struct {
    unsigned int len;
    uint8_t bytes[16];
} forms[] = {
    { 2, { 0x89, 0x03 } },
    { 2, { 0x8b, 0x03 } },
    { 2, { 0x88, 0x23 } },
    { 3, { 0x66, 0x8b, 0x03 } },
    { 3, { 0x48, 0x89, 0x03 } },
    { 3, { 0xc6, 0x03, 0x5a } },
    { 6, { 0xc7, 0x03, 1, 2, 3, 4 } },
    { 6, { 0x8b, 0x05, 0x00, 0x10, 0x00, 0x00 } },
    { 4, { 0x89, 0x54, 0x8b, 0x10 } },
    { 5, { 0xa1, 0x00, 0x20, 0x00, 0x00 } },
    { 3, { 0xa3, 0x00, 0x20 } },
    { 3, { 0x0f, 0xb6, 0x03 } },
    { 3, { 0x0f, 0xbf, 0x03 } },
    { 3, { 0x48, 0x63, 0x03 } },
    { 1, { 0xab } },
    { 2, { 0xf3, 0xaa } },
    { 2, { 0xf3, 0xa5 } },
    { 3, { 0x64, 0xa4 } },
    { 2, { 0x01, 0x03 } },
    { 2, { 0x2b, 0x03 } },
    { 3, { 0x80, 0x3b, 0x10 } },
    { 6, { 0x81, 0x23, 0, 0xff, 0xff, 0xff } },
    { 3, { 0x83, 0x33, 0xff } },
    { 2, { 0x85, 0x03 } },
    { 3, { 0xf6, 0x03, 1 } },
    { 3, { 0xf0, 0x09, 0x03 } },
    { 2, { 0x87, 0x03 } },
    { 3, { 0x0f, 0xa3, 0x03 } },
    { 3, { 0x0f, 0xab, 0x03 } },
    { 4, { 0x0f, 0xba, 0x33, 0x05 } },
    { 5, { 0xf0, 0x0f, 0xba, 0x3b, 0x07 } },
    { 4, { 0x8b, 0x43, 0x10, 0x00 } },
    { 4, { 0x26, 0x67, 0x89, 0x07 } },
};

int main(int argc, char **argv)
{
    /* real, 16-bit protected, 32-bit protected, compatibility, 64-bit */
    static const uint8_t modes[] = { 0, 1, 1, 3, 3 };
    static const uint16_t cs_attr[] = { 0x9b, 0x9b, 0xc9b, 0xc9b, 0x29b };
    static const uint16_t data_attr[] = { 0x93, 0x93, 0xc93, 0xc93, 0x93 };
    static const uint32_t limit[] = { 0xffff, 0xffff, 0xffffffff, 0xffffffff, 0xffffffff };

    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    for (unsigned int m = 0; m < sizeof(modes); m++) {
        for (unsigned int f = 0; f < sizeof(forms) / sizeof(forms[0]); f++) {
            struct fuzz_header h = { .mode = modes[m],
                                     .flags = f % 3 ? 0 : FUZZ_FLAG_DF,
                                     .rip = 0x1000 };
            char path[4096];

            for (int s = 0; s < 6; s++) {
                h.seg_attr[s] = s == X86_SEG_CS ? cs_attr[m] : data_attr[m];
                h.seg_limit[s] = limit[m];
            }
            for (int r = 0; r < 16; r++)
                h.gpr[r] = 0x2000 + 0x100 * (uint64_t)r;
            h.gpr[X86_RCX] = 3;
            snprintf(path, sizeof(path), "%s/mode%u-form%02u", argv[1], m, f);
            FILE *out = fopen(path, "wb");
            if (!out || fwrite(&h, sizeof(h), 1, out) != 1 ||
                fwrite(forms[f].bytes, forms[f].len, 1, out) != 1 || fclose(out) != 0) {
                perror(path);
                return 1;
            }
        }
    }
    return 0;
}
