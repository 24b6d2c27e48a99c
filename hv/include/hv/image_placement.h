/* SPDX-License-Identifier: MIT */
/*
 * Placing a domain's images (kernel segments, modules) into its RAM, timed
 * (hv/common/image_placement.c): copies in host-contiguous runs on every
 * CPU at boot, a ramdisk's own pages mapped instead where it may be
 * (docs/performance.md, "Image placement"), and the rates beside the
 * hypervisor's own memcpy rate (`bench-memcpy`).
 */
#ifndef HV_IMAGE_PLACEMENT_H
#define HV_IMAGE_PLACEMENT_H

#include <hv/types.h>

struct domain;

/* Starts a domain's placement figures; all_cpus at boot (the other CPUs are idle). */
void image_placement_begin(bool all_cpus);
/*
 * db_guest_mem.copy for domain ctx: len bytes of src to gpa. 0, or -1 if
 * part of the range is not the domain's RAM (nothing copied).
 */
int image_placement_copy(void *ctx, uint64_t gpa, const void *src, uint64_t len);
/* The module at host pa (size bytes, pages the loader placed) mapped at gpa; p2m_map_boot_ram()'s result. */
int image_placement_map(struct domain *d, gpaddr_t gpa, paddr_t pa, uint64_t size);
/* "tessera: domain NAME (id N): images placed: ..." when anything was placed. */
void image_placement_report(const struct domain *d);
/*
 * With `bench-memcpy` on the command line: times a 32 MiB memcpy() on this
 * CPU from a written block into blocks never written (the next frames above
 * the domains' RAM, as a placement's destination is), then into a written
 * one, and prints both rates: the reference for the placement rates. Once
 * every domain is built (so it takes none of their frames), boot only.
 */
void image_placement_bench_memcpy(void);

#endif
