// SPDX-License-Identifier: MIT
/*
 * pv-abi: the x86-64 PV ABI a PV kernel uses, valid and hostile arguments,
 * one line per check and a verdict ("pv-abi: PASS (N checks)").
 *
 *   (default)         set_trap_table (hostile lists refused with Xen's errors),
 *                     #UD, #GP and #PF bounced to the handlers with Xen's frame,
 *                     returned from with HYPERVISOR_iret; an interrupt-gate
 *                     handler (events masked on entry) taking a nested #GP
 *                     sees the mask in the nested frame; update_va_mapping,
 *                     mmu_update (PTE and M2P updates) and mmuext_op (new_baseptr,
 *                     TLB flushes, invlpg) remap a page and back, hostile
 *                     addresses, commands and domains refused
 *   mode=no-handler   clears its trap table and executes ud2: the domain crashes
 *   mode=bad-iret     HYPERVISOR_iret to guest user mode (RPL 3) without user page tables:
 *                     crashes
 */
#include <stdint.h>

#include <public/arch-x86/xen-x86_64.h>
#include <public/sched.h>
#include <public/xen.h>

#include "guest.h"
#include "xen-hypercall.h"

#define ESRCH  3
#define EFAULT 14
#define EINVAL 22
#define ENOSYS 38

#define VIRT_BASE  0xffffffff80000000ull
#define PTE_FRAME  0x000FFFFFFFFFF000ull
#define PTE_KERNEL 0x67ull /* present, writable, user (PV: CPL 3), accessed, dirty */

#define RFLAGS_IF (1ull << 9)

void pv_abi_main(const struct start_info *si);
uint64_t pv_abi_trap(const uint64_t *frame, unsigned int vector, unsigned int has_error);
void trap_ud(void), trap_gp(void), trap_pf(void);
void trigger_ud(void), trigger_gp(void), trigger_pf(void);

extern uint8_t hypercall_page[];
extern uint64_t trap_expect_rip[32], trap_expect_rsp[32];

/* What the last exception's frame said. */
struct trap_seen {
    unsigned int count, vector;
    uint64_t error, rip, cs, rflags, rsp, ss;
};
static volatile struct trap_seen seen[32];
static volatile int nest_gp_in_ud; /* the #UD handler raises a #GP */
static unsigned int checks, failed;

static long hypercall3(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3)
{
    return xen_hypercall_via(hypercall_page, nr, a1, a2, a3);
}

static long hypercall4(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
    register uint64_t r10 __asm__("r10") = a4;
    long ret;

    __asm__ volatile("call *%[stub]"
                     : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10)
                     : [stub] "r"(hypercall_page + nr * XEN_HYPERCALL_STUB_SIZE)
                     : "memory", "rcx", "r8", "r9", "r11");
    return ret;
}

static void xen_console_write(const char *s, size_t len)
{
    hypercall3(__HYPERVISOR_console_io, CONSOLEIO_write, len, (uint64_t)(uintptr_t)s);
}

static void shutdown(unsigned int reason)
{
    struct sched_shutdown sd = { reason };

    hypercall3(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (uint64_t)(uintptr_t)&sd, 0);
}

static void check(const char *what, bool ok, uint64_t got)
{
    checks++;
    if (ok)
        return;
    failed++;
    guest_puts("pv-abi: FAIL: ");
    guest_puts(what);
    guest_puts(": got ");
    guest_put_hex(got);
    guest_puts("\n");
}

uint64_t pv_abi_trap(const uint64_t *frame, unsigned int vector, unsigned int has_error)
{
    volatile struct trap_seen *t = &seen[vector];
    unsigned int i = 2;

    t->vector = vector;
    t->error = has_error ? frame[i++] : 0;
    t->rip = frame[i++];
    t->cs = frame[i++];
    t->rflags = frame[i++];
    t->rsp = frame[i++];
    t->ss = frame[i];
    t->count++;
    if (vector == 6 && nest_gp_in_ud) {
        nest_gp_in_ud = 0;
        trigger_gp();
    }
    return 0;
}

