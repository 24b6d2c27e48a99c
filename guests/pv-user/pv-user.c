// SPDX-License-Identifier: MIT
/*
 * pv-user: the CPU side of the x86-64 PV ABI around guest user mode, valid
 * and hostile arguments, one line per failed check and a verdict
 * ("pv-user: N checks, 0 failed: PASS").
 *
 *   (default)          callback_op and set_callbacks (hostile ones refused with
 *                      Xen's errors), stack_switch, set_segment_base, vm_assist,
 *                      multicall, fpu_taskswitch and #NM; events through the
 *                      event callback with the upcall mask (set on delivery,
 *                      looked at again after iret and SCHEDOP_block unmask);
 *                      SYSCALL from kernel mode is a hypercall; guest user mode
 *                      entered with iret on its own page tables and GS base,
 *                      SYSCALL from it to the syscall callback and back with
 *                      VGCF_in_syscall, its exceptions and events bounced on
 *                      the stack_switch stack in kernel mode, its hypercalls
 *                      refused; an iret to a selector the hypervisor cannot
 *                      load goes to the failsafe callback; IN and OUT from
 *                      user mode under IOPL 0, 1 and 3 (#GP below 3); INT n
 *                      and INT3 from user mode by their entries' DPL
 *   mode=bad-stack     a kernel stack that cannot be written: user mode's ud2
 *                      cannot be bounced and the domain crashes
 *   mode=no-failsafe   an iret to a selector that cannot be loaded, with no
 *                      failsafe callback: the domain crashes
 */
#include <stdint.h>

#include <public/arch-x86/shared_info.h>
#include <public/arch-x86/xen-x86_64.h>
#include <public/callback.h>
#include <public/event_channel.h>
#include <public/memory.h>
#include <public/physdev.h>
#include <public/sched.h>
#include <public/version.h>
#include <public/xen.h>

#include "guest.h"
#include "pv-guest.h"

#define RFLAGS_IF (1ull << 9)
#define CR0_TS    (1u << 3)

/* Mapped only in the user page tables (L4 slot 1). */
#define USER_ONLY_VA  0x0000008000000000ull
#define NONCANONICAL  0x0000800000000000ull
#define USER_CS_LINUX 0x33 /* a selector of a GDT this guest does not have */

/* System calls of the user program. */
#define SYS_EXIT       0
#define SYS_KERNEL_GS  1
#define SYS_SEND_EVENT 2

void pv_user_trap_ud(uint64_t *f, struct pv_saved_regs *r);
void pv_user_trap_nm(uint64_t *f, struct pv_saved_regs *r);
void pv_user_trap_gp(uint64_t *f, struct pv_saved_regs *r);
void pv_user_trap_soft(uint64_t *f, struct pv_saved_regs *r);
void pv_user_trap_pf(uint64_t *f, struct pv_saved_regs *r);
void pv_user_event(uint64_t *f, struct pv_saved_regs *r);
void pv_user_syscall(uint64_t *f, struct pv_saved_regs *r);
void pv_user_failsafe(uint64_t *f, struct pv_saved_regs *r);
void trap_ud(void), trap_nm(void), trap_gp(void), trap_pf(void), trap_bp(void), trap_int81(void);
void event_callback(void), syscall_callback(void), failsafe_callback(void);
uint64_t probe_read(uint64_t addr);
uint64_t probe_gs0(void);
long user_syscall(uint64_t nr, uint64_t *out);

extern uint64_t probe_resume;

static uint8_t kstack[16384] __attribute__((aligned(16)));
static uint8_t ustack[16384] __attribute__((aligned(16)));
static uint64_t iret_area[16] __attribute__((aligned(16)));
static uint64_t user_l4[512] __attribute__((aligned(4096)));
static uint64_t user_l3[512] __attribute__((aligned(4096)));
static uint64_t user_l2[512] __attribute__((aligned(4096)));
static uint64_t user_l1[512] __attribute__((aligned(4096)));
static uint64_t user_page[512] __attribute__((aligned(4096)));
static union {
    struct shared_info s;
    uint8_t page[4096];
} shinfo __attribute__((aligned(4096)));
static volatile uint64_t kernel_gs_cell = 0x4b4b4b4b4b4b4b4bull;
static volatile uint64_t user_gs_cell = 0x5555555555555555ull;
static volatile uint64_t fs_cell = 0xf5f5f5f5f5f5f5f5ull;
static uint32_t ipi_port;

/* What the entry points saw. */
static volatile struct {
    unsigned int ud, ud_user, nm, gp, pf, events, syscalls, failsafes;
    uint64_t ud_cs, ud_ss, ud_rsp, ud_frame, ud_gs, gp_error, pf_cs;
    unsigned int soft;
    uint64_t soft_rip, soft_cs;
    uint64_t ev_rip, ev_cs, ev_rflags, ev_frame, ev_mask;
    uint64_t sc_rip, sc_cs, sc_ss, sc_rflags, sc_rsp, sc_rcx, sc_r11, sc_mask, sc_frame;
    uint64_t sc_kernel_gs, sc_user_page;
    uint64_t fs_frame[11], fs_segs[4];
    uint64_t nm_cr0;
} seen;

/* What the user program found (it cannot print: its hypercalls are refused). */
static volatile struct {
    uint64_t gs, fs, user_page, kernel_gs, kernel_user_page, out[5], gs_after;
    long hypercall;
    uint64_t pf, events_before, events_after, gs_sel, gs0;
    unsigned int after_ud, after_int80;
    uint8_t io_in;
    uint64_t soft_after[2];
} u;

static bool on_kernel_stack(uint64_t p)
{
    return p >= (uint64_t)(uintptr_t)kstack && p < (uint64_t)(uintptr_t)kstack + sizeof(kstack);
}

