// SPDX-License-Identifier: MIT
/*
 * Port I/O of a PV guest, as Xen's emul-priv-op.c answers a domU given no
 * I/O ports. The container runs the guest at CPL 3 with IOPL 0, so IN,
 * OUT, INS and OUTS raise #GP(0). When the virtual IOPL (physdev_op
 * set_iopl) allows the access, as Xen's iopl_ok() asks (the kernel counts
 * as CPL 1, user space as CPL 3), the access is completed as it would be on
 * a port no device answers: reads give all ones, writes are dropped; INS
 * stores the ones at ES:RDI and OUTS reads its source at RSI (a segment
 * override of FS or GS taking that base), both stepping by DF, with REP
 * counted in RCX (ECX, EDI and ESI with an address-size prefix). A store
 * or read that faults is a #PF (error code 2 for INS's store, 0 for OUTS's
 * read, as Xen's emulator gives) with the completed repetitions kept; a
 * REP runs at most REP_PER_EXIT repetitions an exit and resumes at the
 * instruction. Otherwise, and for a set_iobitmap bitmap (not offered), the
 * #GP goes to the guest's trap table, as on Xen.
 */
#include <hv/guest_access.h>
#include "pv.h"

/* Repetitions of one REP INS/OUTS done per exit: the hypervisor stays preemptible. */
#define REP_PER_EXIT 1024

#define RFLAGS_DF X86_BIT(10) /* string instructions step down */

struct io_insn {
    unsigned int len;  /* of the whole instruction */
    unsigned int size; /* 1, 2 or 4 bytes */
    uint8_t op;        /* the opcode byte */
    bool rep, addr32;
    uint8_t seg; /* the last segment override prefix (OUTS's source), else 0 */
};

/* Xen's iopl_ok(): the kernel at virtual CPL 1, user space at 3. */
static bool iopl_ok(struct vcpu *v)
{
    const struct pv_vcpu *pv = to_pv(v);

    return pv->iopl >= (pv->kernel_mode ? 1 : 3);
}

/* Decodes the port I/O instruction at RIP (64-bit code); false if it is none. */
static bool decode(struct vcpu *v, struct io_insn *in)
{
    uint8_t b[X86_MAX_INSN_LEN];
    unsigned int n = hvm_fetch_insn(v, b), i = 0;
    bool opsize = false;

    *in = (struct io_insn){ 0 };
    for (; i < n && (hvm_is_legacy_prefix(b[i]) || (b[i] & 0xF0) == 0x40); i++) {
        switch (b[i]) {
        case 0xF0: return false; /* LOCK: #UD on the processor */
        case 0x66: opsize = true; break;
        case 0x67: in->addr32 = true; break;
        case 0xF2:
        case 0xF3: in->rep = true; break;
        case 0x26:
        case 0x2E:
        case 0x36:
        case 0x3E:
        case 0x64:
        case 0x65: in->seg = b[i]; break;
        }
    }
    if (i >= n)
        return false;
    in->op = b[i];
    switch (in->op) {
    case 0xE4:
    case 0xE5:
    case 0xE6:
    case 0xE7: /* IN/OUT with imm8 */
        if (i + 1 >= n)
            return false;
        in->len = i + 2;
        break;
    case 0xEC:
    case 0xED:
    case 0xEE:
    case 0xEF: /* IN/OUT with DX */
    case 0x6C:
    case 0x6D:
    case 0x6E:
    case 0x6F: /* INS, OUTS */ in->len = i + 1; break;
    default: return false;
    }
    in->size = !(in->op & 1) ? 1 : opsize ? 2 : 4;
    return true;
}

/* IN from a port no device answers: all ones, into AL, AX or EAX (zero-extended) as the CPU. */
static void in_all_ones(struct vcpu *v, unsigned int size)
{
    uint64_t rax = hvm_be->get_reg(v, GREG_RAX);

    if (size == 4)
        rax = 0xFFFFFFFFull;
    else
        rax |= size == 2 ? 0xFFFFull : 0xFFull;
    hvm_be->set_reg(v, GREG_RAX, rax);
}

