/* SPDX-License-Identifier: MIT */
/* A domain's RAM as memory_op changes it (memory.c). */
#ifndef HV_MEMORY_H
#define HV_MEMORY_H

struct domain;

/*
 * For a restart, before p2m_reset() and while the domain's memory map is
 * still the last build's: the pages the guest gave back are mapped again
 * into the holes of its RAM ranges, so the rebuild finds all its RAM.
 */
void memory_domain_reset(struct domain *d);

#endif
