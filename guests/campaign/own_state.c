// SPDX-License-Identifier: MIT
/*
 * What the campaign guest lets the hypervisor write. Xen lets a guest name
 * any of its own memory as a call's output, as an area the hypervisor
 * writes from then on (runstate and time areas, vcpu_info, the shared info
 * frame, a FIFO control block, event array pages) or as frames to give back
 * (XENMEM_decrease_reservation). Random arguments, read as the hypervisor
 * reads them (random words read at a misaligned address spell any address),
 * now and then name the guest's own code, stack, page tables or counters
 * (seeds 3026, 7045, 7059, 7079, 7083 in docs/security.md): the guest's own
 * undoing, not the hypervisor's. So before each hypercall the guest works
 * out every guest range the call writes, registers or unmaps, the entries of
 * a multicall included, and the call is made a yield if one touches its own
 * state: its image but the scratch area, for an unmap all of it.
 *
 * The model follows the calls the hypervisor serves (hv/common: memory.c,
 * multicall.c, xen_version.c, hypercall.c, vcpu_op.c, vcpu_info.c,
 * runstate_area.c, guest_time.c, evtchn.c, evtchn_fifo.c) and widens where
 * Xen would do more: commands compared on their low 32 bits (Xen's int), any
 * vCPU id taken as the guest's, every input check that would refuse the call
 * ignored. A call it does not know must fail with -ENOSYS (campaign.c counts
 * those that do not). What it reads, it reads as the hypervisor would: a
 * structure outside the domain's memory makes the call fail before it
 * writes; one on a frame the guest may have given back, or on an area the
 * hypervisor writes by itself (it could change before the call reads it),
 * cannot be told, and the call is kept off.
 */
#include <stddef.h>

#include <public/arch-x86/hvm/start_info.h>
#include <public/arch-x86/shared_info.h>
#include <public/compat/memory.h>
#include <public/compat/vcpu.h>
#include <public/errno.h>
#include <public/event_channel.h>
#include <public/hvm/hvm_op.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/version.h>
#include <public/xen.h>

#include "campaign.h"

#define PAGE_SHIFT   12
#define PAGE_BYTES   4096ull
#define IDENTITY_END (1ull << 30) /* the guest maps [0, 1 GiB) to itself (lib/trap-entry.S) */
#define MAX_MEM      32
#define E820_ENTRY   20 /* XENMEM_memory_map's entries */
/* The hypervisor's bounds: a multicall's entries, an extent's order, a console read's chunk. */
#define MULTICALL_MAX          64
#define MEMOP_MAX_ORDER        9
#define CONSOLE_READ_MAX       256
#define XEN_BUILD_ID_MAX       (4 + 64) /* struct xen_build_id: uint32_t len, then a hash's bytes */
#define XEN_COMMANDLINE        1024     /* xen_commandline_t */
#define VCPUOP_get_physid      12       /* Xen's; writes a struct vcpu_get_physid (8 bytes) */
#define SCHEDOP_LAST           7        /* SCHEDOP_pin_override: none of them writes guest memory */
#define EVTCHNOP_reset_cont    14       /* Xen's last event-channel command */
#define EVTCHN_BIND_PIRQ_BYTES 12       /* struct evtchn_bind_pirq: pirq, flags, port (OUT) */
#define XENMAPSPACE_gmfn       2        /* Xen's: frame idx moved to gpfn */
#define XENMAPSPACE_gmfn_range 3        /* Xen's: size frames from idx */
/* Extents one decrease_reservation may name before the guest stops telling (keeps it off). */
#define RELEASE_SCAN_MAX 1024
#define MAX_EFFECTS      512

struct range {
    uint64_t start, end;
};

/* The areas the hypervisor writes by itself, once registered (struct call_plan's kind). */
enum area_kind {
    AREA_SHARED_INFO,
    AREA_CONSOLE,
    AREA_RUNSTATE,
    AREA_TIME,
    AREA_ONCE
};
#define MAX_AREAS 16

