/*
 * x86 instruction decoder and emulator for MMIO accesses.
 *
 * The CPUs and emulators we run on may give no decode assists on a nested page
 * fault (QEMU's SVM offers none), so the faulting instruction is fetched through
 * the guest's page tables and emulated here. Only the instructions kernels and
 * compilers use on device memory are handled (docs/emulator.md); anything else is
 * X86_EMUL_UNHANDLED and the caller stops the domain naming the bytes.
 *
 * The emulator is pure: every guest access goes through the caller's callbacks, so
 * it builds both in the hypervisor and as a host program (tests, fuzzer).
 * Decode and execute are separate steps: x86_decode() fetches and validates with
 * no side effect on the guest; x86_execute() reads and writes guest state.
 */
#ifndef HV_ARCH_X86_HVM_EMULATE_X86_EMULATE_H
#define HV_ARCH_X86_HVM_EMULATE_X86_EMULATE_H

#include <stdbool.h>
#include <stdint.h>
#include <arch/x86-defs.h> /* X86_SEG_ATTR_S/P/L/DB, X86_RFLAGS_VM, X86_EXC_* */

#define X86_MAX_INSN_LEN 15

/* rep movs/stos iterations per call; the rest restart the instruction (RIP kept). */
#define X86_EMUL_REP_BATCH 256

enum x86_emul_result {
    X86_EMUL_OK,
    X86_EMUL_UNHANDLED, /* not an instruction this emulator knows: stop the domain */
    X86_EMUL_EXCEPTION, /* inject ctxt->exception; RIP is not advanced */
};

/* General-purpose registers in their encoding order. */
enum x86_gpr {
    X86_RAX,
    X86_RCX,
    X86_RDX,
    X86_RBX,
    X86_RSP,
    X86_RBP,
    X86_RSI,
    X86_RDI,
    X86_R8,
    X86_R9,
    X86_R10,
    X86_R11,
    X86_R12,
    X86_R13,
    X86_R14,
    X86_R15,
};

/* Segment registers in their encoding order. */
enum x86_seg {
    X86_SEG_ES,
    X86_SEG_CS,
    X86_SEG_SS,
    X86_SEG_DS,
    X86_SEG_FS,
    X86_SEG_GS
};

/* Attribute bits as in the VMCB segment attribute field (descriptor bits 40-47, 52-55). */
#define X86_SEG_ATTR_TYPE_MASK  0x00fu
#define X86_SEG_ATTR_TYPE_CODE  0x008u
#define X86_SEG_ATTR_TYPE_EXPDN 0x004u /* data segments: expand-down */
#define X86_SEG_ATTR_TYPE_WR    0x002u /* data: writable; code: readable */

struct x86_segment {
    uint64_t base;
    uint32_t limit; /* byte granular (already scaled by G) */
    uint16_t attr;  /* X86_SEG_ATTR_*; P clear means unusable (null selector) */
};

#define X86_RFLAGS_CF (1u << 0)
#define X86_RFLAGS_PF (1u << 2)
#define X86_RFLAGS_AF (1u << 4)
#define X86_RFLAGS_ZF (1u << 6)
#define X86_RFLAGS_SF (1u << 7)
#define X86_RFLAGS_DF (1u << 10)
#define X86_RFLAGS_OF (1u << 11)
#define X86_RFLAGS_ARITH \
    (X86_RFLAGS_CF | X86_RFLAGS_PF | X86_RFLAGS_AF | X86_RFLAGS_ZF | X86_RFLAGS_SF | X86_RFLAGS_OF)

struct x86_exception {
    uint8_t vector;
    bool has_error_code;
    uint32_t error_code;
    bool has_cr2; /* #PF: cr2 is the faulting linear address */
    uint64_t cr2;
};

/* What a data access is, so the caller can route it (MMIO device or RAM). */
enum x86_access_role {
    X86_ACCESS_OPERAND,    /* the ModRM/moffs memory operand */
    X86_ACCESS_STRING_SRC, /* movs source, seg:rSI */
    X86_ACCESS_STRING_DST, /* movs/stos destination, ES:rDI */
};

