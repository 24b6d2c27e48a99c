// SPDX-License-Identifier: MIT
/*
 * pv-boot: what a PV kernel's early boot needs of the hypervisor, as
 * Linux's xen_start_kernel() meets it, checked against Xen's answers:
 * events masked at entry; XENVER_get_features' PV map (Linux panics
 * without mmu_pt_update_preserve_ad and gnttab_map_avail_bits);
 * MMUEXT_CLEAR_PAGE and MMUEXT_COPY_PAGE (highmem_assist); page-table
 * entries the kernel writes without _PAGE_USER (given it, as Xen's
 * validation does, so the kernel at CPL 3 can use them, and the
 * hypervisor's accesses for the kernel are supervisor ones); writes to a
 * pinned page table mapped read-only (Xen's writable page tables: the
 * entry taken, or the #PF bounced when Xen would refuse it); MOV to CR0,
 * CR3 and CR4 and XSETBV; a native IRETQ on the kernel's own GDT
 * selectors (Linux's sync_core() on a secondary vCPU). One line per failed check and a verdict
 * ("pv-boot: N checks, 0 failed: PASS").
 */
#include <stdint.h>

#include <public/arch-x86/shared_info.h>
#include <public/arch-x86/xen-x86_64.h>
#include <public/features.h>
#include <public/version.h>
#include <public/xen.h>

#include "guest.h"
#include "pv-guest.h"

#define VIRT_BASE  PV_VIRT_BASE
#define PTE_FRAME  0x000FFFFFFFFFF000ull
#define PTE_USER   (1ull << 2)
#define PTE_RW_NOU 0x63ull /* present, writable, accessed, dirty: no user bit */
#define PTE_RO_NOU 0x61ull /* present, accessed: read-only, no user bit */
#define PTE_KERNEL PV_PTE_KERNEL
/* A 2 MiB slot of the kernel's L2 the builder leaves empty (the image is below 16 MiB). */
#define TEST_VA (VIRT_BASE + 100 * 0x200000ull)
/* A frame far outside the domain's memory (no P2M entry). */
#define FOREIGN_FRAME 0xFFFFF0ull

#define CR0_PE       (1ull << 0)
#define CR0_TS       (1ull << 3)
#define CR4_TSD      (1ull << 2)
#define CR4_PGE      (1ull << 7)
#define CR4_MINE     0x620ull /* PAE, OSFXSR, OSXMMEXCPT: the hypervisor's */
#define CR4_FSGSBASE (1ull << 16)
#define CR4_OSXSAVE  (1ull << 18)
#define CR4_SMEP     (1ull << 20)

void trap_ud(void), trap_gp(void), trap_pf(void);

static uint64_t l1[512] __attribute__((aligned(4096)));
static uint8_t page_a[4096] __attribute__((aligned(4096)));
static uint8_t page_b[4096] __attribute__((aligned(4096)));
static uint8_t page_c[4096] __attribute__((aligned(4096)));
static uint8_t shinfo_page[4096] __attribute__((aligned(4096)));
static uint64_t gdt[512] __attribute__((aligned(4096)));
static uint8_t gdt_stack[4096] __attribute__((aligned(16)));
static volatile uint16_t cs_entered, cs_after;
static volatile unsigned int iretq_faults;

static long mmu_update1(uint64_t ptr, uint64_t val)
{
    struct mmu_update u = { ptr, val };
    uint32_t done;

    return pv_hypercall4(__HYPERVISOR_mmu_update, (uint64_t)(uintptr_t)&u, 1,
                         (uint64_t)(uintptr_t)&done, DOMID_SELF);
}

static long mmuext2(uint32_t cmd, uint64_t arg1, uint64_t arg2)
{
    struct mmuext_op op = { cmd, 0, arg1, arg2 };
    uint32_t done;

    return pv_hypercall4(__HYPERVISOR_mmuext_op, (uint64_t)(uintptr_t)&op, 1,
                         (uint64_t)(uintptr_t)&done, DOMID_SELF);
}

/* The machine address of the L2 entry for va, walked from start_info's tables. */
static uint64_t l2e_maddr(const struct start_info *si, uint64_t va)
{
    const uint64_t *t = (const uint64_t *)si->pt_base;

    for (unsigned int shift = 39; shift > 21; shift -= 9)
        t = (const uint64_t *)(VIRT_BASE + (t[(va >> shift) & 511] & PTE_FRAME));
    return ((uint64_t)(uintptr_t)t - VIRT_BASE) + ((va >> 21) & 511) * 8;
}