static uint16_t smsw(void)
{
    uint16_t msw;

    __asm__ volatile("smsw %0" : "=r"(msw));
    return msw;
}

static struct vcpu_info *vinfo(void)
{
    return &shinfo.s.vcpu_info[0];
}

/* ---- entry points (kernel mode) ---- */

void pv_user_trap_ud(uint64_t *f, struct pv_saved_regs *r)
{
    uint64_t gs;

    (void)r;
    seen.ud++;
    if ((f[1] & 3) == 3) {
        seen.ud_user++;
        seen.ud_cs = f[1];
        seen.ud_ss = f[4];
        seen.ud_rsp = f[3];
        seen.ud_frame = (uint64_t)(uintptr_t)f;
        __asm__ volatile("mov %%gs:0, %0" : "=r"(gs));
        seen.ud_gs = gs;
    }
    f[0] += 2; /* ud2, or a SYSCALL that stayed #UD */
}

void pv_user_trap_nm(uint64_t *f, struct pv_saved_regs *r)
{
    (void)f;
    (void)r;
    seen.nm++;
    seen.nm_cr0 = smsw(); /* the instruction runs again: TS must be clear already */
}

/* INT3 and INT 0x81 (the software interrupts its trap table admits from user mode). */
void pv_user_trap_soft(uint64_t *f, struct pv_saved_regs *r)
{
    (void)r;
    seen.soft++;
    seen.soft_rip = f[0];
    seen.soft_cs = f[1];
}

void pv_user_trap_gp(uint64_t *f, struct pv_saved_regs *r)
{
    (void)r;
    seen.gp++;
    seen.gp_error = f[-1];
    f[0] += 2; /* int $n */
}

void pv_user_trap_pf(uint64_t *f, struct pv_saved_regs *r)
{
    (void)r;
    seen.pf++;
    seen.pf_cs = f[1];
    if (!probe_resume) {
        guest_puts("pv-user: FAIL: unexpected #PF at ");
        guest_put_hex(f[0]);
        guest_puts("\n");
        pv_shutdown(SHUTDOWN_crash);
    }
    f[0] = probe_resume;
    probe_resume = 0;
}

void pv_user_event(uint64_t *f, struct pv_saved_regs *r)
{
    struct vcpu_info *vi = vinfo();

    (void)r;
    seen.events++;
    seen.ev_rip = f[0];
    seen.ev_cs = f[1];
    seen.ev_rflags = f[2];
    seen.ev_frame = (uint64_t)(uintptr_t)f;
    seen.ev_mask = vi->evtchn_upcall_mask;
    vi->evtchn_upcall_pending = 0;
    vi->evtchn_pending_sel = 0;
    shinfo.s.evtchn_pending[0] = 0;
}

static long send_ipi(void)
{
    struct evtchn_send s = { ipi_port };

    return pv_hypercall3(__HYPERVISOR_event_channel_op, EVTCHNOP_send, (uint64_t)(uintptr_t)&s, 0);
}

static void record_syscall(const uint64_t *f)
{
    seen.sc_rcx = f[-2];
    seen.sc_r11 = f[-1];
    seen.sc_rip = f[0];
    seen.sc_cs = f[1];
    seen.sc_rflags = f[2];
    seen.sc_rsp = f[3];
    seen.sc_ss = f[4];
    seen.sc_frame = (uint64_t)(uintptr_t)f;
    seen.sc_mask = vinfo()->evtchn_upcall_mask;
}

/* The first system call's frame is kept (the others' RFLAGS differ). */
void pv_user_syscall(uint64_t *f, struct pv_saved_regs *r)
{
    if (!seen.syscalls++)
        record_syscall(f);
    switch (r->rax) {
    case SYS_EXIT: pv_iret_leave();
    case SYS_KERNEL_GS:
        seen.sc_kernel_gs = probe_gs0();
        seen.sc_user_page = probe_read(USER_ONLY_VA);
        r->rax = 0x600d;
        return;
    case SYS_SEND_EVENT: r->rax = (uint64_t)send_ipi(); return;
    }
    r->rax = (uint64_t)-ENOSYS;
}

void pv_user_failsafe(uint64_t *f, struct pv_saved_regs *r)
{
    uint16_t ds, es, fs, gs;

    (void)r;
    seen.failsafes++;
    for (unsigned int i = 0; i < 11; i++)
        seen.fs_frame[i] = f[(int)i - 6];
    __asm__ volatile("mov %%ds, %0; mov %%es, %1; mov %%fs, %2; mov %%gs, %3"
                     : "=r"(ds), "=r"(es), "=r"(fs), "=r"(gs));
    seen.fs_segs[0] = ds;
    seen.fs_segs[1] = es;
    seen.fs_segs[2] = fs;
    seen.fs_segs[3] = gs;
    pv_iret_leave();
}

/* ---- guest user mode ---- */

static void user_main(void)
{
    uint64_t out[5];
    long rc;

    u.gs = probe_gs0();
    u.fs = pv_read_fs0();
    u.user_page = probe_read(USER_ONLY_VA);
    u.kernel_gs = (uint64_t)user_syscall(SYS_KERNEL_GS, out);
    for (unsigned int i = 0; i < 5; i++)
        u.out[i] = out[i];
    u.gs_after = probe_gs0();
    __asm__ volatile("ud2");
    u.after_ud = 1;
    rc = pv_hypercall3(__HYPERVISOR_xen_version, XENVER_version, 0, 0);
    u.hypercall = rc;
    u.pf = probe_read(0x1000);
    __asm__ volatile("int $0x80");
    u.after_int80 = 1;
    u.events_before = seen.events;
    user_syscall(SYS_SEND_EVENT, out);
    u.events_after = seen.events;
    user_syscall(SYS_EXIT, out);
}

