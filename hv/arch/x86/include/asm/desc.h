/* SPDX-License-Identifier: MIT */
/* Segment selectors, the per-CPU GDT and the 64-bit TSS. */
#ifndef ASM_DESC_H
#define ASM_DESC_H

#define HV_CS       0x08 /* 64-bit code, ring 0 */
#define HV_DS       0x10 /* data, ring 0 */
#define HV_TSS_SEL  0x18 /* 16-byte TSS descriptor: GDT slots 3 and 4 */
#define GDT_ENTRIES 5

/* IST slots (1-based, as in the IDT gate). */
#define IST_DOUBLE_FAULT  1
#define IST_NMI           2
#define IST_MACHINE_CHECK 3

#ifndef __ASSEMBLER__
#include <hv/types.h>

struct tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7]; /* ist[0] is IST slot 1 */
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __packed;

_Static_assert(sizeof(struct tss64) == 104, "TSS layout");
#endif

#endif
