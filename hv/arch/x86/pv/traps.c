// SPDX-License-Identifier: MIT
/*
 * A PV guest's exceptions: the container intercepts every one (its IDT is
 * never used) and the hypervisor bounces it to the handler the guest gave
 * in set_trap_table, writing Xen's x86-64 frame on the guest kernel stack
 * through the guest's page tables (a guest-virtual write, bounded by the
 * P2M like any access of the guest). From guest user mode the vCPU first
 * switches to kernel mode, and the frame goes on the stack stack_switch
 * gave. With no handler for the vector, or a frame that cannot be written,
 * the domain crashes, as on Xen. The kernel returns with HYPERVISOR_iret,
 * to itself or to user mode.
 *
 * SYSCALL raises #UD in the container (EFER.SCE is clear): from user mode
 * it is bounced to the syscall callback with the frame Xen's SYSCALL entry
 * builds, from kernel mode (and without a syscall callback, as Xen since
 * 4.13) it stays a #UD.
 */
#include <string.h>
#include <public/arch-x86/shared_info.h>
#include <public/errno.h>
#include <public/xen.h>
#include <asm/hvm/exit_stats.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
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

/* Cleared on entry to a bounce handler, as the hardware clears them on a trap (and AC). */
#define BOUNCE_RFLAGS_CLEARED \
    (X86_RFLAGS_AC | X86_RFLAGS_VM | X86_RFLAGS_RF | X86_RFLAGS_NT | X86_RFLAGS_TF)

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
        if (!pv_canonical(ti.address))
            return -XEN_EINVAL;
        pv->traps[ti.vector] =
            (struct pv_trap){ ti.address, TI_GET_IF(&ti) != 0, (uint8_t)TI_GET_DPL(&ti) };
    }
    return -XEN_EINVAL; /* no end within the bound */
}

void pv_bounce_selectors(struct vcpu *v, struct pv_bounce *b)
{
    struct hvm_segment cs, ss;

    hvm_be->get_segment(v, HVM_SEG_CS, &cs);
    hvm_be->get_segment(v, HVM_SEG_SS, &ss);
    b->cs = cs.selector;
    b->ss = ss.selector;
}

/*
 * A bounce enters the kernel on Xen's flat CS and SS, as Xen's bounce
 * frame does (an iret may have left the guest's own selectors loaded).
 */
static void enter_flat_kernel_segments(struct vcpu *v)
{
    static const struct {
        enum hvm_seg seg;
        uint16_t sel;
    } flat[] = { { HVM_SEG_CS, FLAT_KERNEL_CS64 }, { HVM_SEG_SS, FLAT_KERNEL_SS64 } };

    for (unsigned int i = 0; i < ARRAY_SIZE(flat); i++) {
        struct hvm_segment s;

        hvm_be->get_segment(v, flat[i].seg, &s);
        if (s.selector != flat[i].sel && pv_segment(v, flat[i].seg, flat[i].sel, &s))
            hvm_be->set_segment(v, flat[i].seg, &s);
    }
}

