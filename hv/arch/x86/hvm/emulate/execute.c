/* Execution of a decoded instruction: operand reads and writes through the callbacks. */
#include "emulate_internal.h"

/* Byte registers 4-7 are AH, CH, DH, BH unless any REX prefix is present. */
static bool is_high_byte(const struct x86_insn *insn, unsigned int reg, unsigned int size)
{
    return size == 1 && !insn->rex && reg >= 4 && reg < 8;
}

static uint64_t read_reg(struct x86_emul_ctxt *ctxt, const struct x86_emul_ops *ops,
                         const struct x86_insn *insn, unsigned int reg, unsigned int size)
{
    if (is_high_byte(insn, reg, size))
        return (ops->read_gpr(ctxt->opaque, (enum x86_gpr)(reg - 4)) >> 8) & 0xff;
    return ops->read_gpr(ctxt->opaque, (enum x86_gpr)reg) & x86_size_mask(size);
}

/* As the CPU writes registers: 8- and 16-bit writes merge, 32-bit writes zero-extend. */
static void write_reg(struct x86_emul_ctxt *ctxt, const struct x86_emul_ops *ops,
                      const struct x86_insn *insn, unsigned int reg, unsigned int size,
                      uint64_t value)
{
    uint64_t mask = x86_size_mask(size);

    if (is_high_byte(insn, reg, size)) {
        reg -= 4;
        mask <<= 8;
        value <<= 8;
    } else if (size >= 4) {
        ops->write_gpr(ctxt->opaque, (enum x86_gpr)reg, value & mask);
        return;
    }
    uint64_t old = ops->read_gpr(ctxt->opaque, (enum x86_gpr)reg);
    ops->write_gpr(ctxt->opaque, (enum x86_gpr)reg, (old & ~mask) | (value & mask));
}

static uint64_t sign_extend(uint64_t value, unsigned int size)
{
    uint64_t sign = 1ull << (size * 8 - 1);

    value &= x86_size_mask(size);
    return (value ^ sign) - sign;
}

static uint64_t effective_address(struct x86_emul_ctxt *ctxt, const struct x86_emul_ops *ops,
                                  const struct x86_insn *insn)
{
    uint64_t ea = (uint64_t)insn->disp;

    if (insn->rip_relative)
        ea += ctxt->rip + insn->length;
    if (insn->base >= 0)
        ea += ops->read_gpr(ctxt->opaque, (enum x86_gpr)insn->base);
    if (insn->index >= 0)
        ea += ops->read_gpr(ctxt->opaque, (enum x86_gpr)insn->index) * insn->scale;
    return ea & x86_size_mask(insn->addr_size);
}

static int access_memory(struct x86_emul_ctxt *ctxt, const struct x86_emul_ops *ops,
                         const struct x86_insn *insn, enum x86_seg seg, uint64_t ea,
                         unsigned int size, enum x86_access_role role, bool write, uint64_t *value)
{
    struct x86_access access = { .size = size,
                                 .role = role,
                                 .locked = insn->lock || insn->op == X86_OP_XCHG };
    int rc = x86_linear_address(ctxt, ops, insn, seg, ea, size, write, &access.linear);

    if (rc != X86_EMUL_OK)
        return rc;
    if (write)
        return ops->write(ctxt->opaque, &access, *value & x86_size_mask(size), &ctxt->exception);
    rc = ops->read(ctxt->opaque, &access, value, &ctxt->exception);
    if (rc == X86_EMUL_OK)
        *value &= x86_size_mask(size);
    return rc;
}

