/*
 * Instruction decode: prefixes, opcode, ModRM/SIB, displacement and immediate,
 * fetched through ops->fetch and validated (length, lock, mode) with no side
 * effect on the guest.
 */
#include "emulate_internal.h"

struct decoder {
    struct x86_emul_ctxt *ctxt;
    const struct x86_emul_ops *ops;
    struct x86_segment cs;
    unsigned int code_size;
    unsigned int pos; /* bytes consumed */
};

int x86_raise(struct x86_emul_ctxt *ctxt, uint8_t vector, uint32_t error_code)
{
    ctxt->exception = (struct x86_exception){
        .vector = vector,
        .has_error_code = vector == X86_EXC_GP || vector == X86_EXC_SS || vector == X86_EXC_PF,
        .error_code = error_code,
    };
    return X86_EMUL_EXCEPTION;
}

unsigned int x86_code_size(const struct x86_emul_ctxt *ctxt, const struct x86_segment *cs)
{
    if (!ctxt->cr0_pe || (ctxt->rflags & X86_RFLAGS_VM))
        return 2;
    if (ctxt->efer_lma && (cs->attr & X86_SEG_ATTR_L))
        return 8;
    return (cs->attr & X86_SEG_ATTR_DB) ? 4 : 2;
}

/*
 * Makes bytes [0, want) available. Fetches run to the end of the page (or the CS
 * limit), never further, so bytes past the instruction cannot fault spuriously.
 */
static int fetch_ensure(struct decoder *d, unsigned int want)
{
    struct x86_emul_ctxt *ctxt = d->ctxt;

    if (want > X86_MAX_INSN_LEN)
        return x86_raise(ctxt, X86_EXC_GP, 0);
    while (ctxt->insn_bytes_fetched < want) {
        unsigned int have = ctxt->insn_bytes_fetched;
        uint64_t chunk = X86_MAX_INSN_LEN - have;
        uint64_t ip = ctxt->rip + have;
        uint64_t linear;

        if (d->code_size == 8) {
            linear = ip;
            if (!x86_is_canonical(linear))
                return x86_raise(ctxt, X86_EXC_GP, 0);
        } else {
            /* An instruction running past the CS limit faults; IP does not wrap. */
            ip = (ctxt->rip & x86_size_mask(d->code_size)) + have;
            if (ip > d->cs.limit)
                return x86_raise(ctxt, X86_EXC_GP, 0);
            if (chunk > (uint64_t)d->cs.limit - ip + 1)
                chunk = (uint64_t)d->cs.limit - ip + 1;
            linear = (d->cs.base + ip) & 0xffffffffull;
        }
        if (chunk > 0x1000 - (linear & 0xfff))
            chunk = 0x1000 - (linear & 0xfff);
        int rc = d->ops->fetch(ctxt->opaque, linear, ctxt->insn_bytes + have, (unsigned int)chunk,
                               &ctxt->exception);
        if (rc != X86_EMUL_OK)
            return rc;
        ctxt->insn_bytes_fetched = have + (unsigned int)chunk;
    }
    return X86_EMUL_OK;
}

static int fetch_u8(struct decoder *d, uint8_t *out)
{
    int rc = fetch_ensure(d, d->pos + 1);

    if (rc != X86_EMUL_OK)
        return rc;
    *out = d->ctxt->insn_bytes[d->pos++];
    return X86_EMUL_OK;
}

/* A little-endian immediate or displacement of size bytes, sign-extended. */
static int fetch_signed(struct decoder *d, unsigned int size, int64_t *out)
{
    int rc = fetch_ensure(d, d->pos + size);
    uint64_t v = 0;

    if (rc != X86_EMUL_OK)
        return rc;
    for (unsigned int i = 0; i < size; i++)
        v |= (uint64_t)d->ctxt->insn_bytes[d->pos + i] << (8 * i);
    d->pos += size;
    if (size < 8 && (v >> (size * 8 - 1)) & 1)
        v |= ~x86_size_mask(size);
    *out = (int64_t)v;
    return X86_EMUL_OK;
}

