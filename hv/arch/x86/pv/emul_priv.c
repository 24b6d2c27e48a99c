// SPDX-License-Identifier: MIT
/*
 * Privileged instructions of a PV guest kernel. The kernel runs at CPL 3,
 * so they raise #GP(0) in the container; as Xen's emul-priv-op.c does for
 * an unprivileged domU, the hypervisor fetches the instruction at RIP
 * through the guest's page tables and emulates the ones Xen emulates:
 *
 *   RDMSR, WRMSR       Xen's PV MSR handling (msr.c)
 *   MOV from CR0-CR4   CR0 with the guest's TS; CR2 the last #PF address
 *                      (vcpu_info's, 0 without one); CR3 the current page
 *                      tables' frame; CR4 the container's CR4 (the guest's
 *                      view: PAE, OSFXSR, OSXMMEXCPT, and the bits MOV to
 *                      CR4 lets the guest set)
 *   MOV to CR0/CR3/CR4 as Xen takes them (emul_cr.c)
 *   XSETBV             XCR0 within the PV CPUID view (emul_cr.c)
 *   CLTS               clears CR0.TS, as fpu_taskswitch(0)
 *   WBINVD             dropped (a domU has no cache-flush permission)
 *
 *   CLI, STI           with a virtual IOPL of 1 or more (physdev_op
 *                      set_iopl): the upcall mask set or cleared
 *
 * then advances RIP past it. Port I/O (IN, OUT, INS, OUTS) is emul_io.c's,
 * in user mode too, as the virtual IOPL allows. CLI/STI without that IOPL
 * stay #GP, as do HLT, CR8 and the other control registers, debug registers,
 * an instruction in a 32-bit or 16-bit code segment, and anything else:
 * the #GP goes to the guest's trap table with RIP unchanged. Guest user
 * mode gets no other emulation (its #GP is its kernel's).
 */
#include <public/arch-x86/shared_info.h>
#include "pv.h"

/* The instruction after its legacy and REX prefixes. */
struct priv_insn {
    const uint8_t *op;  /* opcode bytes */
    unsigned int avail; /* of them fetched */
    unsigned int len;   /* of the prefixes */
    uint8_t rex;        /* the REX right before the opcode, else 0 */
    bool lock;          /* LOCK: AMD's MOV CR8 alias, or #UD; nothing emulated */
};

/* A legacy prefix, or a REX (the code is 64-bit). */
static bool is_prefix(uint8_t b)
{
    return hvm_is_legacy_prefix(b) || (b & 0xF0) == 0x40;
}

/* Fetches and splits the instruction at RIP (64-bit code); false if it has no opcode byte. */
static bool fetch(struct vcpu *v, uint8_t *buf, struct priv_insn *in)
{
    unsigned int n = hvm_fetch_insn(v, buf), i = 0;
    bool lock = false;

    for (; i < n && is_prefix(buf[i]); i++)
        lock |= buf[i] == 0xF0;
    if (i >= n)
        return false;
    /* A REX counts only right before the opcode. */
    *in = (struct priv_insn){ buf + i, n - i, i, i && (buf[i - 1] & 0xF0) == 0x40 ? buf[i - 1] : 0,
                              lock };
    return true;
}

static uint64_t cr2_of(const struct vcpu *v)
{
    return v->ev.info ? __atomic_load_n(&v->ev.info->arch.cr2, __ATOMIC_RELAXED) : 0;
}

static const enum guest_reg gpr[16] = {
    GREG_RAX, GREG_RCX, GREG_RDX, GREG_RBX, GREG_RSP, GREG_RBP, GREG_RSI, GREG_RDI,
    GREG_R8,  GREG_R9,  GREG_R10, GREG_R11, GREG_R12, GREG_R13, GREG_R14, GREG_R15,
};

