// SPDX-License-Identifier: MIT
/* Native and compat layouts of guest structures, and the one copy helper (compat_xlat.h). */
#include <stddef.h>
#include <string.h>
#include <public/compat/memory.h>
#include <public/compat/sched.h>
#include <public/compat/vcpu.h>
#include <public/errno.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <hv/compat_xlat.h>
#include <hv/domain.h>
#include <hv/guest_access.h>

/* One field of struct N (native) and struct C (compat). */
#define FIELD(N, C, field)                                                                    \
    {                                                                                         \
        offsetof(struct N, field), offsetof(struct C, field), sizeof(((struct N *)0)->field), \
            sizeof(((struct C *)0)->field)                                                    \
    }
#define LAYOUT(name, N, C, ...)                                                       \
    const struct compat_layout compat_##name##_layout = {                             \
        sizeof(struct N),                                                             \
        sizeof(struct C),                                                             \
        sizeof((struct compat_field[]){ __VA_ARGS__ }) / sizeof(struct compat_field), \
        { __VA_ARGS__ }                                                               \
    }

#define POLL(f) FIELD(sched_poll, compat_sched_poll, f)
LAYOUT(sched_poll, sched_poll, compat_sched_poll, POLL(ports), POLL(nr_ports), POLL(timeout));

#define MAP(f) FIELD(xen_memory_map, compat_memory_map, f)
LAYOUT(memory_map, xen_memory_map, compat_memory_map, MAP(nr_entries), MAP(buffer));

#define ATP(f) FIELD(xen_add_to_physmap, compat_add_to_physmap, f)
LAYOUT(add_to_physmap, xen_add_to_physmap, compat_add_to_physmap, ATP(domid), ATP(size), ATP(space),
       ATP(idx), ATP(gpfn));

#define RUNSTATE(f) FIELD(vcpu_runstate_info, compat_vcpu_runstate_info, f)
LAYOUT(vcpu_runstate_info, vcpu_runstate_info, compat_vcpu_runstate_info, RUNSTATE(state),
       RUNSTATE(state_entry_time), RUNSTATE(time));

#define SSHOT(f) FIELD(vcpu_set_singleshot_timer, compat_vcpu_set_singleshot_timer, f)
LAYOUT(vcpu_set_singleshot_timer, vcpu_set_singleshot_timer, compat_vcpu_set_singleshot_timer,
       SSHOT(timeout_abs_ns), SSHOT(flags));

LAYOUT(vcpu_register_runstate_memory_area, vcpu_register_runstate_memory_area,
       compat_vcpu_register_runstate_memory_area,
       FIELD(vcpu_register_runstate_memory_area, compat_vcpu_register_runstate_memory_area, addr));

/* The compat layouts fit the helpers' buffers. */
_Static_assert(sizeof(struct compat_vcpu_runstate_info) <= COMPAT_XLAT_MAX_SIZE, "room");
_Static_assert(sizeof(struct vcpu_runstate_info) <= COMPAT_XLAT_MAX_SIZE, "room");

void compat_xlat_in(void *native, const void *guest, const struct compat_layout *l, bool compat)
{
    unsigned int i;

    if (!compat) {
        memcpy(native, guest, l->native_size);
        return;
    }
    memset(native, 0, l->native_size);
    for (i = 0; i < l->nr_fields; i++) {
        const struct compat_field *f = &l->fields[i];

        /* Little-endian: the low bytes are the value, the rest stay zero. */
        memcpy((uint8_t *)native + f->native_off, (const uint8_t *)guest + f->compat_off,
               MIN(f->native_size, f->compat_size));
    }
}

size_t compat_xlat_out(void *guest, const void *native, const struct compat_layout *l, bool compat)
{
    unsigned int i;

    if (!compat) {
        memcpy(guest, native, l->native_size);
        return l->native_size;
    }
    memset(guest, 0, l->compat_size);
    for (i = 0; i < l->nr_fields; i++) {
        const struct compat_field *f = &l->fields[i];

        memcpy((uint8_t *)guest + f->compat_off, (const uint8_t *)native + f->native_off,
               MIN(f->native_size, f->compat_size));
    }
    return l->compat_size;
}

bool hypercall_compat(const struct vcpu *v)
{
    return !v->hypercall_64bit;
}

int copy_from_guest_xlat(struct vcpu *v, void *native, gvaddr_t gva, const struct compat_layout *l)
{
    uint8_t buf[COMPAT_XLAT_MAX_SIZE];
    bool compat = hypercall_compat(v);

    if (copy_from_guest(v, buf, gva, compat ? l->compat_size : l->native_size))
        return -XEN_EFAULT;
    compat_xlat_in(native, buf, l, compat);
    return 0;
}

int copy_to_guest_xlat(struct vcpu *v, gvaddr_t gva, const void *native,
                       const struct compat_layout *l)
{
    uint8_t buf[COMPAT_XLAT_MAX_SIZE];
    size_t len = compat_xlat_out(buf, native, l, hypercall_compat(v));

    return copy_to_guest(v, gva, buf, len) ? -XEN_EFAULT : 0;
}
