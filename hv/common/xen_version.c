// SPDX-License-Identifier: MIT
/*
 * xen_version, answered as Xen 4.14 answers an unprivileged HVM/PVH domU
 * (xen/common/kernel.c with XSM's default policy): every domain here is
 * unprivileged, so the privileged subcommands (commandline, build_id) give
 * Xen's denial, and the feature map is the one Xen gives an HVM guest
 * without passthrough (no XENFEAT_hvm_pirqs, no XENFEAT_dom0).
 */
#include <string.h>
#include <public/errno.h>
#include <public/features.h>
#include <public/version.h>
#include <hv/compat_xlat.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>

/* What Xen puts in a string a guest may not read (xen_deny()). */
static const char denied[] = "<denied>";

/* Submap 0 for HVM/PVH guests: translated physmap, vector callback, safe pvclock. */
uint32_t xen_version_features(uint32_t submap_idx, bool *valid)
{
    *valid = submap_idx == 0;
    if (!*valid)
        return 0;
    return (1u << XENFEAT_writable_page_tables) | (1u << XENFEAT_auto_translated_physmap) |
           (1u << XENFEAT_memory_op_vnode_supported) | (1u << XENFEAT_hvm_safe_pvclock) |
           (1u << XENFEAT_hvm_callback_vector);
}

static int64_t copy_out(struct vcpu *v, uint64_t buf, const void *src, size_t len)
{
    return copy_to_guest(v, mk_gvaddr(buf), src, len) ? -XEN_EFAULT : 0;
}

int64_t do_xen_version(struct vcpu *v, const uint64_t *args)
{
    static const char extraversion[XEN_EXTRAVERSION_LEN] = ".0-tessera";
    /* The whole xen_capabilities_info_t, zero-padded; read-only, shared by every CPU. */
    static const char capabilities[XEN_CAPABILITIES_INFO_LEN] =
        "hvm-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p";
    static const char changeset[XEN_CHANGESET_INFO_LEN] = "tessera";
    static const struct xen_compile_info compile_info = {
        .compiler = "tessera",
        .compile_by = "tessera",
        .compile_domain = "tessera",
        .compile_date = "tessera",
    };
    /* The domain's UUID: domains here have none, as a toolstack that sets none. */
    static const uint8_t handle[16];
    uint64_t buf = args[1];

    switch (args[0]) {
    case XENVER_version: return (4 << 16) | 14;
    case XENVER_extraversion: return copy_out(v, buf, extraversion, sizeof(extraversion));
    case XENVER_compile_info: return copy_out(v, buf, &compile_info, sizeof(compile_info));
    case XENVER_capabilities: return copy_out(v, buf, capabilities, sizeof(capabilities));
    case XENVER_changeset: return copy_out(v, buf, changeset, sizeof(changeset));
    case XENVER_platform_parameters: {
        /* xen_ulong_t virt_start: Xen's hole in a PV guest's address space. */
        uint64_t virt_start = hypercall_compat(v) ? XEN_COMPAT_VIRT_START : XEN_VIRT_START;

        return copy_out(v, buf, &virt_start, hypercall_compat(v) ? 4 : 8);
    }
    case XENVER_get_features: {
        struct xen_feature_info fi;
        bool valid;

        if (copy_from_guest(v, &fi, mk_gvaddr(buf), sizeof(fi)))
            return -XEN_EFAULT;
        fi.submap = xen_version_features(fi.submap_idx, &valid);
        if (!valid)
            return -XEN_EINVAL;
        return copy_out(v, buf, &fi, sizeof(fi));
    }
    case XENVER_pagesize: return buf ? -XEN_EINVAL : (int64_t)PAGE_SIZE;
    case XENVER_guest_handle: return copy_out(v, buf, handle, sizeof(handle));
    case XENVER_commandline: return copy_out(v, buf, denied, sizeof(denied));
    case XENVER_build_id: return -XEN_EPERM;
    default: return -XEN_ENOSYS;
    }
}
