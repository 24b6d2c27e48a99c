// SPDX-License-Identifier: MIT
/*
 * A PV guest's exceptions: the container intercepts every one (its IDT is
 * never used) and the hypervisor bounces it to the handler the guest gave
 * in set_trap_table, writing Xen's x86-64 frame on the guest kernel stack
 * through the guest's page tables (a guest-virtual write, bounded by the
 * P2M like any access of the guest). With no handler for the vector, or a
 * frame that cannot be written, the domain crashes, as on Xen. The kernel
 * returns with HYPERVISOR_iret.
 *
 * Only the guest kernel's own exceptions are bounced: guest user mode (and
 * so the kernel stack of stack_switch) is not offered yet, and iret refuses
 * to enter it.
 */
#include <string.h>
#include <public/arch-x86/shared_info.h>
#include <public/errno.h>
#include <public/xen.h>
#include <hv/guest_access.h>
#include <hv/printk.h>
#include "pv.h"

/* set_trap_table reads at most this many entries before the list's end. */
#define TRAP_LIST_MAX 256

/*
 * The RFLAGS bits a guest's iret may set: the arithmetic ones (CF, PF, AF,
 * ZF, SF, OF), TF, IF, DF, NT, RF, AC, ID; IOPL, VM and the reserved ones
 * are the hypervisor's.
 */
#define IRET_RFLAGS_ARITH 0x8D5ull /* CF PF AF ZF SF OF */
#define IRET_RFLAGS_DF    X86_BIT(10)
#define IRET_RFLAGS                                                                       \
    (IRET_RFLAGS_ARITH | X86_RFLAGS_TF | X86_RFLAGS_IF | IRET_RFLAGS_DF | X86_RFLAGS_NT | \
     X86_RFLAGS_RF | X86_RFLAGS_AC | X86_RFLAGS_ID)

