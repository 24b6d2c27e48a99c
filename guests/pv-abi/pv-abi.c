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
 *                     addresses, commands and domains refused; set_gdt,
 *                     update_descriptor and set_ldt (Xen's descriptor checks)
 *                     and segment loads from the GDT, the LDT and Xen's
 *                     reserved entries, faulting ones bounced with the
 *                     selector; pin and unpin; physdev_op; VCPUOP_initialise
 *                     (hostile contexts refused) bringing up vCPU 1, which
 *                     checks its context (registers, GDT, trap table, bases,
 *                     the event, syscall and failsafe callbacks, the kernel
 *                     stack) and goes down; the shared info frame
 *                     of start_info and the read-only M2P at MACH2PHYS_VIRT_START
 *   mode=no-handler   clears its trap table and executes ud2: the domain crashes
 *   mode=bad-iret     HYPERVISOR_iret to guest user mode (RPL 3) without user page tables:
 *                     crashes
 *   mode=bench        times a PV hypercall, mmu_update and update_va_mapping against
 *                     CPUID ("bench: ..." lines, bench/domains/run.sh pv)
 *   mode=reboot       checks its PV state is fresh (pins, pirq EOI frame), dirties it
 *                     and reboots (a restart policy restarts it)
 */
#include <stdint.h>

#include <public/arch-x86/shared_info.h>
#include <public/arch-x86/xen-x86_64.h>
#include <public/event_channel.h>
#include <public/memory.h>
#include <public/physdev.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/version.h>
#include <public/xen.h>

#include "guest.h"
#include "pv-guest.h"

#define PTE_FRAME 0x000FFFFFFFFFF000ull

#define RFLAGS_IF    (1ull << 9)
#define NONCANONICAL 0x0000800000000000ull

void pv_abi_trap(uint64_t *frame, struct pv_saved_regs *regs, unsigned int vector);
void trap_ud(void), trap_np(void), trap_gp(void), trap_pf(void);
void load_ds(uint32_t sel, uint64_t vector), load_es(uint32_t sel, uint64_t vector);
void load_ss(uint32_t sel, uint64_t vector);
void ap_entry(void);
void ap_event_callback(void), ap_syscall_callback(void), ap_failsafe_callback(void);
void ap_user(void), ap_continue(void);
void pv_abi_ap_event(const uint64_t *frame);
__attribute__((noreturn)) void pv_abi_ap_syscall(const uint64_t *frame,
                                                 const struct pv_saved_regs *regs);
__attribute__((noreturn)) void pv_abi_ap_failsafe(const uint64_t *frame,
                                                  const struct pv_saved_regs *regs);
void trigger_pf_m2p(void);
void pv_abi_ap(uint64_t magic);
void trigger_ud(void), trigger_gp(void), trigger_pf(void);

extern uint64_t trap_resume[32], trap_expect_rip[32], trap_expect_rsp[32];

/* What the last exception's frame said. */
struct trap_seen {
    unsigned int count, vector;
    uint64_t error, rip, cs, rflags, rsp, ss;
    uint16_t handler_cs; /* the CS the handler ran on */
};
static volatile struct trap_seen seen[32];
static volatile int nest_gp_in_ud; /* the #UD handler raises a #GP */

/* Every exception handler (entry.S): the frame recorded, resumed where its trigger asked. */
void pv_abi_trap(uint64_t *frame, struct pv_saved_regs *regs, unsigned int vector)
{
    volatile struct trap_seen *t = &seen[vector];

    (void)regs;
    t->vector = vector;
    t->error = pv_vector_has_error(vector) ? frame[-1] : 0;
    t->rip = frame[0];
    t->cs = frame[1];
    t->rflags = frame[2];
    t->rsp = frame[3];
    t->ss = frame[4];
    __asm__ volatile("mov %%cs, %0" : "=r"(t->handler_cs));
    t->count++;
    if (vector == 6 && nest_gp_in_ud) {
        nest_gp_in_ud = 0;
        trigger_gp();
    }
    frame[0] = trap_resume[vector];
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
    pv_check("the handler ran once", t->count == before + 1, t->count - before);
    pv_check("frame RIP is the faulting instruction", t->rip == trap_expect_rip[vector], t->rip);
    pv_check("frame RSP is the interrupted one", t->rsp == trap_expect_rsp[vector], t->rsp);
    pv_check("frame CS is FLAT_KERNEL_CS with RPL 0", (uint16_t)t->cs == (FLAT_KERNEL_CS64 & ~3),
             t->cs);
    pv_check("frame SS is FLAT_KERNEL_SS", (uint16_t)t->ss == FLAT_KERNEL_SS64, t->ss);
    pv_check("frame error code", t->error == error, t->error);
    mask = (uint8_t)(t->cs >> 32);
    pv_check("frame RFLAGS.IF is the inverse of the upcall mask in CS",
             mask <= 1 && !!(t->rflags & RFLAGS_IF) == !mask, t->rflags);
}

static void run_traps(void)
{
    struct trap_info table[] = {
        { 6, 4, FLAT_KERNEL_CS64, (uint64_t)(uintptr_t)trap_ud }, /* interrupt gate */
        { 11, 0, FLAT_KERNEL_CS64, (uint64_t)(uintptr_t)trap_np },
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
    rc = pv_hypercall3(__HYPERVISOR_set_trap_table, 0x1000, 0, 0);
    pv_check("set_trap_table(unmapped list) is -EFAULT", rc == -EFAULT, (uint64_t)rc);
    rc = pv_hypercall3(__HYPERVISOR_set_trap_table, (uint64_t)(uintptr_t)noncanonical, 0, 0);
    pv_check("set_trap_table(non-canonical handler) is -EINVAL", rc == -EINVAL, (uint64_t)rc);
    rc = pv_hypercall3(__HYPERVISOR_set_trap_table, (uint64_t)(uintptr_t)table, 0, 0);
    pv_check("set_trap_table(valid list) is 0", rc == 0, (uint64_t)rc);

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
    pv_check("nested #GP taken in the #UD handler", !nest_gp_in_ud, 1);
    pv_check("nested #GP frame: upcall mask 1", (uint8_t)(seen[13].cs >> 32) == 1, seen[13].cs);
    pv_check("nested #GP frame: RFLAGS.IF clear", !(seen[13].rflags & RFLAGS_IF), seen[13].rflags);
    check_trap(trigger_gp, 13, 0, "#GP after the nested one");
    pv_check("mask restored by iret", (uint8_t)(seen[13].cs >> 32) == (uint8_t)(seen[6].cs >> 32),
             seen[13].cs);
}

static uint8_t page_a[4096] __attribute__((aligned(4096)));
static uint8_t page_b[4096] __attribute__((aligned(4096)));

/* The machine address of va's L1 entry, walked from start_info's page tables. */
static uint64_t pte_maddr(const struct start_info *si, uint64_t va)
{
    const uint64_t *t = (const uint64_t *)si->pt_base;

    for (unsigned int shift = 39; shift > 12; shift -= 9)
        t = (const uint64_t *)(PV_VIRT_BASE + (t[(va >> shift) & 511] & PTE_FRAME));
    return ((uint64_t)(uintptr_t)t - PV_VIRT_BASE) + ((va >> 12) & 511) * 8;
}

static long mmu_update1(uint64_t ptr, uint64_t val, uint64_t domid, uint32_t *done)
{
    struct mmu_update u = { ptr, val };

    *done = 0xFFFF;
    return pv_hypercall4(__HYPERVISOR_mmu_update, (uint64_t)(uintptr_t)&u, 1,
                         (uint64_t)(uintptr_t)done, domid);
}

static long mmuext2(uint32_t cmd, uint64_t arg1, uint64_t arg2)
{
    struct mmuext_op op = { cmd, 0, arg1, arg2 };
    uint32_t done;

    return pv_hypercall4(__HYPERVISOR_mmuext_op, (uint64_t)(uintptr_t)&op, 1,
                         (uint64_t)(uintptr_t)&done, DOMID_SELF);
}

static long mmuext1(uint32_t cmd, uint64_t arg1)
{
    return mmuext2(cmd, arg1, 0);
}

static void run_mmu(const struct start_info *si)
{
    volatile uint64_t *a = (volatile uint64_t *)page_a;
    uint64_t va = (uint64_t)(uintptr_t)page_a, fa = pv_frame_of(page_a), fb = pv_frame_of(page_b);
    uint64_t pte = pte_maddr(si, va), l4 = pv_frame_of((const void *)si->pt_base);
    uint32_t done;
    long rc;

    *a = 0xAAAA;
    *(volatile uint64_t *)page_b = 0xBBBB;
    guest_puts("pv-abi: update_va_mapping, mmu_update, mmuext_op\n");

    rc = pv_hypercall3(__HYPERVISOR_update_va_mapping, va, fb << 12 | PV_PTE_KERNEL, UVMF_INVLPG);
    pv_check("update_va_mapping(page a -> frame b) is 0", rc == 0, (uint64_t)rc);
    pv_check("page a shows frame b", *a == 0xBBBB, *a);
    rc =
        pv_hypercall3(__HYPERVISOR_update_va_mapping, va, fa << 12 | PV_PTE_KERNEL, UVMF_TLB_FLUSH);
    pv_check("update_va_mapping back is 0", rc == 0, (uint64_t)rc);
    pv_check("page a shows frame a again", *a == 0xAAAA, *a);
    rc = pv_hypercall3(__HYPERVISOR_update_va_mapping, 0x1000, fb << 12 | PV_PTE_KERNEL, 0);
    pv_check("update_va_mapping(unmapped va) is -EINVAL", rc == -EINVAL, (uint64_t)rc);
    rc = pv_hypercall3(__HYPERVISOR_update_va_mapping, 0x0000800000000000ull, 0, 0);
    pv_check("update_va_mapping(non-canonical va) is -EINVAL", rc == -EINVAL, (uint64_t)rc);

    rc = mmu_update1(pte | MMU_NORMAL_PT_UPDATE, fb << 12 | PV_PTE_KERNEL, DOMID_SELF, &done);
    pv_check("mmu_update(PTE of page a -> frame b) is 0", rc == 0 && done == 1, (uint64_t)rc);
    rc = mmuext1(MMUEXT_TLB_FLUSH_LOCAL, 0);
    pv_check("mmuext TLB_FLUSH_LOCAL is 0", rc == 0, (uint64_t)rc);
    pv_check("page a shows frame b after mmu_update", *a == 0xBBBB, *a);
    rc = mmu_update1(pte | MMU_NORMAL_PT_UPDATE, fa << 12 | PV_PTE_KERNEL, DOMID_SELF, &done);
    pv_check("mmu_update back is 0", rc == 0 && done == 1, (uint64_t)rc);
    rc = mmuext1(MMUEXT_INVLPG_LOCAL, va);
    pv_check("mmuext INVLPG_LOCAL is 0", rc == 0, (uint64_t)rc);
    pv_check("page a shows frame a after mmu_update", *a == 0xAAAA, *a);
    rc = mmu_update1(0x40000000 | MMU_NORMAL_PT_UPDATE, 0, DOMID_SELF, &done);
    pv_check("mmu_update(outside the domain's memory) is -EINVAL", rc == -EINVAL && done == 0,
             (uint64_t)rc);
    rc = mmu_update1(pte | 3, 0, DOMID_SELF, &done);
    pv_check("mmu_update(unknown command) is -ENOSYS", rc == -ENOSYS && done == 0, (uint64_t)rc);
    rc = mmu_update1(pte, fa << 12 | PV_PTE_KERNEL, DOMID_INVALID, &done);
    pv_check("mmu_update(for no such domain) is -ESRCH", rc == -ESRCH, (uint64_t)rc);
    rc = pv_hypercall4(__HYPERVISOR_mmu_update, 0x1000, 1, 0, DOMID_SELF);
    pv_check("mmu_update(unmapped request list) is -EFAULT", rc == -EFAULT, (uint64_t)rc);
    rc = mmu_update1(fa << 12 | MMU_MACHPHYS_UPDATE, fa, DOMID_SELF, &done);
    pv_check("MMU_MACHPHYS_UPDATE(mfn -> its own pfn) is 0", rc == 0 && done == 1, (uint64_t)rc);
    rc = mmu_update1(fa << 12 | MMU_MACHPHYS_UPDATE, fb, DOMID_SELF, &done);
    pv_check("MMU_MACHPHYS_UPDATE(mfn -> another pfn) is -EINVAL", rc == -EINVAL, (uint64_t)rc);

    rc = mmuext1(MMUEXT_NEW_BASEPTR, l4);
    pv_check("mmuext NEW_BASEPTR(its own L4) is 0", rc == 0, (uint64_t)rc);
    pv_check("still running on it", *a == 0xAAAA, *a);
    rc = mmuext1(MMUEXT_NEW_BASEPTR, 0x40000);
    pv_check("mmuext NEW_BASEPTR(outside its memory) is -EINVAL", rc == -EINVAL, (uint64_t)rc);
    rc = mmuext1(MMUEXT_TLB_FLUSH_ALL, 0);
    pv_check("mmuext TLB_FLUSH_ALL is 0", rc == 0, (uint64_t)rc);
    rc = mmuext1(99, 0);
    pv_check("mmuext(unknown command) is -ENOSYS", rc == -ENOSYS, (uint64_t)rc);
}

/* Xen's pages in its address space: the shared info frame start_info names, the M2P. */
static void run_reserved(const struct start_info *si)
{
    volatile uint64_t *m2p = (volatile uint64_t *)MACH2PHYS_VIRT_START;
    uint64_t va = (uint64_t)(uintptr_t)page_a, fa = pv_frame_of(page_a), extents[4] = { 0 };
    struct xen_machphys_mapping map = { 0 };
    struct xen_machphys_mfn_list list = { 4, (uint64_t)(uintptr_t)extents, 0 };
    volatile uint8_t *shared = page_a;
    unsigned int before;
    long rc;

    guest_puts("pv-abi: shared info and the M2P\n");
    rc = pv_hypercall3(__HYPERVISOR_memory_op, XENMEM_machphys_mapping, (uint64_t)(uintptr_t)&map,
                       0);
    pv_check("machphys_mapping is 0", rc == 0, (uint64_t)rc);
    pv_check("the M2P at MACH2PHYS_VIRT_START", map.v_start == MACH2PHYS_VIRT_START, map.v_start);
    pv_check("the M2P covers its frames",
             map.max_mfn == si->nr_pages - 1 && map.v_end - map.v_start >= si->nr_pages * 8,
             map.max_mfn);
    rc = pv_hypercall3(__HYPERVISOR_memory_op, XENMEM_machphys_mapping, 0x1000, 0);
    pv_check("machphys_mapping(unmapped argument) is -EFAULT", rc == -EFAULT, (uint64_t)rc);
    pv_check("M2P[its frame] is its frame", m2p[fa] == fa, m2p[fa]);
    pv_check("M2P[its last frame]", m2p[si->nr_pages - 1] == si->nr_pages - 1,
             m2p[si->nr_pages - 1]);
    before = seen[14].count;
    trigger_pf_m2p();
    pv_check("a write to the M2P is #PF (present, write, user)",
             seen[14].count == before + 1 && seen[14].error == 7, seen[14].error);
    rc = pv_hypercall3(__HYPERVISOR_memory_op, XENMEM_machphys_mfn_list, (uint64_t)(uintptr_t)&list,
                       0);
    pv_check("machphys_mfn_list: one 2 MiB extent, above its memory",
             rc == 0 && list.nr_extents == 1 && extents[0] >= si->nr_pages, extents[0]);

    pv_check("start_info names a shared info frame above its memory",
             si->shared_info && (si->shared_info >> 12) >= si->nr_pages, si->shared_info);
    rc = pv_hypercall3(__HYPERVISOR_update_va_mapping, va, si->shared_info | PV_PTE_KERNEL,
                       UVMF_INVLPG);
    pv_check("update_va_mapping(the shared info frame) is 0", rc == 0, (uint64_t)rc);
    shared[1] = 1; /* vcpu_info[0].evtchn_upcall_mask */
    check_trap(trigger_ud, 6, 0, "#UD with the upcall mask set through the shared info");
    pv_check("the frame shows the mask set there", (uint8_t)(seen[6].cs >> 32) == 1, seen[6].cs);
    shared[1] = 0;
    rc = pv_hypercall3(__HYPERVISOR_update_va_mapping, va, fa << 12 | PV_PTE_KERNEL, UVMF_INVLPG);
    pv_check("page a mapped back", rc == 0 && *(volatile uint64_t *)page_a == 0xAAAA, (uint64_t)rc);
}

/* Descriptors: a present data segment (DPL 0 as written), 64-bit code, ... */
#define DESC_DATA_DPL0     0x00CF92000000FFFFull /* read/write data, DPL 0: raised to 3 */
#define DESC_CODE64        0x00AFFA000000FFFFull /* execute/read, DPL 3 */
#define DESC_DATA_NP       0x00CF72000000FFFFull /* data, DPL 3, not present */
#define DESC_CODE_XONLY    0x00CFF8000000FFFFull /* execute-only code, DPL 3 */
#define DESC_TSS           0x0000890000000067ull /* 64-bit TSS (system): refused */
#define DESC_INTGATE       0x00008E0000000000ull /* interrupt gate (system): refused */
#define DESC_DPL3          (3ull << 45)
#define DESC_CODE64_NP     0x00AF7A000000FFFFull /* 64-bit code, not present */
#define DESC_CODE64_D      0x00EFFA000000FFFFull /* L and D both set: reserved */
#define DESC_BASE          0x12345000ull
#define DESC_DATA_BASE     0x12CFF2345000FFFFull /* read/write data, DPL 3, base DESC_BASE */
#define MSR_SHADOW_GS_BASE 0xC0000102u
#define SEL(index, ldt)    ((uint32_t)((index) << 3 | (ldt) << 2 | 3))

static uint64_t gdt_page[512] __attribute__((aligned(4096)));
static uint64_t ldt_page[512] __attribute__((aligned(4096)));
static uint64_t table_page[512] __attribute__((aligned(4096)));

static uint16_t read_ds(void)
{
    uint16_t s;

    __asm__ volatile("mov %%ds, %0" : "=r"(s));
    return s;
}

static uint16_t read_es(void)
{
    uint16_t s;

    __asm__ volatile("mov %%es, %0" : "=r"(s));
    return s;
}

static uint16_t read_ss(void)
{
    uint16_t s;

    __asm__ volatile("mov %%ss, %0" : "=r"(s));
    return s;
}

/* A load that must fault with vector and the selector as error code. */
static void check_load_fault(void (*load)(uint32_t, uint64_t), uint32_t sel, unsigned int vector,
                             const char *what)
{
    unsigned int before = seen[vector].count;

    load(sel, vector);
    pv_check(what, seen[vector].count == before + 1 && seen[vector].error == (sel & ~3u),
             seen[vector].count - before);
}

static uint16_t read_gs(void)
{
    uint16_t s;

    __asm__ volatile("mov %%gs, %0" : "=r"(s));
    return s;
}

static uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;

    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return (uint64_t)hi << 32 | lo;
}

/* set_segment_base(SEGBASE_GS_USER_SEL): the user GS base from the guest's GDT or LDT. */
static void run_user_gs(uint64_t gdt_maddr)
{
    long rc;

    rc = pv_hypercall3(__HYPERVISOR_update_descriptor, gdt_maddr + 3 * 8, DESC_DATA_BASE, 0);
    pv_check("update_descriptor(data with a base) is 0", rc == 0, (uint64_t)rc);
    rc = pv_hypercall3(__HYPERVISOR_set_segment_base, SEGBASE_GS_USER_SEL, SEL(3, 0), 0);
    pv_check("GS_USER_SEL(a GDT data selector) is 0", rc == 0, (uint64_t)rc);
    pv_check("user %gs loaded from the GDT", read_gs() == SEL(3, 0), read_gs());
    pv_check("the user GS base is the descriptor's", rdmsr(MSR_SHADOW_GS_BASE) == DESC_BASE,
             rdmsr(MSR_SHADOW_GS_BASE));
    rc = pv_hypercall3(__HYPERVISOR_set_segment_base, SEGBASE_GS_USER_SEL, SEL(1, 1), 0);
    pv_check("GS_USER_SEL(an LDT selector) is 0, loaded",
             rc == 0 && read_gs() == SEL(1, 1) && rdmsr(MSR_SHADOW_GS_BASE) == 0, read_gs());
    /* Entry 4 is a call gate: the load fails and gives null, answered 0 as Xen does. */
    rc = pv_hypercall3(__HYPERVISOR_set_segment_base, SEGBASE_GS_USER_SEL, SEL(4, 0), 0);
    pv_check("GS_USER_SEL(a call gate) is 0, null loaded", rc == 0 && read_gs() == 0, read_gs());
    pv_hypercall3(__HYPERVISOR_set_segment_base, SEGBASE_GS_USER_SEL, SEL(3, 0), 0);
    rc = pv_hypercall3(__HYPERVISOR_set_segment_base, SEGBASE_GS_USER_SEL, SEL(5, 0), 0);
    pv_check("GS_USER_SEL(beyond the GDT) is 0, null with base 0",
             rc == 0 && read_gs() == 0 && rdmsr(MSR_SHADOW_GS_BASE) == 0, read_gs());
}

static void run_descriptors(void)
{
    uint64_t frame = pv_frame_of(gdt_page), maddr = frame << 12, far = 0x40000;
    long rc;

    guest_puts("pv-abi: set_gdt, update_descriptor, set_ldt, segment loads\n");
    gdt_page[1] = DESC_DATA_DPL0;
    gdt_page[2] = DESC_CODE64;
    gdt_page[3] = DESC_DATA_NP;
    gdt_page[4] = DESC_CODE_XONLY;
    gdt_page[5] = DESC_TSS;
    rc = pv_hypercall3(__HYPERVISOR_set_gdt, (uint64_t)(uintptr_t)&frame, 6, 0);
    pv_check("set_gdt(a TSS descriptor) is -EINVAL", rc == -EINVAL, (uint64_t)rc);
    gdt_page[5] = DESC_INTGATE;
    rc = pv_hypercall3(__HYPERVISOR_set_gdt, (uint64_t)(uintptr_t)&frame, 6, 0);
    pv_check("set_gdt(an interrupt gate) is -EINVAL", rc == -EINVAL, (uint64_t)rc);
    rc = pv_hypercall3(__HYPERVISOR_set_gdt, (uint64_t)(uintptr_t)&frame, 0x1C01, 0);
    pv_check("set_gdt(into Xen's reserved entries) is -EINVAL", rc == -EINVAL, (uint64_t)rc);
    rc = pv_hypercall3(__HYPERVISOR_set_gdt, 0x1000, 1, 0);
    pv_check("set_gdt(unmapped frame list) is -EFAULT", rc == -EFAULT, (uint64_t)rc);
    rc = pv_hypercall3(__HYPERVISOR_set_gdt, (uint64_t)(uintptr_t)&far, 1, 0);
    pv_check("set_gdt(a frame outside its memory) is -EINVAL", rc == -EINVAL, (uint64_t)rc);
    rc = pv_hypercall3(__HYPERVISOR_set_gdt, (uint64_t)(uintptr_t)&frame, 5, 0);
    pv_check("set_gdt(5 valid entries) is 0", rc == 0, (uint64_t)rc);

    load_ds(SEL(1, 0), 13);
    pv_check("DS loaded from the guest's GDT", read_ds() == SEL(1, 0), read_ds());
    load_es(SEL(2, 0), 13);
    pv_check("ES loaded with readable code", read_es() == SEL(2, 0), read_es());
    load_es(FLAT_RING3_DS32, 13);
    pv_check("ES loaded with Xen's FLAT_RING3_DS32", read_es() == FLAT_RING3_DS32, read_es());
    load_ss(SEL(1, 0), 13);
    pv_check("SS loaded from the guest's GDT", read_ss() == SEL(1, 0), read_ss());
    load_ss(FLAT_KERNEL_SS64, 13);
    pv_check("SS back to FLAT_KERNEL_SS", read_ss() == FLAT_KERNEL_SS64, read_ss());
    check_load_fault(load_ds, SEL(3, 0), 11, "DS: not present is #NP(selector)");
    check_load_fault(load_ds, SEL(4, 0), 13, "DS: execute-only code is #GP(selector)");
    check_load_fault(load_ds, SEL(5, 0), 13, "DS: beyond the GDT's entries is #GP(selector)");
    check_load_fault(load_ds, 0xE008, 13, "DS: Xen's ring-0 entry is #GP(selector)");
    check_load_fault(load_ss, SEL(2, 0), 13, "SS: code is #GP(selector)");
    check_load_fault(load_ds, SEL(1, 1), 13, "DS: with no LDT is #GP(selector)");

    rc = pv_hypercall3(__HYPERVISOR_update_descriptor, maddr + 3 * 8, DESC_DATA_NP | 1ull << 47, 0);
    pv_check("update_descriptor(present data) is 0", rc == 0, (uint64_t)rc);
    load_ds(SEL(3, 0), 13);
    pv_check("DS loaded with the updated entry", read_ds() == SEL(3, 0), read_ds());
    rc = pv_hypercall3(__HYPERVISOR_update_descriptor, maddr + 1 * 8, DESC_DATA_DPL0, 0);
    pv_check("update_descriptor(DPL 0 data) is 0", rc == 0, (uint64_t)rc);
    pv_check("its DPL raised to 3 (kernel at CPL 3)", gdt_page[1] == (DESC_DATA_DPL0 | DESC_DPL3),
             gdt_page[1]);
    rc = pv_hypercall3(__HYPERVISOR_update_descriptor, maddr + 4 * 8,
                       0x0000EC0000000000ull | (uint64_t)FLAT_KERNEL_CS64 << 16, 0);
    pv_check("update_descriptor(call gate to FLAT_KERNEL_CS) is 0", rc == 0, (uint64_t)rc);
    pv_check("call gate: DPL 0, its DPL in the target's RPL",
             gdt_page[4] == (0x00008C0000000000ull | (uint64_t)(FLAT_KERNEL_CS64 | 3) << 16),
             gdt_page[4]);
    rc = pv_hypercall3(__HYPERVISOR_update_descriptor, maddr + 4 * 8,
                       0x0000EC0000000000ull | 0xE008ull << 16, 0);
    pv_check("update_descriptor(call gate to Xen's ring-0 code) is -EINVAL", rc == -EINVAL,
             (uint64_t)rc);
    rc = pv_hypercall3(__HYPERVISOR_update_descriptor, maddr + 4 * 8, DESC_TSS, 0);
    pv_check("update_descriptor(TSS) is -EINVAL", rc == -EINVAL, (uint64_t)rc);
    rc = pv_hypercall3(__HYPERVISOR_update_descriptor, maddr + 4, DESC_CODE64, 0);
    pv_check("update_descriptor(unaligned) is -EINVAL", rc == -EINVAL, (uint64_t)rc);
    rc = pv_hypercall3(__HYPERVISOR_update_descriptor, 0x40000000, DESC_CODE64, 0);
    pv_check("update_descriptor(outside its memory) is -EINVAL", rc == -EINVAL, (uint64_t)rc);

    ldt_page[1] = DESC_DATA_DPL0;
    rc = mmuext2(MMUEXT_SET_LDT, (uint64_t)(uintptr_t)ldt_page + 8, 2);
    pv_check("set_ldt(unaligned) is -EINVAL", rc == -EINVAL, (uint64_t)rc);
    rc = mmuext2(MMUEXT_SET_LDT, (uint64_t)(uintptr_t)ldt_page, 8193);
    pv_check("set_ldt(8193 entries) is -EINVAL", rc == -EINVAL, (uint64_t)rc);
    rc = mmuext2(MMUEXT_SET_LDT, (uint64_t)(uintptr_t)ldt_page, 2);
    pv_check("set_ldt(2 entries) is 0", rc == 0, (uint64_t)rc);
    load_es(SEL(1, 1), 13);
    pv_check("ES loaded from the LDT", read_es() == SEL(1, 1), read_es());
    check_load_fault(load_es, SEL(2, 1), 13, "ES: beyond the LDT's entries is #GP(selector)");
    load_ds(0, 13);
    load_es(0, 13);
    pv_check("DS and ES null again", read_ds() == 0 && read_es() == 0, read_ds());
    run_user_gs(maddr);
}

static void run_pins(const struct start_info *si)
{
    uint64_t l4 = pv_frame_of((const void *)si->pt_base), t = pv_frame_of(table_page);
    uint32_t done;
    long rc;

    guest_puts("pv-abi: pin and unpin\n");
    rc = mmuext1(MMUEXT_UNPIN_TABLE, l4);
    pv_check("unpin the builder's L4 (pinned at start) is 0", rc == 0, (uint64_t)rc);
    rc = mmuext1(MMUEXT_UNPIN_TABLE, l4);
    pv_check("unpin it again is -EINVAL", rc == -EINVAL, (uint64_t)rc);
    /* Its slot 256 cleared (the M2P gone from it), then pinned: the hypervisor writes it again. */
    rc = mmu_update1(l4 << 12 | 256 * 8 | MMU_NORMAL_PT_UPDATE, 0, DOMID_SELF, &done);
    pv_check("clear the L4's slot 256 is 0", rc == 0 && ((const uint64_t *)si->pt_base)[256] == 0,
             (uint64_t)rc);
    rc = mmuext1(MMUEXT_PIN_L4_TABLE, l4);
    pv_check("pin it as L4 is 0", rc == 0, (uint64_t)rc);
    mmuext1(MMUEXT_TLB_FLUSH_LOCAL, 0);
    pv_check("pinning wrote Xen's slot 256 again", ((const uint64_t *)si->pt_base)[256] != 0,
             ((const uint64_t *)si->pt_base)[256]);
    pv_check("the M2P readable again", ((volatile uint64_t *)MACH2PHYS_VIRT_START)[t] == t, 0);
    rc = mmuext1(MMUEXT_PIN_L4_TABLE, l4);
    pv_check("pin it twice is -EINVAL", rc == -EINVAL, (uint64_t)rc);
    rc = mmuext1(MMUEXT_PIN_L1_TABLE, 0x40000);
    pv_check("pin a frame outside its memory is -EINVAL", rc == -EINVAL, (uint64_t)rc);
    table_page[7] = 0x40000000 | 1;
    rc = mmuext1(MMUEXT_PIN_L1_TABLE, t);
    pv_check("pin an L1 naming a frame not its own is -EINVAL", rc == -EINVAL, (uint64_t)rc);
    table_page[7] = pv_frame_of(page_a) << 12 | PV_PTE_KERNEL;
    rc = mmuext1(MMUEXT_PIN_L1_TABLE, t);
    pv_check("pin an L1 of its own frames is 0", rc == 0, (uint64_t)rc);
    rc = mmuext1(MMUEXT_UNPIN_TABLE, t);
    pv_check("unpin it is 0", rc == 0, (uint64_t)rc);
    rc = mmuext1(MMUEXT_UNPIN_TABLE, 0x40000);
    pv_check("unpin a frame outside its memory is -EINVAL", rc == -EINVAL, (uint64_t)rc);
}

static long physdev(unsigned int cmd, const void *arg)
{
    return pv_hypercall3(__HYPERVISOR_physdev_op, cmd, (uint64_t)(uintptr_t)arg, 0);
}

static void run_physdev(void)
{
    struct physdev_set_iopl iopl = { 1 };
    struct physdev_pirq_eoi_gmfn eoi = { 0x40000 };
    uint32_t irq[2] = { 1, 0 };
    long rc;

    guest_puts("pv-abi: physdev_op\n");
    rc = physdev(PHYSDEVOP_set_iopl, &iopl);
    pv_check("set_iopl(1) is 0", rc == 0, (uint64_t)rc);
    check_trap(trigger_ud, 6, 0, "#UD with IOPL 1");
    pv_check("the frame's RFLAGS.IOPL is 1", ((seen[6].rflags >> 12) & 3) == 1, seen[6].rflags);
    /* With IOPL 1, CLI and STI are the upcall mask, as Xen emulates them (seen in a frame). */
    __asm__ volatile("cli" ::: "memory");
    check_trap(trigger_ud, 6, 0, "#UD after cli with IOPL 1");
    pv_check("cli with IOPL 1 set the upcall mask", (uint8_t)(seen[6].cs >> 32) == 1, seen[6].cs);
    __asm__ volatile("sti" ::: "memory");
    check_trap(trigger_ud, 6, 0, "#UD after sti with IOPL 1");
    pv_check("sti with IOPL 1 cleared the upcall mask", (uint8_t)(seen[6].cs >> 32) == 0,
             seen[6].cs);
    iopl.iopl = 4;
    rc = physdev(PHYSDEVOP_set_iopl, &iopl);
    pv_check("set_iopl(4) is -EINVAL", rc == -EINVAL, (uint64_t)rc);
    rc = physdev(PHYSDEVOP_set_iopl, (const void *)0x1000);
    pv_check("set_iopl(unmapped argument) is -EFAULT", rc == -EFAULT, (uint64_t)rc);
    iopl.iopl = 0;
    rc = physdev(PHYSDEVOP_set_iopl, &iopl);
    pv_check("set_iopl(0) is 0", rc == 0, (uint64_t)rc);
    rc = physdev(PHYSDEVOP_pirq_eoi_gmfn_v2, &eoi);
    pv_check("pirq_eoi_gmfn_v2(a frame outside its memory) is -EINVAL", rc == -EINVAL,
             (uint64_t)rc);
    eoi.gmfn = pv_frame_of(page_b);
    rc = physdev(PHYSDEVOP_pirq_eoi_gmfn_v2, &eoi);
    pv_check("pirq_eoi_gmfn_v2(its frame) is 0", rc == 0, (uint64_t)rc);
    rc = physdev(PHYSDEVOP_pirq_eoi_gmfn_v1, &eoi);
    pv_check("pirq_eoi_gmfn again is -EBUSY", rc == -EBUSY, (uint64_t)rc);
    rc = physdev(PHYSDEVOP_irq_status_query, irq);
    pv_check("irq_status_query (no pirq is its) is -EINVAL", rc == -EINVAL, (uint64_t)rc);
    rc = physdev(PHYSDEVOP_map_pirq, irq);
    pv_check("map_pirq is -EPERM", rc == -EPERM, (uint64_t)rc);
    rc = physdev(PHYSDEVOP_pci_device_add, irq);
    pv_check("pci_device_add is -EPERM", rc == -EPERM, (uint64_t)rc);
    rc = physdev(99, irq);
    pv_check("physdev_op(unknown command) is -ENOSYS", rc == -ENOSYS, (uint64_t)rc);
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

/*
 * vCPU 1: started by VCPUOP_initialise with ap_context, it checks what the
 * context gave it: registers, GDT, trap table, the FS and both GS bases,
 * the event callback (an IPI to itself), the kernel stack and syscall
 * callback (SYSCALL from guest user mode), the failsafe callback (an iret
 * to a data segment as CS).
 */
#define AP_MAGIC 0x5EEDull
static struct vcpu_guest_context ap_context;
static uint8_t ap_stack[8192] __attribute__((aligned(16)));
static uint8_t ap_kstack[4096] __attribute__((aligned(16)));
static uint8_t ap_ustack[4096] __attribute__((aligned(16)));
static volatile uint64_t ap_fs_cell = 0xF5F5F5F5F5F5F5F5ull;
static volatile uint64_t ap_kernel_gs_cell = 0x4B4B4B4B4B4B4B4Bull;
static volatile uint64_t ap_user_gs_cell = 0x5555555555555555ull;
static volatile int ap_done;
/* The shared info frame, mapped here by run_smp(): vCPU 1's vcpu_info. */
static union {
    struct shared_info s;
    uint8_t page[4096];
} ap_shared __attribute__((aligned(4096)));
static uint32_t ap_port;

/* What vCPU 1's callbacks saw. */
static volatile struct {
    unsigned int events, syscalls, failsafes;
    uint64_t ev_cs, ev_mask, sc_frame, sc_cs, sc_rsp, sc_rax, sc_mask, fs_rip, fs_ds;
} ap_seen;

static long vcpu_op(unsigned int cmd, unsigned int id, const void *arg)
{
    return pv_hypercall3(__HYPERVISOR_vcpu_op, cmd, id, (uint64_t)(uintptr_t)arg);
}

static uint64_t read_gs0(void)
{
    uint64_t v;

    __asm__ volatile("mov %%gs:0, %0" : "=r"(v));
    return v;
}

void pv_abi_ap_event(const uint64_t *frame)
{
    struct vcpu_info *vi = &ap_shared.s.vcpu_info[1];

    ap_seen.events++;
    ap_seen.ev_cs = frame[1];
    ap_seen.ev_mask = vi->evtchn_upcall_mask;
    vi->evtchn_upcall_pending = 0;
    vi->evtchn_pending_sel = 0;
    __atomic_and_fetch(&ap_shared.s.evtchn_pending[ap_port / 64], ~(1ull << (ap_port % 64)),
                       __ATOMIC_SEQ_CST);
}

void pv_abi_ap_syscall(const uint64_t *frame, const struct pv_saved_regs *regs)
{
    ap_seen.syscalls++;
    ap_seen.sc_frame = (uint64_t)(uintptr_t)frame;
    ap_seen.sc_cs = frame[1];
    ap_seen.sc_rsp = frame[3];
    ap_seen.sc_rax = regs->rax;
    ap_seen.sc_mask = ap_shared.s.vcpu_info[1].evtchn_upcall_mask;
    pv_iret_leave();
}

void pv_abi_ap_failsafe(const uint64_t *frame, const struct pv_saved_regs *regs)
{
    (void)regs;
    ap_seen.failsafes++;
    ap_seen.fs_rip = frame[0];
    ap_seen.fs_ds = frame[-1 - 3]; /* DS, ES, FS, GS below RIP */
    pv_iret_leave();
}

static long evtchn_op(unsigned int cmd, void *arg)
{
    return pv_hypercall3(__HYPERVISOR_event_channel_op, cmd, (uint64_t)(uintptr_t)arg, 0);
}

/* An IPI to itself: masked as Linux starts a vCPU, then unmasked and delivered. */
static void ap_events(void)
{
    struct vcpu_info *vi = &ap_shared.s.vcpu_info[1];
    struct evtchn_bind_ipi ipi = { 1, 0 };
    struct evtchn_send send;
    long rc;

    rc = evtchn_op(EVTCHNOP_bind_ipi, &ipi);
    pv_check("vCPU 1: bind_ipi is 0", rc == 0, (uint64_t)rc);
    ap_port = send.port = ipi.port;
    rc = evtchn_op(EVTCHNOP_send, &send);
    pv_check("vCPU 1: send is 0", rc == 0, (uint64_t)rc);
    pv_check("vCPU 1: masked, no upcall", ap_seen.events == 0, ap_seen.events);
    vi->evtchn_upcall_mask = 0;
    pv_hypercall3(__HYPERVISOR_xen_version, XENVER_version, 0, 0);
    guest_puts("pv-abi: vCPU 1: event through its context's event callback\n");
    pv_check("vCPU 1: the upcall reached its context's event callback", ap_seen.events == 1,
             ap_seen.events);
    pv_check("vCPU 1: event frame CS is the kernel's", ap_seen.ev_cs == (FLAT_KERNEL_CS64 & ~3),
             ap_seen.ev_cs);
    pv_check("vCPU 1: events masked in the event callback", ap_seen.ev_mask == 1, ap_seen.ev_mask);
    pv_check("vCPU 1: unmasked by the callback's iret", vi->evtchn_upcall_mask == 0,
             vi->evtchn_upcall_mask);
}

/* Guest user mode on its context's user page tables, SYSCALL back on its kernel stack. */
static void ap_user_mode(void)
{
    uint64_t top = (uint64_t)(uintptr_t)(ap_ustack + sizeof(ap_ustack));
    uint64_t ktop = (uint64_t)(uintptr_t)(ap_kstack + sizeof(ap_kstack));

    pv_iret_enter((uint64_t[]){ 0, (uint64_t)(uintptr_t)ap_user, FLAT_USER_CS64, 0x202, top,
                                FLAT_USER_SS64 });
    guest_puts("pv-abi: vCPU 1: SYSCALL from user mode to its context's syscall callback\n");
    pv_check("vCPU 1: SYSCALL reached its context's syscall callback", ap_seen.syscalls == 1,
             ap_seen.syscalls);
    /* { RCX, R11, RIP, CS, RFLAGS, RSP, SS } below kernel_sp: RIP 40 bytes below it. */
    pv_check("vCPU 1: the frame on its context's kernel stack", ap_seen.sc_frame == ktop - 40,
             ap_seen.sc_frame);
    pv_check("vCPU 1: frame CS and RSP are user mode's",
             (uint16_t)ap_seen.sc_cs == FLAT_USER_CS64 && ap_seen.sc_rsp == top, ap_seen.sc_cs);
    pv_check("vCPU 1: user mode ran on its context's user GS base",
             ap_seen.sc_rax == ap_user_gs_cell, ap_seen.sc_rax);
    pv_check("vCPU 1: VGCF_syscall_disables_events masked events", ap_seen.sc_mask == 1,
             ap_seen.sc_mask);
    pv_check("vCPU 1: the kernel's GS base again", read_gs0() == ap_kernel_gs_cell, read_gs0());
    ap_shared.s.vcpu_info[1].evtchn_upcall_mask = 0;
}

static uint16_t read_cs(void)
{
    uint16_t s;

    __asm__ volatile("mov %%cs, %0" : "=r"(s));
    return s;
}

/* An iret to the kernel with frame CS and SS; true if it went to the failsafe callback. */
static bool ap_iret_failed(uint64_t cs, uint64_t ss)
{
    unsigned int before = ap_seen.failsafes;

    pv_iret_enter((uint64_t[]){ 0, (uint64_t)(uintptr_t)ap_continue, cs, 0x202,
                                (uint64_t)(uintptr_t)(ap_ustack + sizeof(ap_ustack)), ss });
    return ap_seen.failsafes == before + 1;
}

/*
 * iret to the GDT's own selectors: loaded, as the processor's IRET loads
 * them (a bounce from there enters the handler on Xen's flat ones); the
 * ones it refuses: the failsafe callback, as a faulting IRET on Xen.
 */
static void ap_iret_selectors(void)
{
    uint64_t entry4 = pv_frame_of(gdt_page) << 12 | 4 * 8, gate = gdt_page[4];
    volatile struct trap_seen *t = &seen[6];

    pv_check("vCPU 1: iret to the GDT's 64-bit code and data",
             !ap_iret_failed(SEL(2, 0) & ~3u, SEL(1, 0)) && read_cs() == SEL(2, 0) &&
                 read_ss() == SEL(1, 0),
             read_cs());
    trigger_ud();
    pv_check("vCPU 1: #UD frame shows the GDT's CS (RPL 0) and SS",
             (uint16_t)t->cs == (SEL(2, 0) & ~3u) && (uint16_t)t->ss == SEL(1, 0), t->cs);
    pv_check("vCPU 1: the handler ran on Xen's flat CS", t->handler_cs == FLAT_KERNEL_CS64,
             t->handler_cs);
    pv_check("vCPU 1: back on the GDT's CS after the handler's iret", read_cs() == SEL(2, 0),
             read_cs());
    pv_check("vCPU 1: iret back to Xen's flat selectors",
             !ap_iret_failed(FLAT_KERNEL_CS64 & ~3u, FLAT_KERNEL_SS64) &&
                 read_cs() == FLAT_KERNEL_CS64 && read_ss() == FLAT_KERNEL_SS64,
             read_cs());
    pv_check("vCPU 1: iret to CS a data segment: failsafe",
             ap_iret_failed(SEL(1, 0) & ~3u, SEL(1, 0)), ap_seen.failsafes);
    pv_check("vCPU 1: iret to SS a code segment: failsafe",
             ap_iret_failed(FLAT_KERNEL_CS64 & ~3u, SEL(2, 0)), ap_seen.failsafes);
    pv_check("vCPU 1: iret to CS beyond the GDT: failsafe",
             ap_iret_failed(SEL(5, 0) & ~3u, SEL(1, 0)), ap_seen.failsafes);
    pv_check("vCPU 1: iret to CS a call gate: failsafe", ap_iret_failed(SEL(4, 0) & ~3u, SEL(1, 0)),
             ap_seen.failsafes);
    pv_hypercall3(__HYPERVISOR_update_descriptor, entry4, DESC_CODE64_NP, 0);
    pv_check("vCPU 1: iret to CS not present: failsafe", ap_iret_failed(SEL(4, 0) & ~3u, SEL(1, 0)),
             ap_seen.failsafes);
    pv_hypercall3(__HYPERVISOR_update_descriptor, entry4, DESC_CODE64_D, 0);
    pv_check("vCPU 1: iret to CS with L and D set: failsafe",
             ap_iret_failed(SEL(4, 0) & ~3u, SEL(1, 0)), ap_seen.failsafes);
    pv_hypercall3(__HYPERVISOR_update_descriptor, entry4, gate, 0);
    pv_check("vCPU 1: iret to user mode with a null SS: failsafe",
             ap_iret_failed(FLAT_USER_CS64, 0), ap_seen.failsafes);
}

/* An iret to a data segment as CS: its context's failsafe callback. */
static void ap_failsafe(void)
{
    pv_iret_enter((uint64_t[]){ 0, (uint64_t)(uintptr_t)ap_user, SEL(1, 0) & ~3u, 0x202,
                                (uint64_t)(uintptr_t)(ap_ustack + sizeof(ap_ustack)),
                                FLAT_KERNEL_SS64 });
    pv_check("vCPU 1: iret to a data segment as CS reached its context's failsafe callback",
             ap_seen.failsafes == 1, ap_seen.failsafes);
    pv_check("vCPU 1: failsafe frame: RIP and DS",
             ap_seen.fs_rip == (uint64_t)(uintptr_t)ap_user && ap_seen.fs_ds == SEL(1, 0),
             ap_seen.fs_ds);
}

void pv_abi_ap(uint64_t magic)
{
    pv_check("vCPU 1: RDI from its context", magic == AP_MAGIC, magic);
    pv_check("vCPU 1: DS from the GDT its context gave", read_ds() == SEL(1, 0), read_ds());
    pv_check("vCPU 1: FS base from its context", pv_read_fs0() == ap_fs_cell, pv_read_fs0());
    pv_check("vCPU 1: kernel GS base from its context", read_gs0() == ap_kernel_gs_cell,
             read_gs0());
    check_trap(trigger_ud, 6, 0, "vCPU 1: #UD through the trap table its context gave");
    ap_events();
    ap_user_mode();
    ap_failsafe();
    ap_iret_selectors();
    __atomic_store_n(&ap_done, 1, __ATOMIC_SEQ_CST);
    vcpu_op(VCPUOP_down, 1, 0);
    guest_puts("pv-abi: FAIL: vCPU 1 still running after VCPUOP_down\n");
    for (;;)
        __asm__ volatile("pause");
}

/* One field of an otherwise valid context made hostile: -EINVAL (or what is named). */
static void check_context(const char *what, long want)
{
    long rc = vcpu_op(VCPUOP_initialise, 1, &ap_context);

    pv_check(what, rc == want, (uint64_t)rc);
}

static void yield(void)
{
    pv_hypercall3(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
}

static void run_smp(const struct start_info *si)
{
    struct vcpu_guest_context *c = &ap_context;
    long rc;

    guest_puts("pv-abi: VCPUOP_initialise, up, down, is_up\n");
    c->flags = VGCF_in_kernel;
    c->user_regs.rip = (uint64_t)(uintptr_t)ap_entry;
    c->user_regs.rsp = (uint64_t)(uintptr_t)(ap_stack + sizeof(ap_stack));
    c->user_regs.rdi = AP_MAGIC;
    c->user_regs.cs = FLAT_KERNEL_CS64;
    c->user_regs.ss = FLAT_KERNEL_SS64;
    c->user_regs.ds = SEL(1, 0);
    c->user_regs.rflags = 0x200;
    /* Xen's virtual IDT: the entry of vector 6 at index 6. */
    c->trap_ctxt[6] = (struct trap_info){ 6, 0, FLAT_KERNEL_CS64, (uint64_t)(uintptr_t)trap_ud };
    c->gdt_frames[0] = pv_frame_of(gdt_page);
    c->gdt_ents = 5;
    c->ctrlreg[3] = pv_frame_of((const void *)si->pt_base) << 12;
    c->ctrlreg[1] = c->ctrlreg[3]; /* user mode on the kernel's tables (all pages are user) */
    /* As Linux's cpu_initialize_context(): the kernel stack, the callbacks (NONCANONICAL below). */
    c->kernel_ss = FLAT_KERNEL_SS64;
    c->flags |= VGCF_syscall_disables_events;
    c->vm_assist = 1ull << VMASST_TYPE_writable_pagetables; /* vCPU 0's alone: ignored */
    rc = pv_hypercall3(__HYPERVISOR_update_va_mapping, (uint64_t)(uintptr_t)&ap_shared,
                       si->shared_info | PV_PTE_KERNEL, UVMF_INVLPG);
    pv_check("update_va_mapping(the shared info frame) for vCPU 1 is 0", rc == 0, (uint64_t)rc);
    ap_shared.s.vcpu_info[1].evtchn_upcall_mask = 1; /* as Linux starts a vCPU */

    rc = vcpu_op(VCPUOP_up, 1, 0);
    pv_check("VCPUOP_up before initialise is -EINVAL", rc == -EINVAL, (uint64_t)rc);
    rc = vcpu_op(VCPUOP_initialise, 1, (const void *)0x1000);
    pv_check("VCPUOP_initialise(unmapped context) is -EFAULT", rc == -EFAULT, (uint64_t)rc);
    rc = vcpu_op(VCPUOP_initialise, 2, c);
    pv_check("VCPUOP_initialise(no such vCPU) is -ENOENT", rc == -ENOENT, (uint64_t)rc);
    c->user_regs.rip = 0x0000800000000000ull;
    check_context("context: non-canonical RIP is -EINVAL", -EINVAL);
    c->user_regs.rip = (uint64_t)(uintptr_t)ap_entry;
    c->ctrlreg[3] = 0x40000000;
    check_context("context: CR3 outside its memory is -EINVAL", -EINVAL);
    c->ctrlreg[3] = pv_frame_of((const void *)si->pt_base) << 12;
    c->gdt_ents = 0x1C01;
    check_context("context: GDT into Xen's entries is -EINVAL", -EINVAL);
    c->gdt_ents = 5;
    c->ldt_base = 8, c->ldt_ents = 1;
    check_context("context: LDT not page aligned is -EINVAL", -EINVAL);
    c->ldt_base = 0, c->ldt_ents = 0;
    c->trap_ctxt[100].address = 0x0000800000000000ull;
    check_context("context: non-canonical trap handler is -EINVAL", -EINVAL);
    c->trap_ctxt[100].address = 0;
    c->flags = VGCF_syscall_disables_events;
    check_context("context: guest user mode is -EINVAL", -EINVAL);
    c->flags = VGCF_in_kernel | VGCF_syscall_disables_events;
    c->user_regs.cs = SEL(1, 0);
    check_context("context: CS a data segment is -EINVAL", -EINVAL);
    c->user_regs.cs = FLAT_KERNEL_CS64;
    c->user_regs.ss = SEL(2, 0);
    check_context("context: SS a code segment is -EINVAL", -EINVAL);
    c->user_regs.ss = FLAT_KERNEL_SS64;
    c->event_callback_eip = NONCANONICAL;
    check_context("context: non-canonical event callback is -EINVAL", -EINVAL);
    c->event_callback_eip = (uint64_t)(uintptr_t)ap_event_callback;
    c->failsafe_callback_eip = NONCANONICAL;
    check_context("context: non-canonical failsafe callback is -EINVAL", -EINVAL);
    c->failsafe_callback_eip = (uint64_t)(uintptr_t)ap_failsafe_callback;
    c->syscall_callback_eip = NONCANONICAL;
    check_context("context: non-canonical syscall callback is -EINVAL", -EINVAL);
    c->syscall_callback_eip = (uint64_t)(uintptr_t)ap_syscall_callback;
    c->kernel_sp = NONCANONICAL;
    check_context("context: non-canonical kernel stack is -EINVAL", -EINVAL);
    c->kernel_sp = (uint64_t)(uintptr_t)(ap_kstack + sizeof(ap_kstack));
    c->fs_base = NONCANONICAL;
    check_context("context: non-canonical FS base is -EINVAL", -EINVAL);
    c->fs_base = (uint64_t)(uintptr_t)&ap_fs_cell;
    c->gs_base_kernel = NONCANONICAL;
    check_context("context: non-canonical kernel GS base is -EINVAL", -EINVAL);
    c->gs_base_kernel = (uint64_t)(uintptr_t)&ap_kernel_gs_cell;
    c->gs_base_user = NONCANONICAL;
    check_context("context: non-canonical user GS base is -EINVAL", -EINVAL);
    c->gs_base_user = (uint64_t)(uintptr_t)&ap_user_gs_cell;
    rc = vcpu_op(VCPUOP_is_up, 1, 0);
    pv_check("vCPU 1 is not up", rc == 0, (uint64_t)rc);
    check_context("VCPUOP_initialise(valid context) is 0", 0);
    check_context("VCPUOP_initialise again is -EEXIST", -EEXIST);
    rc = vcpu_op(VCPUOP_up, 1, 0);
    pv_check("VCPUOP_up is 0", rc == 0, (uint64_t)rc);
    for (unsigned int i = 0; i < 100000 && !__atomic_load_n(&ap_done, __ATOMIC_SEQ_CST); i++)
        yield();
    pv_check("vCPU 1 ran its checks", ap_done, 0);
    rc = 1;
    for (unsigned int i = 0; i < 100000 && rc == 1; i++) {
        yield();
        rc = vcpu_op(VCPUOP_is_up, 1, 0);
    }
    pv_check("vCPU 1 is down after VCPUOP_down", rc == 0, (uint64_t)rc);
}

/*
 * One boot of a domain its policy restarts at each reboot: the PV state is
 * fresh (the builder's L4 pinned, nothing else; no pirq EOI frame), then
 * it is left dirty (a table pinned, an EOI frame given) and the domain
 * reboots.
 */
static void reboot_boot(const struct start_info *si)
{
    struct physdev_pirq_eoi_gmfn eoi = { pv_frame_of(page_b) };
    uint64_t t = pv_frame_of(table_page);

    pv_check("the builder's L4 is pinned",
             mmuext1(MMUEXT_UNPIN_TABLE, pv_frame_of((const void *)si->pt_base)) == 0, 0);
    pv_check("nothing else is pinned", mmuext1(MMUEXT_UNPIN_TABLE, t) == -EINVAL, 0);
    pv_check("no pirq EOI frame yet", physdev(PHYSDEVOP_pirq_eoi_gmfn_v2, &eoi) == 0, 0);
    pv_check("a table pinned", mmuext1(MMUEXT_PIN_L1_TABLE, t) == 0, 0);
    guest_puts("pv-abi: reboot: boot, PV state fresh");
    guest_put_verdict(pv_checks_failed() ? "a check failed" : 0);
    pv_shutdown(pv_checks_failed() ? SHUTDOWN_crash : SHUTDOWN_reboot);
}

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
    return (uint64_t)hi << 32 | lo;
}

/*
 * mode=bench: a PV hypercall and the two PV page-table updates against
 * CPUID (the cheapest exit), in 40 alternated blocks of 500 each so that
 * a busy host slows all alike, the fastest block of each the figure:
 * xen_version through the hypercall page, mmu_update of one PTE (page a's,
 * rewritten with its own value: no flush asked), update_va_mapping of page
 * a with UVMF_INVLPG (as Linux changes one mapping).
 */
static void run_bench(const struct start_info *si)
{
    enum {
        CPUID,
        HYPERCALL,
        MMU_UPDATE,
        UPDATE_VA,
        NR
    };
    static const char *const what[NR] = {
        "CPUID exit (PV)",
        "PV hypercall xen_version (hypercall page)",
        "PV mmu_update of one PTE",
        "PV update_va_mapping with UVMF_INVLPG",
    };
    const uint64_t blocks = 40, n = 500;
    uint64_t va = (uint64_t)(uintptr_t)page_a, pte = pv_frame_of(page_a) << 12 | PV_PTE_KERNEL;
    struct mmu_update u = { pte_maddr(si, va) | MMU_NORMAL_PT_UPDATE, pte };
    uint64_t best[NR], khz, t;
    uint32_t r[4], done;

    __asm__ volatile("cpuid"
                     : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                     : "a"(0x40000003u), "c"(0));
    khz = r[2] ? r[2] : 1;
    for (unsigned int k = 0; k < NR; k++)
        best[k] = ~0ull;
    for (uint64_t b = 0; b < blocks; b++) {
        for (unsigned int k = 0; k < NR; k++) {
            t = rdtsc();
            for (uint64_t i = 0; i < n; i++) {
                switch (k) {
                case CPUID:
                    __asm__ volatile("cpuid"
                                     : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                                     : "a"(0), "c"(0));
                    break;
                case HYPERCALL: pv_hypercall3(__HYPERVISOR_xen_version, 0, 0, 0); break;
                case MMU_UPDATE:
                    pv_hypercall4(__HYPERVISOR_mmu_update, (uint64_t)(uintptr_t)&u, 1,
                                  (uint64_t)(uintptr_t)&done, DOMID_SELF);
                    break;
                default: pv_hypercall3(__HYPERVISOR_update_va_mapping, va, pte, UVMF_INVLPG);
                }
            }
            t = rdtsc() - t;
            best[k] = t < best[k] ? t : best[k];
        }
    }
    for (unsigned int k = 0; k < NR; k++) {
        guest_put_bench(what[k], best[k], n, khz);
        if (k != CPUID) {
            guest_puts("bench: ");
            guest_puts(what[k]);
            guest_puts(" / CPUID: ");
            guest_put_dec(best[k] * 1000 / best[CPUID]);
            guest_puts(" per mille\n");
        }
    }
    pv_shutdown(SHUTDOWN_poweroff);
}

void guest_pv_main(const struct start_info *si)
{
    const char *cmd = (const char *)si->cmd_line;

    pv_checks_start("pv-abi");
    if (guest_cmdline_find(cmd, cmd, "mode=no-handler")) {
        guest_puts("pv-abi: ud2 with no trap table\n");
        pv_hypercall3(__HYPERVISOR_set_trap_table, 0, 0, 0);
        __asm__ volatile("ud2");
    } else if (guest_cmdline_find(cmd, cmd, "mode=reboot")) {
        reboot_boot(si);
    } else if (guest_cmdline_find(cmd, cmd, "mode=bench")) {
        run_bench(si);
    } else if (guest_cmdline_find(cmd, cmd, "mode=bad-iret")) {
        guest_puts("pv-abi: iret to user mode\n");
        bad_iret();
    } else {
        run_traps();
        run_mmu(si);
        run_reserved(si);
        run_descriptors();
        run_pins(si);
        run_physdev();
        run_smp(si);
        pv_checks_done();
    }
    guest_puts("pv-abi: FAIL: still running\n");
    pv_shutdown(SHUTDOWN_crash);
}