/* One exception raised by trigger, its frame checked against what trigger recorded. */
static void check_trap(void (*trigger)(void), unsigned int vector, uint64_t error, const char *name)
{
    volatile struct trap_seen *t = &seen[vector];
    unsigned int before = t->count;
    uint8_t mask;

    trigger();
    guest_puts("pv-abi: ");
    guest_puts(name);
    guest_puts(" bounced\n");
    check("the handler ran once", t->count == before + 1, t->count - before);
    check("frame RIP is the faulting instruction", t->rip == trap_expect_rip[vector], t->rip);
    check("frame RSP is the interrupted one", t->rsp == trap_expect_rsp[vector], t->rsp);
    check("frame CS is FLAT_KERNEL_CS with RPL 0", (uint16_t)t->cs == (FLAT_KERNEL_CS64 & ~3),
          t->cs);
    check("frame SS is FLAT_KERNEL_SS", (uint16_t)t->ss == FLAT_KERNEL_SS64, t->ss);
    check("frame error code", t->error == error, t->error);
    mask = (uint8_t)(t->cs >> 32);
    check("frame RFLAGS.IF is the inverse of the upcall mask in CS",
          mask <= 1 && !!(t->rflags & RFLAGS_IF) == !mask, t->rflags);
}

static void run_traps(void)
{
    struct trap_info table[] = {
        { 6, 4, FLAT_KERNEL_CS64, (uint64_t)(uintptr_t)trap_ud }, /* interrupt gate */
        { 13, 0, FLAT_KERNEL_CS64, (uint64_t)(uintptr_t)trap_gp },
        { 14, 0, FLAT_KERNEL_CS64, (uint64_t)(uintptr_t)trap_pf },
        { 0, 0, 0, 0 },
    };
    struct trap_info noncanonical[] = {
        { 6, 0, FLAT_KERNEL_CS64, 0x0000800000000000ull },
        { 0, 0, 0, 0 },
    };
    long rc;

    /* Hostile lists: unreadable (nothing mapped at 0x1000), a non-canonical handler. */
    rc = hypercall3(__HYPERVISOR_set_trap_table, 0x1000, 0, 0);
    check("set_trap_table(unmapped list) is -EFAULT", rc == -EFAULT, (uint64_t)rc);
    rc = hypercall3(__HYPERVISOR_set_trap_table, (uint64_t)(uintptr_t)noncanonical, 0, 0);
    check("set_trap_table(non-canonical handler) is -EINVAL", rc == -EINVAL, (uint64_t)rc);
    rc = hypercall3(__HYPERVISOR_set_trap_table, (uint64_t)(uintptr_t)table, 0, 0);
    check("set_trap_table(valid list) is 0", rc == 0, (uint64_t)rc);

    check_trap(trigger_ud, 6, 0, "#UD (ud2)");
    check_trap(trigger_gp, 13, 0, "#GP (non-canonical read)");
    check_trap(trigger_pf, 14, 4, "#PF (user read, not present)");

    /*
     * #UD's handler is an interrupt gate: events are masked on entry, so
     * the #GP it raises has the upcall mask 1 in its frame (CS bits 32-39,
     * RFLAGS.IF clear); iret from #UD restores the mask from its frame.
     */
    nest_gp_in_ud = 1;
    trigger_ud();
    check("nested #GP taken in the #UD handler", !nest_gp_in_ud, 1);
    check("nested #GP frame: upcall mask 1", (uint8_t)(seen[13].cs >> 32) == 1, seen[13].cs);
    check("nested #GP frame: RFLAGS.IF clear", !(seen[13].rflags & RFLAGS_IF), seen[13].rflags);
    check_trap(trigger_gp, 13, 0, "#GP after the nested one");
    check("mask restored by iret", (uint8_t)(seen[13].cs >> 32) == (uint8_t)(seen[6].cs >> 32),
          seen[13].cs);
}

static uint8_t page_a[4096] __attribute__((aligned(4096)));
static uint8_t page_b[4096] __attribute__((aligned(4096)));

/* The bootstrap tables map every frame at VIRT_BASE + its number (mfn == pfn). */
static uint64_t frame_of(const void *p)
{
    return ((uint64_t)(uintptr_t)p - VIRT_BASE) >> 12;
}