static void user_gs_sel(void)
{
    uint64_t out[5];
    uint16_t sel;

    __asm__ volatile("mov %%gs, %0" : "=r"(sel));
    u.gs_sel = sel;
    u.gs0 = probe_gs0();
    user_syscall(SYS_EXIT, out);
}

/*
 * Software interrupts from user mode (ring 3): INT 0x81 (DPL 3) and INT3
 * (any DPL) reach their handlers, RIP past them; INT 0x82 (DPL 1) is #GP.
 */
static void user_softint(void)
{
    uint64_t out[5];

    __asm__ volatile("int $0x81; 1: lea 1b(%%rip), %0" : "=r"(u.soft_after[0]));
    __asm__ volatile("int3; 1: lea 1b(%%rip), %0" : "=r"(u.soft_after[1]));
    __asm__ volatile("int $0x82");
    user_syscall(SYS_EXIT, out);
}

/* Port I/O from user mode: IN's AL kept, each #GP skipped (both instructions are 2 bytes). */
static void user_io(void)
{
    uint64_t out[5];
    uint8_t al = 0;

    __asm__ volatile("inb $0x80, %0" : "+a"(al));
    u.io_in = al;
    __asm__ volatile("outb %%al, $0x80" : : "a"(0));
    user_syscall(SYS_EXIT, out);
}

/* Runs fn in guest user mode (CS, SS as given) until its exit system call. */
static void run_user(void (*fn)(void), uint64_t cs, uint64_t ss)
{
    pv_iret_enter((uint64_t[]){ 0, (uint64_t)(uintptr_t)fn, cs, 0x202,
                                (uint64_t)(uintptr_t)ustack + sizeof(ustack) - 8, ss });
}

/* ---- the checks ---- */

static long callback_register(uint16_t type, uint16_t flags, uint64_t address)
{
    struct callback_register r = { type, flags, 0, address };

    return pv_hypercall3(__HYPERVISOR_callback_op, CALLBACKOP_register, (uint64_t)(uintptr_t)&r, 0);
}

static long callback_unregister(uint16_t type)
{
    struct callback_unregister r = { type, 0 };

    return pv_hypercall3(__HYPERVISOR_callback_op, CALLBACKOP_unregister, (uint64_t)(uintptr_t)&r,
                         0);
}

static void run_callbacks(void)
{
    uint64_t ev = (uint64_t)(uintptr_t)event_callback, sc = (uint64_t)(uintptr_t)syscall_callback;
    uint64_t fs = (uint64_t)(uintptr_t)failsafe_callback;
    long rc;

    rc = pv_hypercall3(__HYPERVISOR_callback_op, CALLBACKOP_register, 0x1000, 0);
    pv_check("callback_op(register, unmapped) is -EFAULT", rc == -EFAULT, (uint64_t)rc);
    rc = callback_register(CALLBACKTYPE_event, 0, NONCANONICAL);
    pv_check("callback_op(register, non-canonical) is -EINVAL", rc == -EINVAL, (uint64_t)rc);
    rc = callback_register(99, 0, ev);
    pv_check("callback_op(register, unknown type) is -ENOSYS", rc == -ENOSYS, (uint64_t)rc);
    rc = callback_register(CALLBACKTYPE_syscall32, 0, sc);
    pv_check("callback_op(register syscall32) is -EINVAL", rc == -EINVAL, (uint64_t)rc);
    rc = callback_register(CALLBACKTYPE_sysenter, 0, sc);
    pv_check("callback_op(register sysenter) is -EINVAL", rc == -EINVAL, (uint64_t)rc);
    rc = pv_hypercall3(__HYPERVISOR_callback_op, 7, 0, 0);
    pv_check("callback_op(unknown command) is -ENOSYS", rc == -ENOSYS, (uint64_t)rc);
    rc = callback_unregister(CALLBACKTYPE_event);
    pv_check("callback_op(unregister event) is -EINVAL", rc == -EINVAL, (uint64_t)rc);
    rc = callback_unregister(99);
    pv_check("callback_op(unregister unknown) is -ENOSYS", rc == -ENOSYS, (uint64_t)rc);
    rc = pv_hypercall3(__HYPERVISOR_callback_op, CALLBACKOP_unregister, 0x1000, 0);
    pv_check("callback_op(unregister, unmapped) is -EFAULT", rc == -EFAULT, (uint64_t)rc);
    rc = callback_register(CALLBACKTYPE_nmi, 0, ev);
    pv_check("callback_op(register nmi) is 0", rc == 0, (uint64_t)rc);
    rc = callback_unregister(CALLBACKTYPE_nmi);
    pv_check("callback_op(unregister nmi) is 0", rc == 0, (uint64_t)rc);

    rc = pv_hypercall3(__HYPERVISOR_set_callbacks, ev, fs, sc);
    pv_check("set_callbacks is 0", rc == 0, (uint64_t)rc);
    /* Refused addresses leave the callbacks as they were; the call still answers 0. */
    rc = pv_hypercall3(__HYPERVISOR_set_callbacks, NONCANONICAL, NONCANONICAL, NONCANONICAL);
    pv_check("set_callbacks(non-canonical) is 0", rc == 0, (uint64_t)rc);
    rc = callback_register(CALLBACKTYPE_syscall, CALLBACKF_mask_events, sc);
    pv_check("callback_op(register syscall, mask events) is 0", rc == 0, (uint64_t)rc);

    rc = pv_hypercall3(__HYPERVISOR_stack_switch, FLAT_KERNEL_SS64,
                       (uint64_t)(uintptr_t)kstack + sizeof(kstack), 0);
    pv_check("stack_switch is 0", rc == 0, (uint64_t)rc);
}

