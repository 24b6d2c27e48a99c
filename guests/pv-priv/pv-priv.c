// SPDX-License-Identifier: MIT
/*
 * pv-priv: the privileged instructions of a PV kernel (at CPL 3 in the
 * container) that the hypervisor emulates after their #GP, as Xen's
 * emul-priv-op.c does for a domU, and the ones it leaves to the kernel's
 * #GP handler (RIP unchanged, error code 0); Xen's forced-emulation CPUID
 * (`ud2; "xen"; cpuid`) against plain CPUID, and hostile forms of it
 * (not followed by CPUID, cut by an unmapped page); port I/O with and
 * without the IOPL that lets the kernel do it; INT n, INT3 and INTO from
 * the kernel. One line per failed
 * check and a verdict ("pv-priv: N checks, 0 failed: PASS").
 */
#include <stdint.h>

#include <public/arch-x86/xen-x86_64.h>
#include <public/physdev.h>
#include <public/sched.h>
#include <public/xen.h>

#include "guest.h"
#include "pv-guest.h"

#define MSR_TSC            0x10u
#define MSR_MTRR_CAP       0xFEu
#define MSR_EFER           0xC0000080u
#define MSR_STAR           0xC0000081u
#define MSR_FS_BASE        0xC0000100u
#define MSR_GS_BASE        0xC0000101u
#define MSR_KERNEL_GS_BASE 0xC0000102u
#define EFER_SCE           (1ull << 0)
#define EFER_LME           (1ull << 8)
#define EFER_LMA           (1ull << 10)
#define EFER_NXE           (1ull << 11)
#define CR0_PE             (1ull << 0)
#define CR0_TS             (1ull << 3)
#define CR0_PG             (1ull << 31)
#define CR4_PAE            (1ull << 5)

void trap_bp(void), trap_of(void), trap_ud(void), trap_gp(void), trap_pf(void);
void trap_int81(void), trap_int82(void);

extern uint8_t probe_pages[];

static bool rdmsr_safe(uint32_t msr, uint64_t *val)
{
    uint32_t lo = 0, hi = 0;
    unsigned int before = pv_trap_count;

    __asm__ volatile(PV_PROBE("rdmsr") : "+a"(lo), "+d"(hi) : "c"(msr) : "r11", "memory");
    *val = (uint64_t)hi << 32 | lo;
    return pv_trap_count == before;
}

static bool wrmsr_safe(uint32_t msr, uint64_t val)
{
    unsigned int before = pv_trap_count;

    __asm__ volatile(PV_PROBE("wrmsr")
                     :
                     : "c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32))
                     : "r11", "memory");
    return pv_trap_count == before;
}

static volatile uint64_t fs_target = 0xF5F5F5F5F5F5F5F5ull, gs_target = 0x6565656565656565ull;

