/* SPDX-License-Identifier: MIT */
/*
 * From the launch tree to running domains: the tree is validated into the
 * boot plan, every domain is built (all of them, before any starts), then
 * they start in the plan's order and every CPU enters its scheduler.
 */
#ifndef HV_DOMAINS_H
#define HV_DOMAINS_H

#include <hv/power.h>
#include <hv/types.h>

struct domain;
struct tessera_bootinfo;

/*
 * Never returns once domains run (the machine ends when the last one is
 * gone). Returns the status to power off with when no domain can run: an
 * invalid tree, a domain that cannot be built, or no virtualisation support.
 */
enum hv_exit_status domains_build_and_start(const struct tessera_bootinfo *bi);

/*
 * The xen,shm-id of the static shared memory region domain d maps at
 * guest-physical gpa, and in *writable whether d may write it; NULL if none.
 */
const char *domains_shm_at(const struct domain *d, gpaddr_t gpa, bool *writable);

#endif