static void run_segments(void)
{
    long rc;

    rc = pv_hypercall3(__HYPERVISOR_set_segment_base, SEGBASE_FS, (uint64_t)(uintptr_t)&fs_cell, 0);
    pv_check("set_segment_base(FS) is 0", rc == 0, (uint64_t)rc);
    pv_check("%fs:0 reads FS's base", pv_read_fs0() == fs_cell, pv_read_fs0());
    rc = pv_hypercall3(__HYPERVISOR_set_segment_base, SEGBASE_GS_KERNEL,
                       (uint64_t)(uintptr_t)&kernel_gs_cell, 0);
    pv_check("set_segment_base(GS_KERNEL) is 0", rc == 0, (uint64_t)rc);
    pv_check("%gs:0 reads the kernel GS base", probe_gs0() == kernel_gs_cell, probe_gs0());
    rc = pv_hypercall3(__HYPERVISOR_set_segment_base, SEGBASE_GS_USER,
                       (uint64_t)(uintptr_t)&user_gs_cell, 0);
    pv_check("set_segment_base(GS_USER) is 0", rc == 0, (uint64_t)rc);
    pv_check("the kernel GS base stays", probe_gs0() == kernel_gs_cell, probe_gs0());
    rc = pv_hypercall3(__HYPERVISOR_set_segment_base, SEGBASE_FS, NONCANONICAL, 0);
    pv_check("set_segment_base(FS, non-canonical) is -EINVAL", rc == -EINVAL, (uint64_t)rc);
    rc = pv_hypercall3(__HYPERVISOR_set_segment_base, SEGBASE_GS_USER, NONCANONICAL, 0);
    pv_check("set_segment_base(GS_USER, non-canonical) is -EINVAL", rc == -EINVAL, (uint64_t)rc);
    rc = pv_hypercall3(__HYPERVISOR_set_segment_base, 99, 0, 0);
    pv_check("set_segment_base(unknown register) is -EINVAL", rc == -EINVAL, (uint64_t)rc);
    pv_check("FS's base unchanged by the refusals", pv_read_fs0() == fs_cell, pv_read_fs0());
}

static void run_vm_assist(void)
{
    static const struct {
        unsigned int cmd, type;
        long rc;
        const char *what;
    } cases[] = {
        { VMASST_CMD_enable, VMASST_TYPE_writable_pagetables, 0, "enable writable_pagetables" },
        { VMASST_CMD_disable, VMASST_TYPE_writable_pagetables, 0, "disable writable_pagetables" },
        { VMASST_CMD_enable, VMASST_TYPE_4gb_segments, 0, "enable 4gb_segments" },
        { VMASST_CMD_enable, VMASST_TYPE_pae_extended_cr3, 0, "enable pae_extended_cr3" },
        { VMASST_CMD_enable, VMASST_TYPE_architectural_iopl, -EINVAL, "architectural_iopl" },
        { VMASST_CMD_enable, VMASST_TYPE_runstate_update_flag, -EINVAL, "runstate_update_flag" },
        { VMASST_CMD_enable, VMASST_TYPE_m2p_strict, -EINVAL, "m2p_strict" },
        { VMASST_CMD_enable, 99, -EINVAL, "an unknown type" },
        { 7, VMASST_TYPE_writable_pagetables, -ENOSYS, "an unknown command" },
    };

    for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        long rc = pv_hypercall3(__HYPERVISOR_vm_assist, cases[i].cmd, cases[i].type, 0);

        guest_puts("pv-user: vm_assist ");
        guest_puts(cases[i].what);
        guest_puts("\n");
        pv_check("vm_assist's answer", rc == cases[i].rc, (uint64_t)rc);
    }
}

/*
 * A multicall whose first entry is iret, entered with RSP at an iret frame
 * (as the iret stub leaves it) that returns to the label after the call.
 */
static long multicall_iret(struct multicall_entry *mc, uint64_t n)
{
    uint64_t *a = &iret_area[4]; /* RAX, R11, RCX, flags, RIP, CS, RFLAGS, RSP, SS */
    long rax;

    a[0] = 0x1234;
    a[1] = a[2] = a[3] = 0;
    a[5] = FLAT_KERNEL_CS64 & ~3u;
    a[6] = 0x202;
    a[8] = FLAT_KERNEL_SS64;
    __asm__ volatile(
        "lea 1f(%%rip), %%rax; mov %%rax, 32(%[a]); mov %%rsp, 56(%[a]);"
        "mov %[a], %%rsp; jmp *%[stub]; 1:"
        : "=&a"(rax), "+D"(mc), "+S"(n)
        : [a] "r"(a), [stub] "r"(hypercall_page + __HYPERVISOR_multicall * XEN_HYPERCALL_STUB_SIZE)
        : "rcx", "rdx", "r8", "r9", "r10", "r11", "memory");
    return rax;
}

