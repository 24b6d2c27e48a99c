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
#include "xen-hypercall.h"

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
    return xen_hypercall_via(hypercall_page, nr, a1, a2, a3);
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

/* "domain=NAME" anywhere, else a first word that is not an option, else NULL. */
static const char *cmdline_domain(const struct hvm_start_info *si, char *buf, size_t size)
{
    const char *start = guest_cmdline(si), *p, *key = "domain=";
    size_t k;

    if (!start)
        return 0;
    p = guest_cmdline_find(start, start, key);
    if (p)
        return guest_copy_word(p + guest_strlen(key), buf, size);
    for (p = start; *p == ' '; p++)
        ;
    for (k = 0; p[k] && p[k] != ' '; k++)
        if (p[k] == '=')
            return 0;
    return guest_copy_word(p, buf, size);
}

void guest_main(const struct hvm_start_info *si)
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
    guest_put_verdict(err);

    if (xen_base) {
        struct sched_shutdown sd = { .reason = err ? SHUTDOWN_crash : SHUTDOWN_poweroff };

        hypercall3(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (uint64_t)(uintptr_t)&sd, 0);
    } else {
        __asm__ volatile("outl %0, $0xf4" : : "a"(err ? 1u : 0u));
    }
}
