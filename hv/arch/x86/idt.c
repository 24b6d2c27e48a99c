// SPDX-License-Identifier: MIT
/* The IDT (shared by all CPUs) and the table of registered vector handlers. */
#include <asm/desc.h>
#include <asm/idt.h>

struct idt_gate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
} __packed;

#define GATE_INTERRUPT 0x8E /* present, DPL 0, 64-bit interrupt gate: IF cleared */
#define TRAP_STUB_SIZE 16

extern const char trap_stubs[];

static struct idt_gate idt[256] __aligned(16);
static irq_handler_t handlers[256];

static unsigned int gate_ist(unsigned int vector)
{
    switch (vector) {
    case X86_EXC_DF: return IST_DOUBLE_FAULT;
    case X86_EXC_NMI: return IST_NMI;
    case X86_EXC_MC: return IST_MACHINE_CHECK;
    default: return 0;
    }
}

void idt_init(void)
{
    for (unsigned int v = 0; v < 256; v++) {
        uint64_t stub = (uint64_t)trap_stubs + v * TRAP_STUB_SIZE;

        idt[v] = (struct idt_gate){
            .offset_low = stub & 0xFFFF,
            .selector = HV_CS,
            .ist = gate_ist(v),
            .type_attr = GATE_INTERRUPT,
            .offset_mid = (stub >> 16) & 0xFFFF,
            .offset_high = stub >> 32,
        };
    }
}

void idt_load(void)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __packed idtr = { sizeof(idt) - 1, (uint64_t)idt };

    __asm__ volatile("lidt %0" : : "m"(idtr) : "memory");
}

void idt_set_handler(uint8_t vector, irq_handler_t fn)
{
    __atomic_store_n(&handlers[vector], fn, __ATOMIC_RELEASE);
}

void trap_dispatch(struct cpu_regs *regs)
{
    irq_handler_t fn = __atomic_load_n(&handlers[regs->vector & 0xFF], __ATOMIC_ACQUIRE);

    if (!fn)
        trap_fatal(regs);
    fn(regs);
}
