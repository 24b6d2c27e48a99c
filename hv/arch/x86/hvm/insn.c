// SPDX-License-Identifier: MIT
/*
 * Instruction lengths. QEMU offers no NRIP save and no decode assists, and
 * even on hardware an instruction may carry prefixes, so the hypervisor reads
 * the bytes at the guest's CS:RIP itself (through the guest's page tables and
 * the P2M) and checks they are the instruction the exit says.
 */
#include <asm/guest_pt.h>
#include <hv/guest_access.h>
#include <hv/printk.h>
#include "hvm.h"

bool hvm_is_legacy_prefix(uint8_t b)
{
    switch (b) {
    case 0x26:
    case 0x2E:
    case 0x36:
    case 0x3E:
    case 0x64:
    case 0x65:
    case 0x66:
    case 0x67:
    case 0xF0:
    case 0xF2:
    case 0xF3: return true;
    default: return false;
    }
}

unsigned int hvm_fetch_insn(struct vcpu *v, uint8_t *buf)
{
    bool long_mode = hvm_code_bits(v) == 64;
    uint64_t rip = hvm_be->get_reg(v, GREG_RIP);
    gvaddr_t linear;
    gpaddr_t gpa;
    struct hvm_code c;
    unsigned int n = 0, chunk;

    hvm_be->get_code(v, &c);
    linear = mk_gvaddr(long_mode ? rip : (c.cs_base + rip) & 0xFFFFFFFFu);
    while (n < X86_MAX_INSN_LEN) {
        gvaddr_t addr = gvaddr_add(linear, n);

        chunk =
            (unsigned int)MIN((uint64_t)(X86_MAX_INSN_LEN - n), PAGE_SIZE - gvaddr_offset(addr));
        if (guest_fetch_virt_to_phys(v, addr, &gpa) ||
            copy_from_guest_phys(v->domain, buf + n, gpa, chunk))
            break;
        n += chunk;
    }
    return n;
}

unsigned int hvm_insn_length(struct vcpu *v, const struct hvm_opcode *ops, unsigned int nr_ops)
{
    bool long_mode = hvm_code_bits(v) == 64;
    uint8_t buf[X86_MAX_INSN_LEN];
    unsigned int n = hvm_fetch_insn(v, buf), i = 0, k;

    while (i < n && hvm_is_legacy_prefix(buf[i]))
        i++;
    if (i < n && long_mode && (buf[i] & 0xF0) == 0x40)
        i++;
    for (k = 0; k < nr_ops; k++)
        if (i + ops[k].len <= n && __builtin_memcmp(buf + i, ops[k].bytes, ops[k].len) == 0)
            return i + ops[k].len;
    return 0;
}

struct hvm_outcome hvm_advance_over(struct vcpu *v, const struct hvm_exit *e,
                                    const struct hvm_opcode *op, const char *what)
{
    unsigned int len = e->insn_len ? e->insn_len : hvm_insn_length(v, op, 1);

    if (!len) {
        printk("%s: vCPU %u: the bytes at RIP are not the %s instruction that exited\n",
               v->domain->name, v->id, what);
        return hvm_crash("instruction at RIP does not match the exit");
    }
    return hvm_advance(len);
}
