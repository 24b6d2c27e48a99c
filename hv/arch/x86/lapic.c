/* SPDX-License-Identifier: MIT */
/* Local APIC: mode selection, per-CPU setup, EOI, IPIs and the idle halt. */
#include <asm/acpi.h>
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/idt.h>
#include <asm/io.h>
#include <asm/lapic_regs.h>
#include <asm/msr.h>
#include <asm/paging.h>
#include <asm/tsc.h>
#include <hv/arch_vcpu.h>
#include <hv/percpu.h>
#include <hv/printk.h>
#include <hv/smp.h>
#include <hv/spinlock.h>
#include <hv/time.h>

#define CPUID1_ECX_X2APIC   (1u << 21)
#define ICR_IDLE_TIMEOUT_US 10000

static bool mode_selected;
static bool x2apic;
static volatile uint8_t *xapic_mmio;

uint32_t lapic_read(unsigned int reg)
{
    if (x2apic)
        return (uint32_t)rdmsr(MSR_X2APIC_FIRST + (reg >> 4));
    return *(volatile uint32_t *)(xapic_mmio + reg);
}

void lapic_write(unsigned int reg, uint32_t v)
{
    if (x2apic)
        wrmsr(MSR_X2APIC_FIRST + (reg >> 4), v);
    else
        *(volatile uint32_t *)(xapic_mmio + reg) = v;
}

bool lapic_x2apic_mode(void)
{
    return x2apic;
}

uint32_t lapic_id(void)
{
    return x2apic ? lapic_read(APIC_ID) : lapic_read(APIC_ID) >> 24;
}

void lapic_eoi(void)
{
    lapic_write(APIC_EOI, 0);
}

/*
 * QEMU 7.2's TCG (its SVM emulation) can drop a LAPIC interrupt request. Its #VMEXIT (and a
 * VMRUN with V_IRQ set) rewrites the CPU's pending-request word without the
 * lock under which another thread posts a LAPIC interrupt to that CPU (the
 * LAPIC timer's expiry, an IPI), so the post can be undone: the vector waits
 * in the IRR and the CPU never looks at it. A one-shot timer's interrupt
 * lost that way is not raised again, and a CPU that halts after it sleeps
 * for good (decisions.md #30). Set when the CPU is TCG (whose only virtualisation is SVM).
 */
static bool requests_may_drop;
static bool dropped_said;

static void read_irr(uint32_t irr[8])
{
    unsigned int i;

    for (i = 0; i < 8; i++)
        irr[i] = lapic_read(APIC_IRR + 0x10 * i);
}

/* The lowest vector set in both IRR images, or -1. */
static int pending_in_both(const uint32_t a[8], const uint32_t b[8])
{
    unsigned int i;

    for (i = 0; i < 8; i++)
        if (a[i] & b[i])
            return (int)(32 * i) + __builtin_ctz(a[i] & b[i]);
    return -1;
}

/*
 * A vector pending before and after an interrupt window (and nothing in
 * service: every handler here sends its EOI first) was not delivered: its
 * request was dropped. Any write of the TPR makes the emulated LAPIC
 * re-evaluate and post it again.
 */
bool arch_cpu_repost_dropped(void)
{
    uint32_t before[8], after[8];
    int vector;

    ASSERT_IRQS_OFF();
    if (!requests_may_drop)
        return false;
    read_irr(before);
    __asm__ volatile("sti; nop; cli" ::: "memory");
    read_irr(after);
    vector = pending_in_both(before, after);
    if (vector < 0)
        return false;
    lapic_write(APIC_TPR, 0x10);
    lapic_write(APIC_TPR, 0);
    __asm__ volatile("sti; nop; cli" ::: "memory");
    if (!__atomic_exchange_n(&dropped_said, true, __ATOMIC_RELAXED))
        printk("tessera: lapic: CPU %u: vector 0x%x stayed pending with interrupts open: the "
               "emulator dropped its request; posted again (decisions.md #30; said once)\n",
               this_cpu()->cpu_id, (unsigned int)vector);
    return true;
}

void arch_cpu_idle(void)
{
    uint32_t irr[8];
    unsigned int i;

    ASSERT_NO_LOCKS_HELD();
    if (requests_may_drop) {
        read_irr(irr);
        for (i = 0; i < 8; i++) {
            if (irr[i]) {
                /*
                 * A vector is pending: take it, or have it posted again if
                 * it was dropped, and let the scheduler look again. A
                 * wake-up taken here must not be slept through by a HLT.
                 */
                arch_cpu_repost_dropped();
                return;
            }
        }
    }
    /* A wake-up's kick is held off by IF=0 until STI, so HLT cannot miss it. */
    __asm__ volatile("sti; hlt; cli" ::: "memory");
}