/* 16-bit addressing: ModRM.rm selects one of eight fixed base/index pairs. */
static int decode_modrm16(struct decoder *d, struct x86_insn *insn, unsigned int mod,
                          unsigned int rm)
{
    static const int8_t base16[8] = {
        X86_RBX, X86_RBX, X86_RBP, X86_RBP, -1, -1, X86_RBP, X86_RBX
    };
    static const int8_t index16[8] = {
        X86_RSI, X86_RDI, X86_RSI, X86_RDI, X86_RSI, X86_RDI, -1, -1
    };
    int64_t disp = 0;
    int rc = X86_EMUL_OK;

    insn->base = base16[rm];
    insn->index = index16[rm];
    insn->scale = 1;
    if (mod == 0 && rm == 6) {
        insn->base = -1;
        rc = fetch_signed(d, 2, &disp);
    } else if (mod == 1) {
        rc = fetch_signed(d, 1, &disp);
    } else if (mod == 2) {
        rc = fetch_signed(d, 2, &disp);
    }
    if (insn->base == X86_RBP)
        insn->seg = X86_SEG_SS;
    insn->disp = disp;
    return rc;
}

static int decode_modrm32(struct decoder *d, struct x86_insn *insn, unsigned int mod,
                          unsigned int rm, unsigned int rex)
{
    int64_t disp = 0;
    int rc;

    insn->index = -1;
    insn->scale = 1;
    insn->base = (int)(rm | ((rex & 1) << 3));
    if (rm == 4) {
        uint8_t sib;

        rc = fetch_u8(d, &sib);
        if (rc != X86_EMUL_OK)
            return rc;
        unsigned int index = ((sib >> 3) & 7) | ((rex & 2) << 2);
        if (index != 4)
            insn->index = (int)index;
        insn->scale = 1u << (sib >> 6);
        insn->base = (int)((sib & 7) | ((rex & 1) << 3));
        if ((sib & 7) == 5 && mod == 0)
            insn->base = -1; /* disp32 without base */
    } else if (rm == 5 && mod == 0) {
        insn->base = -1;
        insn->rip_relative = d->code_size == 8;
    }
    if (insn->base == -1 || mod == 2)
        rc = fetch_signed(d, 4, &disp);
    else if (mod == 1)
        rc = fetch_signed(d, 1, &disp);
    else
        rc = X86_EMUL_OK;
    if (insn->base == X86_RSP || insn->base == X86_RBP)
        insn->seg = X86_SEG_SS;
    insn->disp = disp;
    return rc;
}

/* Reads ModRM (and SIB, displacement); *reg_field is ModRM.reg without REX.R. */
static int decode_modrm(struct decoder *d, struct x86_insn *insn, unsigned int rex,
                        unsigned int *reg_field)
{
    uint8_t modrm;
    int rc = fetch_u8(d, &modrm);

    if (rc != X86_EMUL_OK)
        return rc;
    unsigned int mod = modrm >> 6, rm = modrm & 7;
    *reg_field = (modrm >> 3) & 7;
    insn->reg = *reg_field | ((rex & 4) << 1);
    /* A register operand is not a memory access: never an MMIO instruction. */
    if (mod == 3)
        return insn->lock ? x86_raise(d->ctxt, X86_EXC_UD, 0) : X86_EMUL_UNHANDLED;
    if (insn->addr_size == 2)
        return decode_modrm16(d, insn, mod, rm);
    return decode_modrm32(d, insn, mod, rm, rex);
}

static int fetch_imm(struct decoder *d, struct x86_insn *insn, unsigned int size)
{
    int64_t v;
    int rc = fetch_signed(d, size, &v);

    if (rc != X86_EMUL_OK)
        return rc;
    insn->has_imm = true;
    insn->imm = (uint64_t)v & x86_size_mask(insn->op_size);
    return X86_EMUL_OK;
}

/* Immediate of an operand of op_size: imm8/16/32, 64-bit operands take a sign-extended imm32. */
static int fetch_imm_op(struct decoder *d, struct x86_insn *insn)
{
    return fetch_imm(d, insn, insn->op_size == 8 ? 4 : insn->op_size);
}

/*
 * The classic ALU operation selector (opcode bits 5:3, or ModRM.reg of 80-83):
 * add, or, adc, sbb, and, sub, xor, cmp. False for adc and sbb, not handled.
 */
static bool alu_operation(unsigned int selector, enum x86_insn_op *op)
{
    static const enum x86_insn_op ops[8] = {
        [0] = X86_OP_ADD, [1] = X86_OP_OR,  [4] = X86_OP_AND,
        [5] = X86_OP_SUB, [6] = X86_OP_XOR, [7] = X86_OP_CMP,
    };

    if (selector == 2 || selector == 3)
        return false;
    *op = ops[selector];
    return true;
}