static void run_multicall(void)
{
    static struct multicall_entry mc[6];
    long rc;

    mc[0] = (struct multicall_entry){ __HYPERVISOR_xen_version, 77, { XENVER_version } };
    mc[1] = (struct multicall_entry){ __HYPERVISOR_set_segment_base, 77, { 99, 0 } };
    mc[2] = (struct multicall_entry){ 63, 77, { 0 } };
    mc[3] = (struct multicall_entry){ __HYPERVISOR_multicall, 77, { (uint64_t)(uintptr_t)mc, 1 } };
    mc[4] = (struct multicall_entry){ __HYPERVISOR_vm_assist,
                                      77,
                                      { VMASST_CMD_enable, VMASST_TYPE_writable_pagetables } };
    mc[5] =
        (struct multicall_entry){ __HYPERVISOR_set_segment_base, 77, { SEGBASE_FS, NONCANONICAL } };
    rc = pv_hypercall3(__HYPERVISOR_multicall, (uint64_t)(uintptr_t)mc, 6, 0);
    pv_check("multicall(6 entries) is 0", rc == 0, (uint64_t)rc);
    pv_check("entry xen_version: its result",
             mc[0].result ==
                 (uint64_t)pv_hypercall3(__HYPERVISOR_xen_version, XENVER_version, 0, 0),
             mc[0].result);
    pv_check("entry set_segment_base(99): -EINVAL", mc[1].result == (uint64_t)-EINVAL,
             mc[1].result);
    pv_check("entry hypercall 63: -ENOSYS", mc[2].result == (uint64_t)-ENOSYS, mc[2].result);
    pv_check("entry multicall (nested): -EINVAL", mc[3].result == (uint64_t)-EINVAL, mc[3].result);
    pv_check("entry vm_assist: 0 (a PV call, through the PV table)", mc[4].result == 0,
             mc[4].result);
    pv_check("entry set_segment_base(FS, non-canonical): -EINVAL",
             mc[5].result == (uint64_t)-EINVAL, mc[5].result);
    pv_check("FS's base unchanged", pv_read_fs0() == fs_cell, pv_read_fs0());

    rc = pv_hypercall3(__HYPERVISOR_multicall, 0x1000, 2, 0);
    pv_check("multicall(unmapped list) is -EFAULT", rc == -EFAULT, (uint64_t)rc);
    rc = pv_hypercall3(__HYPERVISOR_multicall, NONCANONICAL, 1, 0);
    pv_check("multicall(non-canonical list) is -EFAULT", rc == -EFAULT, (uint64_t)rc);
    mc[0].result = 77;
    rc = pv_hypercall3(__HYPERVISOR_multicall, (uint64_t)(uintptr_t)mc, 65, 0);
    pv_check("multicall(65 entries, over the bound) is -EINVAL",
             rc == -EINVAL && mc[0].result == 77, (uint64_t)rc);
    rc = pv_hypercall3(__HYPERVISOR_multicall, (uint64_t)(uintptr_t)mc, 0, 0);
    pv_check("multicall(no entries) is 0", rc == 0, (uint64_t)rc);

    mc[0] = (struct multicall_entry){ __HYPERVISOR_iret, 77, { 0 } };
    mc[1] = (struct multicall_entry){ __HYPERVISOR_xen_version, 77, { XENVER_version } };
    rc = multicall_iret(mc, 2);
    pv_check("multicall(iret, ...): the iret's context, RAX its frame's", rc == 0x1234,
             (uint64_t)rc);
    pv_check("entry iret: its result", mc[0].result == 0x1234, mc[0].result);
    pv_check("the entry after iret not run", mc[1].result == 77, mc[1].result);
}

static void run_fpu(void)
{
    unsigned int before = seen.nm;
    long rc;

    rc = pv_hypercall3(__HYPERVISOR_fpu_taskswitch, 1, 0, 0);
    pv_check("fpu_taskswitch(1) is 0", rc == 0, (uint64_t)rc);
    pv_check("CR0.TS set", smsw() & CR0_TS, smsw());
    __asm__ volatile("pxor %xmm0, %xmm0");
    pv_check("#NM bounced once", seen.nm == before + 1, seen.nm - before);
    pv_check("TS clear in the #NM handler (cleared as Xen does)", !(seen.nm_cr0 & CR0_TS),
             seen.nm_cr0);
    pv_check("TS clear after", !(smsw() & CR0_TS), smsw());
    rc = pv_hypercall3(__HYPERVISOR_fpu_taskswitch, 1, 0, 0);
    rc |= pv_hypercall3(__HYPERVISOR_fpu_taskswitch, 0, 0, 0);
    pv_check("fpu_taskswitch(1) then (0) is 0", rc == 0, (uint64_t)rc);
    __asm__ volatile("pxor %xmm0, %xmm0");
    pv_check("no #NM with TS cleared by fpu_taskswitch(0)", seen.nm == before + 1,
             seen.nm - before);
}

/* An iret to the kernel itself, at the label after it, with RFLAGS.IF set. */
static void iret_to_self(void)
{
    uint64_t *f = &iret_area[8];

    f[0] = 0;
    f[2] = FLAT_KERNEL_CS64 & ~3u;
    f[3] = 0x202;
    f[5] = FLAT_KERNEL_SS64;
    __asm__ volatile("lea 1f(%%rip), %%rax; mov %%rax, 8(%0); mov %%rsp, 32(%0);"
                     "mov %0, %%rsp; jmp *%1; 1:"
                     :
                     : "r"(f), "r"(hypercall_page + __HYPERVISOR_iret * XEN_HYPERCALL_STUB_SIZE)
                     : "rax", "rcx", "r11", "memory");
}

