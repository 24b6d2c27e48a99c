/* SPDX-License-Identifier: MIT */
/*
 * Layout of each CPU's 64 KiB block (order-4 allocation; the boot CPU's is
 * static, see percpu.c): every stack sits on top of an unmapped guard page so
 * an overflow faults instead of corrupting its neighbour, and struct percpu
 * takes the last two pages. Offsets from the block's base; stacks grow down
 * from their *_TOP.
 */
#ifndef ASM_STACK_H
#define ASM_STACK_H

#define PERCPU_BLOCK_ORDER   4
#define PERCPU_BLOCK_SIZE    0x10000
#define MAIN_STACK_GUARD     0x0000 /* 16 KiB main stack above it */
#define MAIN_STACK_TOP       0x5000
#define DF_STACK_GUARD       0x5000 /* 8 KiB #DF stack */
#define DF_STACK_TOP         0x8000
#define NMI_STACK_GUARD      0x8000 /* 8 KiB NMI stack */
#define NMI_STACK_TOP        0xB000
#define MC_STACK_GUARD       0xB000 /* 8 KiB #MC stack */
#define MC_STACK_TOP         0xE000
#define PERCPU_STRUCT_OFFSET 0xE000 /* struct percpu, up to 8 KiB */

#endif
