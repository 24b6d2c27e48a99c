/* Segmentation: from a segment and an effective address to a checked linear address. */
#include "emulate_internal.h"

int x86_linear_address(struct x86_emul_ctxt *ctxt, const struct x86_emul_ops *ops,
                       const struct x86_insn *insn, enum x86_seg seg, uint64_t ea,
                       unsigned int size, bool write, uint64_t *linear)
{
    uint8_t fault = seg == X86_SEG_SS ? X86_EXC_SS : X86_EXC_GP;
    struct x86_segment s;

    ops->read_segment(ctxt->opaque, seg, &s);
    if (insn->mode64) {
        /* Only FS and GS have a base in 64-bit mode, and no segment has a limit. */
        uint64_t address = ea + ((seg == X86_SEG_FS || seg == X86_SEG_GS) ? s.base : 0);

        if (!x86_is_canonical(address) || !x86_is_canonical(address + size - 1))
            return x86_raise(ctxt, fault, 0);
        if (address + size - 1 < address)
            return X86_EMUL_UNHANDLED; /* wraps the address space: refused as at 4 GiB below */
        *linear = address;
        return X86_EMUL_OK;
    }

    bool protected_mode = ctxt->cr0_pe && !(ctxt->rflags & X86_RFLAGS_VM);
    bool code = s.attr & X86_SEG_ATTR_TYPE_CODE;
    uint64_t last = ea + size - 1;

    if (protected_mode) {
        if (!(s.attr & X86_SEG_ATTR_P))
            return x86_raise(ctxt, fault, 0); /* null or unusable selector */
        /* Code segments are never writable; the W/R bit means readable there. */
        if ((code && write) || ((code || write) && !(s.attr & X86_SEG_ATTR_TYPE_WR)))
            return x86_raise(ctxt, fault, 0);
    }
    if (protected_mode && !code && (s.attr & X86_SEG_ATTR_TYPE_EXPDN)) {
        /* Expand-down: valid offsets lie above the limit, up to 64 KiB or 4 GiB. */
        uint64_t upper = (s.attr & X86_SEG_ATTR_DB) ? 0xffffffffull : 0xffffull;

        if (ea <= s.limit || last > upper)
            return x86_raise(ctxt, fault, 0);
    } else if (last > s.limit) {
        return x86_raise(ctxt, fault, 0);
    }
    *linear = (s.base + ea) & 0xffffffffull;
    /*
     * An access wrapping at 4 GiB is legal but no driver makes one; refusing it
     * spares every caller a split access.
     */
    if (*linear + size - 1 > 0xffffffffull)
        return X86_EMUL_UNHANDLED;
    return X86_EMUL_OK;
}
