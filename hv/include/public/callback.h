/* SPDX-License-Identifier: MIT */
/*
 * HYPERVISOR_callback_op (and set_callbacks' types), from Xen's
 * xen/include/public/callback.h: the entry points a PV kernel registers for
 * events, failed segment reloads, system calls and NMIs.
 */
#ifndef TESSERA_PUBLIC_CALLBACK_H
#define TESSERA_PUBLIC_CALLBACK_H

#include <stdint.h>

#define CALLBACKTYPE_event               0
#define CALLBACKTYPE_failsafe            1
#define CALLBACKTYPE_syscall             2 /* x86-64 */
#define CALLBACKTYPE_sysenter_deprecated 3
#define CALLBACKTYPE_nmi                 4
#define CALLBACKTYPE_sysenter            5 /* 32-bit user space */
#define CALLBACKTYPE_syscall32           7 /* 32-bit user space */

/* Events masked on entry (ignored for the event and NMI callbacks, which always mask). */
#define CALLBACKF_mask_events (1u << 0)

#define CALLBACKOP_register   0
#define CALLBACKOP_unregister 1

struct callback_register {
    uint16_t type;
    uint16_t flags;
    uint32_t pad;
    uint64_t address;
};

struct callback_unregister {
    uint16_t type;
    uint16_t pad;
};

#endif
