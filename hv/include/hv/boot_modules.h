/* SPDX-License-Identifier: MIT */
/*
 * The modules the loader placed, as the boot information lists them: the
 * only memory the hypervisor takes module bytes from (a tree's reg may point
 * anywhere: at the hypervisor, at memory that is not RAM).
 */
#ifndef HV_BOOT_MODULES_H
#define HV_BOOT_MODULES_H

#include <boot/bootinfo.h>
#include <hv/types.h>

/* Whether [base, base + size) lies inside one module the loader placed (bi in the direct map). */
bool boot_module_placed(const struct tessera_bootinfo *bi, uint64_t base, uint64_t size);

#endif
