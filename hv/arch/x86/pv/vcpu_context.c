// SPDX-License-Identifier: MIT
/*
 * VCPUOP_initialise for a PV vCPU: Xen's x86-64 struct vcpu_guest_context,
 * every field checked as Xen's arch_set_info_guest() checks it, translated
 * into a start state (registers, the kernel's page tables, segments from
 * the GDT it gives, the FS, GS and user GS bases) plus what the PV vCPU
 * keeps itself (trap table, GDT, LDT, user page tables, virtual IOPL, the
 * event, failsafe and syscall callbacks, the stack_switch stack), each set
 * by the code its own hypercall uses. Refused with -EINVAL: what Xen
 * refuses (non-canonical addresses, an LDT not page aligned or over 8192
 * entries, a GDT set_gdt refuses, page tables not the domain's RAM), what
 * would not load here (selectors), a vCPU started in guest user mode, and
 * what this hypervisor does not offer yet (an FPU image, debug registers,
 * flags other than VGCF_in_kernel and the two callback masks:
 * docs/domains.md). As Xen, kernel_ss is taken with its RPL raised and
 * never used (a 64-bit PV kernel's stack segment is FLAT_KERNEL_SS), and
 * vm_assist is ignored: Xen takes it from vCPU 0's context only, which the
 * builder gives here. CR0 and CR4 are the container's, as Xen takes only
 * CR0.TS from them.
 */
#include <stddef.h>
#include <string.h>
#include <public/callback.h>
#include <public/errno.h>
#include <public/xen.h>
#include <domain-builder/vcpu.h>
#include <hv/guest_access.h>
#include "pv.h"

/* The RFLAGS bits a context may set (as iret's); IOPL becomes the virtual IOPL. */
#define CONTEXT_RFLAGS 0x244DD5ull /* CF PF AF ZF SF TF DF OF NT AC ID */

/* The context flags offered: kernel mode, and whether the failsafe and syscall callbacks mask. */
#define CONTEXT_FLAGS \
    (VGCF_in_kernel | VGCF_failsafe_disables_events | VGCF_syscall_disables_events)

/* The context without its FPU image and trap table (read apart: 5 KiB in all). */
struct context_head {
    uint64_t flags;
    struct cpu_user_regs regs;
};
struct context_tail {
    uint64_t ldt_base, ldt_ents;
    uint64_t gdt_frames[16], gdt_ents;
    uint64_t kernel_ss, kernel_sp;
    uint64_t ctrlreg[8];
    uint64_t debugreg[8];
    uint64_t event_callback_eip, failsafe_callback_eip, syscall_callback_eip;
    uint64_t vm_assist;
    uint64_t fs_base, gs_base_kernel, gs_base_user;
};
_Static_assert(sizeof(struct context_tail) == sizeof(struct vcpu_guest_context) -
                                                  offsetof(struct vcpu_guest_context, ldt_base),
               "the tail of vcpu_guest_context");

/* Xen: a selector's RPL raised to the kernel's, 3. */
static uint16_t kernel_rpl(uint16_t sel)
{
    return sel | 3;
}

static bool set_segment(struct vcpu *v, struct db_segment *out, enum hvm_seg seg, uint16_t sel)
{
    struct hvm_segment s;

    if (!pv_start_segment(v, seg, sel, &s))
        return false;
    *out = (struct db_segment){ sel, s.attr, s.limit, s.base };
    return true;
}

/* The callbacks as callback_op registers them, the flags' masks for failsafe and syscall. */
static void set_callbacks(struct vcpu *v, const struct context_tail *t, uint64_t flags)
{
    struct callback_register r[] = {
        { .type = CALLBACKTYPE_event, .address = t->event_callback_eip },
        { .type = CALLBACKTYPE_failsafe,
          .flags = flags & VGCF_failsafe_disables_events ? CALLBACKF_mask_events : 0,
          .address = t->failsafe_callback_eip },
        { .type = CALLBACKTYPE_syscall,
          .flags = flags & VGCF_syscall_disables_events ? CALLBACKF_mask_events : 0,
          .address = t->syscall_callback_eip },
    };

    for (unsigned int i = 0; i < ARRAY_SIZE(r); i++)
        pv_register_callback(v, &r[i]);
}

/*
 * The trap table: Xen's 256 entries (as set_trap_table keeps them), read
 * straight into the vCPU's (4 KiB: not through the stack).
 */
static int read_traps(struct vcpu *caller, uint64_t arg, struct pv_trap *traps)
{
    struct trap_info ti[16];
    uint64_t base = arg + offsetof(struct vcpu_guest_context, trap_ctxt);

    _Static_assert(PV_NR_TRAPS == 256, "Xen's trap_ctxt[256]");
    for (unsigned int i = 0; i < 256; i += 16) {
        if (copy_from_guest(caller, ti, mk_gvaddr(base + i * sizeof(ti[0])), sizeof(ti)))
            return -XEN_EFAULT;
        for (unsigned int j = 0; j < 16; j++) {
            if (!pv_canonical(ti[j].address))
                return -XEN_EINVAL;
            traps[i + j] = (struct pv_trap){ ti[j].address, TI_GET_IF(&ti[j]) != 0,
                                             (uint8_t)TI_GET_DPL(&ti[j]) };
        }
    }
    return 0;
}

