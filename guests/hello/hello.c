// SPDX-License-Identifier: MIT
/*
 * hello: the smallest PVH guest. It checks the start of day it was given
 * (hvm_start_info magic, version >= 1, a memory map whose RAM holds this
 * image), then prints "hello from <name>: PASS" (or FAIL with the reason)
 * through Xen's console_io hypercall, and powers off with sched_op.
 *
 * <name> is the value of "domain=" on the command line, else its first word
 * when that is not an option ("alpha" in configs/default.dts), else
 * "domid N" when the hypervisor reports the domain id in CPUID, else "pvh".
 *
 * Without a Xen CPUID signature (booted directly by QEMU's PVH loader) it
 * prints the same text to port 0xE9, reports PASS/FAIL through QEMU's
 * isa-debug-exit port 0xF4 if there is one (exit code 1 / 3), and halts.
 */
#include <stdbool.h>
#include <stdint.h>

#include <public/arch-x86/cpuid.h>
#include <public/arch-x86/hvm/start_info.h>
#include <public/sched.h>
#include <public/xen.h>

#include "guest.h"

void hello_main(const struct hvm_start_info *si);

extern char __image_start[], __image_end[];

/* The hypervisor writes its stubs here once told the address through the MSR. */
static uint8_t hypercall_page[4096] __attribute__((aligned(4096)));
static uint32_t xen_base;

static void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}

static uint32_t find_xen(void)
{
    uint32_t base, a, b, c, d;

    for (base = XEN_CPUID_FIRST_LEAF; base < XEN_CPUID_LAST_LEAF; base += XEN_CPUID_BASE_STEP) {
        cpuid(base, &a, &b, &c, &d);
        if (b == XEN_CPUID_SIGNATURE_EBX && c == XEN_CPUID_SIGNATURE_ECX &&
            d == XEN_CPUID_SIGNATURE_EDX && a >= base + 2)
            return base;
    }
    return 0;
}

static long hypercall3(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3)
{
    long ret;

    __asm__ volatile("call *%[stub]"
                     : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3)
                     : [stub] "r"(hypercall_page + nr * XEN_HYPERCALL_STUB_SIZE)
                     : "memory", "rcx", "r8", "r9", "r10", "r11");
    return ret;
}

static void xen_console_write(const char *s, size_t len)
{
    hypercall3(__HYPERVISOR_console_io, CONSOLEIO_write, len, (uint64_t)(uintptr_t)s);
}

static const char *check_start_info(const struct hvm_start_info *si)
{
    const struct hvm_memmap_table_entry *mm;
    uint64_t lo = (uintptr_t)__image_start, hi = (uintptr_t)__image_end;
    uint32_t i;

    if (!si)
        return "no start info (EBX = 0)";
    if (si->magic != XEN_HVM_START_MAGIC_VALUE)
        return "bad hvm_start_info magic";
    if (si->version < 1)
        return "hvm_start_info version < 1 (no memory map)";
    if (!si->memmap_paddr || !si->memmap_entries)
        return "empty memory map";
    mm = (const struct hvm_memmap_table_entry *)(uintptr_t)si->memmap_paddr;
    for (i = 0; i < si->memmap_entries; i++)
        if (mm[i].type == XEN_HVM_MEMMAP_TYPE_RAM && mm[i].addr <= lo &&
            mm[i].addr + mm[i].size >= hi)
            return 0;
    return "no RAM entry holds the image";
}

/* Copies the word at p (up to a space) into buf; NULL if empty. */
static const char *word(const char *p, char *buf, size_t size)
{
    size_t i;

    for (i = 0; i + 1 < size && p[i] && p[i] != ' '; i++)
        buf[i] = p[i];
    buf[i] = 0;
    return i ? buf : 0;
}

/* "domain=NAME" anywhere, else a first word that is not an option, else NULL. */
static const char *cmdline_domain(const struct hvm_start_info *si, char *buf, size_t size)
{
    const char *start, *p, *key = "domain=";
    size_t k;

    if (!si || si->magic != XEN_HVM_START_MAGIC_VALUE || !si->cmdline_paddr)
        return 0;
    start = (const char *)(uintptr_t)si->cmdline_paddr;
    for (p = start; *p; p++) {
        if (p != start && p[-1] != ' ')
            continue;
        for (k = 0; key[k] && p[k] == key[k]; k++)
            ;
        if (!key[k])
            return word(p + k, buf, size);
    }
    for (p = start; *p == ' '; p++)
        ;
    for (k = 0; p[k] && p[k] != ' '; k++)
        if (p[k] == '=')
            return 0;
    return word(p, buf, size);
}

void hello_main(const struct hvm_start_info *si)
{
    uint32_t a, b, c, d;
    char namebuf[64];
    const char *name, *err;
    bool have_domid = false;
    uint32_t domid = 0;

    xen_base = find_xen();
    if (xen_base) {
        uint64_t page = (uintptr_t)hypercall_page;

        cpuid(xen_base + 2, &a, &b, &c, &d);
        __asm__ volatile("wrmsr" : : "c"(b), "a"((uint32_t)page), "d"((uint32_t)(page >> 32)));
        guest_set_output(xen_console_write);
        cpuid(xen_base, &a, &b, &c, &d);
        if (a >= xen_base + 4) {
            cpuid(xen_base + 4, &a, &b, &c, &d);
            if (a & XEN_HVM_CPUID_DOMID_PRESENT) {
                have_domid = true;
                domid = c;
            }
        }
    } else {
        guest_set_output(guest_write_e9);
    }

    err = check_start_info(si);
    name = cmdline_domain(si, namebuf, sizeof(namebuf));
    guest_puts("hello from ");
    if (name) {
        guest_puts(name);
    } else if (have_domid) {
        guest_puts("domid ");
        guest_put_dec(domid);
    } else {
        guest_puts("pvh");
    }
    if (err) {
        guest_puts(": FAIL: ");
        guest_puts(err);
        guest_puts("\n");
    } else {
        guest_puts(": PASS\n");
    }

    if (xen_base) {
        struct sched_shutdown sd = { .reason = err ? SHUTDOWN_crash : SHUTDOWN_poweroff };

        hypercall3(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (uint64_t)(uintptr_t)&sd, 0);
    } else {
        __asm__ volatile("outl %0, $0xf4" : : "a"(err ? 1u : 0u));
    }
}
