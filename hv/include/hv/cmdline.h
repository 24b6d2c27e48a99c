/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor command line: space-separated "key" or "key=value" words.
 * Built at boot from the launch tree's /chosen/hypervisor/config bootargs
 * followed by the loader's options (so the loader's options win). See
 * docs/command-line.md for every option.
 */
#ifndef HV_CMDLINE_H
#define HV_CMDLINE_H

#include <hv/types.h>

void cmdline_init(const char *tree_bootargs, const char *loader_options);
const char *cmdline_full(void);

/* Value of the last "key=value"; NULL if absent. "key" alone gives "". */
const char *cmdline_get(const char *key);
bool cmdline_has(const char *key);
/* Integer option (decimal or 0x-hex); def if absent or malformed. */
uint64_t cmdline_get_u64(const char *key, uint64_t def);

#endif
