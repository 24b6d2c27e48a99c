/* Shared between the emulator's decode, address, ALU and execute parts. */
#ifndef HV_ARCH_X86_HVM_EMULATE_EMULATE_INTERNAL_H
#define HV_ARCH_X86_HVM_EMULATE_EMULATE_INTERNAL_H

#include "x86_emulate.h"

/* Code size of the current mode in bytes: 2, 4 or 8 (from CR0.PE, RFLAGS.VM, EFER.LMA, CS). */
unsigned int x86_code_size(const struct x86_emul_ctxt *ctxt, const struct x86_segment *cs);

static inline uint64_t x86_size_mask(unsigned int size)
{
    return size >= 8 ? ~0ull : (1ull << (size * 8)) - 1;
}

static inline bool x86_is_canonical(uint64_t linear)
{
    return (uint64_t)((int64_t)(linear << 16) >> 16) == linear;
}

int x86_raise(struct x86_emul_ctxt *ctxt, uint8_t vector, uint32_t error_code);

/*
 * Linear address of seg:ea for an access of size bytes, after the mode's checks
 * (segment limit and type outside 64-bit mode, canonical form in it).
 */
int x86_linear_address(struct x86_emul_ctxt *ctxt, const struct x86_emul_ops *ops,
                       const struct x86_insn *insn, enum x86_seg seg, uint64_t ea,
                       unsigned int size, bool write, uint64_t *linear);

/* dst op src at size bytes; updates the arithmetic flags in *rflags. */
uint64_t x86_alu(enum x86_insn_op op, uint64_t dst, uint64_t src, unsigned int size,
                 uint64_t *rflags);

#endif