static void run_msrs(void)
{
    unsigned int before;
    uint64_t val = 0, t0, t1, v2 = 0;

    guest_puts("pv-priv: rdmsr/wrmsr\n");
    pv_check("wrmsr FS_BASE", wrmsr_safe(MSR_FS_BASE, (uint64_t)(uintptr_t)&fs_target), 0);
    pv_check("rdmsr FS_BASE reads it back",
             rdmsr_safe(MSR_FS_BASE, &val) && val == (uint64_t)(uintptr_t)&fs_target, val);
    val = 0;
    __asm__ volatile(PV_PROBE("mov %%fs:0, %0") : "+r"(val) : : "r11", "memory");
    pv_check("%fs:0 reads through the new FS base", val == fs_target, val);
    pv_check("wrmsr GS_BASE", wrmsr_safe(MSR_GS_BASE, (uint64_t)(uintptr_t)&gs_target), 0);
    pv_check("rdmsr GS_BASE reads it back",
             rdmsr_safe(MSR_GS_BASE, &val) && val == (uint64_t)(uintptr_t)&gs_target, val);
    val = 0;
    __asm__ volatile(PV_PROBE("mov %%gs:0, %0") : "+r"(val) : : "r11", "memory");
    pv_check("%gs:0 reads through the new GS base", val == gs_target, val);
    pv_check("wrmsr SHADOW_GS_BASE", wrmsr_safe(MSR_KERNEL_GS_BASE, 0x00007FFFDEAD0000ull), 0);
    pv_check("rdmsr SHADOW_GS_BASE reads it back",
             rdmsr_safe(MSR_KERNEL_GS_BASE, &val) && val == 0x00007FFFDEAD0000ull, val);
    pv_check("rdmsr GS_BASE unchanged by the shadow's write",
             rdmsr_safe(MSR_GS_BASE, &val) && val == (uint64_t)(uintptr_t)&gs_target, val);

    before = pv_trap_count;
    pv_check("wrmsr FS_BASE non-canonical refused", !wrmsr_safe(MSR_FS_BASE, 0x0000800000000000ull),
             0);
    pv_check_fault("  its #GP(0) at the wrmsr", before, 13, 0);
    pv_check("  FS base unchanged",
             rdmsr_safe(MSR_FS_BASE, &val) && val == (uint64_t)(uintptr_t)&fs_target, val);

    pv_check("rdmsr EFER", rdmsr_safe(MSR_EFER, &val), 0);
    pv_check("EFER is SCE LME LMA NXE", val == (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE), val);
    __asm__ volatile("rdtsc; shl $32, %%rdx; or %%rdx, %0" : "=a"(t0) : : "rdx");
    pv_check("rdmsr TSC", rdmsr_safe(MSR_TSC, &val), 0);
    __asm__ volatile("rdtsc; shl $32, %%rdx; or %%rdx, %0" : "=a"(t1) : : "rdx");
    pv_check("TSC between two RDTSCs", t0 <= val && val <= t1, val);

    /* MSRs Xen refuses a domU: #GP, recovered by the handler as rdmsr_safe recovers. */
    before = pv_trap_count;
    pv_check("rdmsr STAR refused", !rdmsr_safe(MSR_STAR, &val), val);
    pv_check_fault("  its #GP(0) at the rdmsr", before, 13, 0);
    before = pv_trap_count;
    pv_check("rdmsr MTRR_CAP refused", !rdmsr_safe(MSR_MTRR_CAP, &val), val);
    pv_check_fault("  its #GP(0) at the rdmsr", before, 13, 0);
    before = pv_trap_count;
    pv_check("rdmsr 0xDEADBEEF refused", !rdmsr_safe(0xDEADBEEFu, &val), val);
    pv_check_fault("  its #GP(0) at the rdmsr", before, 13, 0);
    before = pv_trap_count;
    pv_check("wrmsr EFER refused", !wrmsr_safe(MSR_EFER, EFER_LME | EFER_LMA | EFER_NXE), 0);
    pv_check_fault("  its #GP(0) at the wrmsr", before, 13, 0);
    pv_check("EFER unchanged",
             rdmsr_safe(MSR_EFER, &v2) && v2 == (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE), v2);
}