static struct range mem[MAX_MEM], ram[MAX_MEM], image, work;
static unsigned int nr_mem, nr_ram;
static uint64_t mem_top;        /* the end of the highest memory-map range below IDENTITY_END */
static uint32_t memmap_entries; /* what XENMEM_memory_map writes at most */
static uint16_t own_domid;      /* the only domain besides DOMID_SELF it may name */
static uint8_t released[IDENTITY_END >> PAGE_SHIFT >> 3]; /* frames it may have given back */
static struct area {
    enum area_kind kind;
    struct range r;
} areas[MAX_AREAS];
static unsigned int nr_areas;

/*
 * What the call under judgement reads and writes, by entry (0: the call
 * itself; i + 1: a multicall's entry i): an entry's writes must not change
 * what a later entry reads, or the model would have read the wrong thing.
 */
static struct effect {
    struct range r;
    unsigned int entry;
    bool release;
} reads[MAX_EFFECTS], writes[MAX_EFFECTS];
static unsigned int nr_reads, nr_writes, entry;
static bool too_many;

static bool overlaps(uint64_t addr, uint64_t len, struct range r)
{
    return addr + len < addr || (addr < r.end && addr + len > r.start);
}

static bool add_effect(struct effect *list, unsigned int *n, uint64_t addr, uint64_t len,
                       bool release)
{
    if (*n == MAX_EFFECTS) {
        too_many = true;
        return false;
    }
    list[(*n)++] = (struct effect){ { addr, addr + len }, entry, release };
    return true;
}

static bool in_ranges(const struct range *set, unsigned int n, uint64_t addr, uint64_t len)
{
    unsigned int i;

    for (i = 0; i < n; i++)
        if (addr >= set[i].start && addr + len >= addr && addr + len <= set[i].end)
            return true;
    return false;
}

/* [addr, addr + len) covered by memory-map ranges, adjacent ones joined. */
static bool backed(uint64_t addr, uint64_t len)
{
    while (len) {
        unsigned int i;
        uint64_t n = 0;

        for (i = 0; i < nr_mem && !n; i++)
            if (addr >= mem[i].start && addr < mem[i].end)
                n = mem[i].end - addr < len ? mem[i].end - addr : len;
        if (!n)
            return false;
        addr += n;
        len -= n;
    }
    return true;
}

static bool maybe_released(uint64_t addr, uint64_t len)
{
    uint64_t f;

    for (f = addr >> PAGE_SHIFT; f <= (addr + len - 1) >> PAGE_SHIFT; f++)
        if (released[f >> 3] & (1u << (f & 7)))
            return true;
    return false;
}

static bool in_area(uint64_t addr, uint64_t len)
{
    unsigned int i;

    for (i = 0; i < nr_areas; i++)
        if (overlaps(addr, len, areas[i].r))
            return true;
    return false;
}

enum peek {
    PEEK_OK,
    PEEK_FAULT,
    PEEK_UNSURE
};

/*
 * Reads len bytes at guest address addr as the hypervisor will: PEEK_FAULT
 * if it cannot (outside the domain's memory: the call fails before it
 * writes), PEEK_UNSURE if the guest cannot tell what it will read.
 */
static enum peek peek(uint64_t addr, uint64_t len, void *out)
{
    const volatile uint8_t *p = (const volatile uint8_t *)(uintptr_t)addr;
    uint8_t *o = out;
    uint64_t i;

    if (!add_effect(reads, &nr_reads, addr, len, false))
        return PEEK_UNSURE;
    if (addr + len < addr || addr >= mem_top)
        return PEEK_FAULT;
    if (addr + len > mem_top) /* nothing above the last range: the copy fails there */
        return PEEK_FAULT;
    if (!backed(addr, len) || maybe_released(addr, len) || in_area(addr, len))
        return PEEK_UNSURE;
    for (i = 0; i < len; i++)
        o[i] = p[i];
    return PEEK_OK;
}