static void cpuid(uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
    __asm__ volatile("cpuid"
                     : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                     : "a"(leaf), "c"(subleaf));
}

static uint64_t read_cr(unsigned int cr)
{
    uint64_t v = 0;

    switch (cr) {
    case 0: __asm__ volatile("mov %%cr0, %0" : "=r"(v)); break;
    case 3: __asm__ volatile("mov %%cr3, %0" : "=r"(v)); break;
    case 4: __asm__ volatile("mov %%cr4, %0" : "=r"(v)); break;
    }
    return v;
}

/*
 * Xen's PV builders leave every vCPU's events masked (Linux starts with them
 * off) and give the console ring's port in start_info.
 */
static void run_entry_state(const struct start_info *si)
{
    const struct shared_info *sh = (const struct shared_info *)shinfo_page;
    long rc;

    guest_puts("pv-boot: events masked at entry, the console's port\n");
    rc = pv_hypercall3(__HYPERVISOR_update_va_mapping, (uint64_t)(uintptr_t)shinfo_page,
                       si->shared_info | PTE_KERNEL, UVMF_INVLPG);
    pv_check("shared info mapped", rc == 0, (uint64_t)rc);
    pv_check("vCPU 0's upcall mask set at entry", sh->vcpu_info[0].evtchn_upcall_mask == 1,
             sh->vcpu_info[0].evtchn_upcall_mask);
    pv_check("vCPU 1's upcall mask set at entry", sh->vcpu_info[1].evtchn_upcall_mask == 1,
             sh->vcpu_info[1].evtchn_upcall_mask);
    /* Linux's hvc_xen takes the PV console only with a port (0 is never one). */
    pv_check("start_info names the console ring's port", si->console.domU.evtchn != 0,
             si->console.domU.evtchn);
}

static void run_features(void)
{
    const uint32_t pv = 1u << XENFEAT_mmu_pt_update_preserve_ad | 1u << XENFEAT_highmem_assist |
                        1u << XENFEAT_gnttab_map_avail_bits |
                        1u << XENFEAT_memory_op_vnode_supported;
    struct xen_feature_info fi = { 0, 0xFFFFFFFFu };
    long rc;

    guest_puts("pv-boot: XENVER_get_features\n");
    rc = pv_hypercall3(__HYPERVISOR_xen_version, XENVER_get_features, (uint64_t)(uintptr_t)&fi, 0);
    pv_check("get_features submap 0", rc == 0, (uint64_t)rc);
    pv_check("the PV feature map (Xen's for a PV domU, no HVM bits)", fi.submap == pv, fi.submap);
    fi = (struct xen_feature_info){ 1, 0 };
    rc = pv_hypercall3(__HYPERVISOR_xen_version, XENVER_get_features, (uint64_t)(uintptr_t)&fi, 0);
    pv_check("get_features submap 1: -EINVAL", rc == -EINVAL, (uint64_t)rc);
    rc = pv_hypercall3(__HYPERVISOR_xen_version, XENVER_get_features, 0x1000, 0);
    pv_check("get_features unmapped argument: -EFAULT", rc == -EFAULT, (uint64_t)rc);
}

static bool page_is(const uint8_t *p, uint8_t seed, bool pattern)
{
    for (unsigned int i = 0; i < 4096; i++)
        if (p[i] != (pattern ? (uint8_t)(seed + i * 7) : 0))
            return false;
    return true;
}