static void run_crs(const struct start_info *si)
{
    unsigned int before = pv_trap_count;
    uint64_t cr0 = 0, cr3 = 0, cr4 = 0, cr8 = 0;

    guest_puts("pv-priv: control registers\n");
    __asm__ volatile(PV_PROBE("mov %%cr0, %0") : "+r"(cr0) : : "r11", "memory");
    pv_check("mov from CR0 emulated", pv_trap_count == before, pv_trap_rip);
    pv_check("CR0 has PE and PG", (cr0 & (CR0_PE | CR0_PG)) == (CR0_PE | CR0_PG), cr0);
    __asm__ volatile(PV_PROBE("mov %%cr3, %%r9; mov %%r9, %0")
                     : "+r"(cr3)
                     :
                     : "r9", "r11", "memory");
    pv_check("mov from CR3 emulated (R9)", pv_trap_count == before, pv_trap_rip);
    pv_check("CR3 is the bootstrap L4's frame", cr3 == si->pt_base - PV_VIRT_BASE, cr3);
    __asm__ volatile(PV_PROBE("mov %%cr4, %0") : "+r"(cr4) : : "r11", "memory");
    pv_check("mov from CR4 emulated", pv_trap_count == before, pv_trap_rip);
    pv_check("CR4 has PAE", cr4 & CR4_PAE, cr4);
    __asm__ volatile(PV_PROBE("clts") : : : "r11", "memory");
    pv_check_no_fault("clts emulated", before);
    __asm__ volatile(PV_PROBE("mov %%cr0, %0") : "+r"(cr0) : : "r11", "memory");
    pv_check("CR0.TS clear after clts", !(cr0 & CR0_TS), cr0);
    __asm__ volatile(PV_PROBE("wbinvd") : : : "r11", "memory");
    pv_check_no_fault("wbinvd emulated (dropped)", before);

    /* What Xen leaves to the guest's #GP handler. */
    __asm__ volatile(PV_PROBE("mov %%cr8, %0") : "+r"(cr8) : : "r11", "memory");
    pv_check_fault("mov from CR8: #GP", before, 13, 0);
    before = pv_trap_count;
    __asm__ volatile(PV_PROBE("mov %0, %%cr0") : : "r"(cr0 ^ CR0_PE) : "r11", "memory");
    pv_check_fault("mov to CR0 changing PE (only TS may change): #GP", before, 13, 0);
    before = pv_trap_count;
    __asm__ volatile(PV_PROBE("hlt") : : : "r11", "memory");
    pv_check_fault("hlt: #GP", before, 13, 0);
    before = pv_trap_count;
    __asm__ volatile(PV_PROBE("cli") : : : "r11", "memory");
    pv_check_fault("cli (no I/O privilege): #GP", before, 13, 0);
    before = pv_trap_count;
    __asm__ volatile(PV_PROBE("sti") : : : "r11", "memory");
    pv_check_fault("sti (no I/O privilege): #GP", before, 13, 0);
    /* A native IRETQ back to the kernel's own CS and SS (Linux's sync_core()): completed. */
    before = pv_trap_count;
    __asm__ volatile("mov %%ss, %%eax\n\tpush %%rax\n\tpush %%rsp\n\taddq $8, (%%rsp)\n\t"
                     "pushfq\n\tmov %%cs, %%eax\n\tpush %%rax\n\tlea 1f(%%rip), %%rax\n\t"
                     "push %%rax\n\tiretq\n1:"
                     :
                     :
                     : "rax", "memory");
    pv_check_no_fault("iretq to the kernel's own CS and SS", before);
}

static void run_io(void)
{
    unsigned int before = pv_trap_count;
    uint8_t buf[4] = { 0 };

    guest_puts("pv-priv: port I/O without I/O privilege\n");
    __asm__ volatile(PV_PROBE("inb $0x80, %%al") : : : "rax", "r11", "memory");
    pv_check_fault("in $imm: #GP", before, 13, 0);
    before = pv_trap_count;
    __asm__ volatile(PV_PROBE("outb %%al, $0x80") : : "a"(0) : "r11", "memory");
    pv_check_fault("out $imm: #GP", before, 13, 0);
    before = pv_trap_count;
    __asm__ volatile(PV_PROBE("inl %%dx, %%eax") : : "d"(0xCFC) : "rax", "r11", "memory");
    pv_check_fault("in %dx: #GP", before, 13, 0);
    before = pv_trap_count;
    __asm__ volatile(PV_PROBE("outw %%ax, %%dx") : : "a"(0), "d"(0x3F8) : "r11", "memory");
    pv_check_fault("out %dx: #GP", before, 13, 0);
    before = pv_trap_count;
    __asm__ volatile(PV_PROBE("rep insb")
                     :
                     : "D"(buf), "c"(sizeof(buf)), "d"(0x3F8)
                     : "r11", "memory");
    pv_check_fault("rep ins: #GP", before, 13, 0);
    before = pv_trap_count;
    __asm__ volatile(PV_PROBE("rep outsb")
                     :
                     : "S"(buf), "c"(sizeof(buf)), "d"(0x3F8)
                     : "r11", "memory");
    pv_check_fault("rep outs: #GP", before, 13, 0);
}