/*
 * The guest's own state: its image but the scratch area. A write that
 * starts outside the identity map fails at once; one running past its end
 * stops there.
 */
static bool own(uint64_t addr, uint64_t len)
{
    if (addr >= IDENTITY_END)
        return false;
    if (addr + len < addr || addr + len > IDENTITY_END)
        len = IDENTITY_END - addr;
    return overlaps(addr, len, (struct range){ image.start, work.start }) ||
           overlaps(addr, len, (struct range){ work.end, image.end });
}

bool own_state_writable(uint64_t addr, uint64_t len)
{
    return !own(addr, len);
}

/* A write the call makes now: false if it would touch the guest's own state. */
static bool write_ok(uint64_t addr, uint64_t len)
{
    return add_effect(writes, &nr_writes, addr, len, false) && !own(addr, len);
}

/* Frames given back: none of the image, the scratch area included (the guest uses it). */
static bool release_ok(uint64_t addr, uint64_t len)
{
    return add_effect(writes, &nr_writes, addr, len, true) && !overlaps(addr, len, image);
}

/*
 * An area the hypervisor writes from then on: not in the guest's own state,
 * and made only as a call of its own (a multicall's entry's result is not
 * kept), with room to remember it.
 */
static bool register_ok(struct call_plan *plan, unsigned int kind, uint64_t addr, uint64_t len)
{
    if (entry || nr_areas == MAX_AREAS || !write_ok(addr, len))
        return false;
    plan->registers = true;
    plan->kind = kind;
    plan->start = addr;
    plan->end = addr + len;
    return true;
}

bool call_ends_or_blocks(uint64_t nr64, uint64_t cmd64, uint64_t arg1)
{
    uint32_t nr = (uint32_t)nr64, cmd = (uint32_t)cmd64;

    if (nr == __HYPERVISOR_sched_op || nr == 6 /* sched_op_compat */)
        return cmd == SCHEDOP_block || cmd == SCHEDOP_shutdown || cmd == SCHEDOP_poll ||
               cmd == 4 /* remote_shutdown */;
    if (nr == __HYPERVISOR_vcpu_op)
        return cmd == VCPUOP_down && (uint32_t)arg1 == 0;
    return false;
}

/* A field of width 4 (a 32-bit caller's pointer or frame) or 8 at p. */
static uint64_t field(const uint8_t *p, unsigned int width)
{
    return width == 4 ? *(const uint32_t *)p : *(const uint64_t *)p;
}

/*
 * XENMEM_decrease_reservation: the extents from start on, as the hypervisor
 * reads them, each naturally aligned and inside one RAM range (else it
 * stops), none overlapping one before it (its frames are gone: it stops).
 */
static bool decrease_reservation_ok(uint64_t start, uint64_t arg, bool compat)
{
    uint8_t r[sizeof(struct xen_memory_reservation)] __attribute__((aligned(8)));
    uint64_t list, n, i, seen = 0;
    unsigned int order, width = compat ? 4 : 8;
    unsigned int first = nr_writes;
    uint16_t domid;

    switch (peek(arg, compat ? sizeof(struct compat_memory_reservation) : sizeof(r), r)) {
    case PEEK_FAULT: return true;
    case PEEK_UNSURE: return false;
    default: break;
    }
    list = field(r, width);
    domid = compat ? ((struct compat_memory_reservation *)r)->domid
                   : ((struct xen_memory_reservation *)r)->domid;
    if (domid != DOMID_SELF && domid != own_domid)
        return true;
    n = compat ? ((struct compat_memory_reservation *)r)->nr_extents
               : ((struct xen_memory_reservation *)r)->nr_extents;
    order = compat ? ((struct compat_memory_reservation *)r)->extent_order
                   : ((struct xen_memory_reservation *)r)->extent_order;
    if (order > MEMOP_MAX_ORDER)
        return true;
    for (i = start; i < n; i++) {
        uint64_t gfn = 0, size = PAGE_BYTES << order;
        unsigned int k;

        if (++seen > RELEASE_SCAN_MAX)
            return false;
        switch (peek(list + i * width, width, &gfn)) {
        case PEEK_FAULT: return true;
        case PEEK_UNSURE: return false;
        default: break;
        }
        if (gfn > (~0ull >> PAGE_SHIFT) || (gfn & ((1ull << order) - 1)) ||
            !in_ranges(ram, nr_ram, gfn << PAGE_SHIFT, size))
            return true;
        for (k = first; k < nr_writes; k++)
            if (writes[k].release && overlaps(gfn << PAGE_SHIFT, size, writes[k].r))
                return true;
        if (!release_ok(gfn << PAGE_SHIFT, size))
            return false;
    }
    return true;
}

