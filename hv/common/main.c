// SPDX-License-Identifier: MIT
/* hv_main(): the boot CPU's path from the loader's hand-over to the boot report. */
#include <string.h>
#include <boot/bootinfo.h>
#include <hv/boot_report.h>
#include <hv/boot_tree.h>
#include <hv/cmdline.h>
#include <hv/domains.h>
#include <hv/fbcon.h>
#include <hv/page_alloc.h>
#include <hv/panic.h>
#include <hv/percpu.h>
#include <hv/power.h>
#include <hv/printk.h>
#include <hv/smp.h>
#include <hv/timeline.h>
#include <hv/timer.h>
#include <hyperlaunch/fdt_check.h>
#include <asm/acpi.h>
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/idt.h>
#include <asm/paging.h>
#include <asm/serial.h>
#include <asm/smp.h>
#include <asm/tsc.h>

__noreturn void hv_main(paddr_t bootinfo_paddr);

/* What is wrong with the boot information, or NULL. */
static const char *bootinfo_problem(const struct tessera_bootinfo *bi)
{
    if (!bi)
        return "no address (RDI = 0)";
    if (bi->magic != TESSERA_BOOTINFO_MAGIC)
        return "bad magic (not a Tessera loader?)";
    if (bi->version != TESSERA_BOOTINFO_VERSION)
        return "unsupported version (loader and hypervisor do not match)";
    if (bi->size != sizeof(*bi))
        return "size differs from this hypervisor's struct tessera_bootinfo";
    if (bi->memmap_entries == 0 || bi->memmap_entry_size < sizeof(struct tessera_mem_range))
        return "empty memory map or entries too small";
    if (bi->nr_modules > TESSERA_BOOT_MAX_MODULES ||
        (bi->nr_modules && bi->module_entry_size < sizeof(struct tessera_module)))
        return "too many modules or module entries too small";

    uint64_t prev_end = 0;

    for (uint32_t i = 0; i < bi->memmap_entries; i++) {
        const struct tessera_mem_range *r =
            (const void *)(bi->memmap_paddr + (uint64_t)i * bi->memmap_entry_size);

        if (r->base < prev_end || r->base + r->size < r->base)
            return "memory map not sorted, overlapping or wrapping";
        prev_end = r->base + r->size;
    }
    return NULL;
}

/* Before anything else is set up: say so on COM1 and stop. */
static __noreturn void halt_bad_bootinfo(paddr_t pa, const char *why)
{
    char msg[160];
    int n = snprintf(msg, sizeof(msg), "tessera: boot information at %#llx: %s; halting\n",
                     (unsigned long long)paddr_val(pa), why);

    serial_write(msg, (size_t)MIN((size_t)n, sizeof(msg) - 1));
    for (;;) {
        irq_disable();
        __asm__ volatile("hlt");
    }
}

/*
 * The launch tree through the firmware's identity map, its structure checked
 * (bounded: nothing reads it with libfdt before); NULL with why if unusable.
 */
static const void *launch_tree(const struct tessera_bootinfo *bi, char *why, size_t why_size)
{
    const void *fdt = (const void *)bi->launch_tree_paddr;

    if (!fdt) {
        snprintf(why, why_size, "no launch tree");
        return NULL;
    }
    return hl_fdt_check(fdt, bi->launch_tree_size, why, why_size) == 0 ? fdt : NULL;
}

/* The loader's options, if they are the NUL-terminated string bootinfo says. */
static const char *loader_options(const struct tessera_bootinfo *bi)
{
    const char *s = (const char *)bi->cmdline_paddr;

    if (!s)
        return NULL;
    if (strnlen(s, (size_t)bi->cmdline_len + 1) != bi->cmdline_len) {
        printk("tessera: loader options at %#llx are not %u bytes and a NUL; ignored\n",
               (unsigned long long)bi->cmdline_paddr, bi->cmdline_len);
        return NULL;
    }
    return s;
}

/* crash-test=exception: a write to the hypervisor's own code, which W^X must catch. */
static void crash_test(void)
{
    const char *what = cmdline_get("crash-test");

    if (!what)
        return;
    if (strcmp(what, "exception") != 0) {
        printk("tessera: crash-test=%s not understood (exception); ignored\n", what);
        return;
    }
    printk("tessera: crash-test: writing to the hypervisor's code at %p\n", (void *)hv_main);
    *(volatile uint8_t *)(uintptr_t)hv_main = 0xCC;
    panic("crash-test: a write to code did not fault: W^X is broken");
}

void hv_main(paddr_t bootinfo_paddr)
{
    /* Identity-mapped by the loader until paging_init(). */
    const struct tessera_bootinfo *bi = (const void *)paddr_val(bootinfo_paddr);
    const char *problem;
    char tree_problem[160];

    serial_init(SERIAL_COM1, SERIAL_DEFAULT_BAUD);
    problem = bootinfo_problem(bi);
    if (problem)
        halt_bad_bootinfo(bootinfo_paddr, problem);

    /* Descriptor tables and FS/GS first: exceptions get reported and libfdt finds its canary. */
    idt_init();
    struct percpu *bsp = percpu_alloc(0, cpu_initial_apic_id());

    arch_cpu_init(bsp);
    tsc_set_loader_estimate(bi->stamps.loader_tsc_khz);
    timeline_init(bi);

    const void *fdt = launch_tree(bi, tree_problem, sizeof(tree_problem));

    cmdline_init(fdt ? boot_tree_config_bootargs(fdt) : NULL, loader_options(bi));
    serial_configure_from_cmdline();
    printk("tessera: Tessera hypervisor %s\n", TESSERA_VERSION);
    printk("tessera: hypervisor entry\n");
    printk("tessera: command line: \"%s\"\n", cmdline_full());
    if (!fdt)
        panic("launch tree at %#llx (%llu bytes): %s", (unsigned long long)bi->launch_tree_paddr,
              (unsigned long long)bi->launch_tree_size, tree_problem);

    paging_init(bi);
    bi = phys_to_virt(bootinfo_paddr);
    percpu_guard_stacks(bsp);
    page_alloc_init(bi);
    fbcon_init(bi);

    acpi_init(mk_paddr(bi->rsdp_paddr));
    timeline_mark("ACPI read", TIMELINE_NO_ARG);
    tsc_calibrate();
    timeline_mark("TSC rate known", TIMELINE_NO_ARG);
    lapic_init();
    timer_init_cpu();
    timeline_mark("timer ready", TIMELINE_NO_ARG);
    /* The framebuffer is drawn by a timer, from here: the boot's lines cost no drawing. */
    fbcon_start_drawing();
    smp_set_trampoline(mk_paddr(bi->trampoline_paddr), bi->trampoline_size);
    smp_boot_secondaries();

    boot_report(bi);
    crash_test();
    machine_power_off(domains_build_and_start(bi));
}
