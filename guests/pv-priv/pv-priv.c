// SPDX-License-Identifier: MIT
/*
 * pv-priv: the privileged instructions of a PV kernel (at CPL 3 in the
 * container) that the hypervisor emulates after their #GP, as Xen's
 * emul-priv-op.c does for a domU, and the ones it leaves to the kernel's
 * #GP handler (RIP unchanged, error code 0); Xen's forced-emulation CPUID
 * (`ud2; "xen"; cpuid`) against plain CPUID, and hostile forms of it
 * (not followed by CPUID, cut by an unmapped page). One line per failed
 * check and a verdict ("pv-priv: N checks, 0 failed: PASS").
 */
#include <stdint.h>

#include <public/arch-x86/xen-x86_64.h>
#include <public/sched.h>
#include <public/xen.h>

#include "guest.h"
#include "xen-hypercall.h"

#define VIRT_BASE  0xffffffff80000000ull
#define PTE_KERNEL 0x67ull /* present, writable, user (PV: CPL 3), accessed, dirty */

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

void pv_priv_main(const struct start_info *si);
void pv_priv_trap(const uint64_t *frame, unsigned int vector, unsigned int has_error);
void trap_ud(void), trap_gp(void), trap_pf(void);

extern uint8_t hypercall_page[];
extern uint8_t probe_pages[];
extern uint64_t trap_resume;

/* The last exception's frame, and how many there were. */
static volatile unsigned int trap_count, trap_vector;
static volatile uint64_t trap_error, trap_rip;
/* Where the probe's instruction is (its frame RIP if it faults). */
uint64_t probe_rip;
static unsigned int checks, failed;

static long hypercall3(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3)
{
    return xen_hypercall_via(hypercall_page, nr, a1, a2, a3);
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
    guest_puts("pv-priv: FAIL: ");
    guest_puts(what);
    guest_puts(": got ");
    guest_put_hex(got);
    guest_puts("\n");
}

void pv_priv_trap(const uint64_t *frame, unsigned int vector, unsigned int has_error)
{
    trap_vector = vector;
    trap_error = has_error ? frame[2] : 0;
    trap_rip = frame[2 + has_error];
    trap_count++;
}

/*
 * Runs one instruction (asm text) with the trap resume point set after it:
 * whether it faults or not, execution goes on at label 1. RCX and R11 are
 * the probe's scratch registers (a fault's iret restores them from its frame).
 */
#define PROBE(insn)                     \
    "lea 1f(%%rip), %%r11\n\t"          \
    "mov %%r11, trap_resume(%%rip)\n\t" \
    "lea 0f(%%rip), %%r11\n\t"          \
    "mov %%r11, probe_rip(%%rip)\n\t"   \
    "0: " insn "\n\t"                   \
    "1:\n\t"

/* Expects the probe just run to have taken exactly one exception vector, error code 0, RIP at it. */
static void check_fault(const char *what, unsigned int before, unsigned int vector)
{
    bool ok = trap_count == before + 1 && trap_vector == vector && trap_error == 0 &&
              trap_rip == probe_rip;

    check(what, ok, trap_count == before + 1 ? trap_rip : 0xDEAD0000u + trap_count - before);
}

static void check_no_fault(const char *what, unsigned int before)
{
    check(what, trap_count == before, trap_rip);
}

static bool rdmsr_safe(uint32_t msr, uint64_t *val)
{
    uint32_t lo = 0, hi = 0;
    unsigned int before = trap_count;

    __asm__ volatile(PROBE("rdmsr") : "+a"(lo), "+d"(hi) : "c"(msr) : "r11", "memory");
    *val = (uint64_t)hi << 32 | lo;
    return trap_count == before;
}

static bool wrmsr_safe(uint32_t msr, uint64_t val)
{
    unsigned int before = trap_count;

    __asm__ volatile(PROBE("wrmsr")
                     :
                     : "c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32))
                     : "r11", "memory");
    return trap_count == before;
}

static volatile uint64_t fs_target = 0xF5F5F5F5F5F5F5F5ull, gs_target = 0x6565656565656565ull;

