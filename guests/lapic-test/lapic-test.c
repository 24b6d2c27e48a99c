// SPDX-License-Identifier: MIT
/*
 * lapic-test: the emulated local APIC through its x2APIC MSRs, as a Xen PVH
 * guest (Linux 6.1) uses it. vCPU 0:
 *
 *   - finds APIC and x2APIC in CPUID, APIC_BASE enabled as the BSP at
 *     0xFEE00000; in xAPIC mode reads its version (0x50014, also its low
 *     byte with movzx) and id through the MMIO page (plain movs, which the
 *     hypervisor emulates) and writes and reads back TPR there;
 *   - switches to x2APIC mode, where the MMIO page reads 0 (as Xen), and
 *     reads its id (0: 2 x vCPU id) and version (0x50014) through MSRs;
 *   - sends itself a fixed IPI through SELF_IPI and through the ICR's self
 *     shorthand and takes both (an IDT handler counts and writes EOI);
 *   - holds a self IPI back with TPR and takes it once TPR drops;
 *   - arms the APIC timer one-shot (TMICT) and in TSC-deadline mode (MSR
 *     0x6E0) and takes each interrupt while halted with interrupts on;
 *   - starts vCPU 1 as Linux 6.1 PVH starts its APs: INIT assert and
 *     de-assert, then STARTUP twice (ICR 0xc500, 0x8500, 0x0608 x 2) to a
 *     real-mode trampoline at 0x8000, which prints "lapic-test: vcpu 1
 *     started in real mode" through port 0xE9, sets a flag and does
 *     `cli; hlt` (vCPU 1 goes down);
 *   - prints "lapic-test: C checks: PASS" (or FAIL lines), then `cli; hlt`:
 *     the last vCPU goes down and the domain powers off (Xen's hvm_hlt),
 *     so the test also sees the domain's poweroff line.
 */
#include <stdbool.h>
#include <stdint.h>

#include <public/arch-x86/hvm/start_info.h>

#include "guest.h"
#include "xen-guest.h"

#define MSR_APIC_BASE    0x1Bu
#define MSR_TSC_DEADLINE 0x6E0u
#define X2APIC_ID        0x802u
#define X2APIC_VERSION   0x803u
#define X2APIC_TPR       0x808u
#define X2APIC_SVR       0x80Fu
#define X2APIC_ICR       0x830u
#define X2APIC_LVT_TIMER 0x832u
#define X2APIC_TMICT     0x838u
#define X2APIC_TMCCT     0x839u
#define X2APIC_TDCR      0x83Eu
#define X2APIC_SELF_IPI  0x83Fu

#define XAPIC_BASE    0xFEE00000u
#define XAPIC_ID      0x20u
#define XAPIC_VERSION 0x30u
#define XAPIC_TPR     0x80u

#define TRAMPOLINE   0x8000u /* STARTUP vector 0x08 */
#define IPI_VECTOR   0x40
#define TIMER_VECTOR 0x41
#define SPIN_LIMIT   100000000u

struct idt_gate {
    uint16_t off_lo, selector;
    uint8_t ist, attr;
    uint16_t off_mid;
    uint32_t off_hi, reserved;
} __attribute__((packed));

static struct idt_gate idt[256] __attribute__((aligned(16)));
/* Maps the 4th GiB (the xAPIC page) with one uncached 2 MiB page; the entry maps only the first. */
static uint64_t pd_4g[512] __attribute__((aligned(4096)));
volatile uint32_t ipi_count, timer_count;
static unsigned int checks, failures;

void ipi_entry(void);
void timer_entry(void);

/* Each handler counts its interrupt and writes x2APIC EOI. */
__asm__("    .text\n"
        "    .globl ipi_entry\n"
        "ipi_entry:\n"
        "    push %rax\n push %rcx\n push %rdx\n"
        "    lock incl ipi_count(%rip)\n"
        "    jmp 1f\n"
        "    .globl timer_entry\n"
        "timer_entry:\n"
        "    push %rax\n push %rcx\n push %rdx\n"
        "    lock incl timer_count(%rip)\n"
        "1:  xor %eax, %eax\n xor %edx, %edx\n mov $0x80b, %ecx\n wrmsr\n"
        "    pop %rdx\n pop %rcx\n pop %rax\n"
        "    iretq\n");

