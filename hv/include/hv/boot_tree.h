/* SPDX-License-Identifier: MIT */
/*
 * The little the hypervisor core reads from the launch tree before the
 * hyperlaunch parser runs: its own bootargs, and module ranges and counts
 * for the boot report (the page allocator takes module ranges from the boot
 * information). Every function tolerates a malformed tree.
 */
#ifndef HV_BOOT_TREE_H
#define HV_BOOT_TREE_H

#include <hv/types.h>

#define BOOT_TREE_MODULE_COMPAT "multiboot,module"
#define BOOT_TREE_DOMAIN_COMPAT "xen,domain"
#define BOOT_TREE_CONFIG_COMPAT "xen,config"

/* bootargs of /chosen/hypervisor's "xen,config" child; NULL if none. */
const char *boot_tree_config_bootargs(const void *fdt);

/* First range of a module node's reg (parent's #address-cells/#size-cells). */
bool boot_tree_module_reg(const void *fdt, int node, uint64_t *base, uint64_t *size);

/* Nodes compatible with compat anywhere below /chosen. */
unsigned int boot_tree_count_in_chosen(const void *fdt, const char *compat);

#endif
