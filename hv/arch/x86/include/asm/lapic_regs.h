/* SPDX-License-Identifier: MIT */
/* Local APIC register offsets (xAPIC MMIO; x2APIC MSR = 0x800 + offset / 16). */
#ifndef ASM_LAPIC_REGS_H
#define ASM_LAPIC_REGS_H

#define MSR_APIC_BASE    0x1Bu
#define APIC_BASE_BSP    (1ull << 8)
#define APIC_BASE_EXTD   (1ull << 10) /* x2APIC mode */
#define APIC_BASE_ENABLE (1ull << 11)
#define MSR_TSC_DEADLINE 0x6E0u
#define MSR_X2APIC_FIRST 0x800u

#define APIC_ID            0x020
#define APIC_VERSION       0x030
#define APIC_TPR           0x080
#define APIC_EOI           0x0B0
#define APIC_SVR           0x0F0
#define APIC_IRR           0x200 /* 8 words of 32 vectors, 0x10 apart */
#define APIC_ESR           0x280
#define APIC_ICR_LOW       0x300
#define APIC_ICR_HIGH      0x310
#define APIC_LVT_TIMER     0x320
#define APIC_LVT_LINT0     0x350
#define APIC_LVT_LINT1     0x360
#define APIC_LVT_ERROR     0x370
#define APIC_TIMER_INITIAL 0x380
#define APIC_TIMER_CURRENT 0x390
#define APIC_TIMER_DIVIDE  0x3E0

#define APIC_SVR_ENABLE     (1u << 8)
#define APIC_ICR_BUSY       (1u << 12) /* xAPIC delivery status */
#define APIC_LVT_MASKED     (1u << 16)
#define APIC_LVT_NMI        (4u << 8)
#define APIC_TIMER_ONESHOT  (0u << 17)
#define APIC_TIMER_DEADLINE (2u << 17)
#define APIC_TIMER_DIVIDE_1 0xB

uint32_t lapic_read(unsigned int reg);
void lapic_write(unsigned int reg, uint32_t v);

#endif
