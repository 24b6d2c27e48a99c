// SPDX-License-Identifier: MIT
/*
 * Xen's x86-64 PV hypercall page, for the container PV domains run in: each
 * 32-byte stub is `mov $nr, %eax; <the back-end's call instruction>; ret`,
 * which exits at any CPL and clobbers nothing (Xen's own stubs save RCX and
 * R11 around SYSCALL). The iret stub (23) pushes RCX, R11 and RAX first, as
 * Xen's does, so the hypervisor finds struct iret_context (xen-x86_64.h) at
 * the guest's RSP: a kernel that jumps to it after pushing its frame, as
 * Linux does, works unchanged. The builder's page (SYSCALL stubs, Xen's
 * ring-deprivileged form) is overwritten with this one after the build.
 */
#include <string.h>
#include <public/xen.h>
#include <hv/guest_access.h>
#include "pv.h"

/* One stub into s (XEN_HYPERCALL_STUB_SIZE bytes, int3 padded). */
static void write_stub(uint8_t *s, uint32_t nr)
{
    unsigned int n = 0;

    memset(s, 0xCC, XEN_HYPERCALL_STUB_SIZE);
    if (nr == __HYPERVISOR_iret) {
        s[n++] = 0x51;                /* push %rcx */
        s[n++] = 0x41, s[n++] = 0x53; /* push %r11 */
        s[n++] = 0x50;                /* push %rax */
    }
    s[n++] = 0xB8; /* mov $nr, %eax */
    memcpy(s + n, &nr, 4);
    n += 4;
    memcpy(s + n, hvm_be->hypercall_insn, hvm_be->hypercall_insn_len);
    n += hvm_be->hypercall_insn_len;
    if (nr != __HYPERVISOR_iret)
        s[n] = 0xC3; /* ret; iret does not return here */
}

bool pv_hypercall_page_write(struct domain *d, gpaddr_t gpa)
{
    uint8_t stub[XEN_HYPERCALL_STUB_SIZE];

    for (uint32_t nr = 0; nr < PAGE_SIZE / XEN_HYPERCALL_STUB_SIZE; nr++) {
        write_stub(stub, nr);
        if (copy_to_guest_phys(d, gpaddr_add(gpa, nr * XEN_HYPERCALL_STUB_SIZE), stub,
                               sizeof(stub)))
            return false;
    }
    return true;
}
