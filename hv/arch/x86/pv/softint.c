// SPDX-License-Identifier: MIT
/*
 * Software interrupts of a PV guest, as Xen's x86-64 PV ABI gives them.
 * The container has no IDT, so INT n raises #GP with an IDT error code
 * (QEMU's TCG gives vector * 16 + 2 for it, the processor vector * 8 + 2),
 * and INT3 raises #BP at the instruction (or, under TCG, #GP as INT n).
 * The hypervisor reads the instruction at RIP:
 *
 *   INT n (CD ib)  bounced to the trap table's entry for n, RIP past the
 *                  instruction, no error code, when that entry's DPL (its
 *                  TI_GET_DPL flags) admits the ring: the kernel counts as
 *                  ring 1, user space as ring 3 (Xen's permit_softint());
 *                  otherwise #GP with Xen's error code, n * 8 + 2 (the IDT
 *                  bit), to the guest's #GP handler, RIP at the instruction
 *   INT3 (CC), INT 3 and INT 4 (CD 03, CD 04)
 *                  bounced to entries 3 and 4 whatever their DPL, RIP past
 *                  the instruction, as Xen's IDT lets them through to its
 *                  #BP and #OF handlers
 *
 * INTO (CE) is #UD in 64-bit mode, bounced as the exception it is. Any
 * other exception is left to the caller.
 */
#include <hv/printk.h>
#include "pv.h"

#define IDT_ERROR 2u /* the error code's IDT bit (an external event sets bit 0) */

/* The interrupt vector bounced to, with RIP past the len bytes of its instruction. */
static struct hvm_outcome bounce_software_interrupt(struct vcpu *v, uint8_t vector,
                                                    unsigned int len)
{
    const struct pv_trap *t = &to_pv(v)->traps[vector];
    struct pv_bounce b = { .handler = t->address, .mask_events = t->mask_events };
    const char *why;

    if (!t->address) {
        printk("%s: vCPU %u: INT 0x%x at 0x%llx with no handler in its trap table\n",
               v->domain->name, v->id, vector, (unsigned long long)hvm_be->get_reg(v, GREG_RIP));
        return hvm_crash("software interrupt with no trap table handler");
    }
    hvm_be->set_reg(v, GREG_RIP, hvm_be->get_reg(v, GREG_RIP) + len);
    pv_bounce_selectors(v, &b);
    why = pv_bounce(v, &b);
    return why ? hvm_crash(why) : hvm_resume();
}

bool pv_software_interrupt(struct vcpu *v, uint8_t vector, uint32_t *error_code,
                           struct hvm_outcome *o)
{
    uint8_t insn[X86_MAX_INSN_LEN];
    unsigned int n;
    uint8_t nr;

    if (vector != X86_EXC_BP && (vector != X86_EXC_GP || (*error_code & 3) != IDT_ERROR))
        return false;
    n = hvm_fetch_insn(v, insn);
    if (n >= 1 && insn[0] == 0xCC) {
        *o = bounce_software_interrupt(v, X86_EXC_BP, 1);
        return true;
    }
    if (vector != X86_EXC_GP || n < 2 || insn[0] != 0xCD)
        return false;
    nr = insn[1];
    if (nr == X86_EXC_BP || nr == X86_EXC_OF ||
        to_pv(v)->traps[nr].dpl >= (to_pv(v)->kernel_mode ? 1 : 3)) {
        *o = bounce_software_interrupt(v, nr, 2);
        return true;
    }
    *error_code = (uint32_t)nr << 3 | IDT_ERROR;
    return false;
}
