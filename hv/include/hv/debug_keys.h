/* SPDX-License-Identifier: MIT */
/*
 * Debug keys: serial input while the hypervisor owns it (Ctrl-A three times
 * cycles the input through the domains to the hypervisor) runs a command
 * per key, as Xen's do ('h' lists them). See docs/boot-report.md.
 */
#ifndef HV_DEBUG_KEYS_H
#define HV_DEBUG_KEYS_H

/* In interrupt context (the console's input poll), with its input lock and the registry lock held. */
void debug_key(char ch);

#endif
