/* SPDX-License-Identifier: MIT */
/*
 * Clearing a new PV domain's RAM at boot on every online CPU
 * (hv/common/ram_clear.c), after p2m_populate_ram_uncleared() (any other
 * domain's is cleared lazily: p2m_populate_ram_lazy()), and copying its
 * images in the same way.
 */
#ifndef HV_RAM_CLEAR_H
#define HV_RAM_CLEAR_H

#include <hv/ram_zero.h>
#include <hv/types.h>

struct p2m;
struct frame_range; /* hv/p2m.h */

/*
 * Zeroes the host pages behind [gpa, gpa + size) of p2m (ram_zero()), which
 * must all be the domain's RAM, except the frames of keep[] (those the
 * domain builder fills whole: they are left as they are, for it to
 * overwrite): in 2 MiB pieces taken by this CPU and every other online one
 * from a shared counter. Returns when every piece is done. Boot only: the
 * other CPUs must be idle (they run the pieces from a cross-CPU call).
 */
void domain_ram_clear(struct p2m *p2m, gpaddr_t gpa, uint64_t size, const struct frame_range *keep,
                      unsigned int nr_keep);

/*
 * Copies size bytes from src (in the direct map) to [gpa, gpa + size) of
 * p2m (any alignment; every page the domain's RAM), in 2 MiB pieces of
 * host-contiguous runs: on every online CPU as domain_ram_clear() (boot
 * only) with all_cpus, else on this CPU alone (a restart, when the other
 * CPUs run domains). Both use this CPU alone for a single piece.
 */
void domain_ram_copy(struct p2m *p2m, gpaddr_t gpa, const void *src, uint64_t size, bool all_cpus);

#endif