const char *pv_bounce(struct vcpu *v, const struct pv_bounce *b)
{
    static const enum hvm_seg data_segs[] = { HVM_SEG_GS, HVM_SEG_FS, HVM_SEG_ES, HVM_SEG_DS };
    struct pv_vcpu *pv = to_pv(v);
    uint64_t frame[13], *p = frame + ARRAY_SIZE(frame);
    uint64_t rsp = hvm_be->get_reg(v, GREG_RSP), rflags = hvm_be->get_reg(v, GREG_RFLAGS);
    uint8_t mask = pv_upcall_mask(v);
    uint16_t cs = b->cs;
    uint64_t sp;
    size_t bytes;

    if (pv->kernel_mode) {
        sp = rsp;
        cs &= (uint16_t)~3u; /* Xen marks a frame of the kernel with RPL 0 */
    } else {
        pv_toggle_mode(v);
        sp = pv->kernel_sp;
    }
    *--p = b->ss;
    *--p = rsp;
    *--p = (rflags & ~(X86_RFLAGS_IF | X86_RFLAGS_IOPL)) | (mask ? 0 : X86_RFLAGS_IF) |
           (uint64_t)pv->iopl << 12; /* the virtual IOPL, as Xen's frame */
    *--p = cs | (uint64_t)mask << 32;
    *--p = hvm_be->get_reg(v, GREG_RIP);
    if (b->has_error)
        *--p = b->error_code;
    for (unsigned int i = 0; b->failsafe && i < ARRAY_SIZE(data_segs); i++) {
        struct hvm_segment s;

        hvm_be->get_segment(v, data_segs[i], &s);
        *--p = s.selector;
    }
    *--p = hvm_be->get_reg(v, GREG_R11);
    *--p = hvm_be->get_reg(v, GREG_RCX);
    bytes = (size_t)(frame + ARRAY_SIZE(frame) - p) * sizeof(frame[0]);
    sp = (sp & ~0xFull) - bytes;
    if (!pv_canonical(sp) || copy_to_guest(v, mk_gvaddr(sp), p, bytes))
        return "fault while writing the PV exception frame";
    hvm_be->set_reg(v, GREG_RIP, b->handler);
    hvm_be->set_reg(v, GREG_RSP, sp);
    hvm_be->set_reg(v, GREG_RFLAGS, rflags & ~BOUNCE_RFLAGS_CLEARED);
    enter_flat_kernel_segments(v);
    if (b->mask_events)
        pv_set_upcall_mask(v, 1);
    return NULL;
}

/* Whether the instruction at RIP is SYSCALL (0f 05), read as the guest reads its memory. */
static bool at_syscall(struct vcpu *v)
{
    uint8_t insn[2];

    return !copy_from_guest(v, insn, mk_gvaddr(hvm_be->get_reg(v, GREG_RIP)), sizeof(insn)) &&
           insn[0] == 0x0F && insn[1] == 0x05;
}

/*
 * SYSCALL from guest user mode, completed as the instruction and Xen's
 * entry would: RCX = the next RIP, R11 = RFLAGS; the frame's CS and SS
 * are the flat ones Xen's entry records; DF clear in the handler.
 */
static struct hvm_outcome bounce_syscall(struct vcpu *v)
{
    struct pv_vcpu *pv = to_pv(v);
    uint64_t next = hvm_be->get_reg(v, GREG_RIP) + 2, rflags = hvm_be->get_reg(v, GREG_RFLAGS);
    const char *why;

    hvm_be->set_reg(v, GREG_RIP, next);
    hvm_be->set_reg(v, GREG_RCX, next);
    hvm_be->set_reg(v, GREG_R11, rflags);
    why = pv_bounce(v, &(struct pv_bounce){ .handler = pv->syscall_callback,
                                            .cs = FLAT_USER_CS64,
                                            .ss = FLAT_KERNEL_SS64,
                                            .mask_events = pv->syscall_masks_events });
    if (why)
        return hvm_crash(why);
    hvm_be->set_reg(v, GREG_RFLAGS, hvm_be->get_reg(v, GREG_RFLAGS) & ~IRET_RFLAGS_DF);
    return hvm_resume();
}

/*
 * SYSCALL from the guest kernel is Xen's PV hypercall instruction: Xen's
 * hypercall page holds `syscall` stubs, and Linux since the XSA-466 fix
 * issues `syscall` itself (push %rcx, %r11; syscall; pop). The number in
 * RAX, the arguments in RDI, RSI, RDX, R10, R8, the result in RAX; RCX and
 * R11 as SYSCALL leaves them (the next RIP, RFLAGS).
 */