/* MOV from CR2, which the hypervisor emulates: vcpu_info's last #PF address. */
static uint64_t read_cr2(void)
{
    uint64_t v;

    __asm__ volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}

static void set_iopl(unsigned int iopl)
{
    struct physdev_set_iopl arg = { iopl };
    long rc =
        pv_hypercall3(__HYPERVISOR_physdev_op, PHYSDEVOP_set_iopl, (uint64_t)(uintptr_t)&arg, 0);

    pv_check("set_iopl", rc == 0, (uint64_t)rc);
}

/*
 * With a virtual IOPL the kernel (virtual CPL 1) passes, as Xen answers a
 * domU given no ports: IN reads all ones (AL and AX merged, EAX
 * zero-extended), OUT is dropped, INS stores ones and OUTS reads its
 * source, stepping by DF, REP counting; a store or read that faults is #PF.
 */
static void run_io_iopl(void)
{
    static uint8_t buf[16] __attribute__((aligned(8)));
    uint64_t rax, rdi, rsi, rcx;
    uint64_t unmapped = (uint64_t)(uintptr_t)(probe_pages + 4096);
    unsigned int before;
    long rc;

    guest_puts("pv-priv: port I/O with IOPL 1: ones read, writes dropped\n");
    for (unsigned int iopl = 1; iopl <= 3; iopl += 2) {
        set_iopl(iopl);
        before = pv_trap_count;
        rax = 0x1122334455667700ull;
        __asm__ volatile(PV_PROBE("inb $0x80, %%al") : "+a"(rax) : : "r11", "memory");
        pv_check("in $imm, %al: 0xff merged", rax == 0x11223344556677FFull, rax);
        rax = 0x1122334455660000ull;
        __asm__ volatile(PV_PROBE("inw %%dx, %%ax") : "+a"(rax) : "d"(0xCFC) : "r11", "memory");
        pv_check("in %dx, %ax: 0xffff merged", rax == 0x112233445566FFFFull, rax);
        rax = 0x1122334455667788ull;
        __asm__ volatile(PV_PROBE("inl $0x71, %%eax") : "+a"(rax) : : "r11", "memory");
        pv_check("in $imm, %eax: 0xffffffff zero-extended", rax == 0xFFFFFFFFull, rax);
        __asm__ volatile(PV_PROBE("outb %%al, $0x80") : : "a"(0) : "r11", "memory");
        __asm__ volatile(PV_PROBE("outw %%ax, %%dx") : : "a"(0), "d"(0x3F8) : "r11", "memory");
        __asm__ volatile(PV_PROBE("outl %%eax, %%dx") : : "a"(0), "d"(0xCF8) : "r11", "memory");
        pv_check_no_fault("in and out: no #GP with IOPL 1 or 3", before);
    }

    for (unsigned int i = 0; i < sizeof(buf); i++)
        buf[i] = 0;
    before = pv_trap_count;
    rdi = (uint64_t)(uintptr_t)buf;
    rcx = 3;
    __asm__ volatile(PV_PROBE("rep insw") : "+D"(rdi), "+c"(rcx) : "d"(0x3F8) : "r11", "memory");
    pv_check("rep insw: 3 words of ones, RDI and RCX stepped",
             rdi == (uint64_t)(uintptr_t)(buf + 6) && rcx == 0 && buf[0] == 0xFF &&
                 buf[5] == 0xFF && buf[6] == 0,
             rdi);
    rdi = (uint64_t)(uintptr_t)(buf + 15);
    __asm__ volatile("std\n\t" PV_PROBE("insb") "cld" : "+D"(rdi) : "d"(0x3F8) : "r11", "memory");
    pv_check("insb with DF set: one byte, RDI down",
             rdi == (uint64_t)(uintptr_t)(buf + 14) && buf[15] == 0xFF && buf[14] == 0, rdi);
    rsi = (uint64_t)(uintptr_t)buf;
    rcx = 2;
    __asm__ volatile(PV_PROBE("rep outsl") : "+S"(rsi), "+c"(rcx) : "d"(0x3F8) : "r11", "memory");
    pv_check("rep outsl: RSI and RCX stepped", rsi == (uint64_t)(uintptr_t)(buf + 8) && rcx == 0,
             rsi);
    rcx = 0;
    rdi = (uint64_t)(uintptr_t)buf;
    __asm__ volatile(PV_PROBE("rep insb") : "+D"(rdi), "+c"(rcx) : "d"(0x3F8) : "r11", "memory");
    pv_check("rep insb with RCX 0: nothing", rdi == (uint64_t)(uintptr_t)buf, rdi);
    pv_check_no_fault("ins and outs: no #GP with IOPL 1", before);

    /* Their memory not mapped: #PF at the byte, the completed repetitions kept. */
    rc = pv_hypercall3(__HYPERVISOR_update_va_mapping, unmapped, 0, UVMF_INVLPG);
    pv_check("update_va_mapping(second probe page -> none)", rc == 0, (uint64_t)rc);
    before = pv_trap_count;
    rdi = unmapped - 2;
    rcx = 4;
    __asm__ volatile(PV_PROBE("rep insb") : "+D"(rdi), "+c"(rcx) : "d"(0x3F8) : "r11", "memory");
    pv_check("rep insb into an unmapped page: #PF(write) there, 2 done",
             pv_trap_count == before + 1 && pv_trap_vector == 14 && pv_trap_error == 2 &&
                 pv_trap_rip == pv_probe_rip && rdi == unmapped && rcx == 2,
             pv_trap_count - before);
    pv_check("the #PF's address in vcpu_info's CR2", read_cr2() == unmapped, read_cr2());
    before = pv_trap_count;
    rsi = unmapped;
    __asm__ volatile(PV_PROBE("outsb") : "+S"(rsi) : "d"(0x3F8) : "r11", "memory");
    pv_check("outsb from an unmapped page: #PF(read)",
             pv_trap_count == before + 1 && pv_trap_vector == 14 && pv_trap_error == 0 &&
                 rsi == unmapped,
             pv_trap_count - before);
    rc = pv_hypercall3(__HYPERVISOR_update_va_mapping, unmapped,
                       (unmapped - PV_VIRT_BASE) | PV_PTE_KERNEL, UVMF_INVLPG);
    pv_check("update_va_mapping(second probe page back)", rc == 0, (uint64_t)rc);
    set_iopl(0);
}