/* xAPIC: waits for the previous IPI to leave; bounded so a wedged APIC cannot hang us. */
static void xapic_wait_idle(void)
{
    uint64_t deadline =
        rdtsc() + ns_to_tsc_ticks(ICR_IDLE_TIMEOUT_US * 1000ull, tsc_khz() ? tsc_khz() : 4000000);

    while (lapic_read(APIC_ICR_LOW) & APIC_ICR_BUSY) {
        if (rdtsc() > deadline) {
            printk("tessera: lapic: IPI still pending after %u us\n", ICR_IDLE_TIMEOUT_US);
            return;
        }
        cpu_relax();
    }
}

static void send_icr(uint32_t dest, uint32_t icr_low)
{
    unsigned long flags = irq_save();

    if (x2apic) {
        /* WRMSR to the ICR is not serializing: order earlier stores (IPI payload) first. */
        __asm__ volatile("mfence; lfence" ::: "memory");
        wrmsr(MSR_X2APIC_FIRST + (APIC_ICR_LOW >> 4), ((uint64_t)dest << 32) | icr_low);
    } else {
        xapic_wait_idle();
        lapic_write(APIC_ICR_HIGH, dest << 24);
        lapic_write(APIC_ICR_LOW, icr_low);
        xapic_wait_idle();
    }
    irq_restore(flags);
}

void lapic_send_ipi(uint32_t apic_id, uint32_t icr_low)
{
    send_icr(apic_id, icr_low);
}

void lapic_send_ipi_all_but_self(uint32_t icr_low)
{
    send_icr(0, icr_low | APIC_DEST_ALL_BUT_SELF);
}

static void spurious_interrupt(struct cpu_regs *regs)
{
    (void)regs; /* no EOI for the spurious vector */
}

static void error_interrupt(struct cpu_regs *regs)
{
    uint32_t esr;

    (void)regs;
    lapic_write(APIC_ESR, 0);
    esr = lapic_read(APIC_ESR);
    printk("tessera: lapic: error interrupt on CPU %u, ESR 0x%x\n", smp_processor_id(), esr);
    lapic_eoi();
}

/* The hypervisor takes no device interrupts: silence the 8259s and every I/O APIC pin. */
static void mask_legacy_interrupts(void)
{
    outb(0x21, 0xFF);
    outb(0xA1, 0xFF);
    for (unsigned int i = 0; i < acpi.nr_ioapics; i++) {
        volatile uint32_t *io = ioremap(acpi.ioapic[i].paddr, PAGE_SIZE);
        unsigned int pins;

        io[0] = 1; /* IOAPICVER */
        pins = ((io[4] >> 16) & 0xFF) + 1;
        for (unsigned int pin = 0; pin < pins; pin++) {
            io[0] = 0x10 + 2 * pin; /* redirection entry, low half */
            io[4] |= APIC_LVT_MASKED;
        }
    }
}

static void lapic_select_mode(void)
{
    uint64_t base = rdmsr(MSR_APIC_BASE);
    paddr_t pa = mk_paddr(base & 0xFFFFFFFFFF000ull);

    x2apic = cpuid(1, 0).ecx & CPUID1_ECX_X2APIC;
    requests_may_drop = cpu_is_qemu_tcg();
    if (!x2apic) {
        xapic_mmio = ioremap(pa, PAGE_SIZE);
        if (acpi.have_madt && !paddr_eq(acpi.lapic_paddr, pa))
            printk("tessera: lapic: MADT says 0x%llx, MSR says 0x%llx; using the MSR\n",
                   (unsigned long long)paddr_val(acpi.lapic_paddr),
                   (unsigned long long)paddr_val(pa));
    }
    mode_selected = true;
    idt_set_handler(VECTOR_SPURIOUS, spurious_interrupt);
    idt_set_handler(VECTOR_APIC_ERROR, error_interrupt);
    mask_legacy_interrupts();
}

void lapic_init(void)
{
    uint64_t base;
    bool bsp;

    if (!mode_selected)
        lapic_select_mode();
    base = rdmsr(MSR_APIC_BASE);
    bsp = base & APIC_BASE_BSP;
    base |= APIC_BASE_ENABLE;
    wrmsr(MSR_APIC_BASE, base);
    if (x2apic)
        wrmsr(MSR_APIC_BASE, base | APIC_BASE_EXTD);

    lapic_write(APIC_TPR, 0);
    lapic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | VECTOR_APIC_TIMER);
    lapic_write(APIC_LVT_LINT0, APIC_LVT_MASKED);
    lapic_write(APIC_LVT_LINT1, bsp ? APIC_LVT_NMI : APIC_LVT_MASKED);
    lapic_write(APIC_LVT_ERROR, VECTOR_APIC_ERROR);
    lapic_write(APIC_ESR, 0);
    lapic_write(APIC_ESR, 0);
    lapic_write(APIC_SVR, APIC_SVR_ENABLE | VECTOR_SPURIOUS);
    lapic_eoi();
    if (bsp)
        printk("tessera: lapic: %s, APIC id %u, version 0x%x\n",
               x2apic ? "x2APIC (MSRs)" : "xAPIC (MMIO)", lapic_id(), lapic_read(APIC_VERSION));
}
