/* SPDX-License-Identifier: MIT */
/*
 * Interrupts and exceptions. All 256 IDT vectors enter through one common
 * stub (traps.S) that saves struct cpu_regs and calls the handler registered
 * for the vector. Vectors without a handler are fatal: the CPU's state and a
 * stack trace are printed and the machine panics.
 */
#ifndef ASM_IDT_H
#define ASM_IDT_H

#include <hv/types.h>
#include <arch/x86-defs.h>

/* Saved by traps.S; lowest address first. */
struct cpu_regs {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector;
    uint64_t error_code; /* 0 when the vector pushes none */
    /* pushed by the CPU */
    uint64_t rip, cs, rflags, rsp, ss;
};

typedef void (*irq_handler_t)(struct cpu_regs *regs);

/*
 * Installs fn for vector (interrupt or exception), replacing any earlier one;
 * NULL makes the vector fatal again. Handlers run with interrupts disabled and
 * must send their own LAPIC EOI.
 */
void idt_set_handler(uint8_t vector, irq_handler_t fn);

/* Fills the IDT once (boot CPU); idt_load() on every CPU. */
void idt_init(void);
void idt_load(void);

/* Called by traps.S for every vector. */
void trap_dispatch(struct cpu_regs *regs);
/* Prints the crash report for regs and panics (traps.c). */
__noreturn void trap_fatal(const struct cpu_regs *regs);

#endif