/* One software interrupt from the kernel: bounced to vector with RIP past its len bytes. */
static void check_softint(const char *what, unsigned int before, unsigned int vector,
                          unsigned int len)
{
    pv_check(what,
             pv_trap_count == before + 1 && pv_trap_vector == vector && pv_trap_error == 0 &&
                 pv_trap_rip == pv_probe_rip + len,
             pv_trap_count == before + 1 ? pv_trap_vector << 16 | (pv_trap_rip - pv_probe_rip)
                                         : 0xDEAD);
}

/*
 * INT n from the kernel (virtual ring 1), as Xen: to entries whose DPL is
 * 1 or more, else #GP(n * 8 + 2); INT3 and INT 3/4 whatever the DPL; INTO
 * #UD (64-bit mode).
 */
static void run_softint(void)
{
    unsigned int before;

    guest_puts("pv-priv: software interrupts\n");
    before = pv_trap_count;
    __asm__ volatile(PV_PROBE("int $0x81") : : : "r11", "memory");
    check_softint("int $0x81 (DPL 1): its handler, RIP past it", before, 0x81, 2);
    before = pv_trap_count;
    __asm__ volatile(PV_PROBE("int $0x82") : : : "r11", "memory");
    pv_check("int $0x82 (DPL 0): #GP(0x82 * 8 + 2), RIP at it",
             pv_trap_count == before + 1 && pv_trap_vector == 13 &&
                 pv_trap_error == (0x82 << 3 | 2) && pv_trap_rip == pv_probe_rip,
             pv_trap_error);
    before = pv_trap_count;
    __asm__ volatile(PV_PROBE("int $0x90") : : : "r11", "memory");
    pv_check("int $0x90 (no entry): #GP(0x90 * 8 + 2)",
             pv_trap_count == before + 1 && pv_trap_vector == 13 &&
                 pv_trap_error == (0x90 << 3 | 2),
             pv_trap_error);
    before = pv_trap_count;
    __asm__ volatile(PV_PROBE("int3") : : : "r11", "memory");
    check_softint("int3 (entry DPL 0): #BP handler, RIP past it", before, 3, 1);
    before = pv_trap_count;
    __asm__ volatile(PV_PROBE(".byte 0xcd, 0x03") : : : "r11", "memory");
    check_softint("int $3 (entry DPL 0): #BP handler, RIP past it", before, 3, 2);
    before = pv_trap_count;
    __asm__ volatile(PV_PROBE("int $4") : : : "r11", "memory");
    check_softint("int $4 (entry DPL 0): #OF handler, RIP past it", before, 4, 2);
    before = pv_trap_count;
    __asm__ volatile(PV_PROBE(".byte 0xce") : : : "r11", "memory");
    pv_check_fault("into: #UD (64-bit mode)", before, 6, 0);
}