static bool zero(const uint64_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

/* Whether the FPU image is all zero (none given): 1, 0, or -XEN_EFAULT. */
static int fpu_image_empty(struct vcpu *caller, uint64_t arg)
{
    uint64_t part[8];

    for (unsigned int off = 0; off < 512; off += sizeof(part)) {
        if (copy_from_guest(caller, part, mk_gvaddr(arg + off), sizeof(part)))
            return -XEN_EFAULT;
        if (!zero(part, 8))
            return 0;
    }
    return 1;
}

int pv_vcpu_context_read(struct vcpu *caller, struct vcpu *target, uint64_t arg,
                         struct db_vcpu_state *st)
{
    struct context_head h;
    struct context_tail t;
    int fpu_empty = fpu_image_empty(caller, arg);
    struct pv_vcpu *pv = to_pv(target);
    const struct cpu_user_regs *r = &h.regs;
    struct domain *d = caller->domain;
    uint64_t cr3, user_cr3;
    int rc;

    if (fpu_empty < 0 ||
        copy_from_guest(caller, &h, mk_gvaddr(arg + offsetof(struct vcpu_guest_context, flags)),
                        sizeof(h)) ||
        copy_from_guest(caller, &t, mk_gvaddr(arg + offsetof(struct vcpu_guest_context, ldt_base)),
                        sizeof(t)))
        return -XEN_EFAULT;
    /* Xen's address checks. */
    if (!pv_canonical(r->rip) || !pv_canonical(r->rsp) || !pv_canonical(t.kernel_sp) ||
        (t.ldt_ents && !pv_canonical(t.ldt_base)) || !pv_canonical(t.fs_base) ||
        !pv_canonical(t.gs_base_kernel) || !pv_canonical(t.gs_base_user) ||
        !pv_canonical(t.event_callback_eip) || !pv_canonical(t.failsafe_callback_eip) ||
        !pv_canonical(t.syscall_callback_eip) || (t.ldt_base & (PAGE_SIZE - 1)) ||
        t.ldt_ents > 8192 ||
        (t.ldt_ents && t.ldt_base >= HYPERVISOR_VIRT_START && t.ldt_base < HYPERVISOR_VIRT_END))
        return -XEN_EINVAL;
    /* Kernel mode only (user mode is not offered yet), no FPU image or debug registers. */
    if (!(h.flags & VGCF_in_kernel) || (h.flags & ~(uint64_t)CONTEXT_FLAGS) || !fpu_empty ||
        !zero(t.debugreg, 8))
        return -XEN_EINVAL;
    /* The kernel's page tables, and the user's if given: frames of the domain's RAM. */
    if (!pv_own_ram(d, t.ctrlreg[3] >> PAGE_SHIFT) ||
        (t.ctrlreg[1] && !pv_own_ram(d, t.ctrlreg[1] >> PAGE_SHIFT)))
        return -XEN_EINVAL;
    cr3 = t.ctrlreg[3] & ~(PAGE_SIZE - 1);
    user_cr3 = t.ctrlreg[1] & ~(PAGE_SIZE - 1);
    /*
     * The vCPU's own state is set here, before the common code takes the
     * domain's lock; a vCPU with a state already keeps its own (the common
     * code answers -EEXIST). Two vCPUs initialising one at once race only
     * against each other, in their own domain.
     */
    if (target->initialised)
        return 0;
    rc = read_traps(caller, arg, pv->traps);
    if (rc)
        return rc;
    rc = (int)pv_set_gdt_frames(target, t.gdt_frames, t.gdt_ents);
    if (rc)
        return rc;
    memset(st, 0, sizeof(*st));
    if (!set_segment(target, &st->cs, HVM_SEG_CS, kernel_rpl(r->cs)) ||
        !set_segment(target, &st->ss, HVM_SEG_SS, kernel_rpl(r->ss)) ||
        !set_segment(target, &st->ds, HVM_SEG_DS, r->ds) ||
        !set_segment(target, &st->es, HVM_SEG_ES, r->es) ||
        !set_segment(target, &st->fs, HVM_SEG_FS, r->fs) ||
        !set_segment(target, &st->gs, HVM_SEG_GS, r->gs))
        return -XEN_EINVAL;
    /* Kernel mode: GS's base is the kernel's, the shadow one the user's (segments.c). */
    st->fs.base = t.fs_base;
    st->gs.base = t.gs_base_kernel;
    st->shadow_gs_base = t.gs_base_user;
    set_callbacks(target, &t, h.flags);
    pv_stack_switch(target, t.kernel_ss, t.kernel_sp);
    pv->ldt_base = t.ldt_ents ? t.ldt_base : 0;
    pv->ldt_ents = (unsigned int)t.ldt_ents;
    pv->user_baseptr = user_cr3;
    pv_l4_insert(d, cr3 >> PAGE_SHIFT);
    if (user_cr3)
        pv_l4_insert(d, user_cr3 >> PAGE_SHIFT);
    pv->iopl = (uint8_t)((r->rflags >> 12) & 3);

    st->mode = DB_CPU_PV64;
    st->rax = r->rax, st->rbx = r->rbx, st->rcx = r->rcx, st->rdx = r->rdx;
    st->rsi = r->rsi, st->rdi = r->rdi, st->rbp = r->rbp, st->rsp = r->rsp;
    st->r8 = r->r8, st->r9 = r->r9, st->r10 = r->r10, st->r11 = r->r11;
    st->r12 = r->r12, st->r13 = r->r13, st->r14 = r->r14, st->r15 = r->r15;
    st->rip = r->rip;
    /* Events are the upcall mask's business: the container's IF stays set. */
    st->rflags = (r->rflags & CONTEXT_RFLAGS) | X86_RFLAGS_FIXED | X86_RFLAGS_IF;
    st->cr0 = X86_CR0_PE | X86_CR0_ET | X86_CR0_NE | X86_CR0_WP | X86_CR0_PG;
    st->cr3 = cr3;
    st->cr4 = X86_CR4_PAE;
    st->efer = EFER_LME | EFER_LMA;
    return 0;
}