/* MOV from CRn to a 64-bit register (ModRM mod is ignored: always a register). */
static bool mov_from_cr(struct vcpu *v, const struct priv_insn *in)
{
    unsigned int cr, reg;
    struct guest_paging p;
    uint64_t val;

    if (in->avail < 3)
        return false;
    cr = ((in->op[2] >> 3) & 7) | ((in->rex & 4) << 1);
    reg = (in->op[2] & 7) | ((in->rex & 1) << 3);
    hvm_be->get_paging(v, &p);
    switch (cr) {
    case 0: val = hvm_be->get_reg(v, GREG_CR0); break;
    case 2: val = cr2_of(v); break;
    case 3: val = p.cr3 & ~0xFFFull; break;
    case 4: val = p.cr4; break;
    default: return false; /* CR8 and the others: #GP */
    }
    hvm_be->set_reg(v, gpr[reg], val);
    return true;
}

/* MOV to CRn from a 64-bit register: emul_cr.c. */
static bool mov_to_cr(struct vcpu *v, const struct priv_insn *in)
{
    unsigned int cr, reg;

    if (in->avail < 3)
        return false;
    cr = ((in->op[2] >> 3) & 7) | ((in->rex & 4) << 1);
    reg = (in->op[2] & 7) | ((in->rex & 1) << 3);
    return pv_write_cr(v, cr, hvm_be->get_reg(v, gpr[reg]));
}

static bool msr_op(struct vcpu *v, bool write)
{
    uint32_t msr = (uint32_t)hvm_be->get_reg(v, GREG_RCX);
    uint64_t val;

    if (write)
        return pv_msr_write(v, msr,
                            (hvm_be->get_reg(v, GREG_RAX) & 0xFFFFFFFFu) |
                                (hvm_be->get_reg(v, GREG_RDX) << 32));
    if (!pv_msr_read(v, msr, &val))
        return false;
    hvm_be->set_reg(v, GREG_RAX, val & 0xFFFFFFFFu);
    hvm_be->set_reg(v, GREG_RDX, val >> 32);
    return true;
}

/* Emulates a two-byte (0F xx) privileged instruction; false: not one Xen emulates here. */
static bool emulate_0f(struct vcpu *v, const struct priv_insn *in)
{
    switch (in->op[1]) {
    case 0x06: /* CLTS */
        hvm_be->set_reg(v, GREG_CR0, hvm_be->get_reg(v, GREG_CR0) & ~X86_CR0_TS);
        return true;
    case 0x09: return true; /* WBINVD */
    case 0x20: return mov_from_cr(v, in);
    case 0x22: return mov_to_cr(v, in);
    case 0x30: return msr_op(v, true);
    case 0x32: return msr_op(v, false);
    default: return false;
    }
}

static bool emulate_priv_op(struct vcpu *v, struct hvm_outcome *o)
{
    uint8_t buf[X86_MAX_INSN_LEN];
    struct hvm_code c;
    struct priv_insn in;

    hvm_be->get_code(v, &c);
    if (!(c.cs_attr & X86_SEG_ATTR_L) || !fetch(v, buf, &in) || in.lock)
        return false;
    /*
     * CLI/STI given the virtual IOPL Xen's iopl_ok() asks of a kernel (1,
     * physdev_op set_iopl): the upcall mask, as Xen does; a pending event
     * is delivered at the next entry once STI clears it.
     */
    if ((in.op[0] == 0xFA || in.op[0] == 0xFB) && to_pv(v)->iopl >= 1) {
        pv_set_upcall_mask(v, in.op[0] == 0xFA);
        *o = hvm_advance(in.len + 1);
        return true;
    }
    if (in.op[0] == 0x0F && in.avail >= 3 && in.op[1] == 0x01 && in.op[2] == 0xD1)
        return pv_xsetbv(v, in.len + 3, o);
    if (in.op[0] != 0x0F || in.avail < 2 || !emulate_0f(v, &in))
        return false;
    /* MOV from and to CR have a third byte (ModRM). */
    *o = hvm_advance(in.len + (in.op[1] == 0x20 || in.op[1] == 0x22 ? 3 : 2));
    return true;
}

bool pv_emulate(struct vcpu *v, uint8_t vector, uint32_t error_code, struct hvm_outcome *o)
{
    if (vector == X86_EXC_UD)
        return pv_emulate_forced_cpuid(v, o);
    if (vector != X86_EXC_GP || error_code)
        return false;
    return pv_emulate_port_io(v, o) || (to_pv(v)->kernel_mode && emulate_priv_op(v, o));
}