static void run_page_ops(void)
{
    long rc;

    guest_puts("pv-boot: MMUEXT_CLEAR_PAGE and MMUEXT_COPY_PAGE\n");
    for (unsigned int i = 0; i < 4096; i++) {
        page_a[i] = (uint8_t)(0x5A + i * 7);
        page_b[i] = 0xEE;
    }
    rc = mmuext2(MMUEXT_COPY_PAGE, pv_frame_of(page_b), pv_frame_of(page_a));
    pv_check("COPY_PAGE", rc == 0, (uint64_t)rc);
    pv_check("COPY_PAGE copied the source", page_is(page_b, 0x5A, true), page_b[1]);
    rc = mmuext2(MMUEXT_CLEAR_PAGE, pv_frame_of(page_b), 0);
    pv_check("CLEAR_PAGE", rc == 0, (uint64_t)rc);
    pv_check("CLEAR_PAGE cleared it", page_is(page_b, 0, false), page_b[1]);
    rc = mmuext2(MMUEXT_CLEAR_PAGE, FOREIGN_FRAME, 0);
    pv_check("CLEAR_PAGE of a frame not the domain's: -EINVAL", rc == -EINVAL, (uint64_t)rc);
    rc = mmuext2(MMUEXT_COPY_PAGE, pv_frame_of(page_b), FOREIGN_FRAME);
    pv_check("COPY_PAGE from a frame not the domain's: -EINVAL", rc == -EINVAL, (uint64_t)rc);
    rc = mmuext2(MMUEXT_COPY_PAGE, FOREIGN_FRAME, pv_frame_of(page_a));
    pv_check("COPY_PAGE to a frame not the domain's: -EINVAL", rc == -EINVAL, (uint64_t)rc);
    /* A pinned table is not a writable page to Xen. */
    rc = mmuext2(MMUEXT_PIN_L1_TABLE, pv_frame_of(page_c), 0);
    pv_check("pin an empty L1", rc == 0, (uint64_t)rc);
    rc = mmuext2(MMUEXT_CLEAR_PAGE, pv_frame_of(page_c), 0);
    pv_check("CLEAR_PAGE of a pinned table: -EINVAL", rc == -EINVAL, (uint64_t)rc);
    rc = mmuext2(MMUEXT_COPY_PAGE, pv_frame_of(page_c), pv_frame_of(page_a));
    pv_check("COPY_PAGE onto a pinned table: -EINVAL", rc == -EINVAL, (uint64_t)rc);
    pv_check("the pinned table untouched", page_is(page_c, 0, false), page_c[1]);
    rc = mmuext2(MMUEXT_UNPIN_TABLE, pv_frame_of(page_c), 0);
    pv_check("unpin it", rc == 0, (uint64_t)rc);
}

/*
 * Entries without _PAGE_USER, as Linux writes PAGE_KERNEL ones: TEST_VA
 * maps page_a through the kernel's L2 (written by mmu_update, which adds
 * the bit) and l1 (written here, without it); l1 also maps itself
 * read-only at TEST_VA + 4 KiB.
 */
static void run_user_bit(const struct start_info *si)
{
    volatile uint64_t *va = (volatile uint64_t *)TEST_VA;
    uint64_t l2e = l2e_maddr(si, TEST_VA), seen;
    struct xen_feature_info *fi = (struct xen_feature_info *)TEST_VA;
    unsigned int before;
    long rc;

    guest_puts("pv-boot: entries without _PAGE_USER\n");
    pv_check("the builder left TEST_VA's L2 slot empty", *(const uint64_t *)(VIRT_BASE + l2e) == 0,
             *(const uint64_t *)(VIRT_BASE + l2e));
    l1[0] = pv_frame_of(page_a) << 12 | PTE_RW_NOU;
    l1[1] = pv_frame_of(l1) << 12 | PTE_RO_NOU;
    rc = mmu_update1(l2e | MMU_NORMAL_PT_UPDATE, pv_frame_of(l1) << 12 | PTE_RW_NOU);
    pv_check("mmu_update of the L2 entry", rc == 0, (uint64_t)rc);
    seen = *(const uint64_t *)(VIRT_BASE + l2e);
    pv_check("mmu_update gave the entry _PAGE_USER, as Xen",
             seen == (pv_frame_of(l1) << 12 | PTE_KERNEL), seen);
    /* The hypervisor writes for the kernel as a supervisor: the L1 entry still lacks the bit. */
    *(volatile uint64_t *)page_a = 0; /* submap_idx 0, submap 0 */
    rc = pv_hypercall3(__HYPERVISOR_xen_version, XENVER_get_features, (uint64_t)(uintptr_t)fi, 0);
    pv_check("a hypercall argument behind a supervisor entry", rc == 0, (uint64_t)rc);
    pv_check("the hypercall wrote it", ((struct xen_feature_info *)page_a)->submap != 0, page_a[4]);
    pv_check("the L1 entry has no _PAGE_USER yet", !(l1[0] & PTE_USER), l1[0]);
    before = pv_trap_count;
    *(volatile uint8_t *)&page_a[8] = 0x77;
    seen = va[1];
    pv_check_no_fault("the kernel reads through it (no #PF for its handler)", before);
    pv_check("and reads page_a", (seen & 0xFF) == 0x77, seen);
    pv_check("the L1 entry got _PAGE_USER",
             l1[0] == (pv_frame_of(page_a) << 12 | PTE_RW_NOU | PTE_USER), l1[0]);
}