/* The machine address of va's L1 entry, walked from start_info's page tables. */
static uint64_t pte_maddr(const struct start_info *si, uint64_t va)
{
    const uint64_t *t = (const uint64_t *)si->pt_base;

    for (unsigned int shift = 39; shift > 12; shift -= 9)
        t = (const uint64_t *)(VIRT_BASE + (t[(va >> shift) & 511] & PTE_FRAME));
    return ((uint64_t)(uintptr_t)t - VIRT_BASE) + ((va >> 12) & 511) * 8;
}

static long mmu_update1(uint64_t ptr, uint64_t val, uint64_t domid, uint32_t *done)
{
    struct mmu_update u = { ptr, val };

    *done = 0xFFFF;
    return hypercall4(__HYPERVISOR_mmu_update, (uint64_t)(uintptr_t)&u, 1,
                      (uint64_t)(uintptr_t)done, domid);
}

static long mmuext1(uint32_t cmd, uint64_t arg1)
{
    struct mmuext_op op = { cmd, 0, arg1, 0 };
    uint32_t done;

    return hypercall4(__HYPERVISOR_mmuext_op, (uint64_t)(uintptr_t)&op, 1,
                      (uint64_t)(uintptr_t)&done, DOMID_SELF);
}

static void run_mmu(const struct start_info *si)
{
    volatile uint64_t *a = (volatile uint64_t *)page_a;
    uint64_t va = (uint64_t)(uintptr_t)page_a, fa = frame_of(page_a), fb = frame_of(page_b);
    uint64_t pte = pte_maddr(si, va), l4 = frame_of((const void *)si->pt_base);
    uint32_t done;
    long rc;

    *a = 0xAAAA;
    *(volatile uint64_t *)page_b = 0xBBBB;
    guest_puts("pv-abi: update_va_mapping, mmu_update, mmuext_op\n");

    rc = hypercall3(__HYPERVISOR_update_va_mapping, va, fb << 12 | PTE_KERNEL, UVMF_INVLPG);
    check("update_va_mapping(page a -> frame b) is 0", rc == 0, (uint64_t)rc);
    check("page a shows frame b", *a == 0xBBBB, *a);
    rc = hypercall3(__HYPERVISOR_update_va_mapping, va, fa << 12 | PTE_KERNEL, UVMF_TLB_FLUSH);
    check("update_va_mapping back is 0", rc == 0, (uint64_t)rc);
    check("page a shows frame a again", *a == 0xAAAA, *a);
    rc = hypercall3(__HYPERVISOR_update_va_mapping, 0x1000, fb << 12 | PTE_KERNEL, 0);
    check("update_va_mapping(unmapped va) is -EINVAL", rc == -EINVAL, (uint64_t)rc);
    rc = hypercall3(__HYPERVISOR_update_va_mapping, 0x0000800000000000ull, 0, 0);
    check("update_va_mapping(non-canonical va) is -EINVAL", rc == -EINVAL, (uint64_t)rc);

    rc = mmu_update1(pte | MMU_NORMAL_PT_UPDATE, fb << 12 | PTE_KERNEL, DOMID_SELF, &done);
    check("mmu_update(PTE of page a -> frame b) is 0", rc == 0 && done == 1, (uint64_t)rc);
    rc = mmuext1(MMUEXT_TLB_FLUSH_LOCAL, 0);
    check("mmuext TLB_FLUSH_LOCAL is 0", rc == 0, (uint64_t)rc);
    check("page a shows frame b after mmu_update", *a == 0xBBBB, *a);
    rc = mmu_update1(pte | MMU_NORMAL_PT_UPDATE, fa << 12 | PTE_KERNEL, DOMID_SELF, &done);
    check("mmu_update back is 0", rc == 0 && done == 1, (uint64_t)rc);
    rc = mmuext1(MMUEXT_INVLPG_LOCAL, va);
    check("mmuext INVLPG_LOCAL is 0", rc == 0, (uint64_t)rc);
    check("page a shows frame a after mmu_update", *a == 0xAAAA, *a);
    rc = mmu_update1(0x40000000 | MMU_NORMAL_PT_UPDATE, 0, DOMID_SELF, &done);
    check("mmu_update(outside the domain's memory) is -EINVAL", rc == -EINVAL && done == 0,
          (uint64_t)rc);
    rc = mmu_update1(pte | 3, 0, DOMID_SELF, &done);
    check("mmu_update(unknown command) is -ENOSYS", rc == -ENOSYS && done == 0, (uint64_t)rc);
    rc = mmu_update1(pte, fa << 12 | PTE_KERNEL, DOMID_INVALID, &done);
    check("mmu_update(for no such domain) is -ESRCH", rc == -ESRCH, (uint64_t)rc);
    rc = hypercall4(__HYPERVISOR_mmu_update, 0x1000, 1, 0, DOMID_SELF);
    check("mmu_update(unmapped request list) is -EFAULT", rc == -EFAULT, (uint64_t)rc);
    rc = mmu_update1(fa << 12 | MMU_MACHPHYS_UPDATE, fa, DOMID_SELF, &done);
    check("MMU_MACHPHYS_UPDATE(mfn -> its own pfn) is 0", rc == 0 && done == 1, (uint64_t)rc);
    rc = mmu_update1(fa << 12 | MMU_MACHPHYS_UPDATE, fb, DOMID_SELF, &done);
    check("MMU_MACHPHYS_UPDATE(mfn -> another pfn) is -EINVAL", rc == -EINVAL, (uint64_t)rc);

    rc = mmuext1(MMUEXT_NEW_BASEPTR, l4);
    check("mmuext NEW_BASEPTR(its own L4) is 0", rc == 0, (uint64_t)rc);
    check("still running on it", *a == 0xAAAA, *a);
    rc = mmuext1(MMUEXT_NEW_BASEPTR, 0x40000);
    check("mmuext NEW_BASEPTR(outside its memory) is -EINVAL", rc == -EINVAL, (uint64_t)rc);
    rc = mmuext1(MMUEXT_TLB_FLUSH_ALL, 0);
    check("mmuext TLB_FLUSH_ALL is 0", rc == 0, (uint64_t)rc);
    rc = mmuext1(99, 0);
    check("mmuext(unknown command) is -ENOSYS", rc == -ENOSYS, (uint64_t)rc);
}