static int decode_two_byte(struct decoder *d, struct x86_insn *insn, unsigned int rex)
{
    static const enum x86_insn_op bt_ops[4] = { X86_OP_BT, X86_OP_BTS, X86_OP_BTR, X86_OP_BTC };
    unsigned int reg_field;
    uint8_t opcode;
    int rc = fetch_u8(d, &opcode);

    if (rc != X86_EMUL_OK)
        return rc;
    switch (opcode) {
    case 0xb6:
    case 0xb7:
    case 0xbe:
    case 0xbf:
        insn->op = (opcode & 8) ? X86_OP_MOVSX : X86_OP_MOVZX;
        insn->src_size = (opcode & 1) ? 2 : 1;
        return decode_modrm(d, insn, rex, &reg_field);
    case 0xa3:
    case 0xab:
    case 0xb3:
    case 0xbb: insn->op = bt_ops[(opcode >> 3) & 3]; return decode_modrm(d, insn, rex, &reg_field);
    case 0xba:
        rc = decode_modrm(d, insn, rex, &reg_field);
        if (rc != X86_EMUL_OK)
            return rc;
        if (reg_field < 4)
            return X86_EMUL_UNHANDLED;
        insn->op = bt_ops[reg_field - 4];
        return fetch_imm(d, insn, 1);
    default: return X86_EMUL_UNHANDLED;
    }
}

/* Byte-sized forms: the low opcode bit clear in the classic ALU/mov encodings. */
static void set_byte_form(struct x86_insn *insn, uint8_t opcode)
{
    if (!(opcode & 1))
        insn->op_size = 1;
}

static int decode_opcode(struct decoder *d, struct x86_insn *insn, uint8_t opcode, unsigned int rex)
{
    unsigned int reg_field;
    int rc;

    if (opcode < 0x40 && (opcode & 7) < 4 && alu_operation(opcode >> 3, &insn->op)) {
        /* 00-03 add, 08-0B or, 20-23 and, 28-2B sub, 30-33 xor, 38-3B cmp. */
        insn->mem_is_dst = !(opcode & 2);
        set_byte_form(insn, opcode);
        return decode_modrm(d, insn, rex, &reg_field);
    }
    switch (opcode) {
    case 0x63:
        if (!d->ctxt->efer_lma || d->code_size != 8)
            return X86_EMUL_UNHANDLED; /* arpl outside 64-bit mode */
        insn->op = X86_OP_MOVSX;
        insn->src_size = insn->op_size < 4 ? insn->op_size : 4;
        return decode_modrm(d, insn, rex, &reg_field);
    case 0x80:
    case 0x81:
    case 0x83:
        rc = decode_modrm(d, insn, rex, &reg_field);
        if (rc != X86_EMUL_OK)
            return rc;
        if (!alu_operation(reg_field, &insn->op))
            return X86_EMUL_UNHANDLED;
        insn->mem_is_dst = true;
        set_byte_form(insn, opcode);
        return opcode == 0x81 ? fetch_imm_op(d, insn) : fetch_imm(d, insn, 1);
    case 0x84:
    case 0x85:
        insn->op = X86_OP_TEST;
        set_byte_form(insn, opcode);
        return decode_modrm(d, insn, rex, &reg_field);
    case 0x86:
    case 0x87:
        insn->op = X86_OP_XCHG;
        insn->mem_is_dst = true;
        set_byte_form(insn, opcode);
        return decode_modrm(d, insn, rex, &reg_field);
    case 0x88:
    case 0x89:
    case 0x8a:
    case 0x8b:
        insn->op = (opcode & 2) ? X86_OP_MOV_FROM_MEM : X86_OP_MOV_TO_MEM;
        insn->mem_is_dst = !(opcode & 2);
        set_byte_form(insn, opcode);
        return decode_modrm(d, insn, rex, &reg_field);
    case 0xa0:
    case 0xa1:
    case 0xa2:
    case 0xa3: {
        int64_t offset;

        insn->op = (opcode & 2) ? X86_OP_MOV_TO_MEM : X86_OP_MOV_FROM_MEM;
        insn->mem_is_dst = opcode & 2;
        insn->reg = X86_RAX;
        insn->moffs = true;
        set_byte_form(insn, opcode);
        rc = fetch_signed(d, insn->addr_size, &offset);
        insn->disp = (int64_t)((uint64_t)offset & x86_size_mask(insn->addr_size));
        return rc;
    }
    case 0xa4:
    case 0xa5:
        insn->op = X86_OP_MOVS;
        set_byte_form(insn, opcode);
        return X86_EMUL_OK;
    case 0xaa:
    case 0xab:
        insn->op = X86_OP_STOS;
        insn->reg = X86_RAX;
        set_byte_form(insn, opcode);
        return X86_EMUL_OK;
    case 0xc6:
    case 0xc7:
        rc = decode_modrm(d, insn, rex, &reg_field);
        if (rc != X86_EMUL_OK)
            return rc;
        if (reg_field != 0)
            return X86_EMUL_UNHANDLED;
        insn->op = X86_OP_MOV_TO_MEM;
        insn->mem_is_dst = true;
        set_byte_form(insn, opcode);
        return fetch_imm_op(d, insn);
    case 0xf6:
    case 0xf7:
        rc = decode_modrm(d, insn, rex, &reg_field);
        if (rc != X86_EMUL_OK)
            return rc;
        if (reg_field != 0)
            return X86_EMUL_UNHANDLED;
        insn->op = X86_OP_TEST;
        set_byte_form(insn, opcode);
        return fetch_imm_op(d, insn);
    case 0x0f: return decode_two_byte(d, insn, rex);
    default: return X86_EMUL_UNHANDLED;
    }
}

