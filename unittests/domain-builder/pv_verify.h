/* SPDX-License-Identifier: MIT */
#ifndef UNITTESTS_DOMAIN_BUILDER_PV_VERIFY_H
#define UNITTESTS_DOMAIN_BUILDER_PV_VERIFY_H

#include <stdint.h>

#include <domain-builder/builder.h>

#include "helpers.h"

/* How the test maps machine frames back to guest frames (NULL: MFN = GFN). */
struct pv_frames {
    uint64_t (*mfn_to_gfn)(uint64_t mfn);
    uint64_t (*gfn_to_mfn)(uint64_t gfn);
};

/*
 * Decodes an x86-64 PV domain built from ELF `kernel` by walking its initial
 * page tables from CR3: registers, start_info at RSI, page tables read-only,
 * P2M list, initrd, kernel segments, hypercall page stubs, the linear
 * mapping from VIRT_BASE and its 512 KiB / 4 MiB slack.
 */
void verify_pv(const struct th_guest *g, const uint8_t *kernel, const struct db_vcpu_state *v,
               uint64_t mem, const char *cmdline, const uint8_t *initrd, uint64_t initrd_size,
               const struct pv_frames *frames);

#endif