static int execute_alu(struct x86_emul_ctxt *ctxt, const struct x86_emul_ops *ops,
                       const struct x86_insn *insn, uint64_t ea)
{
    unsigned int size = insn->op_size;
    uint64_t mem, other, result;
    int rc = access_memory(ctxt, ops, insn, insn->seg, ea, size, X86_ACCESS_OPERAND, false, &mem);

    if (rc != X86_EMUL_OK)
        return rc;
    bool writes = insn->op != X86_OP_CMP && insn->op != X86_OP_TEST;

    other = insn->has_imm ? insn->imm : read_reg(ctxt, ops, insn, insn->reg, size);
    if (!insn->mem_is_dst) {
        result = x86_alu(insn->op, other, mem, size, &ctxt->rflags);
        if (writes)
            write_reg(ctxt, ops, insn, insn->reg, size, result);
        return X86_EMUL_OK;
    }
    /* Flags change only once the write has succeeded. */
    uint64_t rflags = ctxt->rflags;
    result = x86_alu(insn->op, mem, other, size, &rflags);
    if (writes) {
        rc = access_memory(ctxt, ops, insn, insn->seg, ea, size, X86_ACCESS_OPERAND, true, &result);
        if (rc != X86_EMUL_OK)
            return rc;
    }
    ctxt->rflags = rflags;
    return X86_EMUL_OK;
}

/*
 * bt/bts/btr/btc. A register bit offset is signed and may address outside the
 * operand: the operand moves by whole operand-sized units. An immediate offset
 * is taken modulo the operand width.
 */
static int execute_bit(struct x86_emul_ctxt *ctxt, const struct x86_emul_ops *ops,
                       const struct x86_insn *insn, uint64_t ea)
{
    unsigned int size = insn->op_size, bits = size * 8;
    uint64_t offset, value;
    int rc;

    if (insn->has_imm) {
        offset = insn->imm & (bits - 1);
    } else {
        int64_t signed_offset =
            (int64_t)sign_extend(read_reg(ctxt, ops, insn, insn->reg, size), size);
        /* Floor division by the width; gcc and clang shift signed values arithmetically. */
        int64_t unit = signed_offset >> (size == 2 ? 4 : size == 4 ? 5 : 6);

        ea = (ea + (uint64_t)unit * size) & x86_size_mask(insn->addr_size);
        offset = (uint64_t)signed_offset & (bits - 1);
    }
    rc = access_memory(ctxt, ops, insn, insn->seg, ea, size, X86_ACCESS_OPERAND, false, &value);
    if (rc != X86_EMUL_OK)
        return rc;

    uint64_t bit = 1ull << offset;
    bool was_set = value & bit;
    if (insn->op != X86_OP_BT) {
        if (insn->op == X86_OP_BTS)
            value |= bit;
        else if (insn->op == X86_OP_BTR)
            value &= ~bit;
        else
            value ^= bit;
        rc = access_memory(ctxt, ops, insn, insn->seg, ea, size, X86_ACCESS_OPERAND, true, &value);
        if (rc != X86_EMUL_OK)
            return rc;
    }
    ctxt->rflags = (ctxt->rflags & ~(uint64_t)X86_RFLAGS_CF) | (was_set ? X86_RFLAGS_CF : 0);
    return X86_EMUL_OK;
}

/* rSI/rDI/rCX at the address size: a 16-bit update keeps the upper bits. */
static void write_address_reg(struct x86_emul_ctxt *ctxt, const struct x86_emul_ops *ops,
                              const struct x86_insn *insn, enum x86_gpr reg, uint64_t value)
{
    struct x86_insn no_rex = *insn;

    no_rex.rex = true; /* never a high-byte register here */
    write_reg(ctxt, ops, &no_rex, reg, insn->addr_size, value);
}

/*
 * movs/stos, one element or up to X86_EMUL_REP_BATCH of a rep. Registers move
 * after each element's write, so a fault leaves the state of the elements done.
 * Returns through *done whether the instruction finished.
 */
