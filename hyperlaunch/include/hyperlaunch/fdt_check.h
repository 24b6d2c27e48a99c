/* SPDX-License-Identifier: MIT */
/*
 * A bounded structure check of a flattened device tree, for every reader of
 * a launch tree (the tool, the UEFI loader, the hypervisor) before libfdt is
 * given the blob. libfdt 1.6.1's fdt_check_full() loops forever on some
 * malformed blobs; this check ends on any input (docs/security.md).
 *
 * Freestanding: no allocation, only snprintf for the message.
 */
#ifndef HYPERLAUNCH_FDT_CHECK_H
#define HYPERLAUNCH_FDT_CHECK_H

#include <stddef.h>

/* Nodes nested deeper than this are refused (a launch tree needs 5). */
#define HL_FDT_MAX_DEPTH 64
/* Longer property names are refused (the device tree specification allows 31). */
#define HL_FDT_MAX_NAME 255

/*
 * 0 if the size bytes at blob hold a sound tree of format version 16 or
 * later: a header whose blocks lie inside totalsize (<= size), aligned and
 * apart; a memory reservation map that ends inside the blob; a structure
 * block of well-formed tokens (names terminated, property values inside the
 * block, property names of 1 to HL_FDT_MAX_NAME characters inside the
 * strings block, nodes balanced and nested at most HL_FDT_MAX_DEPTH deep,
 * one root node named "", then FDT_END). Otherwise -1
 * and why, one line naming what is wrong and its offset, in why[why_size].
 * Reads only the blob: each byte of the structure block once, at most
 * HL_FDT_MAX_NAME + 1 bytes of the strings block per property.
 */
int hl_fdt_check(const void *blob, size_t size, char *why, size_t why_size);

#endif