static bool op_is_lockable(const struct x86_insn *insn)
{
    switch (insn->op) {
    case X86_OP_ADD:
    case X86_OP_OR:
    case X86_OP_AND:
    case X86_OP_SUB:
    case X86_OP_XOR: return insn->mem_is_dst;
    case X86_OP_XCHG:
    case X86_OP_BTS:
    case X86_OP_BTR:
    case X86_OP_BTC: return true;
    default: return false;
    }
}

struct prefixes {
    bool opsize, addrsize, lock, rep, seg_override;
    enum x86_seg seg;
    unsigned int rex;
};

/* Legacy and REX prefixes; *opcode is the first byte after them. */
static int decode_prefixes(struct decoder *d, struct prefixes *p, uint8_t *opcode)
{
    for (;;) {
        uint8_t byte;
        int rc = fetch_u8(d, &byte);

        if (rc != X86_EMUL_OK)
            return rc;
        if (d->code_size == 8 && (byte & 0xf0) == 0x40) {
            p->rex = byte;
            continue;
        }
        switch (byte) {
        case 0x66: p->opsize = true; break;
        case 0x67: p->addrsize = true; break;
        case 0xf0: p->lock = true; break;
        case 0xf2:
        case 0xf3: p->rep = true; break;
        case 0x26:
        case 0x2e:
        case 0x36:
        case 0x3e:
            /* ES, CS, SS, DS overrides are ignored in 64-bit mode. */
            if (d->code_size != 8) {
                p->seg_override = true;
                p->seg = (enum x86_seg)((byte >> 3) & 3);
            }
            break;
        case 0x64:
        case 0x65:
            p->seg_override = true;
            p->seg = (enum x86_seg)(X86_SEG_FS + (byte & 1));
            break;
        default: *opcode = byte; return X86_EMUL_OK;
        }
        p->rex = 0; /* a REX counts only right before the opcode */
    }
}

int x86_decode(struct x86_emul_ctxt *ctxt, const struct x86_emul_ops *ops, struct x86_insn *insn)
{
    struct decoder d = { .ctxt = ctxt, .ops = ops };
    struct prefixes p = { 0 };
    uint8_t opcode;
    int rc;

    ops->read_segment(ctxt->opaque, X86_SEG_CS, &d.cs);
    d.code_size = x86_code_size(ctxt, &d.cs);
    ctxt->insn_bytes_fetched = 0;
    *insn = (struct x86_insn){ .seg = X86_SEG_DS,
                               .base = -1,
                               .index = -1,
                               .scale = 1,
                               .code_size = d.code_size,
                               .mode64 = d.code_size == 8 };
    rc = decode_prefixes(&d, &p, &opcode);
    if (rc != X86_EMUL_OK)
        return rc;
    insn->rex = p.rex != 0;
    insn->lock = p.lock;
    if (insn->mode64) {
        insn->addr_size = p.addrsize ? 4 : 8;
        insn->op_size = (p.rex & 8) ? 8 : p.opsize ? 2 : 4;
    } else {
        unsigned int other = d.code_size == 4 ? 2 : 4;
        insn->addr_size = p.addrsize ? other : d.code_size;
        insn->op_size = p.opsize ? other : d.code_size;
    }
    rc = decode_opcode(&d, insn, opcode, p.rex);
    if (rc != X86_EMUL_OK)
        return rc;
    /* An override beats the SS default of rBP/rSP bases. */
    if (p.seg_override)
        insn->seg = p.seg;
    insn->rep = p.rep && (insn->op == X86_OP_MOVS || insn->op == X86_OP_STOS);
    if (insn->lock && !op_is_lockable(insn))
        return x86_raise(ctxt, X86_EXC_UD, 0);
    insn->length = d.pos;
    return X86_EMUL_OK;
}