/* l1 pinned, written through its read-only alias at TEST_VA + 4 KiB. */
static void run_ptwr(void)
{
    uint64_t alias = TEST_VA + 4096, val, seen;
    unsigned int before;
    long rc;

    guest_puts("pv-boot: writes to a pinned page table mapped read-only\n");
    rc = mmuext2(MMUEXT_PIN_L1_TABLE, pv_frame_of(l1), 0);
    pv_check("pin l1", rc == 0, (uint64_t)rc);
    before = pv_trap_count;
    seen = *(volatile uint64_t *)alias;
    pv_check_no_fault("read through the alias", before);
    pv_check("the alias shows l1", seen == l1[0], seen);
    /* xchg of entry 0 (Linux's ptep_get_and_clear()): page_b instead of page_a. */
    val = pv_frame_of(page_b) << 12 | PTE_RW_NOU;
    before = pv_trap_count;
    __asm__ volatile(PV_PROBE("xchg %0, (%1)") : "+r"(val) : "r"(alias) : "r11", "memory");
    pv_check_no_fault("xchg on the read-only table emulated", before);
    pv_check("xchg returned the old entry",
             val == (pv_frame_of(page_a) << 12 | PTE_RW_NOU | PTE_USER), val);
    pv_check("the new entry written, with _PAGE_USER",
             l1[0] == (pv_frame_of(page_b) << 12 | PTE_RW_NOU | PTE_USER), l1[0]);
    *(volatile uint8_t *)&page_b[0] = 0xB0;
    mmuext2(MMUEXT_TLB_FLUSH_LOCAL, 0, 0);
    pv_check("TEST_VA now maps page_b", *(volatile uint8_t *)TEST_VA == 0xB0,
             *(volatile uint8_t *)TEST_VA);
    /* A 4-byte write is merged into its entry. */
    before = pv_trap_count;
    __asm__ volatile(PV_PROBE("movl %0, (%1)")
                     :
                     : "r"((uint32_t)(pv_frame_of(page_c) << 12 | PTE_RW_NOU)), "r"(alias + 16)
                     : "r11", "memory");
    pv_check_no_fault("a 4-byte write emulated", before);
    pv_check("entry 2 written whole, with _PAGE_USER",
             l1[2] == (pv_frame_of(page_c) << 12 | PTE_RW_NOU | PTE_USER), l1[2]);
    /* An entry naming a frame not the domain's: Xen refuses it, the #PF is the kernel's. */
    before = pv_trap_count;
    __asm__ volatile(PV_PROBE("movq %0, (%1)")
                     :
                     : "r"(FOREIGN_FRAME << 12 | PTE_RW_NOU), "r"(alias + 24)
                     : "r11", "memory");
    pv_check_fault("an entry naming a foreign frame: #PF (P, W, U)", before, 14, 7);
    pv_check("the refused entry not written", l1[3] == 0, l1[3]);
    /* A read-only page that is not a pinned table: its #PF is the kernel's. */
    l1[4] = pv_frame_of(page_a) << 12 | PTE_RO_NOU | PTE_USER;
    before = pv_trap_count;
    __asm__ volatile(PV_PROBE("movb $1, (%0)") : : "r"(TEST_VA + 4 * 4096) : "r11", "memory");
    pv_check_fault("a write to a read-only page (not a table): #PF", before, 14, 7);
    rc = mmuext2(MMUEXT_UNPIN_TABLE, pv_frame_of(l1), 0);
    pv_check("unpin l1", rc == 0, (uint64_t)rc);
    before = pv_trap_count;
    __asm__ volatile(PV_PROBE("movq $0, (%0)") : : "r"(alias) : "r11", "memory");
    pv_check_fault("once unpinned, a write through the alias: #PF", before, 14, 7);
}