static struct hvm_outcome kernel_syscall_hypercall(struct vcpu *v)
{
    static const enum guest_reg regs[HYPERCALL_NR_ARGS] = {
        GREG_RDI, GREG_RSI, GREG_RDX, GREG_R10, GREG_R8,
    };
    uint64_t next = hvm_be->get_reg(v, GREG_RIP) + 2, args[HYPERCALL_NR_ARGS];
    uint64_t nr = hvm_be->get_reg(v, GREG_RAX);
    int64_t ret;

    for (unsigned int i = 0; i < HYPERCALL_NR_ARGS; i++)
        args[i] = hvm_be->get_reg(v, regs[i]);
    hvm_be->set_reg(v, GREG_RCX, next);
    hvm_be->set_reg(v, GREG_R11, hvm_be->get_reg(v, GREG_RFLAGS));
    hvm_be->set_reg(v, GREG_RIP, next);
    v->hypercall_64bit = true;
    exit_stats_hypercall(nr);
    /* A new context (iret) has its RIP and RAX already. */
    if (pv_hypercall(v, nr, args, &ret) == HYPERCALL_RESULT)
        hvm_be->set_reg(v, GREG_RAX, (uint64_t)ret);
    return hvm_resume();
}

/*
 * A native IRETQ (REX.W CF) in the guest kernel back to the kernel, as
 * Linux's sync_core() returns to itself, on Xen's flat selectors or its own
 * GDT's (Linux's secondary vCPUs run on its __KERNEL_CS): on Xen the
 * processor does it through the GDT; the container has no descriptors, so
 * it raises #GP with the CS selector and the hypervisor completes it as the
 * processor would at CPL 3 (CS and SS loaded as pv_segment() checks them,
 * IF and IOPL kept: a CPL-3 IRET cannot change them). Anything else is left
 * to the guest's #GP handler.
 */
static bool native_iretq(struct vcpu *v, uint32_t error_code)
{
    uint8_t insn[16];
    uint64_t f[5]; /* RIP, CS, RFLAGS, RSP, SS, as IRETQ pops them */
    uint64_t rflags = hvm_be->get_reg(v, GREG_RFLAGS);
    struct hvm_segment cs, ss;
    bool null_ss;

    if (!to_pv(v)->kernel_mode || hvm_fetch_insn(v, insn) < 2 || insn[0] != 0x48 ||
        insn[1] != 0xCF ||
        copy_from_guest(v, f, mk_gvaddr(hvm_be->get_reg(v, GREG_RSP)), sizeof(f)))
        return false;
    /* The #GP is the CS load's; the return stays at CPL 3 (RPL 3 on both selectors). */
    if ((error_code & ~3u) != ((uint16_t)f[1] & ~3u) || ((uint16_t)f[1] & 3) != 3 ||
        !pv_canonical(f[0]) || !pv_canonical(f[3]) ||
        !pv_segment(v, HVM_SEG_CS, (uint16_t)f[1], &cs))
        return false;
    /* A null SS only back to Xen's flat kernel CS, as before the guest's own selectors. */
    null_ss = (uint16_t)f[4] == 3 && (uint16_t)f[1] == FLAT_KERNEL_CS64;
    if (!null_ss && (((uint16_t)f[4] & 3) != 3 || !pv_segment(v, HVM_SEG_SS, (uint16_t)f[4], &ss)))
        return false;
    hvm_be->set_segment(v, HVM_SEG_CS, &cs);
    if (!null_ss)
        hvm_be->set_segment(v, HVM_SEG_SS, &ss);
    hvm_be->set_reg(v, GREG_RIP, f[0]);
    hvm_be->set_reg(v, GREG_RFLAGS,
                    (f[2] & IRET_RFLAGS & ~X86_RFLAGS_IF) | X86_RFLAGS_FIXED |
                        (rflags & X86_RFLAGS_IF));
    hvm_be->set_reg(v, GREG_RSP, f[3]);
    return true;
}