static void cpuid_plain(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    __asm__ volatile("cpuid"
                     : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                     : "0"(leaf), "2"(sub));
}

static void cpuid_forced(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    unsigned int before = pv_trap_count;

    r[0] = r[1] = r[2] = r[3] = 0xBAD;
    __asm__ volatile(PV_PROBE("ud2; .ascii \"xen\"; cpuid")
                     : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                     : "0"(leaf), "2"(sub)
                     : "r11", "memory");
    pv_check_no_fault("forced CPUID emulated", before);
}

/*
 * Writes bytes to end exactly at the end of the first probe page, unmaps
 * the second, and runs them: the signature or the CPUID cut by the
 * unmapped page.
 */
static void run_cut(const char *what, const uint8_t *bytes, unsigned int len)
{
    uint8_t *code = probe_pages + 4096 - len;
    uint64_t second = (uint64_t)(uintptr_t)(probe_pages + 4096);
    unsigned int before;
    long rc;

    for (unsigned int i = 0; i < len; i++)
        code[i] = bytes[i];
    rc = pv_hypercall3(__HYPERVISOR_update_va_mapping, second, 0, UVMF_INVLPG);
    pv_check("update_va_mapping(second probe page -> none)", rc == 0, (uint64_t)rc);
    before = pv_trap_count;
    __asm__ volatile("lea 1f(%%rip), %%r11\n\t"
                     "mov %%r11, pv_probe_resume(%%rip)\n\t"
                     "mov %0, pv_probe_rip(%%rip)\n\t"
                     "jmp *%0\n\t"
                     "1:"
                     :
                     : "r"(code)
                     : "r11", "memory");
    pv_check(what,
             pv_trap_count == before + 1 && pv_trap_vector == 14 && pv_trap_error == 0 &&
                 pv_trap_rip == (uint64_t)(uintptr_t)code,
             pv_trap_count == before + 1 ? pv_trap_vector << 8 | pv_trap_error : 0xDEAD);
    rc = pv_hypercall3(__HYPERVISOR_update_va_mapping, second,
                       (second - PV_VIRT_BASE) | PV_PTE_KERNEL, UVMF_INVLPG);
    pv_check("update_va_mapping(second probe page back)", rc == 0, (uint64_t)rc);
}