/* An address register of a string instruction, read and stepped at its address size. */
static uint64_t addr_reg(struct vcpu *v, enum guest_reg r, bool addr32)
{
    uint64_t val = hvm_be->get_reg(v, r);

    return addr32 ? (uint32_t)val : val;
}

/*
 * One INS or OUTS element at addr: the store of all ones, or the read of
 * its source; false if a byte cannot be accessed, *fault its address.
 */
static bool string_element(struct vcpu *v, bool ins, uint64_t addr, unsigned int size,
                           uint64_t *fault)
{
    static const uint8_t ones[4] = { 0xFF, 0xFF, 0xFF, 0xFF };
    uint8_t byte;

    for (unsigned int i = 0; i < size; i++) {
        if (ins ? copy_to_guest(v, mk_gvaddr(addr + i), &ones[i], 1)
                : copy_from_guest(v, &byte, mk_gvaddr(addr + i), 1)) {
            *fault = addr + i;
            return false;
        }
    }
    return true;
}

/*
 * INS or OUTS, REP or not (see the top of the file): true with *o what
 * follows; false for a non-canonical address, its #GP(0) the guest's (the
 * completed repetitions kept, as the processor keeps them).
 */
static bool string_io(struct vcpu *v, const struct io_insn *in, struct hvm_outcome *o)
{
    bool ins = in->op <= 0x6D, canonical = true, faulted = false;
    enum guest_reg idx = ins ? GREG_RDI : GREG_RSI;
    uint64_t count = in->rep ? addr_reg(v, GREG_RCX, in->addr32) : 1;
    uint64_t base = 0; /* INS's ES, and OUTS's DS, ES, CS or SS: base 0 in 64-bit mode */
    uint64_t off = addr_reg(v, idx, in->addr32), fault = 0, done = 0;
    int64_t step = hvm_be->get_reg(v, GREG_RFLAGS) & RFLAGS_DF ? -(int64_t)in->size : in->size;

    if (!ins && (in->seg == 0x64 || in->seg == 0x65))
        base = hvm_be->get_reg(v, in->seg == 0x64 ? GREG_FS_BASE : GREG_GS_BASE);
    while (done < count && done < REP_PER_EXIT) {
        uint64_t addr = base + off;

        canonical = pv_canonical(addr) && pv_canonical(addr + in->size - 1);
        if (!canonical)
            break;
        if (!string_element(v, ins, addr, in->size, &fault)) {
            faulted = true;
            break;
        }
        off += (uint64_t)step;
        if (in->addr32)
            off = (uint32_t)off;
        done++;
    }
    if (done) {
        hvm_be->set_reg(v, idx, off);
        if (in->rep)
            hvm_be->set_reg(v, GREG_RCX, in->addr32 ? (uint32_t)(count - done) : count - done);
    }
    if (faulted)
        *o = pv_exception(v, X86_EXC_PF, ins ? 2 : 0, fault);
    else if (done == count)
        *o = hvm_advance(in->len);
    else
        *o = hvm_resume(); /* REP_PER_EXIT done: the rest after this entry */
    return canonical;
}

bool pv_emulate_port_io(struct vcpu *v, struct hvm_outcome *o)
{
    struct io_insn in;
    struct hvm_code c;

    hvm_be->get_code(v, &c);
    if (!(c.cs_attr & X86_SEG_ATTR_L) || !iopl_ok(v) || !decode(v, &in))
        return false;
    switch (in.op) {
    case 0xE4:
    case 0xE5:
    case 0xEC:
    case 0xED: /* IN: no port answers */
        in_all_ones(v, in.size);
        *o = hvm_advance(in.len);
        return true;
    case 0xE6:
    case 0xE7:
    case 0xEE:
    case 0xEF: /* OUT: dropped */ *o = hvm_advance(in.len); return true;
    default: return string_io(v, &in, o);
    }
}