static void run_msrs(void)
{
    unsigned int before;
    uint64_t val = 0, t0, t1, v2 = 0;

    guest_puts("pv-priv: rdmsr/wrmsr\n");
    check("wrmsr FS_BASE", wrmsr_safe(MSR_FS_BASE, (uint64_t)(uintptr_t)&fs_target), 0);
    check("rdmsr FS_BASE reads it back",
          rdmsr_safe(MSR_FS_BASE, &val) && val == (uint64_t)(uintptr_t)&fs_target, val);
    val = 0;
    __asm__ volatile(PROBE("mov %%fs:0, %0") : "+r"(val) : : "r11", "memory");
    check("%fs:0 reads through the new FS base", val == fs_target, val);
    check("wrmsr GS_BASE", wrmsr_safe(MSR_GS_BASE, (uint64_t)(uintptr_t)&gs_target), 0);
    check("rdmsr GS_BASE reads it back",
          rdmsr_safe(MSR_GS_BASE, &val) && val == (uint64_t)(uintptr_t)&gs_target, val);
    val = 0;
    __asm__ volatile(PROBE("mov %%gs:0, %0") : "+r"(val) : : "r11", "memory");
    check("%gs:0 reads through the new GS base", val == gs_target, val);
    check("wrmsr SHADOW_GS_BASE", wrmsr_safe(MSR_KERNEL_GS_BASE, 0x00007FFFDEAD0000ull), 0);
    check("rdmsr SHADOW_GS_BASE reads it back",
          rdmsr_safe(MSR_KERNEL_GS_BASE, &val) && val == 0x00007FFFDEAD0000ull, val);
    check("rdmsr GS_BASE unchanged by the shadow's write",
          rdmsr_safe(MSR_GS_BASE, &val) && val == (uint64_t)(uintptr_t)&gs_target, val);

    before = trap_count;
    check("wrmsr FS_BASE non-canonical refused", !wrmsr_safe(MSR_FS_BASE, 0x0000800000000000ull),
          0);
    check_fault("  its #GP(0) at the wrmsr", before, 13);
    check("  FS base unchanged",
          rdmsr_safe(MSR_FS_BASE, &val) && val == (uint64_t)(uintptr_t)&fs_target, val);

    check("rdmsr EFER", rdmsr_safe(MSR_EFER, &val), 0);
    check("EFER is SCE LME LMA NXE", val == (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE), val);
    __asm__ volatile("rdtsc; shl $32, %%rdx; or %%rdx, %0" : "=a"(t0) : : "rdx");
    check("rdmsr TSC", rdmsr_safe(MSR_TSC, &val), 0);
    __asm__ volatile("rdtsc; shl $32, %%rdx; or %%rdx, %0" : "=a"(t1) : : "rdx");
    check("TSC between two RDTSCs", t0 <= val && val <= t1, val);

    /* MSRs Xen refuses a domU: #GP, recovered by the handler as rdmsr_safe recovers. */
    before = trap_count;
    check("rdmsr STAR refused", !rdmsr_safe(MSR_STAR, &val), val);
    check_fault("  its #GP(0) at the rdmsr", before, 13);
    before = trap_count;
    check("rdmsr MTRR_CAP refused", !rdmsr_safe(MSR_MTRR_CAP, &val), val);
    check_fault("  its #GP(0) at the rdmsr", before, 13);
    before = trap_count;
    check("rdmsr 0xDEADBEEF refused", !rdmsr_safe(0xDEADBEEFu, &val), val);
    check_fault("  its #GP(0) at the rdmsr", before, 13);
    before = trap_count;
    check("wrmsr EFER refused", !wrmsr_safe(MSR_EFER, EFER_LME | EFER_LMA | EFER_NXE), 0);
    check_fault("  its #GP(0) at the wrmsr", before, 13);
    check("EFER unchanged",
          rdmsr_safe(MSR_EFER, &v2) && v2 == (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE), v2);
}