struct hvm_outcome pv_exception(struct vcpu *v, uint8_t vector, uint32_t error_code,
                                uint64_t fault_addr)
{
    struct pv_vcpu *pv = to_pv(v);
    const struct pv_trap *t;
    struct pv_bounce b;
    const char *why;
    struct hvm_outcome emulated;

    /* A data segment load the container cannot do: done here, or the fault it would raise. */
    if (vector == X86_EXC_GP && error_code) {
        unsigned int len;

        if (native_iretq(v, error_code))
            return hvm_resume();
        if (pv_emulate_seg_load(v, error_code, &len, &vector, &error_code) == PV_SEG_DONE)
            return hvm_advance(len);
    }
    /* A kernel entry without _PAGE_USER, or a fault the tables no longer explain: retried. */
    if (vector == X86_EXC_PF && pv_page_fault_fixed(v, error_code, fault_addr))
        return hvm_resume();
    /* A kernel's write to a page table it maps read-only: Xen's writable page tables. */
    if (vector == X86_EXC_PF && pv_ptwr_fault(v, error_code, fault_addr, &emulated))
        return emulated;
    /* INT n and INT3 (softint.c): bounced, or the #GP Xen gives for a refused INT n. */
    if (pv_software_interrupt(v, vector, &error_code, &emulated))
        return emulated;
    t = &pv->traps[vector];
    if (vector == X86_EXC_UD && (pv->kernel_mode || pv->syscall_callback) && at_syscall(v))
        return pv->kernel_mode ? kernel_syscall_hypercall(v) : bounce_syscall(v);
    /* An instruction the hypervisor emulates (emul_priv.c, emul_inv.c) is not bounced. */
    if (pv_emulate(v, vector, error_code, &emulated))
        return emulated;
    if (!t->address) {
        printk("%s: vCPU %u: PV exception %u (error 0x%x, address 0x%llx) at 0x%llx with no "
               "handler in its trap table\n",
               v->domain->name, v->id, vector, error_code, (unsigned long long)fault_addr,
               (unsigned long long)hvm_be->get_reg(v, GREG_RIP));
        return hvm_crash("PV exception with no trap table handler");
    }
    /* A PV kernel reads the faulting address from its vcpu_info (it cannot read CR2). */
    if (vector == X86_EXC_PF && v->ev.info)
        __atomic_store_n(&v->ev.info->arch.cr2, fault_addr, __ATOMIC_RELAXED);
    /* fpu_taskswitch's TS: the #NM goes to the kernel and TS is cleared, as on Xen. */
    if (vector == X86_EXC_NM)
        hvm_be->set_reg(v, GREG_CR0, hvm_be->get_reg(v, GREG_CR0) & ~X86_CR0_TS);
    b = (struct pv_bounce){ .handler = t->address,
                            .mask_events = t->mask_events,
                            .has_error = hvm_exception(vector, error_code).has_error,
                            .error_code = error_code };
    pv_bounce_selectors(v, &b);
    why = pv_bounce(v, &b);
    return why ? hvm_crash(why) : hvm_resume();
}

int64_t pv_fpu_taskswitch(struct vcpu *v, uint64_t set)
{
    uint64_t cr0 = hvm_be->get_reg(v, GREG_CR0);

    /* Xen's argument is an int: any nonzero value of its 32 bits sets TS. */
    hvm_be->set_reg(v, GREG_CR0, (uint32_t)set ? cr0 | X86_CR0_TS : cr0 & ~X86_CR0_TS);
    return 0;
}

/*
 * Loads iret's CS and SS (RPL 3 forced, as Xen does) as the processor's
 * IRET to CPL 3 would: from the guest's GDT or LDT or Xen's flat entries,
 * CS present 64-bit code, SS writable data (a return to the kernel may
 * also give a null SS, kept as it is). A return that SYSRET would make
 * (VGCF_in_syscall) loads Xen's flat user selectors whatever the frame
 * says, as Xen's SYSRET path. False, nothing loaded: the IRET would fault.
 */