static int execute_string(struct x86_emul_ctxt *ctxt, const struct x86_emul_ops *ops,
                          const struct x86_insn *insn, bool *done)
{
    uint64_t amask = x86_size_mask(insn->addr_size);
    uint64_t count = insn->rep ? ops->read_gpr(ctxt->opaque, X86_RCX) & amask : 1;
    uint64_t step = (ctxt->rflags & X86_RFLAGS_DF) ? -(uint64_t)insn->op_size : insn->op_size;
    uint64_t batch = count < X86_EMUL_REP_BATCH ? count : X86_EMUL_REP_BATCH;

    for (uint64_t i = 0; i < batch; i++) {
        uint64_t rdi = ops->read_gpr(ctxt->opaque, X86_RDI);
        uint64_t rsi = ops->read_gpr(ctxt->opaque, X86_RSI);
        uint64_t value;
        int rc;

        if (insn->op == X86_OP_MOVS) {
            rc = access_memory(ctxt, ops, insn, insn->seg, rsi & amask, insn->op_size,
                               X86_ACCESS_STRING_SRC, false, &value);
            if (rc != X86_EMUL_OK)
                return rc;
        } else {
            value = read_reg(ctxt, ops, insn, X86_RAX, insn->op_size);
        }
        rc = access_memory(ctxt, ops, insn, X86_SEG_ES, rdi & amask, insn->op_size,
                           X86_ACCESS_STRING_DST, true, &value);
        if (rc != X86_EMUL_OK)
            return rc;
        write_address_reg(ctxt, ops, insn, X86_RDI, rdi + step);
        if (insn->op == X86_OP_MOVS)
            write_address_reg(ctxt, ops, insn, X86_RSI, rsi + step);
        if (insn->rep)
            write_address_reg(ctxt, ops, insn, X86_RCX, count - i - 1);
    }
    *done = batch == count;
    return X86_EMUL_OK;
}

int x86_execute(struct x86_emul_ctxt *ctxt, const struct x86_emul_ops *ops,
                const struct x86_insn *insn)
{
    bool done = true;
    uint64_t value;
    int rc;

    if (insn->op == X86_OP_MOVS || insn->op == X86_OP_STOS) {
        rc = execute_string(ctxt, ops, insn, &done);
    } else {
        uint64_t ea = effective_address(ctxt, ops, insn);

        switch (insn->op) {
        case X86_OP_MOV_TO_MEM:
            value = insn->has_imm ? insn->imm : read_reg(ctxt, ops, insn, insn->reg, insn->op_size);
            rc = access_memory(ctxt, ops, insn, insn->seg, ea, insn->op_size, X86_ACCESS_OPERAND,
                               true, &value);
            break;
        case X86_OP_MOV_FROM_MEM:
        case X86_OP_MOVZX:
        case X86_OP_MOVSX: {
            unsigned int size = insn->op == X86_OP_MOV_FROM_MEM ? insn->op_size : insn->src_size;
            rc = access_memory(ctxt, ops, insn, insn->seg, ea, size, X86_ACCESS_OPERAND, false,
                               &value);
            if (rc != X86_EMUL_OK)
                break;
            if (insn->op == X86_OP_MOVSX)
                value = sign_extend(value, size);
            write_reg(ctxt, ops, insn, insn->reg, insn->op_size, value);
            break;
        }
        case X86_OP_XCHG: {
            uint64_t reg = read_reg(ctxt, ops, insn, insn->reg, insn->op_size);

            rc = access_memory(ctxt, ops, insn, insn->seg, ea, insn->op_size, X86_ACCESS_OPERAND,
                               false, &value);
            if (rc == X86_EMUL_OK)
                rc = access_memory(ctxt, ops, insn, insn->seg, ea, insn->op_size,
                                   X86_ACCESS_OPERAND, true, &reg);
            if (rc == X86_EMUL_OK)
                write_reg(ctxt, ops, insn, insn->reg, insn->op_size, value);
            break;
        }
        case X86_OP_BT:
        case X86_OP_BTS:
        case X86_OP_BTR:
        case X86_OP_BTC: rc = execute_bit(ctxt, ops, insn, ea); break;
        default: rc = execute_alu(ctxt, ops, insn, ea); break;
        }
    }
    if (rc == X86_EMUL_OK && done)
        ctxt->rip = (ctxt->rip + insn->length) & x86_size_mask(insn->code_size);
    return rc;
}

int x86_emulate(struct x86_emul_ctxt *ctxt, const struct x86_emul_ops *ops)
{
    struct x86_insn insn;
    int rc = x86_decode(ctxt, ops, &insn);

    if (rc != X86_EMUL_OK)
        return rc;
    return x86_execute(ctxt, ops, &insn);
}
