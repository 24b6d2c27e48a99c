// SPDX-License-Identifier: MIT
/*
 * Xen's forced-emulation prefix: `ud2; .ascii "xen"` (0f 0b 78 65 6e)
 * before `cpuid` (0f a2) raises #UD, and the hypervisor answers the CPUID
 * with the PV view (cpuid.c) and resumes after both, as Xen's
 * emul-inv-op.c does; Linux's xen_cpuid uses it, in kernel and user mode
 * alike. As on Xen, the signature or the CPUID after it cut by a page that
 * cannot be read is a #PF (error code 0) at the first unreadable byte;
 * bytes that are not the signature or not CPUID leave the #UD to the
 * guest's handler. Unlike Xen, bytes that already differ from the
 * signature before the unreadable page keep their #UD too (a SYSCALL at the
 * end of a page is not turned into a #PF).
 */
#include <string.h>
#include "pv.h"

static const uint8_t signature[5] = { 0x0F, 0x0B, 'x', 'e', 'n' };
static const uint8_t cpuid_insn[2] = { 0x0F, 0xA2 };

bool pv_emulate_forced_cpuid(struct vcpu *v, struct hvm_outcome *o)
{
    uint8_t buf[X86_MAX_INSN_LEN];
    struct hvm_code c;
    unsigned int n;
    uint32_t r[4];

    hvm_be->get_code(v, &c);
    if (!(c.cs_attr & X86_SEG_ATTR_L))
        return false;
    n = hvm_fetch_insn(v, buf);
    if (memcmp(buf, signature, MIN(n, (unsigned int)sizeof(signature))))
        return false;
    if (n < sizeof(signature) + sizeof(cpuid_insn)) {
        *o = pv_exception(v, X86_EXC_PF, 0, hvm_be->get_reg(v, GREG_RIP) + n);
        return true;
    }
    if (memcmp(buf + sizeof(signature), cpuid_insn, sizeof(cpuid_insn)))
        return false;
    pv_cpuid(v, (uint32_t)hvm_be->get_reg(v, GREG_RAX), (uint32_t)hvm_be->get_reg(v, GREG_RCX), r);
    hvm_be->set_reg(v, GREG_RAX, r[0]);
    hvm_be->set_reg(v, GREG_RBX, r[1]);
    hvm_be->set_reg(v, GREG_RCX, r[2]);
    hvm_be->set_reg(v, GREG_RDX, r[3]);
    *o = hvm_advance(sizeof(signature) + sizeof(cpuid_insn));
    return true;
}