static bool iret_load_selectors(struct vcpu *v, uint16_t cs, uint16_t ss, bool to_user,
                                bool in_syscall)
{
    struct hvm_segment c, s;
    bool keep_ss = !in_syscall && !to_user && ss == 3;

    if (in_syscall)
        cs = FLAT_USER_CS64, ss = FLAT_USER_SS64;
    if (!pv_segment(v, HVM_SEG_CS, cs, &c) || (!keep_ss && !pv_segment(v, HVM_SEG_SS, ss, &s)))
        return false;
    hvm_be->set_segment(v, HVM_SEG_CS, &c);
    if (!keep_ss)
        hvm_be->set_segment(v, HVM_SEG_SS, &s);
    return true;
}

/*
 * Xen's iret: the frame (struct iret_context) at the caller's RSP gives
 * the context to return to; RAX comes back from it too. CS with RPL 3
 * returns to guest user mode, on its own page tables and GS base. A frame
 * that cannot be read, or user mode without user page tables, crashes the
 * domain, as on Xen; selectors that cannot be loaded go to the failsafe
 * callback, as a faulting IRET in Xen does.
 */
enum hypercall_return pv_iret(struct vcpu *v, int64_t *result)
{
    struct pv_vcpu *pv = to_pv(v);
    struct iret_context c;
    uint16_t cs, ss;
    bool to_user, in_syscall;
    uint64_t rflags;
    const char *why;

    if (copy_from_guest(v, &c, mk_gvaddr(hvm_be->get_reg(v, GREG_RSP)), sizeof(c))) {
        domain_crash(v->domain, "PV iret: the frame at RSP 0x%llx cannot be read",
                     (unsigned long long)hvm_be->get_reg(v, GREG_RSP));
        return HYPERCALL_NEW_CONTEXT;
    }
    /* CS's upper bits hold the upcall mask of a bounce frame: the selectors only. */
    cs = (uint16_t)c.cs | 3;
    ss = (uint16_t)c.ss | 3;
    to_user = (c.cs & 3) == 3;
    in_syscall = (c.flags & VGCF_in_syscall) != 0;
    if (to_user && !pv->user_baseptr) {
        domain_crash(v->domain, "PV iret to user mode with no user page tables "
                                "(MMUEXT_NEW_USER_BASEPTR)");
        return HYPERCALL_NEW_CONTEXT;
    }
    if (to_user)
        pv_toggle_mode(v);
    rflags = (c.rflags & IRET_RFLAGS) | X86_RFLAGS_FIXED | X86_RFLAGS_IF;
    hvm_be->set_reg(v, GREG_RIP, c.rip);
    hvm_be->set_reg(v, GREG_RSP, c.rsp);
    hvm_be->set_reg(v, GREG_RFLAGS, rflags);
    /* From a system call: RCX and R11 as SYSRET leaves them. */
    hvm_be->set_reg(v, GREG_RCX, in_syscall ? c.rip : c.rcx);
    hvm_be->set_reg(v, GREG_R11, in_syscall ? rflags : c.r11);
    hvm_be->set_reg(v, GREG_RAX, c.rax);
    pv_set_upcall_mask(v, !(c.rflags & X86_RFLAGS_IF));
    *result = (int64_t)c.rax;
    if (iret_load_selectors(v, cs, ss, to_user, in_syscall))
        return HYPERCALL_NEW_CONTEXT;
    if (!pv->failsafe_callback) {
        domain_crash(v->domain,
                     "PV iret to CS 0x%x SS 0x%x: the selectors cannot be loaded, and no "
                     "failsafe callback is registered",
                     cs, ss);
        return HYPERCALL_NEW_CONTEXT;
    }
    why = pv_bounce(v, &(struct pv_bounce){ .handler = pv->failsafe_callback,
                                            .cs = cs,
                                            .ss = ss,
                                            .mask_events = pv->failsafe_masks_events,
                                            .failsafe = true });
    if (why)
        domain_crash(v->domain, "%s", why);
    return HYPERCALL_NEW_CONTEXT;
}
