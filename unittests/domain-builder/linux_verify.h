/* SPDX-License-Identifier: MIT */
#ifndef UNITTESTS_DOMAIN_BUILDER_LINUX_VERIFY_H
#define UNITTESTS_DOMAIN_BUILDER_LINUX_VERIFY_H

#include <stdint.h>

#include <domain-builder/builder.h>

#include "helpers.h"

/*
 * Decodes a domain built from bzImage `image` (Linux 64-bit boot protocol)
 * from guest memory alone and checks it field by field. Returns the kernel's
 * load address.
 */
uint64_t verify_linux(const struct th_guest *g, const uint8_t *image, uint64_t image_size,
                      const struct db_vcpu_state *v, uint64_t mem, const char *cmdline,
                      const uint8_t *initrd, uint64_t initrd_size);

/* Builds spec into a fresh guest; fails the test with the builder's message. */
void build_domain(const struct db_domain_spec *spec, struct th_guest *g, struct db_layout *l,
                  struct db_vcpu_state *v);

#endif
