// SPDX-License-Identifier: MIT
/*
 * module-test: the guest of tests/cases/modules-placed*.case. It checks four
 * pages of its own image (a constant per page) and its ramdisk (module 0 of
 * its module list) against the pattern tests/make-module-pattern writes,
 * byte for byte, and that the rest of the module's last page reads zero,
 * then says
 *   "module-test: NAME: boot I: module 0: SIZE bytes at 0xGPA: PASS"
 * (or FAIL: and the first wrong byte) and powers off. Command line:
 *   domain=NAME size=N [shm=A reboots=1]
 * size is the file's size the test expects. With shm= it counts its boots in
 * the shared memory at guest address A (decimal), which survives restarts;
 * on each boot before the last it overwrites its whole module with 0xFF and
 * reboots: the restart must place the pristine image again.
 */
#include <stdbool.h>
#include <stdint.h>

#include <public/arch-x86/hvm/start_info.h>
#include <public/sched.h>
#include <public/xen.h>

#include "guest.h"
#include "xen-guest.h"

#define PAGE 4096ull

/*
 * Four pages of this image, each byte of page k holding k + 1: the kernel's
 * whole pages are mapped from the loader's file when no policy restarts the
 * domain, and a wrong page shows here.
 */
static const uint8_t pages[4][PAGE] __attribute__((aligned(PAGE))) = {
    [0][0 ... PAGE - 1] = 1,
    [1][0 ... PAGE - 1] = 2,
    [2][0 ... PAGE - 1] = 3,
    [3][0 ... PAGE - 1] = 4,
};

static const char *check_image(void)
{
    const volatile uint8_t *p = &pages[0][0];

    for (uint64_t i = 0; i < sizeof(pages); i++)
        if (p[i] != i / PAGE + 1)
            return "a page of its own image is not the file's";
    return 0;
}

/* The pattern's byte at offset i: wrong pages and wrong offsets in a page both show. */
static uint8_t pattern(uint64_t i)
{
    return (uint8_t)(((i >> 12) * 131u) ^ ((i & 0xFFF) * 7u) ^ 0x5A);
}

static const char *check_module(const struct hvm_start_info *si, uint64_t want, uint64_t *gpa)
{
    const struct hvm_modlist_entry *m;
    const volatile uint8_t *p;
    uint64_t i, end;

    if (!si->nr_modules || !si->modlist_paddr)
        return "no module";
    m = (const struct hvm_modlist_entry *)(uintptr_t)si->modlist_paddr;
    *gpa = m->paddr;
    if (m->size != want || !m->paddr)
        return "not the size the test expects";
    if (m->paddr % PAGE)
        return "not page aligned";
    p = (const volatile uint8_t *)(uintptr_t)m->paddr;
    for (i = 0; i < m->size; i++)
        if (p[i] != pattern(i)) {
            guest_puts("module-test: first wrong byte at offset ");
            guest_put_hex(i);
            guest_puts("\n");
            return "a byte is not the pattern's";
        }
    end = (m->size + PAGE - 1) & ~(PAGE - 1);
    for (; i < end; i++)
        if (p[i])
            return "the rest of its last page is not zero";
    return 0;
}

void guest_main(const struct hvm_start_info *si)
{
    volatile uint64_t *boots = (volatile uint64_t *)(uintptr_t)guest_cmdline_u64(si, "shm", 0);
    uint64_t size = guest_cmdline_u64(si, "size", 0), total = 1, boot = 1, gpa = 0;
    const char *start = guest_cmdline(si), *name, *err;
    char namebuf[32];

    if (!xen_setup())
        return;
    guest_set_output(xen_console_write);
    name = start ? guest_cmdline_find(start, start, "domain=") : 0;
    name = name ? guest_copy_word(name + 7, namebuf, sizeof(namebuf)) : 0;
    if (boots) {
        total = guest_cmdline_u64(si, "reboots", 1) + 1;
        boot = ++*boots;
    }
    err = si->magic != XEN_HVM_START_MAGIC_VALUE ? "bad start info" : check_image();
    if (!err)
        err = check_module(si, size, &gpa);
    guest_puts("module-test: ");
    guest_puts(name ? name : "?");
    guest_puts(": boot ");
    guest_put_dec(boot);
    guest_puts(": module 0: ");
    guest_put_dec(size);
    guest_puts(" bytes at ");
    guest_put_hex(gpa);
    guest_put_verdict(err);
    if (!err && boot < total) {
        const struct hvm_modlist_entry *m =
            (const struct hvm_modlist_entry *)(uintptr_t)si->modlist_paddr;
        volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)m->paddr;
        struct sched_shutdown sd = { .reason = SHUTDOWN_reboot };

        for (uint64_t i = 0; i < ((m->size + PAGE - 1) & ~(PAGE - 1)); i++)
            p[i] = 0xFF;
        guest_puts("module-test: module overwritten; rebooting\n");
        xen_hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (uintptr_t)&sd, 0);
    }
    xen_power_off();
}
