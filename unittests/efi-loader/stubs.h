/* SPDX-License-Identifier: MIT */
/* Host stand-ins for the loader's console, page allocator and hypervisor placement. */
#ifndef UNITTESTS_EFI_LOADER_STUBS_H
#define UNITTESTS_EFI_LOADER_STUBS_H

extern char stub_last_error[512];
extern char stub_last_info[512];

void stubs_reset(void);

#endif
