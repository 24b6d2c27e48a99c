/* The arithmetic and logic the emulator performs, with the flags the CPU would set. */
#include "emulate_internal.h"

static bool parity_even(uint64_t value)
{
    uint8_t b = (uint8_t)value;

    b ^= b >> 4;
    b ^= b >> 2;
    b ^= b >> 1;
    return !(b & 1);
}

uint64_t x86_alu(enum x86_insn_op op, uint64_t dst, uint64_t src, unsigned int size,
                 uint64_t *rflags)
{
    uint64_t mask = x86_size_mask(size);
    uint64_t sign = 1ull << (size * 8 - 1);
    uint64_t result, flags = 0;

    dst &= mask;
    src &= mask;
    switch (op) {
    case X86_OP_ADD:
        result = (dst + src) & mask;
        if (result < dst)
            flags |= X86_RFLAGS_CF;
        if ((dst ^ result) & (src ^ result) & sign)
            flags |= X86_RFLAGS_OF;
        flags |= (dst ^ src ^ result) & X86_RFLAGS_AF;
        break;
    case X86_OP_SUB:
    case X86_OP_CMP:
        result = (dst - src) & mask;
        if (dst < src)
            flags |= X86_RFLAGS_CF;
        if ((dst ^ src) & (dst ^ result) & sign)
            flags |= X86_RFLAGS_OF;
        flags |= (dst ^ src ^ result) & X86_RFLAGS_AF;
        break;
    case X86_OP_OR: result = dst | src; break;
    case X86_OP_XOR: result = dst ^ src; break;
    default: /* AND, TEST: CF and OF are 0; AF is undefined, 0 here */ result = dst & src; break;
    }
    if (result == 0)
        flags |= X86_RFLAGS_ZF;
    if (result & sign)
        flags |= X86_RFLAGS_SF;
    if (parity_even(result))
        flags |= X86_RFLAGS_PF;
    *rflags = (*rflags & ~(uint64_t)X86_RFLAGS_ARITH) | flags;
    return result;
}
