/* SPDX-License-Identifier: MIT */
/*
 * Local APIC: xAPIC through UC-mapped MMIO, or x2APIC through MSRs when the
 * CPU has it (CPUID.1:ECX[21]; QEMU's "-cpu max" does not). Also the few
 * I/O APIC and 8259 operations the hypervisor needs: masking everything, as
 * it takes no device interrupts of its own.
 */
#ifndef ASM_APIC_H
#define ASM_APIC_H

#include <hv/types.h>

/*
 * Interrupt vectors the platform layer owns (highest priority class 0xF):
 *   0xF0  local APIC timer (hv/common/timer.c)
 *   0xF1  IPI: smp_call_others()
 *   0xFE  local APIC error
 *   0xFF  spurious interrupt (SVR; needs no EOI)
 * smp_stop_others() sends NMIs (vector 2), which get through with interrupts off.
 */
#define VECTOR_APIC_TIMER 0xF0
#define VECTOR_IPI_CALL   0xF1
#define VECTOR_APIC_ERROR 0xFE
#define VECTOR_SPURIOUS   0xFF

/* ICR delivery modes and shorthands. */
#define APIC_DM_FIXED          0x000u
#define APIC_DM_NMI            0x400u
#define APIC_DM_INIT           0x500u
#define APIC_DM_STARTUP        0x600u
#define APIC_LEVEL_ASSERT      0x4000u
#define APIC_DEST_ALL_BUT_SELF 0xC0000u

/*
 * Brings up this CPU's local APIC: on the boot CPU first maps the xAPIC page
 * (or selects x2APIC mode) and masks the 8259s and I/O APICs. Then: software
 * enable with VECTOR_SPURIOUS, TPR 0, LINT0 masked, LINT1 NMI on the boot CPU,
 * error vector, LVT timer masked.
 */
void lapic_init(void);
uint32_t lapic_id(void);
bool lapic_x2apic_mode(void);
void lapic_eoi(void);

/* Sends an IPI (ICR low bits: vector | APIC_DM_* | ...) to one APIC id. */
void lapic_send_ipi(uint32_t apic_id, uint32_t icr_low);
/* Same, to every CPU but this one (shorthand). */
void lapic_send_ipi_all_but_self(uint32_t icr_low);

#endif