/* vCPU 1's real-mode start: print through port 0xE9, set the flag at CS:0x100, go down. */
extern const uint8_t tramp_start[], tramp_end[];
__asm__("    .section .rodata\n"
        "    .globl tramp_start, tramp_end\n"
        "tramp_start:\n"
        "    .code16\n"
        "    mov $(tramp_msg - tramp_start), %si\n"
        "1:  lodsb %cs:(%si), %al\n"
        "    test %al, %al\n"
        "    jz 2f\n"
        "    out %al, $0xe9\n"
        "    jmp 1b\n"
        "2:  movb $1, %cs:0x100\n"
        "3:  cli\n"
        "    hlt\n"
        "    jmp 3b\n"
        "tramp_msg:\n"
        "    .asciz \"lapic-test: vcpu 1 started in real mode\\n\"\n"
        "tramp_end:\n"
        "    .code64\n"
        "    .text\n");

static uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;

    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return lo | (uint64_t)hi << 32;
}

static void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return lo | (uint64_t)hi << 32;
}

static void check(bool ok, const char *what)
{
    checks++;
    if (ok)
        return;
    failures++;
    guest_puts("lapic-test: FAIL: ");
    guest_puts(what);
    guest_puts("\n");
}

static void set_gate(unsigned int vector, void (*fn)(void))
{
    uint64_t a = (uint64_t)(uintptr_t)fn;
    uint16_t cs;

    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    idt[vector] =
        (struct idt_gate){ (uint16_t)a, cs, 0, 0x8E, (uint16_t)(a >> 16), (uint32_t)(a >> 32), 0 };
}

static void load_idt(void)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) ptr = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };

    set_gate(IPI_VECTOR, ipi_entry);
    set_gate(TIMER_VECTOR, timer_entry);
    __asm__ volatile("lidt %0" : : "m"(ptr));
}

/* Spins with interrupts on until *count reaches want (bounded). */
static bool wait_count(volatile uint32_t *count, uint32_t want)
{
    uint32_t i;

    for (i = 0; i < SPIN_LIMIT && *count < want; i++)
        __asm__ volatile("sti; pause" ::: "memory");
    return *count >= want;
}

/* Halts with interrupts on until the timer has fired want times (HLT wakes on the vector). */
static bool halt_until_timer(uint32_t want)
{
    unsigned int i;

    for (i = 0; i < 1000 && timer_count < want; i++)
        __asm__ volatile("sti; hlt" ::: "memory");
    return timer_count >= want;
}

/* Whether the start info's memory map has RAM over [addr, addr + size). */
static bool ram_covers(const struct hvm_start_info *si, uint64_t addr, uint64_t size)
{
    const struct hvm_memmap_table_entry *m =
        (const struct hvm_memmap_table_entry *)(uintptr_t)si->memmap_paddr;
    uint32_t i;

    for (i = 0; i < si->memmap_entries; i++)
        if (m[i].type == 1 && m[i].addr <= addr && m[i].addr + m[i].size >= addr + size)
            return true;
    return false;
}

static void start_vcpu1(const struct hvm_start_info *si)
{
    volatile uint8_t *page = (volatile uint8_t *)(uintptr_t)TRAMPOLINE;
    uint32_t i;

    if (!ram_covers(si, TRAMPOLINE, 0x1000)) {
        check(false, "RAM at 0x8000 for the trampoline");
        return;
    }
    for (i = 0; i < (uint32_t)(tramp_end - tramp_start); i++)
        page[i] = tramp_start[i];
    page[0x100] = 0;
    /* vCPU 1 is x2APIC id 2. */
    wrmsr(X2APIC_ICR, (2ull << 32) | 0xC500);
    wrmsr(X2APIC_ICR, (2ull << 32) | 0x8500);
    wrmsr(X2APIC_ICR, (2ull << 32) | 0x0600 | (TRAMPOLINE >> 12));
    wrmsr(X2APIC_ICR, (2ull << 32) | 0x0600 | (TRAMPOLINE >> 12));
    for (i = 0; i < SPIN_LIMIT && !page[0x100]; i++)
        __asm__ volatile("pause" ::: "memory");
    check(page[0x100] == 1, "vCPU 1 started by INIT/STARTUP ran its real-mode trampoline");
}

static volatile uint32_t *xapic_reg(uint32_t offset)
{
    return (volatile uint32_t *)(uintptr_t)(XAPIC_BASE + offset);
}

/* PDPT[3] (found through CR3 and PML4[0], identity mapped) -> pd_4g, mapping 0xFEE00000. */
static void map_xapic_page(void)
{
    uint64_t cr3, *pml4, *pdpt;

    __asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
    pml4 = (uint64_t *)(uintptr_t)(cr3 & ~0xFFFull);
    pdpt = (uint64_t *)(uintptr_t)(pml4[0] & ~0xFFFull);
    pd_4g[(XAPIC_BASE >> 21) & 511] = (XAPIC_BASE & ~0x1FFFFFull) | 0x9B; /* P RW PWT PCD PS */
    pdpt[3] = (uint64_t)(uintptr_t)pd_4g | 0x3;
    __asm__ volatile("mov %0, %%cr3" : : "r"(cr3) : "memory");
}