static void run_crs(const struct start_info *si)
{
    unsigned int before = trap_count;
    uint64_t cr0 = 0, cr3 = 0, cr4 = 0, cr8 = 0;

    guest_puts("pv-priv: control registers\n");
    __asm__ volatile(PROBE("mov %%cr0, %0") : "+r"(cr0) : : "r11", "memory");
    check("mov from CR0 emulated", trap_count == before, trap_rip);
    check("CR0 has PE and PG", (cr0 & (CR0_PE | CR0_PG)) == (CR0_PE | CR0_PG), cr0);
    __asm__ volatile(PROBE("mov %%cr3, %%r9; mov %%r9, %0") : "+r"(cr3) : : "r9", "r11", "memory");
    check("mov from CR3 emulated (R9)", trap_count == before, trap_rip);
    check("CR3 is the bootstrap L4's frame", cr3 == si->pt_base - VIRT_BASE, cr3);
    __asm__ volatile(PROBE("mov %%cr4, %0") : "+r"(cr4) : : "r11", "memory");
    check("mov from CR4 emulated", trap_count == before, trap_rip);
    check("CR4 has PAE", cr4 & CR4_PAE, cr4);
    __asm__ volatile(PROBE("clts") : : : "r11", "memory");
    check_no_fault("clts emulated", before);
    __asm__ volatile(PROBE("mov %%cr0, %0") : "+r"(cr0) : : "r11", "memory");
    check("CR0.TS clear after clts", !(cr0 & CR0_TS), cr0);
    __asm__ volatile(PROBE("wbinvd") : : : "r11", "memory");
    check_no_fault("wbinvd emulated (dropped)", before);

    /* What Xen leaves to the guest's #GP handler. */
    __asm__ volatile(PROBE("mov %%cr8, %0") : "+r"(cr8) : : "r11", "memory");
    check_fault("mov from CR8: #GP", before, 13);
    before = trap_count;
    __asm__ volatile(PROBE("mov %0, %%cr0") : : "r"(cr0 ^ CR0_PE) : "r11", "memory");
    check_fault("mov to CR0 changing PE (only TS may change): #GP", before, 13);
    before = trap_count;
    __asm__ volatile(PROBE("hlt") : : : "r11", "memory");
    check_fault("hlt: #GP", before, 13);
    before = trap_count;
    __asm__ volatile(PROBE("cli") : : : "r11", "memory");
    check_fault("cli (no I/O privilege): #GP", before, 13);
    before = trap_count;
    __asm__ volatile(PROBE("sti") : : : "r11", "memory");
    check_fault("sti (no I/O privilege): #GP", before, 13);
    /* A native IRETQ back to the kernel's own CS and SS (Linux's sync_core()): completed. */
    before = trap_count;
    __asm__ volatile("mov %%ss, %%eax\n\tpush %%rax\n\tpush %%rsp\n\taddq $8, (%%rsp)\n\t"
                     "pushfq\n\tmov %%cs, %%eax\n\tpush %%rax\n\tlea 1f(%%rip), %%rax\n\t"
                     "push %%rax\n\tiretq\n1:"
                     :
                     :
                     : "rax", "memory");
    check_no_fault("iretq to the kernel's own CS and SS", before);
}

static void run_io(void)
{
    unsigned int before = trap_count;
    uint8_t buf[4] = { 0 };

    guest_puts("pv-priv: port I/O without I/O privilege\n");
    __asm__ volatile(PROBE("inb $0x80, %%al") : : : "rax", "r11", "memory");
    check_fault("in $imm: #GP", before, 13);
    before = trap_count;
    __asm__ volatile(PROBE("outb %%al, $0x80") : : "a"(0) : "r11", "memory");
    check_fault("out $imm: #GP", before, 13);
    before = trap_count;
    __asm__ volatile(PROBE("inl %%dx, %%eax") : : "d"(0xCFC) : "rax", "r11", "memory");
    check_fault("in %dx: #GP", before, 13);
    before = trap_count;
    __asm__ volatile(PROBE("outw %%ax, %%dx") : : "a"(0), "d"(0x3F8) : "r11", "memory");
    check_fault("out %dx: #GP", before, 13);
    before = trap_count;
    __asm__ volatile(PROBE("rep insb")
                     :
                     : "D"(buf), "c"(sizeof(buf)), "d"(0x3F8)
                     : "r11", "memory");
    check_fault("rep ins: #GP", before, 13);
    before = trap_count;
    __asm__ volatile(PROBE("rep outsb")
                     :
                     : "S"(buf), "c"(sizeof(buf)), "d"(0x3F8)
                     : "r11", "memory");
    check_fault("rep outs: #GP", before, 13);
}

static void cpuid_plain(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    __asm__ volatile("cpuid"
                     : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                     : "0"(leaf), "2"(sub));
}