static void run_crs(void)
{
    uint32_t l1c[4], l7[4], d[4];
    uint64_t cr0 = read_cr(0), cr3 = read_cr(3), cr4 = read_cr(4), want, got;
    uint32_t lo, hi;
    unsigned int before;
    bool xsave, fsgsbase;

    guest_puts("pv-boot: MOV to CR0, CR3, CR4 and XSETBV\n");
    cpuid(1, 0, l1c);
    cpuid(7, 0, l7);
    xsave = l1c[2] & (1u << 26);
    fsgsbase = l7[1] & 1u;
    pv_check("CR4 at start: the hypervisor's bits", cr4 == CR4_MINE, cr4);
    before = pv_trap_count;
    want = CR4_MINE | (fsgsbase ? CR4_FSGSBASE : 0) | (xsave ? CR4_OSXSAVE : 0);
    __asm__ volatile(PV_PROBE("mov %0, %%cr4")
                     :
                     : "r"(cr4 | CR4_FSGSBASE | CR4_OSXSAVE | CR4_PGE | CR4_TSD | CR4_SMEP)
                     : "r11", "memory");
    pv_check_no_fault("mov to CR4 emulated (never refused)", before);
    got = read_cr(4);
    pv_check("CR4: the offered bits taken, PGE, TSD, SMEP dropped", got == want, got);
    if (fsgsbase) {
        before = pv_trap_count;
        __asm__ volatile(PV_PROBE("rdfsbase %%rax") : : : "rax", "r11", "memory");
        pv_check_no_fault("rdfsbase with CR4.FSGSBASE", before);
    }
    if (xsave) {
        cpuid(1, 0, l1c);
        pv_check("CPUID shows OSXSAVE", l1c[2] & (1u << 27), l1c[2]);
        cpuid(0xD, 0, d);
        before = pv_trap_count;
        __asm__ volatile(PV_PROBE("xsetbv") : : "c"(0), "a"(3), "d"(0) : "r11", "memory");
        pv_check_no_fault("xsetbv XCR0 = x87|SSE emulated", before);
        __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
        pv_check("xgetbv reads it back", lo == 3 && hi == 0, (uint64_t)hi << 32 | lo);
        before = pv_trap_count;
        __asm__ volatile(PV_PROBE("xsetbv") : : "c"(0), "a"(2), "d"(0) : "r11", "memory");
        pv_check_fault("xsetbv without x87: #GP(0)", before, 13, 0);
        before = pv_trap_count;
        __asm__ volatile(PV_PROBE("xsetbv") : : "c"(1), "a"(3), "d"(0) : "r11", "memory");
        pv_check_fault("xsetbv of XCR1: #GP(0)", before, 13, 0);
        before = pv_trap_count;
        __asm__ volatile(PV_PROBE("xsetbv")
                         :
                         : "c"(0), "a"(d[0] | 3u), "d"(d[3] | 0x80000000u)
                         : "r11", "memory");
        pv_check_fault("xsetbv beyond the offered components: #GP(0)", before, 13, 0);
    }
    before = pv_trap_count;
    __asm__ volatile(PV_PROBE("mov %0, %%cr4") : : "r"(0ull) : "r11", "memory");
    pv_check_no_fault("mov 0 to CR4 emulated", before);
    got = read_cr(4);
    pv_check("CR4 keeps the hypervisor's bits only", got == CR4_MINE, got);
    if (xsave) {
        before = pv_trap_count;
        __asm__ volatile(PV_PROBE("xsetbv") : : "c"(0), "a"(3), "d"(0) : "r11", "memory");
        pv_check_fault("xsetbv without CR4.OSXSAVE: #UD", before, 6, 0);
    }
    if (fsgsbase) {
        before = pv_trap_count;
        __asm__ volatile(PV_PROBE("rdfsbase %%rax") : : : "rax", "r11", "memory");
        pv_check_fault("rdfsbase without CR4.FSGSBASE: #UD", before, 6, 0);
    }

    before = pv_trap_count;
    __asm__ volatile(PV_PROBE("mov %0, %%cr0") : : "r"(cr0 | CR0_TS) : "r11", "memory");
    pv_check_no_fault("mov to CR0 setting TS emulated", before);
    pv_check("CR0.TS set", read_cr(0) & CR0_TS, read_cr(0));
    before = pv_trap_count;
    __asm__ volatile(PV_PROBE("mov %0, %%cr0") : : "r"(cr0 & ~CR0_TS) : "r11", "memory");
    pv_check_no_fault("mov to CR0 clearing TS emulated", before);
    pv_check("CR0.TS clear", !(read_cr(0) & CR0_TS), read_cr(0));
    before = pv_trap_count;
    __asm__ volatile(PV_PROBE("mov %0, %%cr0") : : "r"(cr0 & ~CR0_PE) : "r11", "memory");
    pv_check_fault("mov to CR0 clearing PE: #GP(0)", before, 13, 0);

    before = pv_trap_count;
    __asm__ volatile(PV_PROBE("mov %0, %%cr3") : : "r"(cr3) : "r11", "memory");
    pv_check_no_fault("mov to CR3 of its own L4 emulated", before);
    pv_check("CR3 unchanged", read_cr(3) == cr3, read_cr(3));
    before = pv_trap_count;
    __asm__ volatile(PV_PROBE("mov %0, %%cr3") : : "r"(FOREIGN_FRAME << 12) : "r11", "memory");
    pv_check_fault("mov to CR3 of a foreign frame: #GP(0)", before, 13, 0);
    pv_check("CR3 still its own", read_cr(3) == cr3, read_cr(3));
}

