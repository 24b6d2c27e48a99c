/* SPDX-License-Identifier: MIT */
#ifndef UNITTESTS_DOMAIN_BUILDER_PVH_VERIFY_H
#define UNITTESTS_DOMAIN_BUILDER_PVH_VERIFY_H

#include <stdint.h>

#include <domain-builder/builder.h>

#include "helpers.h"

/*
 * Decodes a PVH domain built from ELF `kernel` from guest memory alone: the
 * 32-bit register state (RIP = entry), the GDT, hvm_start_info v1 at EBX
 * below 1 GiB, its memory map (well formed, RAM = mem), the loaded segments
 * and the command line. Returns the start_info address.
 */
uint64_t verify_pvh(const struct th_guest *g, const uint8_t *kernel, uint64_t entry,
                    const struct db_vcpu_state *v, uint64_t mem, const char *cmdline);

#endif