static bool canonical(uint64_t va)
{
    return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

int64_t pv_set_trap_table(struct vcpu *v, uint64_t list)
{
    struct pv_vcpu *pv = to_pv(v);
    struct trap_info ti;

    /* No list: every handler goes, as on Xen. */
    if (!list) {
        memset(pv->traps, 0, sizeof(pv->traps));
        return 0;
    }
    for (unsigned int i = 0; i < TRAP_LIST_MAX; i++) {
        if (copy_from_guest(v, &ti, mk_gvaddr(list + i * sizeof(ti)), sizeof(ti)))
            return -XEN_EFAULT;
        if (!ti.address)
            return 0;
        if (!canonical(ti.address))
            return -XEN_EINVAL;
        if (ti.vector < PV_NR_TRAPS)
            pv->traps[ti.vector] = (struct pv_trap){ ti.address, TI_GET_IF(&ti) != 0 };
    }
    return -XEN_EINVAL; /* no end within the bound */
}

static uint8_t upcall_mask(const struct vcpu *v)
{
    return v->ev.info ? __atomic_load_n(&v->ev.info->evtchn_upcall_mask, __ATOMIC_RELAXED) : 1;
}

static void set_upcall_mask(struct vcpu *v, uint8_t mask)
{
    if (v->ev.info)
        __atomic_store_n(&v->ev.info->evtchn_upcall_mask, mask, __ATOMIC_RELAXED);
}

/*
 * Xen's frame, from the lowest address: RCX, R11, [error code,] RIP,
 * CS (RPL 0 for the kernel; the upcall mask in bits 32-39), RFLAGS (IF is
 * the inverse of the upcall mask), RSP, SS; the stack 16-byte aligned first.
 * NULL, or why it cannot be written.
 */
static const char *bounce(struct vcpu *v, const struct pv_trap *t, bool has_error,
                          uint32_t error_code)
{
    uint64_t frame[8], *p = frame;
    uint64_t rsp = hvm_be->get_reg(v, GREG_RSP), rflags = hvm_be->get_reg(v, GREG_RFLAGS);
    uint8_t mask = upcall_mask(v);
    uint64_t ksp = rsp & ~0xFull;
    size_t bytes;

    *p++ = hvm_be->get_reg(v, GREG_RCX);
    *p++ = hvm_be->get_reg(v, GREG_R11);
    if (has_error)
        *p++ = error_code;
    *p++ = hvm_be->get_reg(v, GREG_RIP);
    *p++ = (FLAT_KERNEL_CS64 & ~3u) | (uint64_t)mask << 32;
    *p++ = (rflags & ~(X86_RFLAGS_IF | X86_RFLAGS_IOPL)) | (mask ? 0 : X86_RFLAGS_IF) |
           (uint64_t)to_pv(v)->iopl << 12; /* the virtual IOPL, as Xen's frame */
    *p++ = rsp;
    *p++ = FLAT_KERNEL_SS64;
    bytes = (size_t)(p - frame) * sizeof(frame[0]);
    ksp -= bytes;
    if (!canonical(ksp) || copy_to_guest(v, mk_gvaddr(ksp), frame, bytes))
        return "fault while writing the PV exception frame";
    hvm_be->set_reg(v, GREG_RIP, t->address);
    hvm_be->set_reg(v, GREG_RSP, ksp);
    hvm_be->set_reg(
        v, GREG_RFLAGS,
        rflags & ~(X86_RFLAGS_AC | X86_RFLAGS_VM | X86_RFLAGS_RF | X86_RFLAGS_NT | X86_RFLAGS_TF));
    if (t->mask_events)
        set_upcall_mask(v, 1);
    return NULL;
}

struct hvm_outcome pv_exception(struct vcpu *v, uint8_t vector, uint32_t error_code,
                                uint64_t fault_addr)
{
    const struct pv_trap *t;
    const char *why;

    /* A data segment load the container cannot do: done here, or the fault it would raise. */
    if (vector == X86_EXC_GP && error_code) {
        unsigned int len;

        if (pv_emulate_seg_load(v, error_code, &len, &vector, &error_code) == PV_SEG_DONE)
            return hvm_advance(len);
    }
    t = vector < PV_NR_TRAPS ? &to_pv(v)->traps[vector] : NULL;
    if (!t || !t->address) {
        printk("%s: vCPU %u: PV exception %u (error 0x%x, address 0x%llx) at 0x%llx with no "
               "handler in its trap table\n",
               v->domain->name, v->id, vector, error_code, (unsigned long long)fault_addr,
               (unsigned long long)hvm_be->get_reg(v, GREG_RIP));
        return hvm_crash("PV exception with no trap table handler");
    }
    /* A PV kernel reads the faulting address from its vcpu_info (it cannot read CR2). */
    if (vector == X86_EXC_PF && v->ev.info)
        __atomic_store_n(&v->ev.info->arch.cr2, fault_addr, __ATOMIC_RELAXED);
    why = bounce(v, t, hvm_exception(vector, error_code).has_error, error_code);
    return why ? hvm_crash(why) : hvm_resume();
}

/*
 * Xen's iret: the frame (struct iret_context) at the caller's RSP gives
 * the context to return to; RAX comes back from it too. Only a return to
 * the guest kernel (CS RPL 0 in the frame) on Xen's flat 64-bit selectors
 * is offered. A frame that cannot be read or is refused crashes the domain,
 * as on Xen.
 */
enum hypercall_return pv_iret(struct vcpu *v, int64_t *result)
{
    struct iret_context c;
    uint16_t cs, ss; /* the selectors: CS's upper bits hold the upcall mask of a bounce frame */

    if (copy_from_guest(v, &c, mk_gvaddr(hvm_be->get_reg(v, GREG_RSP)), sizeof(c))) {
        domain_crash(v->domain, "PV iret: the frame at RSP 0x%llx cannot be read",
                     (unsigned long long)hvm_be->get_reg(v, GREG_RSP));
        return HYPERCALL_NEW_CONTEXT;
    }
    cs = (uint16_t)c.cs;
    ss = (uint16_t)c.ss;
    if ((cs & 3) || (cs | 3) != FLAT_KERNEL_CS64 ||
        ((ss | 3) != FLAT_KERNEL_SS64 && (ss | 3) != 3)) {
        domain_crash(v->domain,
                     "PV iret to CS 0x%llx SS 0x%llx: only the kernel's flat 64-bit segments "
                     "are offered (guest user mode is not yet)",
                     (unsigned long long)cs, (unsigned long long)ss);
        return HYPERCALL_NEW_CONTEXT;
    }
    hvm_be->set_reg(v, GREG_RIP, c.rip);
    hvm_be->set_reg(v, GREG_RSP, c.rsp);
    hvm_be->set_reg(v, GREG_RFLAGS, (c.rflags & IRET_RFLAGS) | X86_RFLAGS_FIXED | X86_RFLAGS_IF);
    if (!(c.flags & VGCF_in_syscall)) {
        hvm_be->set_reg(v, GREG_RCX, c.rcx);
        hvm_be->set_reg(v, GREG_R11, c.r11);
    }
    hvm_be->set_reg(v, GREG_RAX, c.rax);
    set_upcall_mask(v, !(c.rflags & X86_RFLAGS_IF));
    *result = (int64_t)c.rax;
    return HYPERCALL_NEW_CONTEXT;
}