static void cpuid_forced(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    unsigned int before = trap_count;

    r[0] = r[1] = r[2] = r[3] = 0xBAD;
    __asm__ volatile(PROBE("ud2; .ascii \"xen\"; cpuid")
                     : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                     : "0"(leaf), "2"(sub)
                     : "r11", "memory");
    check_no_fault("forced CPUID emulated", before);
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
    rc = hypercall3(__HYPERVISOR_update_va_mapping, second, 0, UVMF_INVLPG);
    check("update_va_mapping(second probe page -> none)", rc == 0, (uint64_t)rc);
    before = trap_count;
    __asm__ volatile("lea 1f(%%rip), %%r11\n\t"
                     "mov %%r11, trap_resume(%%rip)\n\t"
                     "mov %0, probe_rip(%%rip)\n\t"
                     "jmp *%0\n\t"
                     "1:"
                     :
                     : "r"(code)
                     : "r11", "memory");
    check(what,
          trap_count == before + 1 && trap_vector == 14 && trap_error == 0 &&
              trap_rip == (uint64_t)(uintptr_t)code,
          trap_count == before + 1 ? trap_vector << 8 | trap_error : 0xDEAD);
    rc = hypercall3(__HYPERVISOR_update_va_mapping, second, (second - VIRT_BASE) | PTE_KERNEL,
                    UVMF_INVLPG);
    check("update_va_mapping(second probe page back)", rc == 0, (uint64_t)rc);
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
            check("forced CPUID is plain CPUID", f[k] == p[k], (uint64_t)leaves[i] << 32 | k);
    }
    cpuid_forced(0x40000000u, 0, f);
    check("leaf 0x40000000 is Xen's", f[1] == 0x566E6558u /* "XenV" */, f[1]);
    cpuid_forced(1, 0, f);
    check("PV leaf 1: x2APIC and TSC-deadline hidden", !(f[2] & (1u << 21 | 1u << 24)), f[2]);
    check("PV leaf 1: initial APIC id 0", !(f[1] >> 24), f[1]);
    check("PV leaf 1: PGE and MTRR hidden", !(f[3] & (1u << 13 | 1u << 12)), f[3]);
    check("PV leaf 1: FPU and TSC there", (f[3] & 0x11) == 0x11, f[3]);
    cpuid_forced(0x40000004u, 0, f);
    check("PV leaf 0x40000004 (HVM-only) empty", !(f[0] | f[1] | f[2] | f[3]), f[0]);

    /* Hostile forms: no CPUID after the signature; cut by an unmapped page. */
    before = trap_count;
    __asm__ volatile(PROBE("ud2; .ascii \"xen\"; nop; nop") : : : "r11", "memory");
    check_fault("ud2 xen without CPUID: #UD at the ud2", before, 6);
    before = trap_count;
    __asm__ volatile(PROBE("ud2; .ascii \"xe\"; nop; nop; nop; nop") : : : "r11", "memory");
    check_fault("ud2 with half a signature: #UD", before, 6);
    run_cut("signature cut by an unmapped page: #PF(0) at the ud2", cut_signature,
            sizeof(cut_signature));
    run_cut("CPUID cut by an unmapped page: #PF(0) at the ud2", cut_cpuid, sizeof(cut_cpuid));
}

void pv_priv_main(const struct start_info *si)
{
    struct trap_info table[] = {
        { 6, 0, FLAT_KERNEL_CS64, (uint64_t)(uintptr_t)trap_ud },
        { 13, 0, FLAT_KERNEL_CS64, (uint64_t)(uintptr_t)trap_gp },
        { 14, 0, FLAT_KERNEL_CS64, (uint64_t)(uintptr_t)trap_pf },
        { 0, 0, 0, 0 },
    };
    long rc;

    guest_set_output(xen_console_write);
    rc = hypercall3(__HYPERVISOR_set_trap_table, (uint64_t)(uintptr_t)table, 0, 0);
    check("set_trap_table", rc == 0, (uint64_t)rc);
    run_msrs();
    run_crs(si);
    run_io();
    run_cpuid();
    guest_puts("pv-priv: ");
    guest_put_dec(checks);
    guest_puts(" checks, ");
    guest_put_dec(failed);
    guest_puts(" failed");
    guest_put_verdict(failed ? "a check failed" : 0);
    shutdown(failed ? SHUTDOWN_crash : SHUTDOWN_poweroff);
    guest_puts("pv-priv: FAIL: still running\n");
}
