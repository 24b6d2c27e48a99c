// SPDX-License-Identifier: MIT
/*
 * Hypercall dispatch: a table by number; anything not in it is -ENOSYS.
 * Every handler validates its arguments before it acts, and reads or writes
 * guest memory only through guest_access.h.
 */
#include <string.h>
#include <public/errno.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <public/sched.h>
#include <public/xen.h>
#include <hv/domain.h>
#include <hv/evtchn.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/sched.h>
#include <hv/vcpu_info.h>

#define CONSOLE_IO_CHUNK 256
/* One console_io write runs with interrupts off: bound it (Linux writes far less). */
#define CONSOLE_IO_MAX KiB(16)

typedef int64_t (*hypercall_fn)(struct vcpu *v, const uint64_t *args);

/* Pending serial input, up to count bytes (at most one chunk); taken once copied. */
static int64_t console_io_read(struct vcpu *v, uint64_t count, uint64_t buf)
{
    struct dom_console *c = &v->domain->console;
    char chunk[CONSOLE_IO_CHUNK];
    size_t n = dom_console_input_peek(c, chunk, (size_t)MIN((uint64_t)sizeof(chunk), count));

    if (n && copy_to_guest(v, mk_gvaddr(buf), chunk, n))
        return -XEN_EFAULT;
    dom_console_input_consume(c, n);
    return (int64_t)n;
}

static int64_t do_console_io(struct vcpu *v, const uint64_t *args)
{
    uint64_t count = args[1], buf = args[2], done;
    char chunk[CONSOLE_IO_CHUNK];

    if (args[0] == CONSOLEIO_read)
        return console_io_read(v, count, buf);
    if (args[0] != CONSOLEIO_write)
        return -XEN_ENOSYS;
    if (count > CONSOLE_IO_MAX)
        return -XEN_EINVAL;
    for (done = 0; done < count; done += sizeof(chunk)) {
        size_t n = (size_t)MIN((uint64_t)sizeof(chunk), count - done);

        if (copy_from_guest(v, chunk, gvaddr_add(mk_gvaddr(buf), done), n))
            return -XEN_EFAULT;
        dom_console_write(&v->domain->console, chunk, n);
    }
    return 0;
}

static int64_t do_sched_op(struct vcpu *v, const uint64_t *args)
{
    struct sched_shutdown sd;

    switch (args[0]) {
    case SCHEDOP_yield: sched_yield(v); return 0;
    case SCHEDOP_block:
        sched_block(v);
        if (evtchn_upcall_pending(v))
            sched_unblock(v);
        return 0;
    case SCHEDOP_shutdown:
        if (copy_from_guest(v, &sd, mk_gvaddr(args[1]), sizeof(sd)))
            return -XEN_EFAULT;
        switch (sd.reason) {
        case SHUTDOWN_poweroff:
        case SHUTDOWN_reboot:
        case SHUTDOWN_crash:
        case SHUTDOWN_watchdog: domain_shutdown(v->domain, (int)sd.reason); return 0;
        default: return -XEN_EINVAL; /* suspend needs a toolstack to resume it */
        }
    case SCHEDOP_poll: return evtchn_poll(v, args[1]);
    default: return -XEN_ENOSYS;
    }
}

/*
 * HVM parameters. The PV console ring's page and port are the ones the
 * hypervisor serves (dom_console.h); there is no xenstore: its page and port
 * read as 0 ("none"), which Xen guests take as "not present". Only the
 * callback (upcall) can be set, in its vector form.
 */
static bool hvm_param_known(uint32_t index)
{
    switch (index) {
    case HVM_PARAM_CALLBACK_IRQ:
    case HVM_PARAM_STORE_PFN:
    case HVM_PARAM_STORE_EVTCHN:
    case HVM_PARAM_CONSOLE_PFN:
    case HVM_PARAM_CONSOLE_EVTCHN: return true;
    default: return false;
    }
}

static int64_t do_hvm_op(struct vcpu *v, const uint64_t *args)
{
    struct xen_hvm_param p;

    if (args[0] != HVMOP_get_param && args[0] != HVMOP_set_param)
        return -XEN_ENOSYS;
    if (copy_from_guest(v, &p, mk_gvaddr(args[1]), sizeof(p)))
        return -XEN_EFAULT;
    if (p.domid != DOMID_SELF && p.domid != v->domain->domid)
        return -XEN_EPERM;
    if (!hvm_param_known(p.index))
        return -XEN_EINVAL;
    if (args[0] == HVMOP_set_param)
        return p.index == HVM_PARAM_CALLBACK_IRQ ? evtchn_set_callback(v, p.value) : -XEN_EPERM;
    switch (p.index) {
    case HVM_PARAM_CALLBACK_IRQ: p.value = v->domain->events.callback_param; break;
    case HVM_PARAM_CONSOLE_PFN: p.value = v->domain->console.ring_gfn; break;
    case HVM_PARAM_CONSOLE_EVTCHN: p.value = v->domain->console.ring_port; break;
    default: p.value = 0;
    }
    return copy_to_guest(v, mk_gvaddr(args[1]), &p, sizeof(p)) ? -XEN_EFAULT : 0;
}

static const hypercall_fn hypercalls[] = {
    [__HYPERVISOR_memory_op] = do_memory_op,
    [__HYPERVISOR_multicall] = do_multicall,
    [__HYPERVISOR_xen_version] = do_xen_version,
    [__HYPERVISOR_console_io] = do_console_io,
    [__HYPERVISOR_vcpu_op] = do_vcpu_op,
    [__HYPERVISOR_sched_op] = do_sched_op,
    [__HYPERVISOR_event_channel_op] = do_event_channel_op,
    [__HYPERVISOR_hvm_op] = do_hvm_op,
};

int64_t hypercall_dispatch(struct vcpu *v, uint64_t nr, const uint64_t args[HYPERCALL_NR_ARGS])
{
    if (nr >= ARRAY_SIZE(hypercalls) || !hypercalls[nr])
        return -XEN_ENOSYS;
    return hypercalls[nr](v, args);
}