static bool memory_op_ok(const uint64_t *a, bool compat, struct call_plan *plan)
{
    uint32_t op = (uint32_t)a[0] & MEMOP_CMD_MASK;
    uint8_t s[sizeof(struct xen_add_to_physmap)] __attribute__((aligned(8)));
    unsigned int width = compat ? 4 : 8;

    switch (op) {
    case XENMEM_increase_reservation: /* frames come back only where it gave them */
    case XENMEM_populate_physmap:
    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation: return true;
    case XENMEM_decrease_reservation:
        plan->first_extent = (int64_t)(a[0] >> MEMOP_EXTENT_SHIFT);
        return decrease_reservation_ok(a[0] >> MEMOP_EXTENT_SHIFT, a[1], compat);
    case XENMEM_add_to_physmap: {
        /* The shared info frame at gpfn; Xen's gmfn spaces move frames idx.. there. */
        uint64_t idx, gpfn, frames;
        uint32_t space;

        switch (peek(a[1], compat ? sizeof(struct compat_add_to_physmap) : sizeof(s), s)) {
        case PEEK_FAULT: return true;
        case PEEK_UNSURE: return false;
        default: break;
        }
        idx = compat ? ((struct compat_add_to_physmap *)s)->idx
                     : ((struct xen_add_to_physmap *)s)->idx;
        gpfn = compat ? ((struct compat_add_to_physmap *)s)->gpfn
                      : ((struct xen_add_to_physmap *)s)->gpfn;
        space = ((struct xen_add_to_physmap *)s)->space; /* the same place in both */
        frames = space == XENMAPSPACE_gmfn_range ? ((struct xen_add_to_physmap *)s)->size : 1;
        if ((space == XENMAPSPACE_gmfn || space == XENMAPSPACE_gmfn_range) &&
            (!release_ok(idx << PAGE_SHIFT, frames << PAGE_SHIFT) ||
             !write_ok(gpfn << PAGE_SHIFT, frames << PAGE_SHIFT)))
            return false;
        return register_ok(plan, AREA_SHARED_INFO, gpfn << PAGE_SHIFT, PAGE_BYTES);
    }
    case XENMEM_memory_map: {
        /* Its entries (as many as it has room for, at most the map's) to buffer, then the count. */
        uint8_t m[sizeof(struct xen_memory_map)] __attribute__((aligned(8)));
        uint32_t n;

        switch (peek(a[1], compat ? sizeof(struct compat_memory_map) : sizeof(m), m)) {
        case PEEK_FAULT: return true;
        case PEEK_UNSURE: return false;
        default: break;
        }
        n = *(uint32_t *)m < memmap_entries ? *(uint32_t *)m : memmap_entries;
        return write_ok(field(m + width, width), (uint64_t)n * E820_ENTRY) &&
               write_ok(a[1], compat ? sizeof(struct compat_memory_map) : sizeof(m));
    }
    default: plan->modeled = false; return true;
    }
}