static void run_events(void)
{
    struct xen_add_to_physmap map = { DOMID_SELF, 0, XENMAPSPACE_shared_info, 0,
                                      pv_frame_of(&shinfo) };
    struct evtchn_bind_ipi ipi = { 0, 0 };
    struct vcpu_info *vi = vinfo();
    unsigned int n;
    long rc;

    rc = pv_hypercall3(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, (uint64_t)(uintptr_t)&map, 0);
    pv_check("shared info mapped", rc == 0, (uint64_t)rc);
    vi->evtchn_upcall_mask = 1;
    vi->evtchn_upcall_pending = 0;
    rc = pv_hypercall3(__HYPERVISOR_event_channel_op, EVTCHNOP_bind_ipi, (uint64_t)(uintptr_t)&ipi,
                       0);
    pv_check("bind_ipi is 0", rc == 0, (uint64_t)rc);
    ipi_port = ipi.port;

    vi->evtchn_upcall_mask = 0;
    n = seen.events;
    rc = send_ipi();
    pv_check("send is 0", rc == 0, (uint64_t)rc);
    pv_check("event delivered through the callback", seen.events == n + 1, seen.events - n);
    pv_check("upcall mask set in the callback", seen.ev_mask == 1, seen.ev_mask);
    pv_check("event frame CS: the kernel's, RPL 0, mask 0", seen.ev_cs == (FLAT_KERNEL_CS64 & ~3u),
             seen.ev_cs);
    pv_check("event frame RFLAGS.IF set", seen.ev_rflags & RFLAGS_IF, seen.ev_rflags);
    pv_check("mask clear after the callback's iret", vi->evtchn_upcall_mask == 0,
             vi->evtchn_upcall_mask);

    vi->evtchn_upcall_mask = 1;
    n = seen.events;
    send_ipi();
    pv_hypercall3(__HYPERVISOR_xen_version, XENVER_version, 0, 0);
    pv_check("masked: no upcall", seen.events == n, seen.events - n);
    pv_check("masked: upcall pending", vi->evtchn_upcall_pending == 1, vi->evtchn_upcall_pending);
    iret_to_self();
    pv_check("iret unmasking: the pending upcall delivered", seen.events == n + 1, seen.events - n);

    vi->evtchn_upcall_mask = 1;
    n = seen.events;
    send_ipi();
    rc = pv_hypercall3(__HYPERVISOR_sched_op, SCHEDOP_block, 0, 0);
    pv_check("SCHEDOP_block with an event pending is 0", rc == 0, (uint64_t)rc);
    pv_check("SCHEDOP_block unmasks: the upcall delivered", seen.events == n + 1, seen.events - n);
}

/* User page tables: the kernel's mappings, and a page only they map at USER_ONLY_VA. */
static void make_user_tables(const struct start_info *si)
{
    const uint64_t *kl4 = (const uint64_t *)si->pt_base;
    uint32_t done;
    struct mmuext_op op = { MMUEXT_NEW_USER_BASEPTR, 0, pv_frame_of(user_l4), 0 };
    long rc;

    for (unsigned int i = 0; i < 512; i++)
        user_l4[i] = kl4[i];
    user_l4[(USER_ONLY_VA >> 39) & 511] = pv_frame_of(user_l3) << 12 | PV_PTE_KERNEL;
    user_l3[0] = pv_frame_of(user_l2) << 12 | PV_PTE_KERNEL;
    user_l2[0] = pv_frame_of(user_l1) << 12 | PV_PTE_KERNEL;
    user_l1[0] = pv_frame_of(user_page) << 12 | PV_PTE_KERNEL;
    user_page[0] = 0x0123456789abcdefull;
    rc = pv_hypercall4(__HYPERVISOR_mmuext_op, (uint64_t)(uintptr_t)&op, 1,
                       (uint64_t)(uintptr_t)&done, DOMID_SELF);
    pv_check("mmuext NEW_USER_BASEPTR is 0", rc == 0, (uint64_t)rc);
}

static void run_user_mode(void)
{
    unsigned int ud = seen.ud_user, gp = seen.gp, sc = seen.syscalls;

    guest_puts("pv-user: entering user mode\n");
    run_user(user_main, FLAT_USER_CS64, FLAT_USER_SS64);
    guest_puts("pv-user: back from user mode\n");
    pv_check("user: %gs:0 reads the user GS base", u.gs == user_gs_cell, u.gs);
    pv_check("user: %fs:0 reads FS's base", u.fs == fs_cell, u.fs);
    pv_check("user: the user-only page is mapped", u.user_page == user_page[0], u.user_page);
    pv_check("syscall: the callback's answer", u.kernel_gs == 0x600d, u.kernel_gs);
    pv_check("syscall: the kernel GS base in the callback", seen.sc_kernel_gs == kernel_gs_cell,
             seen.sc_kernel_gs);
    pv_check("syscall: the kernel page tables in the callback (user-only page faults)",
             seen.sc_user_page == (uint64_t)-1, seen.sc_user_page);
    pv_check("syscall frame RIP: after SYSCALL", seen.sc_rip == u.out[2], seen.sc_rip);
    pv_check("syscall frame RCX: the return address", seen.sc_rcx == u.out[2], seen.sc_rcx);
    pv_check("syscall frame R11: user RFLAGS", seen.sc_r11 == u.out[3], seen.sc_r11);
    pv_check("syscall frame CS: FLAT_USER_CS64, mask 0", seen.sc_cs == FLAT_USER_CS64, seen.sc_cs);
    pv_check("syscall frame SS: FLAT_KERNEL_SS", seen.sc_ss == FLAT_KERNEL_SS64, seen.sc_ss);
    pv_check("syscall frame RSP: the user's", seen.sc_rsp == u.out[4], seen.sc_rsp);
    pv_check("syscall frame RFLAGS: the user's", seen.sc_rflags == u.out[3], seen.sc_rflags);
    pv_check("syscall frame on the stack_switch stack", on_kernel_stack(seen.sc_frame),
             seen.sc_frame);
    pv_check("syscall callback registered with mask_events: masked", seen.sc_mask == 1,
             seen.sc_mask);
    pv_check("sysret (VGCF_in_syscall): RCX is the return RIP", u.out[0] == u.out[2], u.out[0]);
    pv_check("sysret (VGCF_in_syscall): R11 is RFLAGS", (u.out[1] & ~0x10000ull) == u.out[3],
             u.out[1]);
    pv_check("user: GS base back after the syscall", u.gs_after == user_gs_cell, u.gs_after);
    pv_check("user #UD bounced", seen.ud_user == ud + 1 && u.after_ud, seen.ud_user - ud);
    pv_check("user #UD frame CS: RPL 3", seen.ud_cs == FLAT_USER_CS64, seen.ud_cs);
    pv_check("user #UD frame SS", seen.ud_ss == FLAT_USER_SS64, seen.ud_ss);
    pv_check("user #UD frame RSP: the user stack",
             seen.ud_rsp > (uint64_t)(uintptr_t)ustack &&
                 seen.ud_rsp <= (uint64_t)(uintptr_t)ustack + sizeof(ustack),
             seen.ud_rsp);
    pv_check("user #UD frame on the stack_switch stack", on_kernel_stack(seen.ud_frame),
             seen.ud_frame);
    pv_check("user #UD handler: the kernel GS base", seen.ud_gs == kernel_gs_cell, seen.ud_gs);
    pv_check("user hypercall is -EPERM", u.hypercall == -EPERM, (uint64_t)u.hypercall);
    pv_check("user #PF bounced (probe)", u.pf == (uint64_t)-1, u.pf);
    pv_check("user #PF frame CS: RPL 3", (uint16_t)seen.pf_cs == FLAT_USER_CS64, seen.pf_cs);
    pv_check("user int $0x80 (no entry): #GP(0x80 * 8 + 2), as Xen",
             seen.gp == gp + 1 && seen.gp_error == (0x80 << 3 | 2), seen.gp_error);
    pv_check("user int $0x80: resumed", u.after_int80, 0);
    pv_check("event raised in the syscall callback, delivered at its iret to user mode",
             u.events_after == u.events_before + 1, u.events_after - u.events_before);
    pv_check("event frame from user mode: CS RPL 3", (uint16_t)seen.ev_cs == FLAT_USER_CS64,
             seen.ev_cs);
    pv_check("event frame on the stack_switch stack", on_kernel_stack(seen.ev_frame),
             seen.ev_frame);
    pv_check("3 system calls", seen.syscalls == sc + 3, seen.syscalls - sc);
}

