/* SPDX-License-Identifier: MIT */
/*
 * The shared info page and per-vCPU info (x86-64), from Xen's
 * xen/include/public/xen.h and arch-x86/xen.h: what an HVM/PVH guest maps
 * with XENMEM_add_to_physmap(XENMAPSPACE_shared_info) and reads its event
 * channels and system time from.
 */
#ifndef TESSERA_PUBLIC_ARCH_X86_SHARED_INFO_H
#define TESSERA_PUBLIC_ARCH_X86_SHARED_INFO_H

#include <stdint.h>

#define XEN_LEGACY_MAX_VCPUS 32

struct vcpu_time_info {
    uint32_t version; /* odd while the hypervisor updates it */
    uint32_t pad0;
    uint64_t tsc_timestamp;     /* guest TSC at system_time */
    uint64_t system_time;       /* ns since the hypervisor's clock started */
    uint32_t tsc_to_system_mul; /* ns = ((tsc delta << shift) * mul) >> 32 */
    int8_t tsc_shift;
    uint8_t flags; /* XEN_PVCLOCK_* */
    uint8_t pad1[2];
};

#define XEN_PVCLOCK_TSC_STABLE_BIT (1u << 0)

struct arch_vcpu_info {
    uint64_t cr2;
    uint64_t pad;
};

struct vcpu_info {
    uint8_t evtchn_upcall_pending;
    uint8_t evtchn_upcall_mask;
    uint8_t pad0[6];
    uint64_t evtchn_pending_sel; /* one bit per word of evtchn_pending */
    struct arch_vcpu_info arch;
    struct vcpu_time_info time;
};

struct shared_info {
    struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
    uint64_t evtchn_pending[64];
    uint64_t evtchn_mask[64];
    uint32_t wc_version;
    uint32_t wc_sec;
    uint32_t wc_nsec;
    uint32_t wc_sec_hi;
};

_Static_assert(sizeof(struct vcpu_info) == 64, "vcpu_info is 64 bytes");
_Static_assert(__builtin_offsetof(struct shared_info, evtchn_pending) == 0x800, "pending");
_Static_assert(__builtin_offsetof(struct shared_info, evtchn_mask) == 0xA00, "mask");
_Static_assert(__builtin_offsetof(struct shared_info, wc_version) == 0xC00, "wallclock");

#endif