static uint16_t read_cs(void)
{
    uint16_t cs;

    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    return cs;
}

/*
 * Entered by HYPERVISOR_iret on the GDT's code selector: a native IRETQ to
 * itself, as Linux's sync_core() on a secondary vCPU (on its __KERNEL_CS).
 */
void gdt_body(void);
void gdt_body(void)
{
    unsigned int before = pv_trap_count;

    cs_entered = read_cs();
    __asm__ volatile(
        PV_PROBE("mov %%ss, %%eax; push %%rax; push %%rsp; addq $8, (%%rsp); pushfq; "
                 "mov %%cs, %%eax; push %%rax; lea 1f(%%rip), %%rax; push %%rax; iretq")
        :
        :
        : "rax", "r11", "memory");
    iretq_faults = pv_trap_count - before;
    cs_after = read_cs();
    pv_iret_leave();
}

void flat_body(void);
void flat_body(void)
{
    pv_iret_leave();
}

static void run_native_iretq(void)
{
    uint64_t frame = pv_frame_of(gdt), top = (uint64_t)(uintptr_t)(gdt_stack + sizeof(gdt_stack));
    long rc;

    guest_puts("pv-boot: a native IRETQ on the kernel's own GDT selectors\n");
    gdt[1] = 0x00af9a000000ffffull; /* 64-bit code: selector 0x0b with RPL 3 */
    gdt[2] = 0x00cf92000000ffffull; /* data: 0x13 */
    rc = pv_hypercall3(__HYPERVISOR_set_gdt, (uint64_t)(uintptr_t)&frame, 3, 0);
    pv_check("set_gdt", rc == 0, (uint64_t)rc);
    /* RPL 0 in the frame: back to the kernel (the hypervisor loads RPL 3). */
    pv_iret_enter((uint64_t[]){ 0, (uint64_t)(uintptr_t)gdt_body, 0x08, 0x2, top, 0x10 });
    pv_check("iret to the GDT's code selector", cs_entered == 0x0b, cs_entered);
    pv_check("a native IRETQ to it completed (no #GP)", iretq_faults == 0, iretq_faults);
    pv_check("still on the GDT's code selector", cs_after == 0x0b, cs_after);
    pv_iret_enter((uint64_t[]){ 0, (uint64_t)(uintptr_t)flat_body, FLAT_KERNEL_CS64 & ~3u, 0x2, top,
                                FLAT_KERNEL_SS64 & ~3u });
    pv_check("back on Xen's flat CS", read_cs() == FLAT_KERNEL_CS64, read_cs());
}

void guest_pv_main(const struct start_info *si)
{
    struct trap_info table[] = {
        { 6, 0, FLAT_KERNEL_CS64, (uint64_t)(uintptr_t)trap_ud },
        { 13, 0, FLAT_KERNEL_CS64, (uint64_t)(uintptr_t)trap_gp },
        { 14, 0, FLAT_KERNEL_CS64, (uint64_t)(uintptr_t)trap_pf },
        { 0, 0, 0, 0 },
    };
    long rc;

    pv_checks_start("pv-boot");
    run_entry_state(si);
    rc = pv_hypercall3(__HYPERVISOR_set_trap_table, (uint64_t)(uintptr_t)table, 0, 0);
    pv_check("set_trap_table", rc == 0, (uint64_t)rc);
    run_features();
    run_page_ops();
    run_user_bit(si);
    run_ptwr();
    run_crs();
    run_native_iretq();
    pv_checks_done();
}
