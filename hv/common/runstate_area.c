// SPDX-License-Identifier: MIT
/*
 * VCPUOP_register_runstate_memory_area: a copy of a vCPU's runstate in its
 * guest's memory, which the guest kernel reads without a hypercall (Linux:
 * steal time, vcpu_is_preempted). As in Xen, the copy is rewritten at each
 * switch of the vCPU onto and off its CPU, through the vCPU's own page tables
 * as they are then; an address that is not mapped then is skipped silently.
 * Unlike Xen, the copy only goes into the domain's own RAM: never into static
 * shared memory (another domain reads it) nor the console ring the hypervisor
 * serves; registering an address that maps such a page is refused.
 *
 * Only the vCPU's own CPU writes the copy, from its scheduling loop or from
 * the vCPU's own hypercall: the translation needs the vCPU's current paging
 * state, and no other CPU writes guest memory behind the vCPU's back. Xen's
 * VMASST_TYPE_runstate_update_flag (XEN_RUNSTATE_UPDATE in state_entry_time
 * while writing) is not offered: vm_assist refuses it.
 */
#include <string.h>
#include <public/errno.h>
#include <public/vcpu.h>
#include <public/xen.h>
#include <hv/compat_xlat.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/p2m.h>
#include <hv/page_alloc.h>
#include <hv/panic.h>
#include <hv/runstate_area.h>
#include <hv/sched.h>
#include <hv/smp.h>
#include <hv/vcpu_info.h>

/*
 * As a kernel access: the same as copy_to_guest() in a hypercall (only CPL 0
 * may call), and what the area needs when v was switched out in user space.
 */
int runstate_to_guest(struct vcpu *v, gvaddr_t gva, const struct vcpu_runstate_info *info,
                      bool compat)
{
    uint8_t buf[COMPAT_XLAT_MAX_SIZE];
    size_t len = compat_xlat_out(buf, info, &compat_vcpu_runstate_info_layout, compat);

    return copy_to_guest_kernel(v, gva, buf, len);
}

int guest_area_translate(struct vcpu *v, gvaddr_t gva, size_t len, struct guest_area_pieces *p)
{
    unsigned int i;

    if (gvaddr_val(gva) + len < gvaddr_val(gva))
        return -XEN_EFAULT;
    for (i = 0; i < 2; i++) {
        size_t n = MIN(len, PAGE_SIZE - gvaddr_offset(gva));
        gpaddr_t gpa;
        paddr_t pa;

        p->at[i] = NULL;
        p->len[i] = n;
        if (!n)
            continue;
        if (guest_kernel_virt_to_phys(v, gva, true, &gpa))
            return -XEN_EFAULT;
        pa = guest_area_frame(v->domain, gpaddr_frame(gpa));
        if (paddr_eq(pa, INVALID_PADDR))
            return p2m_query(v->domain->p2m, gpa, NULL, NULL) == P2M_NONE ? -XEN_EFAULT
                                                                          : -XEN_EINVAL;
        p->at[i] = (uint8_t *)phys_to_virt(pa) + gpaddr_offset(gpa);
        gva = gvaddr_add(gva, n);
        len -= n;
    }
    return 0;
}

void runstate_area_update(struct vcpu *v)
{
    gvaddr_t gva = mk_gvaddr(__atomic_load_n(&v->runstate_area.gva, __ATOMIC_ACQUIRE));
    bool compat = __atomic_load_n(&v->runstate_area.compat, __ATOMIC_RELAXED);
    struct vcpu_runstate_info info;
    uint8_t buf[COMPAT_XLAT_MAX_SIZE];
    struct guest_area_pieces p;
    size_t len;

    CHECK(v->pcpu == smp_processor_id());
    if (!gvaddr_val(gva))
        return;
    /* As Xen's copy: the current state's time is left for the guest to add. */
    sched_runstate(v, &info, false);
    len = compat_xlat_out(buf, &info, &compat_vcpu_runstate_info_layout, compat);
    /* As Xen: a copy that cannot be made is the guest's business (it unmapped its area). */
    if (guest_area_translate(v, gva, len, &p))
        return;
    guest_area_copy(&p, 0, buf, len);
}

void guest_area_copy(const struct guest_area_pieces *p, size_t off, const void *src, size_t len)
{
    const uint8_t *from = src;
    unsigned int i;

    for (i = 0; i < 2 && len; i++) {
        size_t n;

        if (off >= p->len[i]) {
            off -= p->len[i];
            continue;
        }
        n = MIN(len, p->len[i] - off);
        memcpy(p->at[i] + off, from, n);
        from += n;
        len -= n;
        off = 0;
    }
}

int64_t runstate_area_register(struct vcpu *v, struct vcpu *target, uint64_t arg)
{
    bool compat = hypercall_compat(v);
    struct vcpu_register_runstate_memory_area area;
    gvaddr_t gva;

    if (copy_from_guest_xlat(v, &area, mk_gvaddr(arg),
                             &compat_vcpu_register_runstate_memory_area_layout))
        return -XEN_EFAULT;
    gva = mk_gvaddr(area.addr);
    /*
     * As Xen for HVM, any address is the guest's own virtual one, and one not
     * mapped now is taken (the copies wait until it is). One that maps a
     * page no area may be in is refused; were it remapped there later, the
     * copies would be skipped. Racing registrations for one vCPU can only
     * pair one's address with the other's layout: still only the guest's
     * own RAM.
     */
    if (gvaddr_val(gva)) {
        const struct compat_layout *l = &compat_vcpu_runstate_info_layout;
        struct guest_area_pieces p;

        if (guest_area_translate(v, gva, compat ? l->compat_size : l->native_size, &p) ==
            -XEN_EINVAL)
            return -XEN_EINVAL;
    }
    __atomic_store_n(&target->runstate_area.compat, compat, __ATOMIC_RELAXED);
    __atomic_store_n(&target->runstate_area.gva, gvaddr_val(gva), __ATOMIC_RELEASE);
    /* As Xen, a first copy at once; another vCPU's waits for its next switch. */
    if (target == v)
        runstate_area_update(v);
    return 0;
}