/* The xAPIC MMIO page in xAPIC mode (APIC_BASE.EN without EXTD), then in x2APIC mode. */
static void xapic_mmio(void)
{
    uint8_t version_low;

    map_xapic_page();
    check(*xapic_reg(XAPIC_VERSION) == 0x50014, "xAPIC MMIO: version 0x50014");
    __asm__ volatile("movzbl (%1), %k0"
                     : "=r"(version_low)
                     : "r"(xapic_reg(XAPIC_VERSION))
                     : "memory");
    check(version_low == 0x14, "xAPIC MMIO: version's low byte with movzx");
    check(*xapic_reg(XAPIC_ID) == 0, "xAPIC MMIO: id 0");
    *xapic_reg(XAPIC_TPR) = 0x30;
    check(*xapic_reg(XAPIC_TPR) == 0x30, "xAPIC MMIO: TPR written and read back");
    *xapic_reg(XAPIC_TPR) = 0;
}

static void run(const struct hvm_start_info *si)
{
    uint32_t a, b, c, d;
    uint64_t base;

    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
    check((d & (1u << 9)) && (c & (1u << 21)) && (c & (1u << 24)),
          "CPUID: APIC, x2APIC and TSC-deadline offered");
    check((b >> 24) == 0, "CPUID: initial APIC id 0");
    base = rdmsr(MSR_APIC_BASE);
    check((base & ~0xFFFull) == 0xFEE00000u && (base & (1u << 11)) && (base & (1u << 8)),
          "APIC_BASE: enabled BSP at 0xFEE00000");
    xapic_mmio();
    wrmsr(MSR_APIC_BASE, base | (1u << 10));
    check(rdmsr(MSR_APIC_BASE) & (1u << 10), "APIC_BASE: x2APIC mode on");
    check(*xapic_reg(XAPIC_VERSION) == 0, "xAPIC MMIO reads 0 in x2APIC mode");
    check(rdmsr(X2APIC_ID) == 0, "x2APIC id 0");
    check(rdmsr(X2APIC_VERSION) == 0x50014, "x2APIC version 0x50014");
    wrmsr(X2APIC_SVR, 0x1FF);

    wrmsr(X2APIC_SELF_IPI, IPI_VECTOR);
    check(wait_count(&ipi_count, 1), "self IPI through SELF_IPI taken");
    wrmsr(X2APIC_ICR, (1u << 18) | IPI_VECTOR);
    check(wait_count(&ipi_count, 2), "self IPI through the ICR's self shorthand taken");
    /* TPR at the vector's class holds it back; lowering TPR lets it in. */
    wrmsr(X2APIC_TPR, 0x40);
    wrmsr(X2APIC_SELF_IPI, IPI_VECTOR);
    for (unsigned int i = 0; i < 1000000; i++)
        __asm__ volatile("sti; pause" ::: "memory");
    check(ipi_count == 2, "TPR holds a vector of its class back");
    wrmsr(X2APIC_TPR, 0);
    check(wait_count(&ipi_count, 3), "the held-back vector taken once TPR drops");

    /* One-shot: 64 ms at the 1 GHz bus clock divided by 128 (long: TCG is slow under load). */
    wrmsr(X2APIC_TDCR, 0xA);
    wrmsr(X2APIC_LVT_TIMER, TIMER_VECTOR);
    wrmsr(X2APIC_TMICT, 500000);
    check(rdmsr(X2APIC_TMCCT) > 0, "one-shot timer counts down");
    check(halt_until_timer(1), "one-shot timer interrupt taken in HLT");
    check(rdmsr(X2APIC_TMCCT) == 0, "one-shot timer at 0 once fired");

    /* TSC-deadline: about 2 ms ahead on a GHz TSC. */
    wrmsr(X2APIC_LVT_TIMER, (2u << 17) | TIMER_VECTOR);
    wrmsr(MSR_TSC_DEADLINE, rdtsc() + 5000000);
    check(halt_until_timer(2), "TSC-deadline timer interrupt taken in HLT");
    check(rdmsr(MSR_TSC_DEADLINE) == 0, "TSC deadline disarmed once fired");
    start_vcpu1(si);
}

void guest_main(const struct hvm_start_info *si)
{
    if (!xen_setup())
        return;
    guest_set_output(xen_console_write);
    load_idt();
    run(si);
    guest_puts("lapic-test: ");
    guest_put_dec(checks);
    guest_puts(failures ? " checks: FAIL\n" : " checks: PASS\n");
    /* With interrupts off nothing can wake this vCPU: it goes down, the domain powers off. */
    __asm__ volatile("cli; hlt");
    guest_puts("lapic-test: FAIL: still running after cli; hlt\n");
    xen_power_off();
}