struct x86_access {
    uint64_t linear;
    unsigned int size; /* 1, 2, 4 or 8 */
    enum x86_access_role role;
    bool locked; /* part of a locked read-modify-write (lock prefix, xchg) */
};

/*
 * Callbacks. Memory callbacks translate linear addresses through the guest's
 * page tables themselves; they return X86_EMUL_OK, or X86_EMUL_EXCEPTION after
 * filling *exc (e.g. #PF with cr2 and error code), or X86_EMUL_UNHANDLED.
 */
struct x86_emul_ops {
    /* Instruction bytes (an instruction fetch); never crosses a page. */
    int (*fetch)(void *opaque, uint64_t linear, uint8_t *buf, unsigned int len,
                 struct x86_exception *exc);
    int (*read)(void *opaque, const struct x86_access *access, uint64_t *value,
                struct x86_exception *exc);
    int (*write)(void *opaque, const struct x86_access *access, uint64_t value,
                 struct x86_exception *exc);
    uint64_t (*read_gpr)(void *opaque, enum x86_gpr reg);
    void (*write_gpr)(void *opaque, enum x86_gpr reg, uint64_t value);
    void (*read_segment)(void *opaque, enum x86_seg seg, struct x86_segment *out);
};

/* The guest's mode and the state the emulator reads and updates in place. */
struct x86_emul_ctxt {
    void *opaque; /* passed to every callback */
    bool cr0_pe;
    bool efer_lma;
    /*
     * In: the instruction. Out, on X86_EMUL_OK from x86_execute(): the next one, or
     * unchanged when a rep string instruction has iterations left (it restarts).
     */
    uint64_t rip;
    uint64_t rflags;                /* in and out */
    struct x86_exception exception; /* valid on X86_EMUL_EXCEPTION */
    /* The bytes fetched so far, for diagnostics (also on failure). */
    uint8_t insn_bytes[X86_MAX_INSN_LEN];
    unsigned int insn_bytes_fetched;
};

enum x86_insn_op {
    X86_OP_MOV_TO_MEM,   /* reg or immediate -> mem */
    X86_OP_MOV_FROM_MEM, /* mem -> reg */
    X86_OP_MOVZX,
    X86_OP_MOVSX,
    X86_OP_ADD,
    X86_OP_OR,
    X86_OP_AND,
    X86_OP_SUB,
    X86_OP_XOR,
    X86_OP_CMP,
    X86_OP_TEST,
    X86_OP_XCHG,
    X86_OP_BT,
    X86_OP_BTS,
    X86_OP_BTR,
    X86_OP_BTC,
    X86_OP_MOVS,
    X86_OP_STOS,
};

/* A decoded instruction: everything execute needs, nothing of guest state. */
struct x86_insn {
    enum x86_insn_op op;
    unsigned int length;
    unsigned int op_size;   /* operand size in bytes */
    unsigned int src_size;  /* movzx/movsx source size */
    unsigned int addr_size; /* 2, 4 or 8 */
    unsigned int code_size; /* 2, 4 or 8: the mode's default, for the RIP wrap */
    bool mode64;
    bool rex; /* any REX: byte registers 4-7 are SPL..DIL */
    bool lock;
    bool rep;        /* F2 or F3 on movs/stos */
    bool mem_is_dst; /* ALU/move direction: the memory operand is written */
    bool has_imm;
    uint64_t imm;     /* sign- or zero-extended to op_size as the opcode says */
    unsigned int reg; /* ModRM.reg (with REX.R): the register operand */
    enum x86_seg seg; /* segment of the memory operand (string source) */
    /* Memory operand: base + index * scale + disp (or next RIP + disp). */
    int base;  /* -1: none */
    int index; /* -1: none */
    unsigned int scale;
    int64_t disp;
    bool rip_relative;
    bool moffs;
};

int x86_decode(struct x86_emul_ctxt *ctxt, const struct x86_emul_ops *ops, struct x86_insn *insn);
int x86_execute(struct x86_emul_ctxt *ctxt, const struct x86_emul_ops *ops,
                const struct x86_insn *insn);
/* x86_decode() then x86_execute(). */
int x86_emulate(struct x86_emul_ctxt *ctxt, const struct x86_emul_ops *ops);

#endif
