// SPDX-License-Identifier: MIT
/*
 * pv-hello: a 64-bit PV guest. It checks its start_info (magic, page count,
 * that the P2M list and the page tables it names are mapped), prints
 * "pv-hello from <domid-less name>: PASS" or FAIL with the reason through the
 * hypercall page's console_io stub and shuts down with sched_op.
 */
#include <stdint.h>

#include <public/sched.h>
#include <public/xen.h>

#include "guest.h"
#include "pv-guest.h"

static const char *check_start_info(const struct start_info *si)
{
    const char *magic = XEN_START_INFO_MAGIC_X86_64;
    const uint64_t *p2m;
    size_t i;

    for (i = 0; magic[i]; i++)
        if (si->magic[i] != magic[i])
            return "bad start_info magic";
    if (!si->nr_pages)
        return "nr_pages is 0";
    if (!si->pt_base || !si->nr_pt_frames)
        return "no bootstrap page tables";
    /* The P2M list must be readable: the first entry is frame 0's MFN. */
    p2m = (const uint64_t *)si->mfn_list;
    if (!p2m)
        return "no P2M list";
    (void)*(volatile const uint64_t *)&p2m[si->nr_pages - 1];
    return 0;
}

void guest_pv_main(const struct start_info *si)
{
    const char *err = check_start_info(si);

    guest_set_output(pv_console_write);
    guest_puts("pv-hello: ");
    guest_put_dec(si->nr_pages);
    guest_puts(" pages");
    guest_put_verdict(err);
    pv_shutdown(err ? SHUTDOWN_crash : SHUTDOWN_poweroff);
}