static void run_cpuid(void)
{
    static const uint32_t leaves[] = { 0,           1,           7,           0xD,
                                       0x80000000u, 0x80000001u, 0x80000008u, 0x40000000u,
                                       0x40000001u, 0x40000002u, 0x40000003u, 0x40000004u };
    static const uint8_t cut_signature[] = { 0x0F, 0x0B, 'x', 'e' };
    static const uint8_t cut_cpuid[] = { 0x0F, 0x0B, 'x', 'e', 'n', 0x0F };
    uint32_t f[4], p[4];
    unsigned int before;

    guest_puts("pv-priv: forced-emulation CPUID\n");
    for (unsigned int i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++) {
        cpuid_forced(leaves[i], 0, f);
        cpuid_plain(leaves[i], 0, p);
        for (unsigned int k = 0; k < 4; k++)
            pv_check("forced CPUID is plain CPUID", f[k] == p[k], (uint64_t)leaves[i] << 32 | k);
    }
    cpuid_forced(0x40000000u, 0, f);
    pv_check("leaf 0x40000000 is Xen's", f[1] == 0x566E6558u /* "XenV" */, f[1]);
    cpuid_forced(1, 0, f);
    pv_check("PV leaf 1: x2APIC and TSC-deadline hidden", !(f[2] & (1u << 21 | 1u << 24)), f[2]);
    pv_check("PV leaf 1: initial APIC id 0", !(f[1] >> 24), f[1]);
    pv_check("PV leaf 1: PGE and MTRR hidden", !(f[3] & (1u << 13 | 1u << 12)), f[3]);
    pv_check("PV leaf 1: FPU and TSC there", (f[3] & 0x11) == 0x11, f[3]);
    cpuid_forced(0x40000004u, 0, f);
    pv_check("PV leaf 0x40000004 (HVM-only) empty", !(f[0] | f[1] | f[2] | f[3]), f[0]);

    /* Hostile forms: no CPUID after the signature; cut by an unmapped page. */
    before = pv_trap_count;
    __asm__ volatile(PV_PROBE("ud2; .ascii \"xen\"; nop; nop") : : : "r11", "memory");
    pv_check_fault("ud2 xen without CPUID: #UD at the ud2", before, 6, 0);
    before = pv_trap_count;
    __asm__ volatile(PV_PROBE("ud2; .ascii \"xe\"; nop; nop; nop; nop") : : : "r11", "memory");
    pv_check_fault("ud2 with half a signature: #UD", before, 6, 0);
    run_cut("signature cut by an unmapped page: #PF(0) at the ud2", cut_signature,
            sizeof(cut_signature));
    run_cut("CPUID cut by an unmapped page: #PF(0) at the ud2", cut_cpuid, sizeof(cut_cpuid));
}

void guest_pv_main(const struct start_info *si)
{
    struct trap_info table[] = {
        { 6, 0, FLAT_KERNEL_CS64, (uint64_t)(uintptr_t)trap_ud },
        { 13, 0, FLAT_KERNEL_CS64, (uint64_t)(uintptr_t)trap_gp },
        { 14, 0, FLAT_KERNEL_CS64, (uint64_t)(uintptr_t)trap_pf },
        /* Software interrupts: entry 3 and 4 DPL 0 (INT3 and INT 4 ignore it), 0x81 DPL 1. */
        { 3, 0, FLAT_KERNEL_CS64, (uint64_t)(uintptr_t)trap_bp },
        { 4, 0, FLAT_KERNEL_CS64, (uint64_t)(uintptr_t)trap_of },
        { 0x81, 1, FLAT_KERNEL_CS64, (uint64_t)(uintptr_t)trap_int81 },
        { 0x82, 0, FLAT_KERNEL_CS64, (uint64_t)(uintptr_t)trap_int82 },
        { 0, 0, 0, 0 },
    };
    long rc;

    pv_checks_start("pv-priv");
    rc = pv_hypercall3(__HYPERVISOR_set_trap_table, (uint64_t)(uintptr_t)table, 0, 0);
    pv_check("set_trap_table", rc == 0, (uint64_t)rc);
    run_msrs();
    run_crs(si);
    run_io();
    run_io_iopl();
    run_softint();
    run_cpuid();
    pv_checks_done();
    guest_puts("pv-priv: FAIL: still running\n");
}
