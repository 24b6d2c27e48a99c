/* SPDX-License-Identifier: MIT */
/* xen_version, from Xen's xen/include/public/version.h. */
#ifndef TESSERA_PUBLIC_VERSION_H
#define TESSERA_PUBLIC_VERSION_H

#include <stdint.h>

#define XENVER_version             0 /* returns major << 16 | minor */
#define XENVER_extraversion        1 /* char[XEN_EXTRAVERSION_LEN] */
#define XENVER_compile_info        2
#define XENVER_capabilities        3 /* char[XEN_CAPABILITIES_INFO_LEN] */
#define XENVER_changeset           4 /* char[XEN_CHANGESET_INFO_LEN] */
#define XENVER_platform_parameters 5
#define XENVER_get_features        6 /* struct xen_feature_info */
#define XENVER_pagesize            7
#define XENVER_guest_handle        8 /* uint8_t[16] */
#define XENVER_commandline         9
#define XENVER_build_id            10

#define XEN_EXTRAVERSION_LEN      16
#define XEN_CAPABILITIES_INFO_LEN 1024
#define XEN_CHANGESET_INFO_LEN    64

struct xen_compile_info {
    char compiler[64];
    char compile_by[16];
    char compile_domain[32];
    char compile_date[32];
};

/*
 * XENVER_platform_parameters' virt_start: HYPERVISOR_VIRT_START of Xen's
 * x86_64 ABI for 64-bit callers, the PAE value of its x86_32 ABI for 32-bit ones.
 */
#define XEN_VIRT_START        0xFFFF800000000000ull
#define XEN_COMPAT_VIRT_START 0xF5800000u

struct xen_feature_info {
    uint32_t submap_idx; /* IN: which 32-bit submap */
    uint32_t submap;     /* OUT */
};

#endif
