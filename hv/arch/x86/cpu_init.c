// SPDX-License-Identifier: MIT
/* Per-CPU descriptor tables and control registers: arch_cpu_init(). */
#include <hv/percpu.h>
#include <asm/cpu.h>
#include <asm/desc.h>
#include <asm/idt.h>
#include <asm/msr.h>
#include <asm/spec_ctrl.h>

#define SEG_CODE64 0x00209A0000000000ull /* present, DPL 0, code, L */
#define SEG_DATA   0x0000920000000000ull /* present, DPL 0, data, writable */

static void gdt_fill(struct arch_percpu *arch)
{
    uint64_t tss = (uint64_t)&arch->tss;
    uint64_t limit = sizeof(arch->tss) - 1;

    arch->gdt[0] = 0;
    arch->gdt[HV_CS / 8] = SEG_CODE64;
    arch->gdt[HV_DS / 8] = SEG_DATA;
    /* Available 64-bit TSS (type 9), present. */
    arch->gdt[HV_TSS_SEL / 8] = (limit & 0xFFFF) | ((tss & 0xFFFFFF) << 16) | (0x89ull << 40) |
                                ((limit >> 16) << 48) | (((tss >> 24) & 0xFF) << 56);
    arch->gdt[HV_TSS_SEL / 8 + 1] = tss >> 32;
}

static void tss_fill(struct arch_percpu *arch)
{
    arch->tss.ist[IST_DOUBLE_FAULT - 1] = (uint64_t)arch->block + DF_STACK_TOP;
    arch->tss.ist[IST_NMI - 1] = (uint64_t)arch->block + NMI_STACK_TOP;
    arch->tss.ist[IST_MACHINE_CHECK - 1] = (uint64_t)arch->block + MC_STACK_TOP;
    arch->tss.iomap_base = sizeof(arch->tss); /* no I/O bitmap */
}

static void gdt_load(struct arch_percpu *arch)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __packed gdtr = { sizeof(arch->gdt) - 1, (uint64_t)arch->gdt };

    __asm__ volatile("lgdt %0" : : "m"(gdtr) : "memory");
    /* Reload CS with a far return; then the data segments. */
    __asm__ volatile("pushq %[cs]\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "mov %[ds], %%ds\n\t"
                     "mov %[ds], %%es\n\t"
                     "mov %[ds], %%ss\n\t"
                     "mov %[null], %%fs\n\t"
                     "mov %[null], %%gs"
                     :
                     : [cs] "i"(HV_CS), [ds] "r"(HV_DS), [null] "r"(0)
                     : "rax", "memory");
    __asm__ volatile("ltr %w0" : : "r"(HV_TSS_SEL));
}

void arch_cpu_init(struct percpu *pc)
{
    gdt_fill(&pc->arch);
    tss_fill(&pc->arch);
    gdt_load(&pc->arch);
    idt_load();

    /* Both bases after the selector loads, which clear them. */
    wrmsr(MSR_FS_BASE, (uint64_t)pc);
    wrmsr(MSR_GS_BASE, (uint64_t)pc);
    wrmsr(MSR_KERNEL_GS_BASE, 0);

    if (cpu_has_nx())
        wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
    write_cr0(read_cr0() | X86_CR0_WP); /* read-only pages are read-only in ring 0 too */
    if (pc->cpu_id == 0)
        spec_ctrl_init();
}