static bool xen_version_ok(const uint64_t *a, struct call_plan *plan)
{
    uint64_t buf = a[1];

    switch ((uint32_t)a[0]) {
    case XENVER_version:
    case XENVER_pagesize: return true;
    case XENVER_extraversion: return write_ok(buf, XEN_EXTRAVERSION_LEN);
    case XENVER_compile_info: return write_ok(buf, sizeof(struct xen_compile_info));
    case XENVER_capabilities: return write_ok(buf, XEN_CAPABILITIES_INFO_LEN);
    case XENVER_changeset: return write_ok(buf, XEN_CHANGESET_INFO_LEN);
    case XENVER_platform_parameters: return write_ok(buf, sizeof(uint64_t));
    case XENVER_get_features: return write_ok(buf, sizeof(struct xen_feature_info));
    case XENVER_guest_handle: return write_ok(buf, 16);
    case XENVER_commandline: return write_ok(buf, XEN_COMMANDLINE);
    case XENVER_build_id: return write_ok(buf, XEN_BUILD_ID_MAX);
    default: plan->modeled = false; return true;
    }
}

static bool vcpu_op_ok(const uint64_t *a, bool compat, struct call_plan *plan)
{
    uint64_t arg = a[2], addr = 0;
    struct vcpu_register_vcpu_info vi;

    switch ((uint32_t)a[0]) {
    case VCPUOP_initialise:
    case VCPUOP_up:
    case VCPUOP_down:
    case VCPUOP_is_up:
    case VCPUOP_set_periodic_timer:
    case VCPUOP_stop_periodic_timer:
    case VCPUOP_set_singleshot_timer:
    case VCPUOP_stop_singleshot_timer:
    case 11 /* Xen's send_nmi */: return true;
    case VCPUOP_get_runstate_info: return write_ok(arg, sizeof(struct vcpu_runstate_info));
    case VCPUOP_get_physid: return write_ok(arg, sizeof(uint64_t));
    case VCPUOP_register_runstate_memory_area:
    case VCPUOP_register_vcpu_time_memory_area: {
        /* The runstate area's address is a 32-bit caller's pointer; the time area's 64 bits always. */
        bool runstate = (uint32_t)a[0] == VCPUOP_register_runstate_memory_area;
        unsigned int width = runstate && compat ? 4 : 8;

        switch (peek(arg, width, &addr)) {
        case PEEK_FAULT: return true;
        case PEEK_UNSURE: return false;
        default: break;
        }
        return runstate ? register_ok(plan, AREA_RUNSTATE, addr, sizeof(struct vcpu_runstate_info))
                        : register_ok(plan, AREA_TIME, addr, sizeof(struct vcpu_time_info));
    }
    case VCPUOP_register_vcpu_info:
        switch (peek(arg, sizeof(vi), &vi)) {
        case PEEK_FAULT: return true;
        case PEEK_UNSURE: return false;
        default: break;
        }
        return register_ok(plan, AREA_ONCE, (vi.mfn << PAGE_SHIFT) + vi.offset,
                           sizeof(struct vcpu_info));
    default: plan->modeled = false; return true;
    }
}

