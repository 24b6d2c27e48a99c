/* SPDX-License-Identifier: MIT */
/* Zeroing memory by checking it first (hv/common/ram_zero.c). */
#ifndef HV_RAM_ZERO_H
#define HV_RAM_ZERO_H

#include <hv/types.h>

/*
 * Zeroes [p, p + len), reading each 64-byte block first and writing only the
 * blocks that are not zero already: the result is the same as memset's, every
 * byte checked, but memory that is zero is never written. Under an emulator a
 * page's first write costs the host a page fault and a page of zeroing, its
 * first read nothing (the host's shared zero page); on silicon a block read
 * and then written costs about what a store's read-for-ownership costs.
 */
void ram_zero(void *p, size_t len);

#endif