/* SYSCALL from the kernel is Xen's hypercall instruction (Linux's since XSA-466). */
static void run_syscall_in_kernel(void)
{
    unsigned int ud = seen.ud;
    long rc, want = pv_hypercall3(__HYPERVISOR_xen_version, XENVER_version, 0, 0);
    uint64_t rcx, r11, next;

    __asm__ volatile("lea 1f(%%rip), %[next]\n\tsyscall\n1:"
                     : "=a"(rc), "=c"(rcx), "=r"(r11), [next] "=&r"(next)
                     : "a"((long)__HYPERVISOR_xen_version), "D"((long)XENVER_version), "S"(0L),
                       "d"(0L)
                     : "r11", "memory");
    __asm__ volatile("mov %%r11, %0" : "=r"(r11));
    pv_check("SYSCALL in kernel mode: a hypercall (xen_version)", rc == want, (uint64_t)rc);
    pv_check("SYSCALL in kernel mode: no #UD", seen.ud == ud, seen.ud - ud);
    pv_check("SYSCALL in kernel mode: RCX the next RIP", rcx == next, rcx);
    rc = 0;
    __asm__ volatile("syscall" : "=a"(rc) : "a"(9999L) : "rcx", "r11", "memory");
    pv_check("SYSCALL in kernel mode: an unknown hypercall -ENOSYS", rc == -ENOSYS, (uint64_t)rc);
}

static void run_gs_user_sel(void)
{
    uint16_t sel;
    long rc;

    rc = pv_hypercall3(__HYPERVISOR_set_segment_base, SEGBASE_GS_USER_SEL, FLAT_USER_DS32 & ~3u, 0);
    pv_check("set_segment_base(GS_USER_SEL, flat) is 0", rc == 0, (uint64_t)rc);
    __asm__ volatile("mov %%gs, %0" : "=r"(sel));
    pv_check("%gs is the flat selector, RPL 3", sel == FLAT_USER_DS32, sel);
    pv_check("the kernel GS base stays", probe_gs0() == kernel_gs_cell, probe_gs0());
    run_user(user_gs_sel, FLAT_USER_CS64, FLAT_USER_SS64);
    pv_check("user: %gs the flat selector", u.gs_sel == FLAT_USER_DS32, u.gs_sel);
    pv_check("user: its GS base 0 (%gs:0 faults)", u.gs0 == (uint64_t)-1, u.gs0);
    rc = pv_hypercall3(__HYPERVISOR_set_segment_base, SEGBASE_GS_USER_SEL, 0x1234, 0);
    pv_check("set_segment_base(GS_USER_SEL, not loadable) is 0 (Xen's answer)", rc == 0,
             (uint64_t)rc);
    __asm__ volatile("mov %%gs, %0" : "=r"(sel));
    pv_check("%gs null after a selector that cannot load", sel == 0, sel);
    /* The flat selector again, so that the failsafe frame has a GS worth comparing. */
    pv_hypercall3(__HYPERVISOR_set_segment_base, SEGBASE_GS_USER_SEL, FLAT_USER_DS32, 0);
    pv_hypercall3(__HYPERVISOR_set_segment_base, SEGBASE_GS_USER,
                  (uint64_t)(uintptr_t)&user_gs_cell, 0);
}

/*
 * Port I/O from user mode (virtual CPL 3) under each virtual IOPL, the
 * matrix of Xen's XTF test pv-iopl: #GP unless the IOPL is 3, then IN
 * reads all ones and OUT is dropped (no port is the domain's).
 */
static void run_user_io(void)
{
    static const struct {
        unsigned int iopl;
        bool faults;
    } matrix[] = { { 0, true }, { 1, true }, { 3, false } };

    for (unsigned int i = 0; i < sizeof(matrix) / sizeof(matrix[0]); i++) {
        struct physdev_set_iopl iopl = { matrix[i].iopl };
        unsigned int gp = seen.gp;
        long rc;

        rc = pv_hypercall3(__HYPERVISOR_physdev_op, PHYSDEVOP_set_iopl, (uint64_t)(uintptr_t)&iopl,
                           0);
        pv_check("set_iopl is 0", rc == 0, (uint64_t)rc);
        u.io_in = 0;
        run_user(user_io, FLAT_USER_CS64, FLAT_USER_SS64);
        pv_check(matrix[i].faults ? "user in and out below IOPL 3: #GP each"
                                  : "user in and out with IOPL 3: no #GP, in reads 0xff",
                 matrix[i].faults ? seen.gp == gp + 2 && u.io_in == 0
                                  : seen.gp == gp && u.io_in == 0xFF,
                 (uint64_t)(seen.gp - gp) << 8 | u.io_in);
    }
    pv_hypercall3(__HYPERVISOR_physdev_op, PHYSDEVOP_set_iopl,
                  (uint64_t)(uintptr_t) & (struct physdev_set_iopl){ 0 }, 0);
}