static bool event_channel_op_ok(const uint64_t *a, struct call_plan *plan)
{
    uint64_t arg = a[1];

    switch ((uint32_t)a[0]) {
    case EVTCHNOP_close:
    case EVTCHNOP_send:
    case EVTCHNOP_unmask:
    case EVTCHNOP_bind_vcpu:
    case EVTCHNOP_set_priority:
    case 10 /* Xen's reset */:
    case EVTCHNOP_reset_cont: return true;
    case EVTCHNOP_bind_interdomain: return write_ok(arg, sizeof(struct evtchn_bind_interdomain));
    case EVTCHNOP_bind_virq: return write_ok(arg, sizeof(struct evtchn_bind_virq));
    case EVTCHNOP_bind_pirq: return write_ok(arg, EVTCHN_BIND_PIRQ_BYTES);
    case EVTCHNOP_status: return write_ok(arg, sizeof(struct evtchn_status));
    case EVTCHNOP_alloc_unbound: return write_ok(arg, sizeof(struct evtchn_alloc_unbound));
    case EVTCHNOP_bind_ipi: return write_ok(arg, sizeof(struct evtchn_bind_ipi));
    case EVTCHNOP_init_control: {
        struct evtchn_init_control ic;

        switch (peek(arg, sizeof(ic), &ic)) {
        case PEEK_FAULT: return true;
        case PEEK_UNSURE: return false;
        default: break;
        }
        return write_ok(arg, sizeof(ic)) &&
               register_ok(plan, AREA_ONCE, (ic.control_gfn << PAGE_SHIFT) + ic.offset,
                           sizeof(struct evtchn_fifo_control_block));
    }
    case EVTCHNOP_expand_array: {
        struct evtchn_expand_array ea;

        switch (peek(arg, sizeof(ea), &ea)) {
        case PEEK_FAULT: return true;
        case PEEK_UNSURE: return false;
        default: break;
        }
        return register_ok(plan, AREA_ONCE, ea.array_gfn << PAGE_SHIFT, PAGE_BYTES);
    }
    default: plan->modeled = false; return true;
    }
}

static bool multicall_ok(uint64_t list, uint64_t count, bool compat, struct call_plan *plan);

/* One call or multicall entry; plan->modeled cleared if the model does not know it. */
static bool op_ok(uint64_t nr, const uint64_t *a, bool compat, struct call_plan *plan)
{
    plan->modeled = true;
    switch (nr) {
    case __HYPERVISOR_memory_op: return memory_op_ok(a, compat, plan);
    case __HYPERVISOR_multicall:
        return entry ? true /* refused inside one */
                     : multicall_ok(a[0], a[1], compat, plan);
    case __HYPERVISOR_xen_version: return xen_version_ok(a, plan);
    case __HYPERVISOR_console_io:
        if ((uint32_t)a[0] == CONSOLEIO_read)
            return write_ok(a[2], a[1] < CONSOLE_READ_MAX ? a[1] : CONSOLE_READ_MAX);
        plan->modeled = (uint32_t)a[0] == CONSOLEIO_write;
        return true;
    case __HYPERVISOR_vcpu_op: return vcpu_op_ok(a, compat, plan);
    case __HYPERVISOR_sched_op: plan->modeled = (uint32_t)a[0] <= SCHEDOP_LAST; return true;
    case __HYPERVISOR_event_channel_op: return event_channel_op_ok(a, plan);
    case __HYPERVISOR_hvm_op:
        if ((uint32_t)a[0] == HVMOP_get_param)
            return write_ok(a[1], sizeof(struct xen_hvm_param));
        plan->modeled = (uint32_t)a[0] == HVMOP_set_param;
        return true;
    default: plan->modeled = false; return true;
    }
}

/*
 * Each entry as the hypervisor reads it and runs it with the caller's
 * width, its result written back into it; an entry that ends or blocks the
 * domain, registers an area, or writes what a later entry reads keeps the
 * whole call off.
 */
static bool multicall_ok(uint64_t list, uint64_t count, bool compat, struct call_plan *plan)
{
    uint64_t size = compat ? sizeof(struct compat_multicall_entry) : sizeof(struct multicall_entry);
    uint64_t i;
    unsigned int w, r;

    if ((uint32_t)count > MULTICALL_MAX)
        return true;
    for (i = 0; i < (uint32_t)count; i++) {
        union {
            struct multicall_entry n;
            struct compat_multicall_entry c;
        } e;
        uint64_t op, args[6];
        struct call_plan entry_plan = { .first_extent = -1 };
        unsigned int k;

        entry = (unsigned int)i + 1;
        switch (peek(list + i * size, size, &e)) {
        case PEEK_FAULT: return true;
        case PEEK_UNSURE: return false;
        default: break;
        }
        op = compat ? e.c.op : e.n.op;
        for (k = 0; k < 6; k++)
            args[k] = compat ? e.c.args[k] : e.n.args[k];
        if (call_ends_or_blocks(op, args[0], args[1]) || !op_ok(op, args, compat, &entry_plan) ||
            !write_ok(list + i * size + (compat ? 4 : 8), compat ? 4 : 8))
            return false;
    }
    for (w = 0; w < nr_writes; w++)
        for (r = 0; r < nr_reads; r++)
            if (reads[r].entry > writes[w].entry &&
                overlaps(writes[w].r.start, writes[w].r.end - writes[w].r.start, reads[r].r))
                return false;
    plan->modeled = true;
    return true;
}

