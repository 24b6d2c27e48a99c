/* The emulator fuzzer's input layout, shared with its seed generator. */
#ifndef UNITTESTS_HVM_EMULATE_FUZZ_EMULATE_H
#define UNITTESTS_HVM_EMULATE_FUZZ_EMULATE_H

#include <stdint.h>

#include "x86_emulate.h"

/* mode: bit 0 CR0.PE, bit 1 EFER.LMA (with PE), bit 2 RIP's upper bits all ones. */
#define FUZZ_MODE_PE  0x1
#define FUZZ_MODE_LMA 0x2
/* flags: bits 0-3 the faulting page (with bit 7), 4 DF, 5 VM, 6 arithmetic flags set. */
#define FUZZ_FLAG_DF 0x10

/* Followed by up to 16 instruction bytes. */
struct fuzz_header {
    uint8_t mode;
    uint8_t flags;
    uint16_t rip;
    uint16_t seg_base[6]; /* scaled by 16, as real mode would */
    uint32_t seg_limit[6];
    uint16_t seg_attr[6];
    uint64_t gpr[16];
} __attribute__((packed));

#endif