/* INT n from user mode against its trap table's DPLs, as Xen's permit_softint(). */
static void run_user_softint(void)
{
    unsigned int soft = seen.soft, gp = seen.gp;
    struct trap_info table[] = {
        { 3, 0, FLAT_KERNEL_CS64, (uint64_t)(uintptr_t)trap_bp },
        { 0x81, 3, FLAT_KERNEL_CS64, (uint64_t)(uintptr_t)trap_int81 },
        { 0x82, 1, FLAT_KERNEL_CS64, (uint64_t)(uintptr_t)trap_int81 },
        { 0, 0, 0, 0 },
    };
    long rc = pv_hypercall3(__HYPERVISOR_set_trap_table, (uint64_t)(uintptr_t)table, 0, 0);

    pv_check("set_trap_table(software interrupt entries) is 0", rc == 0, (uint64_t)rc);
    run_user(user_softint, FLAT_USER_CS64, FLAT_USER_SS64);
    pv_check("user int $0x81 (DPL 3) and int3 (DPL 0) reach their handlers", seen.soft == soft + 2,
             seen.soft - soft);
    pv_check("user int3: frame RIP past it, CS user mode's",
             seen.soft_rip == u.soft_after[1] && seen.soft_cs == FLAT_USER_CS64, seen.soft_rip);
    pv_check("user int $0x82 (DPL 1): #GP(0x82 * 8 + 2)",
             seen.gp == gp + 1 && seen.gp_error == (0x82 << 3 | 2), seen.gp_error);
}

static void run_failsafe(void)
{
    unsigned int n = seen.failsafes;

    run_user(user_main, USER_CS_LINUX | 3, FLAT_USER_SS64);
    pv_check("iret to an unloadable CS: the failsafe callback", seen.failsafes == n + 1,
             seen.failsafes - n);
    pv_check("failsafe frame DS, ES, FS, GS: the current selectors",
             seen.fs_frame[2] == seen.fs_segs[0] && seen.fs_frame[3] == seen.fs_segs[1] &&
                 seen.fs_frame[4] == seen.fs_segs[2] && seen.fs_frame[5] == seen.fs_segs[3],
             seen.fs_frame[5]);
    pv_check("failsafe frame GS: the flat selector", seen.fs_frame[5] == FLAT_USER_DS32,
             seen.fs_frame[5]);
    pv_check("failsafe frame RIP: the iret's", seen.fs_frame[6] == (uint64_t)(uintptr_t)user_main,
             seen.fs_frame[6]);
    pv_check("failsafe frame CS: the iret's", (uint16_t)seen.fs_frame[7] == (USER_CS_LINUX | 3),
             seen.fs_frame[7]);
    pv_check("failsafe frame RSP: the iret's",
             seen.fs_frame[9] == (uint64_t)(uintptr_t)ustack + sizeof(ustack) - 8,
             seen.fs_frame[9]);
    pv_check("failsafe frame SS", seen.fs_frame[10] == FLAT_USER_SS64, seen.fs_frame[10]);
}

void guest_pv_main(const struct start_info *si)
{
    const char *cmd = (const char *)si->cmd_line;
    struct trap_info table[] = {
        { 6, 0, FLAT_KERNEL_CS64, (uint64_t)(uintptr_t)trap_ud },
        { 7, 0, FLAT_KERNEL_CS64, (uint64_t)(uintptr_t)trap_nm },
        { 13, 0, FLAT_KERNEL_CS64, (uint64_t)(uintptr_t)trap_gp },
        { 14, 0, FLAT_KERNEL_CS64, (uint64_t)(uintptr_t)trap_pf },
        { 0, 0, 0, 0 },
    };
    long rc;

    pv_checks_start("pv-user");
    rc = pv_hypercall3(__HYPERVISOR_set_trap_table, (uint64_t)(uintptr_t)table, 0, 0);
    pv_check("set_trap_table is 0", rc == 0, (uint64_t)rc);
    run_callbacks();
    run_segments();
    make_user_tables(si);
    if (guest_cmdline_find(cmd, cmd, "mode=bad-stack")) {
        guest_puts("pv-user: user mode with an unwritable kernel stack\n");
        pv_hypercall3(__HYPERVISOR_stack_switch, FLAT_KERNEL_SS64, 0x2000, 0);
        run_user(user_main, FLAT_USER_CS64, FLAT_USER_SS64);
    } else if (guest_cmdline_find(cmd, cmd, "mode=no-failsafe")) {
        guest_puts("pv-user: iret to an unloadable CS with no failsafe callback\n");
        pv_hypercall3(__HYPERVISOR_set_callbacks, (uint64_t)(uintptr_t)event_callback, 0,
                      (uint64_t)(uintptr_t)syscall_callback);
        run_user(user_main, USER_CS_LINUX | 3, FLAT_USER_SS64);
    } else {
        run_vm_assist();
        run_multicall();
        run_fpu();
        run_events();
        run_syscall_in_kernel();
        run_user_mode();
        run_user_io();
        run_user_softint();
        run_gs_user_sel();
        run_failsafe();
        pv_checks_done();
    }
    guest_puts("pv-user: FAIL: still running\n");
    pv_shutdown(SHUTDOWN_crash);
}