bool own_state_call_safe(uint64_t nr, const uint64_t *args, bool compat, struct call_plan *plan)
{
    uint64_t a[6] = { args[0], args[1], args[2], args[3], args[4], 0 };
    bool ok;

    nr_reads = nr_writes = entry = 0;
    too_many = false;
    *plan = (struct call_plan){ .first_extent = -1 };
    ok = op_ok(nr, a, compat, plan) && !too_many;
    entry = 0;
    return ok;
}

/*
 * The frames the call gave back: of a multicall's entries, every one they
 * name (their results are not read); of decrease_reservation, the extents
 * it says it did; of another call, all if it returned 0.
 */
static void mark_released(const struct call_plan *plan, int64_t ret)
{
    int64_t extent = plan->first_extent;
    unsigned int w;

    for (w = 0; w < nr_writes; w++) {
        uint64_t f;

        if (!writes[w].release ||
            (!writes[w].entry && (plan->first_extent >= 0 ? ret <= extent++ : ret != 0)))
            continue;
        for (f = writes[w].r.start >> PAGE_SHIFT;
             f < writes[w].r.end >> PAGE_SHIFT && f < (IDENTITY_END >> PAGE_SHIFT); f++)
            released[f >> 3] |= (uint8_t)(1u << (f & 7));
    }
}

void own_state_call_done(const struct call_plan *plan, int64_t ret)
{
    unsigned int i;

    mark_released(plan, ret);
    if (!plan->registers || ret != 0)
        return;
    /* A runstate, time or shared-info area moves; the rest are once per vCPU. */
    for (i = 0; i < nr_areas && plan->kind != AREA_ONCE; i++)
        if (areas[i].kind == plan->kind)
            break;
    if (i == nr_areas)
        nr_areas++;
    areas[i].kind = (enum area_kind)plan->kind;
    areas[i].r = (struct range){ plan->start, plan->end };
}

void own_state_init(const struct hvm_start_info *si, uint16_t domid, uint64_t image_start,
                    uint64_t image_end, uint64_t work_start, uint64_t work_bytes,
                    uint64_t shared_info, uint64_t console_gfn)
{
    const struct hvm_memmap_table_entry *m = (const void *)(uintptr_t)si->memmap_paddr;
    uint32_t k;

    own_domid = domid;
    image = (struct range){ image_start, image_end };
    work = (struct range){ work_start, work_start + work_bytes };
    memmap_entries = si->version >= 1 ? si->memmap_entries : 0;
    for (k = 0; k < memmap_entries && k < MAX_MEM; k++) {
        struct range r = { m[k].addr, m[k].addr + m[k].size };

        /* Every RAM range may be given back; the guest reads only what it maps. */
        if (m[k].type == XEN_HVM_MEMMAP_TYPE_RAM)
            ram[nr_ram++] = r;
        if (r.start >= IDENTITY_END)
            continue;
        if (r.end > IDENTITY_END)
            r.end = IDENTITY_END;
        mem[nr_mem++] = r;
        if (r.end > mem_top)
            mem_top = r.end;
    }
    areas[nr_areas++] =
        (struct area){ AREA_SHARED_INFO, { shared_info, shared_info + PAGE_BYTES } };
    areas[nr_areas++] =
        (struct area){ AREA_CONSOLE,
                       { console_gfn << PAGE_SHIFT, (console_gfn + 1) << PAGE_SHIFT } };
}
