/* SPDX-License-Identifier: MIT */
/*
 * Guest structures in either width: a 64-bit caller passes Xen's native
 * layout, a 32-bit caller Xen's compat layout (public/compat/), where guest
 * handles and unsigned longs are 32 bits wide and uint64_t fields 4-aligned.
 * Each structure that differs has one layout descriptor here, listing where
 * each field sits and how wide it is in both; one helper reads or writes any
 * of them, so no hypercall handler branches on the width itself.
 *
 * From compat, narrower fields are zero-extended and native bytes no field
 * covers are zero; to compat, fields are truncated (a handle or count the
 * guest gave fits, being read from its layout).
 */
#ifndef HV_COMPAT_XLAT_H
#define HV_COMPAT_XLAT_H

#include <hv/types.h>

struct vcpu;

#define COMPAT_XLAT_MAX_FIELDS 5
#define COMPAT_XLAT_MAX_SIZE   64 /* bytes of the largest compat structure */

struct compat_field {
    uint8_t native_off, compat_off;
    uint8_t native_size, compat_size;
};

struct compat_layout {
    uint8_t native_size, compat_size;
    uint8_t nr_fields;
    struct compat_field fields[COMPAT_XLAT_MAX_FIELDS];
};

extern const struct compat_layout compat_sched_poll_layout;
extern const struct compat_layout compat_memory_map_layout;
extern const struct compat_layout compat_add_to_physmap_layout;
extern const struct compat_layout compat_vcpu_runstate_info_layout;
extern const struct compat_layout compat_vcpu_set_singleshot_timer_layout;
extern const struct compat_layout compat_vcpu_register_runstate_memory_area_layout;

/* The guest's bytes (layout l, compat or native) into the native structure. */
void compat_xlat_in(void *native, const void *guest, const struct compat_layout *l, bool compat);
/* The native structure into the guest's bytes (room COMPAT_XLAT_MAX_SIZE); their count. */
size_t compat_xlat_out(void *guest, const void *native, const struct compat_layout *l, bool compat);

/*
 * copy_from_guest()/copy_to_guest() of a structure with layout l, in the
 * layout of v's current hypercall's width; 0 or -XEN_EFAULT.
 */
int copy_from_guest_xlat(struct vcpu *v, void *native, gvaddr_t gva, const struct compat_layout *l);
int copy_to_guest_xlat(struct vcpu *v, gvaddr_t gva, const void *native,
                       const struct compat_layout *l);
/* Whether v's current hypercall comes from 32-bit code (compat layouts). */
bool hypercall_compat(const struct vcpu *v);

#endif
