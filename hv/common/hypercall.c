// SPDX-License-Identifier: MIT
/*
 * Hypercall dispatch: a table by number; anything not in it is -ENOSYS.
 * Every handler validates its arguments before it acts, and reads or writes
 * guest memory only through guest_access.h.
 */
#include <string.h>
#include <public/sched.h>
#include <public/version.h>
#include <public/xen.h>
#include <public/features.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/sched.h>

#define CONSOLE_IO_CHUNK 256
/* One console_io write runs with interrupts off: bound it (Linux writes far less). */
#define CONSOLE_IO_MAX   KiB(16)

typedef int64_t (*hypercall_fn)(struct vcpu *v, const uint64_t *args);

static int64_t do_xen_version(struct vcpu *v, const uint64_t *args)
{
    static const char extraversion[XEN_EXTRAVERSION_LEN] = ".0-tessera";
    static const char capabilities[] = "hvm-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p";
    uint64_t buf = args[1];

    switch (args[0]) {
    case XENVER_version:
        return (4 << 16) | 14;
    case XENVER_extraversion:
        return copy_to_guest(v, buf, extraversion, sizeof(extraversion)) ? -XEN_EFAULT : 0;
    case XENVER_capabilities: {
        static char caps[XEN_CAPABILITIES_INFO_LEN];

        memcpy(caps, capabilities, sizeof(capabilities));
        return copy_to_guest(v, buf, caps, sizeof(caps)) ? -XEN_EFAULT : 0;
    }
    case XENVER_changeset: {
        static const char changeset[XEN_CHANGESET_INFO_LEN] = "tessera";

        return copy_to_guest(v, buf, changeset, sizeof(changeset)) ? -XEN_EFAULT : 0;
    }
    case XENVER_get_features: {
        struct xen_feature_info fi;

        if (copy_from_guest(v, &fi, buf, sizeof(fi)))
            return -XEN_EFAULT;
        /* HVM guests with nested paging: page tables are theirs, physmap translated. */
        fi.submap = fi.submap_idx == 0 ? (1u << XENFEAT_writable_page_tables) |
                                         (1u << XENFEAT_writable_descriptor_tables) |
                                         (1u << XENFEAT_auto_translated_physmap)
                                       : 0;
        return copy_to_guest(v, buf, &fi, sizeof(fi)) ? -XEN_EFAULT : 0;
    }
    case XENVER_pagesize:
        return PAGE_SIZE;
    case XENVER_guest_handle: {
        static const uint8_t handle[16];

        return copy_to_guest(v, buf, handle, sizeof(handle)) ? -XEN_EFAULT : 0;
    }
    default:
        return -XEN_ENOSYS;
    }
}

static int64_t do_console_io(struct vcpu *v, const uint64_t *args)
{
    uint64_t count = args[1], buf = args[2], done;
    char chunk[CONSOLE_IO_CHUNK];

    if (args[0] != CONSOLEIO_write)
        return -XEN_ENOSYS;     /* no serial input reaches domains yet */
    if (count > CONSOLE_IO_MAX)
        return -XEN_EINVAL;
    for (done = 0; done < count; done += sizeof(chunk)) {
        size_t n = (size_t)MIN((uint64_t)sizeof(chunk), count - done);

        if (copy_from_guest(v, chunk, buf + done, n))
            return -XEN_EFAULT;
        dom_console_write(&v->domain->console, chunk, n);
    }
    return 0;
}

static int64_t do_sched_op(struct vcpu *v, const uint64_t *args)
{
    struct sched_shutdown sd;

    switch (args[0]) {
    case SCHEDOP_yield:
        sched_yield(v);
        return 0;
    case SCHEDOP_block:
        sched_block(v);
        return 0;
    case SCHEDOP_shutdown:
        if (copy_from_guest(v, &sd, args[1], sizeof(sd)))
            return -XEN_EFAULT;
        switch (sd.reason) {
        case SHUTDOWN_poweroff:
        case SHUTDOWN_reboot:
        case SHUTDOWN_crash:
        case SHUTDOWN_watchdog:
            domain_shutdown(v->domain, (int)sd.reason);
            return 0;
        default:
            return -XEN_EINVAL;     /* suspend needs a toolstack to resume it */
        }
    default:
        return -XEN_ENOSYS;
    }
}

static const hypercall_fn hypercalls[] = {
    [__HYPERVISOR_xen_version] = do_xen_version,
    [__HYPERVISOR_console_io] = do_console_io,
    [__HYPERVISOR_sched_op] = do_sched_op,
};

int64_t hypercall_dispatch(struct vcpu *v, uint64_t nr, const uint64_t args[HYPERCALL_NR_ARGS])
{
    if (nr >= ARRAY_SIZE(hypercalls) || !hypercalls[nr])
        return -XEN_ENOSYS;
    return hypercalls[nr](v, args);
}
