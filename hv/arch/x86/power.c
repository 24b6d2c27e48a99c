/* SPDX-License-Identifier: MIT */
/* Ending the machine: QEMU's isa-debug-exit, ACPI S5, reset, halt. */
#include <asm/acpi.h>
#include <asm/cpu.h>
#include <asm/io.h>
#include <asm/paging.h>
#include <hv/cmdline.h>
#include <hv/page_alloc.h>
#include <hv/power.h>
#include <hv/printk.h>
#include <hv/smp.h>
#include <hv/time.h>

#define DEBUG_EXIT_PORT   0xF4
#define PM1_SLP_TYP_SHIFT 10
#define PM1_SLP_TYP_MASK  (7u << PM1_SLP_TYP_SHIFT)
#define PM1_SLP_EN        (1u << 13)
#define RESET_WAIT_US     100000
#define RESET_CF9         0xCF9
#define CF9_SYS_RST       0x02
#define CF9_RST_CPU       0x04
#define KBC_STATUS        0x64
#define KBC_INPUT_FULL    0x02
#define KBC_PULSE_RESET   0xFE

void cpu_halt_forever(void)
{
    for (;;)
        __asm__ volatile("cli; hlt" ::: "memory");
}

static void debug_exit(enum hv_exit_status status)
{
    uint64_t port = cmdline_get_u64("debug-exit", DEBUG_EXIT_PORT);

    if (port > 0xFFFF) {
        printk("tessera: debug-exit=0x%llx is not an I/O port; using 0x%x\n",
               (unsigned long long)port, DEBUG_EXIT_PORT);
        port = DEBUG_EXIT_PORT;
    }
    printk("tessera: exit status %u via debug-exit port 0x%x\n", status, (unsigned int)port);
    outb((uint16_t)port, (uint8_t)status);
}

static void pm1_sleep(uint16_t port, uint8_t slp_typ)
{
    uint16_t v = (uint16_t)((inw(port) & ~PM1_SLP_TYP_MASK) | (slp_typ << PM1_SLP_TYP_SHIFT));

    outw(port, v);
    outw(port, v | PM1_SLP_EN);
}

static void acpi_power_off(void)
{
    if (!acpi.have_s5 || !acpi.pm1a_cnt_port) {
        printk("tessera: no ACPI S5 (%s)\n", !acpi.have_fadt       ? "no FADT"
                                             : !acpi.pm1a_cnt_port ? "no PM1a control block"
                                                                   : "no \\_S5_ in the DSDT");
        return;
    }
    printk("tessera: powering off (ACPI S5)\n");
    pm1_sleep(acpi.pm1a_cnt_port, acpi.s5_slp_typ_a);
    if (acpi.pm1b_cnt_port)
        pm1_sleep(acpi.pm1b_cnt_port, acpi.s5_slp_typ_b);
    udelay(RESET_WAIT_US);
}

void machine_power_off(enum hv_exit_status status)
{
    irq_disable();
    smp_stop_others();
    /* A CPU may have been stopped holding the console lock: do not wait for it forever. */
    console_enter_panic();
    printk("tessera: allocations after boot: %llu\n", (unsigned long long)page_alloc_after_boot());
    if (cmdline_has("debug-exit"))
        debug_exit(status);
    acpi_power_off();
    printk("tessera: power-off failed; halting\n");
    cpu_halt_forever();
}

static void reset_via_acpi(void)
{
    const struct acpi_gas *r = &acpi.reset_reg;

    if (!acpi.have_reset_reg)
        return;
    if (r->space_id == ACPI_GAS_IO)
        outb((uint16_t)r->address, acpi.reset_value);
    else
        *(volatile uint8_t *)ioremap(mk_paddr(r->address), 1) = acpi.reset_value;
    udelay(RESET_WAIT_US);
}

static void reset_via_kbc(void)
{
    for (int i = 0; i < 1000 && (inb(KBC_STATUS) & KBC_INPUT_FULL); i++)
        udelay(10);
    outb(KBC_STATUS, KBC_PULSE_RESET);
    udelay(RESET_WAIT_US);
}

/* An empty IDT turns the next exception into a triple fault: a CPU reset. */
static __noreturn void reset_via_triple_fault(void)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __packed empty = { 0, 0 };

    __asm__ volatile("lidt %0; int3" : : "m"(empty) : "memory");
    cpu_halt_forever();
}

void machine_reboot(void)
{
    irq_disable();
    smp_stop_others();
    console_enter_panic(); /* as in machine_power_off() */
    printk("tessera: rebooting\n");
    reset_via_acpi();
    outb(RESET_CF9, CF9_SYS_RST);
    outb(RESET_CF9, CF9_SYS_RST | CF9_RST_CPU);
    udelay(RESET_WAIT_US);
    reset_via_kbc();
    reset_via_triple_fault();
}