/* HYPERVISOR_iret to guest user mode: RPL 3 in the frame's CS. */
static void bad_iret(void)
{
    uint64_t frame[6] = { 0, 0, FLAT_RING3_CS64, 0x202, 0, FLAT_RING3_SS64 };

    frame[1] = (uint64_t)(uintptr_t)bad_iret;
    frame[4] = (uint64_t)(uintptr_t)&frame[6];
    __asm__ volatile("mov %0, %%rsp; jmp *%1"
                     :
                     : "r"(frame), "r"(hypercall_page + __HYPERVISOR_iret * XEN_HYPERCALL_STUB_SIZE)
                     : "memory");
}

void pv_abi_main(const struct start_info *si)
{
    const char *cmd = (const char *)si->cmd_line;

    guest_set_output(xen_console_write);
    if (guest_cmdline_find(cmd, cmd, "mode=no-handler")) {
        guest_puts("pv-abi: ud2 with no trap table\n");
        hypercall3(__HYPERVISOR_set_trap_table, 0, 0, 0);
        __asm__ volatile("ud2");
    } else if (guest_cmdline_find(cmd, cmd, "mode=bad-iret")) {
        guest_puts("pv-abi: iret to user mode\n");
        bad_iret();
    } else {
        run_traps();
        run_mmu(si);
        guest_puts("pv-abi: ");
        guest_put_dec(checks);
        guest_puts(" checks, ");
        guest_put_dec(failed);
        guest_puts(" failed");
        guest_put_verdict(failed ? "a check failed" : 0);
        shutdown(failed ? SHUTDOWN_crash : SHUTDOWN_poweroff);
    }
    guest_puts("pv-abi: FAIL: still running\n");
    shutdown(SHUTDOWN_crash);
}
