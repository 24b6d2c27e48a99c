/*
 * The MMIO instruction emulator against a table of cases: instruction bytes, mode
 * and initial state -> result, instruction length, registers, memory and flags.
 * Every case also checks that nothing else changed (all 16 registers, all memory).
 * The expected flags of the ALU cases were taken from the host CPU running the
 * same operations.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fake_guest.h"

enum test_mode {
    M_REAL,
    M_VM86,
    M_PROT16,
    M_PROT32,
    M_COMPAT,
    M_LONG
};

struct reg_out {
    bool set;
    uint64_t value;
};

struct mem_value {
    uint32_t addr;
    uint8_t size; /* 0: unused entry */
    uint64_t value;
};

#define SEG_NULL 0xffffu /* .seg_attr value for an unusable segment */
#define NO_LEN   0xffu   /* .len value: RIP stays (rep left unfinished) */

struct emul_case {
    const char *name;
    enum test_mode mode;
    uint8_t code[16];
    unsigned int code_len;
    uint64_t rip; /* 0: 0x1000 */
    uint64_t gpr[16];
    struct reg_out gpr_out[16];
    uint64_t rflags;     /* 0: 0x2 */
    uint64_t rflags_out; /* 0: unchanged */
    uint64_t seg_base[6];
    uint32_t seg_limit[6]; /* 0: the mode's default */
    uint16_t seg_attr[6];  /* 0: the mode's default */
    struct mem_value mem[4];
    struct mem_value mem_out[4];
    int result;
    unsigned int len; /* expected RIP advance on X86_EMUL_OK */
    uint8_t vector;
    uint32_t error_code;
    uint64_t cr2;
    uint64_t fault_page; /* 0: none */
};

#define CODE(...)    .code = { __VA_ARGS__ }, .code_len = sizeof((uint8_t[]){ __VA_ARGS__ })
#define OUT(reg, v)  [reg] = { true, (v) }
#define EXC(vec, ec) .result = X86_EMUL_EXCEPTION, .vector = (vec), .error_code = (ec)

enum {
    ES = X86_SEG_ES,
    CS = X86_SEG_CS,
    SS = X86_SEG_SS,
    DS = X86_SEG_DS,
    FS = X86_SEG_FS,
    GS = X86_SEG_GS
};
enum {
    RAX = X86_RAX,
    RCX = X86_RCX,
    RDX = X86_RDX,
    RBX = X86_RBX,
    RSP = X86_RSP,
    RBP = X86_RBP,
    RSI = X86_RSI,
    RDI = X86_RDI,
    R8 = X86_R8,
    R9 = X86_R9,
    R10 = X86_R10,
    R12 = X86_R12,
    R13 = X86_R13
};

static const struct emul_case cases[] = {
    /* ---- 64-bit mode: mov of every width and form ---- */
    { "long mov [rbx],eax", M_LONG, CODE(0x89, 0x03), .len = 2,
      .gpr = { [RAX] = 0x1122334455667788, [RBX] = 0x2000 },
      .mem_out = { { 0x2000, 4, 0x55667788 } } },
    { "long mov eax,[rbx] zero-extends", M_LONG, CODE(0x8b, 0x03), .len = 2,
      .gpr = { [RAX] = ~0ull, [RBX] = 0x2000 }, .mem = { { 0x2000, 4, 0xdeadbeef } },
      .gpr_out = { OUT(RAX, 0xdeadbeef) } },
    { "long mov rax,[rbx]", M_LONG, CODE(0x48, 0x8b, 0x03), .len = 3, .gpr = { [RBX] = 0x2000 },
      .mem = { { 0x2000, 8, 0x0123456789abcdef } }, .gpr_out = { OUT(RAX, 0x0123456789abcdef) } },
    { "long mov [rbx],ax", M_LONG, CODE(0x66, 0x89, 0x03), .len = 3,
      .gpr = { [RAX] = 0x1234, [RBX] = 0x2000 }, .mem = { { 0x2000, 4, 0xaaaaaaaa } },
      .mem_out = { { 0x2000, 4, 0xaaaa1234 } } },
    { "long mov ax,[rbx] merges", M_LONG, CODE(0x66, 0x8b, 0x03), .len = 3,
      .gpr = { [RAX] = ~0ull, [RBX] = 0x2000 }, .mem = { { 0x2000, 2, 0xbeef } },
      .gpr_out = { OUT(RAX, 0xffffffffffffbeef) } },
    { "long mov [rbx],al", M_LONG, CODE(0x88, 0x03), .len = 2,
      .gpr = { [RAX] = 0x55, [RBX] = 0x2000 }, .mem_out = { { 0x2000, 1, 0x55 } } },
    { "long mov ah,[rbx]", M_LONG, CODE(0x8a, 0x23), .len = 2,
      .gpr = { [RAX] = 0x1111, [RBX] = 0x2000 }, .mem = { { 0x2000, 1, 0x77 } },
      .gpr_out = { OUT(RAX, 0x7711) } },
    { "long mov spl,[rbx] (REX)", M_LONG, CODE(0x40, 0x8a, 0x23), .len = 3,
      .gpr = { [RAX] = 0x1111, [RSP] = 0x1111, [RBX] = 0x2000 }, .mem = { { 0x2000, 1, 0x77 } },
      .gpr_out = { OUT(RSP, 0x1177) } },
    { "long mov [r8],r9 (REX.WRB)", M_LONG, CODE(0x4d, 0x89, 0x08), .len = 3,
      .gpr = { [R8] = 0x2000, [R9] = 0xcafebabe12345678 },
      .mem_out = { { 0x2000, 8, 0xcafebabe12345678 } } },
    { "long mov byte [rbx],imm8", M_LONG, CODE(0xc6, 0x03, 0x5a), .len = 3,
      .gpr = { [RBX] = 0x2000 }, .mem_out = { { 0x2000, 1, 0x5a } } },
    { "long mov word [rbx],imm16", M_LONG, CODE(0x66, 0xc7, 0x03, 0x34, 0x12), .len = 5,
      .gpr = { [RBX] = 0x2000 }, .mem_out = { { 0x2000, 2, 0x1234 } } },
    { "long mov dword [rbx],imm32", M_LONG, CODE(0xc7, 0x03, 0x78, 0x56, 0x34, 0x12), .len = 6,
      .gpr = { [RBX] = 0x2000 }, .mem_out = { { 0x2000, 4, 0x12345678 } } },
    { "long mov qword [rbx],simm32", M_LONG, CODE(0x48, 0xc7, 0x03, 0xfe, 0xff, 0xff, 0xff),
      .len = 7, .gpr = { [RBX] = 0x2000 }, .mem_out = { { 0x2000, 8, 0xfffffffffffffffe } } },
    { "long mov eax,[rip+0x100]", M_LONG, CODE(0x8b, 0x05, 0x00, 0x01, 0x00, 0x00), .len = 6,
      .mem = { { 0x1106, 4, 0x11223344 } }, .gpr_out = { OUT(RAX, 0x11223344) } },
    { "long mov dword [rip-0x10],imm32", M_LONG,
      CODE(0xc7, 0x05, 0xf0, 0xff, 0xff, 0xff, 0x01, 0x00, 0x00, 0x00), .len = 10,
      .mem_out = { { 0xffa, 4, 1 } } },
    { "long mov [rbx+rcx*4+0x10],edx", M_LONG, CODE(0x89, 0x54, 0x8b, 0x10), .len = 4,
      .gpr = { [RBX] = 0x2000, [RCX] = 3, [RDX] = 0xabcd }, .mem_out = { { 0x201c, 4, 0xabcd } } },
    { "long mov eax,[rcx*8+disp32] (no base)", M_LONG,
      CODE(0x8b, 0x04, 0xcd, 0x00, 0x30, 0x00, 0x00), .len = 7, .gpr = { [RCX] = 2 },
      .mem = { { 0x3010, 4, 0x600d } }, .gpr_out = { OUT(RAX, 0x600d) } },
    { "long mov eax,[r13+r10*2-8] (REX.XB)", M_LONG, CODE(0x43, 0x8b, 0x44, 0x55, 0xf8), .len = 5,
      .gpr = { [R13] = 0x2010, [R10] = 4 }, .mem = { { 0x2010, 4, 0x5151 } },
      .gpr_out = { OUT(RAX, 0x5151) } },
    { "long mov eax,[rsp+8]", M_LONG, CODE(0x8b, 0x44, 0x24, 0x08), .len = 4,
      .gpr = { [RSP] = 0x2000 }, .mem = { { 0x2008, 4, 0x88 } }, .gpr_out = { OUT(RAX, 0x88) } },
    { "long mov eax,[rax+r12] (index 4 with REX.X)", M_LONG, CODE(0x42, 0x8b, 0x04, 0x20), .len = 4,
      .gpr = { [RAX] = 0x2000, [R12] = 0x10 }, .mem = { { 0x2010, 4, 0x1212 } },
      .gpr_out = { OUT(RAX, 0x1212) } },
    { "long mov eax,[moffs64]", M_LONG, CODE(0xa1, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00),
      .len = 9, .gpr = { [RAX] = ~0ull }, .mem = { { 0x2000, 4, 0x0ff5 } },
      .gpr_out = { OUT(RAX, 0x0ff5) } },
    { "long mov [moffs64],al", M_LONG, CODE(0xa2, 0x01, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00),
      .len = 9, .gpr = { [RAX] = 0x99 }, .mem_out = { { 0x2001, 1, 0x99 } } },
    { "long mov eax,[moffs32] (67)", M_LONG, CODE(0x67, 0xa1, 0x00, 0x20, 0x00, 0x00), .len = 6,
      .mem = { { 0x2000, 4, 0x3232 } }, .gpr_out = { OUT(RAX, 0x3232) } },
    { "long mov rax,[moffs64] (REX.W)", M_LONG,
      CODE(0x48, 0xa1, 0x10, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00), .len = 10,
      .mem = { { 0x2010, 8, 0x1122334455667788 } }, .gpr_out = { OUT(RAX, 0x1122334455667788) } },
    { "long mov [moffs64],ax (66)", M_LONG,
      CODE(0x66, 0xa3, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00), .len = 10,
      .gpr = { [RAX] = 0xabcdef }, .mem_out = { { 0x2000, 2, 0xcdef } } },
    /* ---- movzx / movsx / movsxd ---- */
    { "long movzx eax,byte [rbx]", M_LONG, CODE(0x0f, 0xb6, 0x03), .len = 3,
      .gpr = { [RAX] = ~0ull, [RBX] = 0x2000 }, .mem = { { 0x2000, 1, 0x80 } },
      .gpr_out = { OUT(RAX, 0x80) } },
    { "long movzx eax,word [rbx]", M_LONG, CODE(0x0f, 0xb7, 0x03), .len = 3,
      .gpr = { [RBX] = 0x2000 }, .mem = { { 0x2000, 2, 0x8001 } },
      .gpr_out = { OUT(RAX, 0x8001) } },
    { "long movsx eax,byte [rbx]", M_LONG, CODE(0x0f, 0xbe, 0x03), .len = 3,
      .gpr = { [RAX] = ~0ull, [RBX] = 0x2000 }, .mem = { { 0x2000, 1, 0x80 } },
      .gpr_out = { OUT(RAX, 0xffffff80) } },
    { "long movsx rax,word [rbx]", M_LONG, CODE(0x48, 0x0f, 0xbf, 0x03), .len = 4,
      .gpr = { [RBX] = 0x2000 }, .mem = { { 0x2000, 2, 0x8001 } },
      .gpr_out = { OUT(RAX, 0xffffffffffff8001) } },
    { "long movsx ax,byte [rbx]", M_LONG, CODE(0x66, 0x0f, 0xbe, 0x03), .len = 4,
      .gpr = { [RAX] = 0x1111111111111111, [RBX] = 0x2000 }, .mem = { { 0x2000, 1, 0xfe } },
      .gpr_out = { OUT(RAX, 0x111111111111fffe) } },
    { "long movsxd rax,[rbx]", M_LONG, CODE(0x48, 0x63, 0x03), .len = 3, .gpr = { [RBX] = 0x2000 },
      .mem = { { 0x2000, 4, 0x80000000 } }, .gpr_out = { OUT(RAX, 0xffffffff80000000) } },
    { "long movsxd eax,[rbx] (no REX.W)", M_LONG, CODE(0x63, 0x03), .len = 2,
      .gpr = { [RAX] = ~0ull, [RBX] = 0x2000 }, .mem = { { 0x2000, 4, 0x80000000 } },
      .gpr_out = { OUT(RAX, 0x80000000) } },
    /* ---- stos / movs ---- */
    { "long stosd", M_LONG, CODE(0xab), .len = 1, .gpr = { [RAX] = 0xaabbccdd, [RDI] = 0x2000 },
      .mem_out = { { 0x2000, 4, 0xaabbccdd } }, .gpr_out = { OUT(RDI, 0x2004) } },
    { "long stosb with DF", M_LONG, CODE(0xaa), .len = 1, .rflags = 0x402,
      .gpr = { [RAX] = 0x42, [RDI] = 0x2005 }, .mem_out = { { 0x2005, 1, 0x42 } },
      .gpr_out = { OUT(RDI, 0x2004) } },
    { "long rep stosq", M_LONG, CODE(0xf3, 0x48, 0xab), .len = 3,
      .gpr = { [RAX] = 0x0101010101010101, [RCX] = 3, [RDI] = 0x2000 },
      .mem_out = { { 0x2000, 8, 0x0101010101010101 },
                   { 0x2008, 8, 0x0101010101010101 },
                   { 0x2010, 8, 0x0101010101010101 } },
      .gpr_out = { OUT(RCX, 0), OUT(RDI, 0x2018) } },
    { "long rep stosw rcx=0", M_LONG, CODE(0xf3, 0x66, 0xab), .len = 3,
      .gpr = { [RAX] = 0xffff, [RDI] = 0x2000 } },
    /* Zeros over zeros: the writes themselves are counted by test_rep_batch. */
    { "long rep stosb batch leaves RIP", M_LONG, CODE(0xf3, 0xaa), .len = NO_LEN,
      .gpr = { [RCX] = X86_EMUL_REP_BATCH + 44, [RDI] = 0x4000 },
      .gpr_out = { OUT(RCX, 44), OUT(RDI, 0x4000 + X86_EMUL_REP_BATCH) } },
    { "long movsb", M_LONG, CODE(0xa4), .len = 1, .gpr = { [RSI] = 0x2000, [RDI] = 0x3000 },
      .mem = { { 0x2000, 1, 0xee } }, .mem_out = { { 0x3000, 1, 0xee } },
      .gpr_out = { OUT(RSI, 0x2001), OUT(RDI, 0x3001) } },
    { "long rep movsd", M_LONG, CODE(0xf3, 0xa5), .len = 2,
      .gpr = { [RCX] = 2, [RSI] = 0x2000, [RDI] = 0x3000 },
      .mem = { { 0x2000, 8, 0x1111111122222222 } },
      .mem_out = { { 0x3000, 8, 0x1111111122222222 } },
      .gpr_out = { OUT(RCX, 0), OUT(RSI, 0x2008), OUT(RDI, 0x3008) } },
    { "long rep movsb backwards (DF)", M_LONG, CODE(0xf3, 0xa4), .len = 2, .rflags = 0x402,
      .gpr = { [RCX] = 3, [RSI] = 0x2002, [RDI] = 0x3002 }, .mem = { { 0x2000, 4, 0x00332211 } },
      .mem_out = { { 0x3000, 4, 0x00332211 } },
      .gpr_out = { OUT(RCX, 0), OUT(RSI, 0x1fff), OUT(RDI, 0x2fff) } },
    { "long rep movsb addr32 (67)", M_LONG, CODE(0xf3, 0x67, 0xa4), .len = 3,
      .gpr = { [RCX] = 0xffffffff00000002, [RSI] = 0xffffffff00002000, [RDI] = 0x5555555500003000 },
      .mem = { { 0x2000, 2, 0xbbaa } }, .mem_out = { { 0x3000, 2, 0xbbaa } },
      .gpr_out = { OUT(RCX, 0), OUT(RSI, 0x2002), OUT(RDI, 0x3002) } },
    { "long fs: movsb", M_LONG, CODE(0x64, 0xa4), .len = 2, .seg_base = { [FS] = 0x1000 },
      .gpr = { [RSI] = 0x1000, [RDI] = 0x3000 }, .mem = { { 0x2000, 1, 0x3c } },
      .mem_out = { { 0x3000, 1, 0x3c } }, .gpr_out = { OUT(RSI, 0x1001), OUT(RDI, 0x3001) } },
    /* ---- ALU with a memory operand (flags from the host CPU) ---- */
    { "long add [rbx],eax carry to zero", M_LONG, CODE(0x01, 0x03), .len = 2,
      .gpr = { [RAX] = 1, [RBX] = 0x2000 }, .mem = { { 0x2000, 4, 0xffffffff } },
      .mem_out = { { 0x2000, 4, 0 } }, .rflags_out = 0x57 },
    { "long add eax,[rbx] overflow", M_LONG, CODE(0x03, 0x03), .len = 2,
      .gpr = { [RAX] = 0x7fffffff, [RBX] = 0x2000 }, .mem = { { 0x2000, 4, 1 } },
      .gpr_out = { OUT(RAX, 0x80000000) }, .rflags_out = 0x896 },
    { "long add byte [rbx],imm8", M_LONG, CODE(0x80, 0x03, 0x80), .len = 3,
      .gpr = { [RBX] = 0x2000 }, .mem = { { 0x2000, 1, 0x80 } }, .mem_out = { { 0x2000, 1, 0 } },
      .rflags_out = 0x847 },
    { "long add dword [rbx],simm8", M_LONG, CODE(0x83, 0x03, 0xff), .len = 3,
      .gpr = { [RBX] = 0x2000 }, .mem = { { 0x2000, 4, 5 } }, .mem_out = { { 0x2000, 4, 4 } },
      .rflags_out = 0x13 },
    { "long add qword [rbx],rax", M_LONG, CODE(0x48, 0x01, 0x03), .len = 3,
      .gpr = { [RAX] = ~0ull, [RBX] = 0x2000 }, .mem = { { 0x2000, 8, ~0ull } },
      .mem_out = { { 0x2000, 8, 0xfffffffffffffffe } }, .rflags_out = 0x93 },
    { "long sub [rbx],eax borrow", M_LONG, CODE(0x29, 0x03), .len = 2,
      .gpr = { [RAX] = 1, [RBX] = 0x2000 }, .mem_out = { { 0x2000, 4, 0xffffffff } },
      .rflags_out = 0x97 },
    { "long sub rax,[rbx] overflow", M_LONG, CODE(0x48, 0x2b, 0x03), .len = 3,
      .gpr = { [RAX] = 0x8000000000000000, [RBX] = 0x2000 }, .mem = { { 0x2000, 8, 1 } },
      .gpr_out = { OUT(RAX, 0x7fffffffffffffff) }, .rflags_out = 0x816 },
    { "long sub word [rbx],imm16", M_LONG, CODE(0x66, 0x81, 0x2b, 0xff, 0xff), .len = 5,
      .gpr = { [RBX] = 0x2000 }, .mem = { { 0x2000, 2, 0x7fff } },
      .mem_out = { { 0x2000, 2, 0x8000 } }, .rflags_out = 0x887 },
    { "long cmp [rbx],eax equal", M_LONG, CODE(0x39, 0x03), .len = 2,
      .gpr = { [RAX] = 5, [RBX] = 0x2000 }, .mem = { { 0x2000, 4, 5 } }, .rflags_out = 0x46 },
    { "long cmp al,[rbx]", M_LONG, CODE(0x3a, 0x03), .len = 2, .gpr = { [RAX] = 1, [RBX] = 0x2000 },
      .mem = { { 0x2000, 1, 2 } }, .rflags_out = 0x97 },
    { "long cmp byte [rbx],imm8", M_LONG, CODE(0x80, 0x3b, 0x10), .len = 3,
      .gpr = { [RBX] = 0x2000 }, .mem = { { 0x2000, 1, 0x10 } }, .rflags_out = 0x46 },
    { "long and [rbx],eax clears CF OF", M_LONG, CODE(0x21, 0x03), .len = 2, .rflags = 0x803,
      .gpr = { [RAX] = 0x0f0f0f0f, [RBX] = 0x2000 }, .mem = { { 0x2000, 4, 0xff00ff00 } },
      .mem_out = { { 0x2000, 4, 0x0f000f00 } }, .rflags_out = 0x6 },
    { "long or [rbx],al", M_LONG, CODE(0x08, 0x03), .len = 2, .gpr = { [RAX] = 1, [RBX] = 0x2000 },
      .mem = { { 0x2000, 1, 0x80 } }, .mem_out = { { 0x2000, 1, 0x81 } }, .rflags_out = 0x86 },
    { "long xor eax,[rbx]", M_LONG, CODE(0x33, 0x03), .len = 2,
      .gpr = { [RAX] = 0x1234, [RBX] = 0x2000 }, .mem = { { 0x2000, 4, 0x1234 } },
      .gpr_out = { OUT(RAX, 0) }, .rflags_out = 0x46 },
    { "long or dword [rbx],imm32", M_LONG, CODE(0x81, 0x0b, 0x00, 0x00, 0x00, 0x80), .len = 6,
      .gpr = { [RBX] = 0x2000 }, .mem = { { 0x2000, 4, 1 } },
      .mem_out = { { 0x2000, 4, 0x80000001 } }, .rflags_out = 0x82 },
    { "long and qword [rbx],simm32", M_LONG, CODE(0x48, 0x81, 0x23, 0x00, 0xff, 0xff, 0xff),
      .len = 7, .gpr = { [RBX] = 0x2000 }, .mem = { { 0x2000, 8, 0x123456789abcdef0 } },
      .mem_out = { { 0x2000, 8, 0x123456789abcde00 } }, .rflags_out = 0x6 },
    { "long xor word [rbx],simm8", M_LONG, CODE(0x66, 0x83, 0x33, 0xff), .len = 4,
      .gpr = { [RBX] = 0x2000 }, .mem = { { 0x2000, 2, 0x00ff } },
      .mem_out = { { 0x2000, 2, 0xff00 } }, .rflags_out = 0x86 },
    { "long test [rbx],eax", M_LONG, CODE(0x85, 0x03), .len = 2,
      .gpr = { [RAX] = 0x80000000, [RBX] = 0x2000 }, .mem = { { 0x2000, 4, 0x80000000 } },
      .rflags_out = 0x86 },
    { "long test byte [rbx],imm8", M_LONG, CODE(0xf6, 0x03, 0x01), .len = 3,
      .gpr = { [RBX] = 0x2000 }, .mem = { { 0x2000, 1, 2 } }, .rflags_out = 0x46 },
    { "long test dword [rbx],imm32", M_LONG, CODE(0xf7, 0x03, 0x00, 0x00, 0x01, 0x00), .len = 6,
      .gpr = { [RBX] = 0x2000 }, .mem = { { 0x2000, 4, 0x10000 } }, .rflags_out = 0x6 },
    { "long lock add [rbx],eax", M_LONG, CODE(0xf0, 0x01, 0x03), .len = 3,
      .gpr = { [RAX] = 1, [RBX] = 0x2000 }, .mem = { { 0x2000, 4, 0xffffffff } },
      .mem_out = { { 0x2000, 4, 0 } }, .rflags_out = 0x57 },
    /* ---- xchg ---- */
    { "long xchg [rbx],eax", M_LONG, CODE(0x87, 0x03), .len = 2,
      .gpr = { [RAX] = 2, [RBX] = 0x2000 }, .mem = { { 0x2000, 4, 1 } },
      .mem_out = { { 0x2000, 4, 2 } }, .gpr_out = { OUT(RAX, 1) } },
    { "long xchg [rbx],ah", M_LONG, CODE(0x86, 0x23), .len = 2,
      .gpr = { [RAX] = 0x2200, [RBX] = 0x2000 }, .mem = { { 0x2000, 1, 0x11 } },
      .mem_out = { { 0x2000, 1, 0x22 } }, .gpr_out = { OUT(RAX, 0x1100) } },
    { "long xchg [rbx],r10", M_LONG, CODE(0x4c, 0x87, 0x13), .len = 3,
      .gpr = { [R10] = 0x1010101010101010, [RBX] = 0x2000 },
      .mem = { { 0x2000, 8, 0x2020202020202020 } },
      .mem_out = { { 0x2000, 8, 0x1010101010101010 } },
      .gpr_out = { OUT(R10, 0x2020202020202020) } },
    /* ---- bt family ---- */
    { "long bt [rbx],eax", M_LONG, CODE(0x0f, 0xa3, 0x03), .len = 3,
      .gpr = { [RAX] = 2, [RBX] = 0x2000 }, .mem = { { 0x2000, 4, 4 } }, .rflags_out = 0x3 },
    { "long bt [rbx],eax offset past the dword", M_LONG, CODE(0x0f, 0xa3, 0x03), .len = 3,
      .gpr = { [RAX] = 35, [RBX] = 0x2000 }, .mem = { { 0x2004, 4, 8 } }, .rflags_out = 0x3 },
    { "long bt [rbx],eax negative offset", M_LONG, CODE(0x0f, 0xa3, 0x03), .len = 3,
      .gpr = { [RAX] = 0xffffffff, [RBX] = 0x2000 }, .mem = { { 0x1ffc, 4, 0x80000000 } },
      .rflags_out = 0x3 },
    { "long bts [rbx],eax", M_LONG, CODE(0x0f, 0xab, 0x03), .len = 3, .rflags = 0x3,
      .gpr = { [RBX] = 0x2000 }, .mem_out = { { 0x2000, 4, 1 } }, .rflags_out = 0x2 },
    { "long btr qword [rbx],rax offset 127", M_LONG, CODE(0x48, 0x0f, 0xb3, 0x03), .len = 4,
      .gpr = { [RAX] = 127, [RBX] = 0x2000 }, .mem = { { 0x2008, 8, 0x8000000000000001 } },
      .mem_out = { { 0x2008, 8, 1 } }, .rflags_out = 0x3 },
    { "long btc word [rbx],ax offset 17", M_LONG, CODE(0x66, 0x0f, 0xbb, 0x03), .len = 4,
      .gpr = { [RAX] = 17, [RBX] = 0x2000 }, .mem_out = { { 0x2002, 2, 2 } } },
    { "long btc word [rbx],ax offset -1", M_LONG, CODE(0x66, 0x0f, 0xbb, 0x03), .len = 4,
      .gpr = { [RAX] = 0xffff, [RBX] = 0x2000 }, .mem = { { 0x1ffe, 2, 0x8000 } },
      .mem_out = { { 0x1ffe, 2, 0 } }, .rflags_out = 0x3 },
    /* Found by the fuzzer: the most negative offset once overflowed a negation. */
    { "long bts qword [rbx],rax offset INT64_MIN: #GP", M_LONG, CODE(0x48, 0x0f, 0xab, 0x03),
      EXC(X86_EXC_GP, 0), .gpr = { [RAX] = 0x8000000000000000, [RBX] = 0x2000 } },
    { "long bt qword [rbx],rax offset -65", M_LONG, CODE(0x48, 0x0f, 0xa3, 0x03), .len = 4,
      .gpr = { [RAX] = (uint64_t)-65, [RBX] = 0x2000 },
      .mem = { { 0x1ff0, 8, 0x8000000000000000 } }, .rflags_out = 0x3 },
    { "long bt dword [rbx],imm8", M_LONG, CODE(0x0f, 0xba, 0x23, 0x05), .len = 4,
      .gpr = { [RBX] = 0x2000 }, .mem = { { 0x2000, 4, 0x20 } }, .rflags_out = 0x3 },
    { "long bts dword [rbx],imm8 modulo 32", M_LONG, CODE(0x0f, 0xba, 0x2b, 0x21), .len = 4,
      .gpr = { [RBX] = 0x2000 }, .mem_out = { { 0x2000, 4, 2 } } },
    { "long btr dword [rbx],imm8", M_LONG, CODE(0x0f, 0xba, 0x33, 0x00), .len = 4,
      .gpr = { [RBX] = 0x2000 }, .mem = { { 0x2000, 4, 1 } }, .mem_out = { { 0x2000, 4, 0 } },
      .rflags_out = 0x3 },
    { "long lock btc dword [rbx],imm8", M_LONG, CODE(0xf0, 0x0f, 0xba, 0x3b, 0x07), .len = 5,
      .gpr = { [RBX] = 0x2000 }, .mem_out = { { 0x2000, 4, 0x80 } } },
    /* ---- prefixes in 64-bit mode ---- */
    { "long gs: mov eax,[rbx]", M_LONG, CODE(0x65, 0x8b, 0x03), .len = 3,
      .seg_base = { [GS] = 0x1000 }, .gpr = { [RBX] = 0x1000 }, .mem = { { 0x2000, 4, 0x6565 } },
      .gpr_out = { OUT(RAX, 0x6565) } },
    { "long ds: base ignored", M_LONG, CODE(0x3e, 0x8b, 0x03), .len = 3,
      .seg_base = { [DS] = 0x5000 }, .gpr = { [RBX] = 0x2000 }, .mem = { { 0x2000, 4, 0x3e3e } },
      .gpr_out = { OUT(RAX, 0x3e3e) } },
    { "long addr32 (67) truncates rbx", M_LONG, CODE(0x67, 0x8b, 0x03), .len = 3,
      .gpr = { [RBX] = 0xffffffff00002000 }, .mem = { { 0x2000, 4, 0x6767 } },
      .gpr_out = { OUT(RAX, 0x6767) } },
    { "long REX before 66 is ignored", M_LONG, CODE(0x48, 0x66, 0x89, 0x03), .len = 4,
      .gpr = { [RAX] = 0x1122334455667788, [RBX] = 0x2000 }, .mem_out = { { 0x2000, 2, 0x7788 } } },
    { "long two REX: the last counts", M_LONG, CODE(0x4c, 0x48, 0x89, 0x03), .len = 4,
      .gpr = { [RAX] = 0x1122334455667788, [RBX] = 0x2000, [R8] = 0xdead },
      .mem_out = { { 0x2000, 8, 0x1122334455667788 } } },
    { "long f2 movsb repeats too", M_LONG, CODE(0xf2, 0xa4), .len = 2,
      .gpr = { [RCX] = 2, [RSI] = 0x2000, [RDI] = 0x3000 }, .mem = { { 0x2000, 2, 0xf2f2 } },
      .mem_out = { { 0x3000, 2, 0xf2f2 } },
      .gpr_out = { OUT(RCX, 0), OUT(RSI, 0x2002), OUT(RDI, 0x3002) } },
    { "long 13 prefixes: 15 bytes", M_LONG,
      CODE(0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x89,
           0x03),
      .len = 15, .gpr = { [RAX] = 0x4321, [RBX] = 0x2000 }, .mem_out = { { 0x2000, 2, 0x4321 } } },
    /* ---- 64-bit mode: faults and refusals ---- */
    { "long 16 bytes: #GP", M_LONG,
      CODE(0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x89,
           0x03),
      EXC(X86_EXC_GP, 0), .gpr = { [RBX] = 0x2000 } },
    { "long non-canonical: #GP", M_LONG, CODE(0x8b, 0x03), EXC(X86_EXC_GP, 0),
      .gpr = { [RBX] = 0x0000800000000000 } },
    { "long non-canonical rsp base: #SS", M_LONG, CODE(0x8b, 0x04, 0x24), EXC(X86_EXC_SS, 0),
      .gpr = { [RSP] = 0x8000000000000000 } },
    { "long read #PF propagates", M_LONG, CODE(0x8b, 0x03), EXC(X86_EXC_PF, 0), .cr2 = 0x200000,
      .gpr = { [RBX] = 0x200000 } },
    { "long write #PF propagates", M_LONG, CODE(0x89, 0x03), EXC(X86_EXC_PF, FAKE_PF_WRITE),
      .cr2 = 0x200000, .gpr = { [RBX] = 0x200000 } },
    { "long add across a page: #PF", M_LONG, CODE(0x01, 0x03), EXC(X86_EXC_PF, 0), .cr2 = 0x3000,
      .fault_page = 0x3000, .gpr = { [RAX] = 1, [RBX] = 0x2ffe } },
    { "long fetch #PF across a page", M_LONG, CODE(0x48, 0x8b, 0x03), .rip = 0xffe,
      EXC(X86_EXC_PF, FAKE_PF_FETCH), .cr2 = 0x1000, .fault_page = 0x1000 },
    { "long truncated moffs: fetch #PF", M_LONG, CODE(0xa1, 0x00, 0x20), .rip = 0xffd,
      EXC(X86_EXC_PF, FAKE_PF_FETCH), .cr2 = 0x1000, .fault_page = 0x1000 },
    { "long insn ending at a page end fetches no further", M_LONG, CODE(0x8b, 0x03), .rip = 0xffe,
      .len = 2, .fault_page = 0x1000, .gpr = { [RBX] = 0x2000 }, .mem = { { 0x2000, 4, 0xe0d } },
      .gpr_out = { OUT(RAX, 0xe0d) } },
    { "long rep stos #PF keeps progress", M_LONG, CODE(0xf3, 0xaa), EXC(X86_EXC_PF, FAKE_PF_WRITE),
      .cr2 = 0x3000, .fault_page = 0x3000, .gpr = { [RAX] = 0x5, [RCX] = 4, [RDI] = 0x2ffe },
      .mem_out = { { 0x2ffe, 2, 0x0505 } }, .gpr_out = { OUT(RCX, 2), OUT(RDI, 0x3000) } },
    { "long nop: unhandled", M_LONG, CODE(0x90), .result = X86_EMUL_UNHANDLED },
    { "long ud2: unhandled", M_LONG, CODE(0x0f, 0x0b), .result = X86_EMUL_UNHANDLED },
    { "long adc [rbx],eax: unhandled", M_LONG, CODE(0x11, 0x03), .result = X86_EMUL_UNHANDLED },
    { "long adc via 83 /2: unhandled", M_LONG, CODE(0x83, 0x13, 0x01),
      .result = X86_EMUL_UNHANDLED },
    { "long mov eax,ebx (no memory): unhandled", M_LONG, CODE(0x89, 0xd8),
      .result = X86_EMUL_UNHANDLED },
    { "long cmpsb: unhandled", M_LONG, CODE(0xa6), .result = X86_EMUL_UNHANDLED },
    { "long c7 /1: unhandled", M_LONG, CODE(0xc7, 0x0b, 0, 0, 0, 0), .result = X86_EMUL_UNHANDLED },
    { "long 0f ba /3: unhandled", M_LONG, CODE(0x0f, 0xba, 0x1b, 0x01),
      .result = X86_EMUL_UNHANDLED },
    { "long lock mov: #UD", M_LONG, CODE(0xf0, 0x89, 0x03), EXC(X86_EXC_UD, 0) },
    { "long lock cmp: #UD", M_LONG, CODE(0xf0, 0x39, 0x03), EXC(X86_EXC_UD, 0) },
    { "long lock bt: #UD", M_LONG, CODE(0xf0, 0x0f, 0xa3, 0x03), EXC(X86_EXC_UD, 0) },
    { "long lock add to register: #UD", M_LONG, CODE(0xf0, 0x03, 0x03), EXC(X86_EXC_UD, 0) },
    { "long lock add reg,reg: #UD", M_LONG, CODE(0xf0, 0x01, 0xd8), EXC(X86_EXC_UD, 0) },
    { "long lock stos: #UD", M_LONG, CODE(0xf0, 0xaa), EXC(X86_EXC_UD, 0) },

    /* ---- real mode: 16-bit addressing, segment bases, limits ---- */
    { "real mov [bx+si],ax", M_REAL, CODE(0x89, 0x00), .len = 2, .seg_base = { [DS] = 0x20000 },
      .gpr = { [RAX] = 0xbeef, [RBX] = 0x100, [RSI] = 0x20 },
      .mem_out = { { 0x20120, 2, 0xbeef } } },
    { "real mov ax,[bp+di+0x10] uses SS", M_REAL, CODE(0x8b, 0x43, 0x10), .len = 3,
      .seg_base = { [SS] = 0x30000, [DS] = 0x20000 }, .gpr = { [RBP] = 0x100, [RDI] = 2 },
      .mem = { { 0x30112, 2, 0x5353 } }, .gpr_out = { OUT(RAX, 0x5353) } },
    { "real mov al,[disp16]", M_REAL, CODE(0x8a, 0x06, 0x34, 0x12), .len = 4,
      .seg_base = { [DS] = 0x20000 }, .mem = { { 0x21234, 1, 0xd1 } },
      .gpr_out = { OUT(RAX, 0xd1) } },
    { "real mov [si],eax (66)", M_REAL, CODE(0x66, 0x89, 0x04), .len = 3,
      .gpr = { [RAX] = 0x12345678, [RSI] = 0x2000 }, .mem_out = { { 0x2000, 4, 0x12345678 } } },
    { "real [bx+disp16] wraps at 64 KiB", M_REAL, CODE(0x89, 0x87, 0xf0, 0xff), .len = 4,
      .seg_base = { [DS] = 0x20000 }, .gpr = { [RAX] = 0x1010, [RBX] = 0x20 },
      .mem_out = { { 0x20010, 2, 0x1010 } } },
    { "real es: mov [bx],ax", M_REAL, CODE(0x26, 0x89, 0x07), .len = 3,
      .seg_base = { [ES] = 0x40000 }, .gpr = { [RAX] = 0x2626, [RBX] = 0x10 },
      .mem_out = { { 0x40010, 2, 0x2626 } } },
    { "real ds: on [bp] overrides SS", M_REAL, CODE(0x3e, 0x8b, 0x46, 0x00), .len = 4,
      .seg_base = { [SS] = 0x30000, [DS] = 0x20000 }, .gpr = { [RBP] = 0x10 },
      .mem = { { 0x20010, 2, 0x3e3e } }, .gpr_out = { OUT(RAX, 0x3e3e) } },
    { "real addr32 (67) [ebx]", M_REAL, CODE(0x67, 0x8b, 0x03), .len = 3,
      .seg_base = { [DS] = 0x20000 }, .gpr = { [RBX] = 0x1234 }, .mem = { { 0x21234, 2, 0x6767 } },
      .gpr_out = { OUT(RAX, 0x6767) } },
    { "real rep stosw wraps di", M_REAL, CODE(0xf3, 0xab), .len = 2, .seg_base = { [ES] = 0x40000 },
      .gpr = { [RAX] = 0xa5a5, [RCX] = 0x10002, [RDI] = 0x1230fffe },
      .mem_out = { { 0x4fffe, 2, 0xa5a5 }, { 0x40000, 2, 0xa5a5 } },
      .gpr_out = { OUT(RCX, 0x10000), OUT(RDI, 0x12300002) } },
    { "real movsb ds:si -> es:di", M_REAL, CODE(0xa4), .len = 1,
      .seg_base = { [DS] = 0x20000, [ES] = 0x40000 }, .gpr = { [RSI] = 5, [RDI] = 6 },
      .mem = { { 0x20005, 1, 0x77 } }, .mem_out = { { 0x40006, 1, 0x77 } },
      .gpr_out = { OUT(RSI, 6), OUT(RDI, 7) } },
    { "real movzx ax,byte [bx]", M_REAL, CODE(0x0f, 0xb6, 0x07), .len = 3,
      .gpr = { [RAX] = 0xffff, [RBX] = 0x2000 }, .mem = { { 0x2000, 1, 0x90 } },
      .gpr_out = { OUT(RAX, 0x0090) } },
    { "real add [bx],ax", M_REAL, CODE(0x01, 0x07), .len = 2,
      .gpr = { [RAX] = 0x8000, [RBX] = 0x2000 }, .mem = { { 0x2000, 2, 0x8000 } },
      .mem_out = { { 0x2000, 2, 0 } }, .rflags_out = 0x847 },
    { "real sub byte [bx],1", M_REAL, CODE(0x80, 0x2f, 0x01), .len = 3, .gpr = { [RBX] = 0x2000 },
      .mem = { { 0x2000, 1, 0x10 } }, .mem_out = { { 0x2000, 1, 0x0f } }, .rflags_out = 0x16 },
    { "real bt [bx],ax offset 19", M_REAL, CODE(0x0f, 0xa3, 0x07), .len = 3,
      .gpr = { [RAX] = 19, [RBX] = 0x2000 }, .mem = { { 0x2002, 2, 8 } }, .rflags_out = 0x3 },
    { "real xchg [bx],al", M_REAL, CODE(0x86, 0x07), .len = 2,
      .gpr = { [RAX] = 0x3322, [RBX] = 0x2000 }, .mem = { { 0x2000, 1, 0x11 } },
      .mem_out = { { 0x2000, 1, 0x22 } }, .gpr_out = { OUT(RAX, 0x3311) } },
    { "real mov word [bx+si+2],imm16", M_REAL, CODE(0xc7, 0x40, 0x02, 0x34, 0x12), .len = 5,
      .gpr = { [RBX] = 0x2000, [RSI] = 0x10 }, .mem_out = { { 0x2012, 2, 0x1234 } } },
    { "real movsx ax,byte [bx]", M_REAL, CODE(0x0f, 0xbe, 0x07), .len = 3,
      .gpr = { [RAX] = 0x12340000, [RBX] = 0x2000 }, .mem = { { 0x2000, 1, 0x80 } },
      .gpr_out = { OUT(RAX, 0x1234ff80) } },
    { "real xor [bx],al", M_REAL, CODE(0x30, 0x07), .len = 2,
      .gpr = { [RAX] = 0x0f, [RBX] = 0x2000 }, .mem = { { 0x2000, 1, 0xff } },
      .mem_out = { { 0x2000, 1, 0xf0 } }, .rflags_out = 0x86 },
    { "real test word [bx],imm16", M_REAL, CODE(0xf7, 0x07, 0x00, 0x80), .len = 4,
      .gpr = { [RBX] = 0x2000 }, .mem = { { 0x2000, 2, 0x8001 } }, .rflags_out = 0x86 },
    { "real bts word [bx],imm8", M_REAL, CODE(0x0f, 0xba, 0x2f, 0x03), .len = 4,
      .gpr = { [RBX] = 0x2000 }, .mem_out = { { 0x2000, 2, 8 } } },
    { "real rep movsb backwards", M_REAL, CODE(0xf3, 0xa4), .len = 2, .rflags = 0x402,
      .seg_base = { [DS] = 0x20000, [ES] = 0x40000 },
      .gpr = { [RCX] = 2, [RSI] = 0x11, [RDI] = 0x21 }, .mem = { { 0x20010, 2, 0xbbaa } },
      .mem_out = { { 0x40020, 2, 0xbbaa } },
      .gpr_out = { OUT(RCX, 0), OUT(RSI, 0xf), OUT(RDI, 0x1f) } },
    { "real word at the DS limit: #GP", M_REAL, CODE(0x8b, 0x07), EXC(X86_EXC_GP, 0),
      .gpr = { [RBX] = 0xffff } },
    { "real word at the SS limit: #SS", M_REAL, CODE(0x8b, 0x46, 0x00), EXC(X86_EXC_SS, 0),
      .gpr = { [RBP] = 0xffff } },
    { "real instruction past the CS limit: #GP", M_REAL, CODE(0x8b, 0x07), .rip = 0xffff,
      EXC(X86_EXC_GP, 0) },
    { "real REX byte is not a prefix", M_REAL, CODE(0x48, 0x8b, 0x03),
      .result = X86_EMUL_UNHANDLED },

    /* ---- virtual-8086 mode: 16-bit code under CR0.PE, no descriptor checks ---- */
    { "vm86 mov [bx],ax", M_VM86, CODE(0x89, 0x07), .len = 2, .rflags = 0x20002,
      .seg_base = { [DS] = 0x20000 }, .seg_attr = { [CS] = 0xc9b, [DS] = SEG_NULL },
      .gpr = { [RAX] = 0x8686, [RBX] = 0x10 }, .mem_out = { { 0x20010, 2, 0x8686 } } },
    { "vm86 word at the DS limit: #GP", M_VM86, CODE(0x8b, 0x07), .rflags = 0x20002,
      EXC(X86_EXC_GP, 0), .gpr = { [RBX] = 0xffff } },

    /* ---- 16-bit protected mode ---- */
    { "prot16 mov [bx+di],ax", M_PROT16, CODE(0x89, 0x01), .len = 2,
      .gpr = { [RAX] = 0x1616, [RBX] = 0x2000, [RDI] = 2 }, .mem_out = { { 0x2002, 2, 0x1616 } } },
    { "prot16 mov [bx+di],eax (66)", M_PROT16, CODE(0x66, 0x89, 0x01), .len = 3,
      .gpr = { [RAX] = 0x16161616, [RBX] = 0x2000 }, .mem_out = { { 0x2000, 4, 0x16161616 } } },
    { "prot16 add [bx],al", M_PROT16, CODE(0x00, 0x07), .len = 2,
      .gpr = { [RAX] = 1, [RBX] = 0x2000 }, .mem = { { 0x2000, 1, 0x0f } },
      .mem_out = { { 0x2000, 1, 0x10 } }, .rflags_out = 0x12 },
    { "prot16 movsd (66)", M_PROT16, CODE(0x66, 0xa5), .len = 2,
      .gpr = { [RSI] = 0x2000, [RDI] = 0x3000 }, .mem = { { 0x2000, 4, 0xfeedf00d } },
      .mem_out = { { 0x3000, 4, 0xfeedf00d } }, .gpr_out = { OUT(RSI, 0x2004), OUT(RDI, 0x3004) } },
    { "prot16 [esp] (67) uses SS", M_PROT16, CODE(0x67, 0x8b, 0x04, 0x24), .len = 4,
      .seg_base = { [SS] = 0x30000 }, .gpr = { [RSP] = 0x40 }, .mem = { { 0x30040, 2, 0x4444 } },
      .gpr_out = { OUT(RAX, 0x4444) } },
    { "prot16 moffs16", M_PROT16, CODE(0xa1, 0x00, 0x20), .len = 3,
      .mem = { { 0x2000, 2, 0xa1a1 } }, .gpr_out = { OUT(RAX, 0xa1a1) } },

    /* ---- 32-bit protected mode ---- */
    { "prot32 mov [ebx],eax", M_PROT32, CODE(0x89, 0x03), .len = 2,
      .gpr = { [RAX] = 0x32323232, [RBX] = 0x2000 }, .mem_out = { { 0x2000, 4, 0x32323232 } } },
    { "prot32 mov ax,[ebx+esi*2+0x10]", M_PROT32, CODE(0x66, 0x8b, 0x44, 0x73, 0x10), .len = 5,
      .gpr = { [RBX] = 0x2000, [RSI] = 8 }, .mem = { { 0x2020, 2, 0x2020 } },
      .gpr_out = { OUT(RAX, 0x2020) } },
    { "prot32 mod0 rm5 is disp32, not RIP-relative", M_PROT32,
      CODE(0x8b, 0x05, 0x00, 0x20, 0x00, 0x00), .len = 6, .mem = { { 0x2000, 4, 0xd32 } },
      .gpr_out = { OUT(RAX, 0xd32) } },
    { "prot32 moffs32", M_PROT32, CODE(0xa1, 0x00, 0x20, 0x00, 0x00), .len = 5,
      .mem = { { 0x2000, 4, 0xa132 } }, .gpr_out = { OUT(RAX, 0xa132) } },
    { "prot32 addr16 (67) [bx+si]", M_PROT32, CODE(0x67, 0x8b, 0x00), .len = 3,
      .gpr = { [RBX] = 0x12000, [RSI] = 0x10 }, .mem = { { 0x2010, 4, 0x67676767 } },
      .gpr_out = { OUT(RAX, 0x67676767) } },
    { "prot32 ds base and limit", M_PROT32, CODE(0x8b, 0x03), .len = 2,
      .seg_base = { [DS] = 0x10000 }, .seg_limit = { [DS] = 0xffff }, .gpr = { [RBX] = 0x100 },
      .mem = { { 0x10100, 4, 0xba5e } }, .gpr_out = { OUT(RAX, 0xba5e) } },
    { "prot32 dword past the ds limit: #GP", M_PROT32, CODE(0x8b, 0x03), EXC(X86_EXC_GP, 0),
      .seg_limit = { [DS] = 0xffff }, .gpr = { [RBX] = 0xfffe } },
    { "prot32 expand-down below the limit: #GP", M_PROT32, CODE(0x8b, 0x03), EXC(X86_EXC_GP, 0),
      .seg_attr = { [DS] = 0xc97 }, .seg_limit = { [DS] = 0xfff }, .gpr = { [RBX] = 0x800 } },
    { "prot32 expand-down above the limit", M_PROT32, CODE(0x8b, 0x03), .len = 2,
      .seg_attr = { [DS] = 0xc97 }, .seg_limit = { [DS] = 0xfff }, .gpr = { [RBX] = 0x2000 },
      .mem = { { 0x2000, 4, 0xed } }, .gpr_out = { OUT(RAX, 0xed) } },
    { "prot32 write to read-only data: #GP", M_PROT32, CODE(0x89, 0x03), EXC(X86_EXC_GP, 0),
      .seg_attr = { [DS] = 0xc91 }, .gpr = { [RBX] = 0x2000 } },
    { "prot32 read of read-only data", M_PROT32, CODE(0x8b, 0x03), .len = 2,
      .seg_attr = { [DS] = 0xc91 }, .gpr = { [RBX] = 0x2000 }, .mem = { { 0x2000, 4, 0x91 } },
      .gpr_out = { OUT(RAX, 0x91) } },
    { "prot32 null ds: #GP", M_PROT32, CODE(0x8b, 0x03), EXC(X86_EXC_GP, 0),
      .seg_attr = { [DS] = SEG_NULL }, .gpr = { [RBX] = 0x2000 } },
    { "prot32 cs: read of readable code", M_PROT32, CODE(0x2e, 0x8b, 0x03), .len = 3,
      .gpr = { [RBX] = 0x2000 }, .mem = { { 0x2000, 4, 0x2e } }, .gpr_out = { OUT(RAX, 0x2e) } },
    { "prot32 cs: write: #GP", M_PROT32, CODE(0x2e, 0x89, 0x03), EXC(X86_EXC_GP, 0),
      .gpr = { [RBX] = 0x2000 } },
    { "prot32 fs: moffs", M_PROT32, CODE(0x64, 0xa1, 0x10, 0x00, 0x00, 0x00), .len = 6,
      .seg_base = { [FS] = 0x2000 }, .mem = { { 0x2010, 4, 0x64 } },
      .gpr_out = { OUT(RAX, 0x64) } },
    { "prot32 [ebp+4] uses SS", M_PROT32, CODE(0x8b, 0x45, 0x04), .len = 3,
      .seg_base = { [SS] = 0x30000 }, .gpr = { [RBP] = 0x100 }, .mem = { { 0x30104, 4, 0x55 } },
      .gpr_out = { OUT(RAX, 0x55) } },
    { "prot32 rep movsd", M_PROT32, CODE(0xf3, 0xa5), .len = 2,
      .gpr = { [RCX] = 1, [RSI] = 0x2000, [RDI] = 0x3000 }, .mem = { { 0x2000, 4, 0x32a5 } },
      .mem_out = { { 0x3000, 4, 0x32a5 } },
      .gpr_out = { OUT(RCX, 0), OUT(RSI, 0x2004), OUT(RDI, 0x3004) } },
    { "prot32 xchg [ebx],dl", M_PROT32, CODE(0x86, 0x13), .len = 2,
      .gpr = { [RDX] = 0x1234, [RBX] = 0x2000 }, .mem = { { 0x2000, 1, 0x56 } },
      .mem_out = { { 0x2000, 1, 0x34 } }, .gpr_out = { OUT(RDX, 0x1256) } },
    { "prot32 movsx eax,word [ebx]", M_PROT32, CODE(0x0f, 0xbf, 0x03), .len = 3,
      .gpr = { [RBX] = 0x2000 }, .mem = { { 0x2000, 2, 0x8000 } },
      .gpr_out = { OUT(RAX, 0xffff8000) } },
    { "prot32 stosw with an ES base", M_PROT32, CODE(0x66, 0xab), .len = 2,
      .seg_base = { [ES] = 0x10000 }, .gpr = { [RAX] = 0x5151, [RDI] = 0x100 },
      .mem_out = { { 0x10100, 2, 0x5151 } }, .gpr_out = { OUT(RDI, 0x102) } },
    { "prot32 sub dword [ebx],simm8", M_PROT32, CODE(0x83, 0x2b, 0x01), .len = 3,
      .gpr = { [RBX] = 0x2000 }, .mem_out = { { 0x2000, 4, 0xffffffff } }, .rflags_out = 0x97 },
    { "prot32 cmp eax,[ebx] clears flags", M_PROT32, CODE(0x3b, 0x03), .len = 2, .rflags = 0x8d7,
      .gpr = { [RAX] = 2, [RBX] = 0x2000 }, .mem = { { 0x2000, 4, 1 } }, .rflags_out = 0x2 },
    { "prot32 test [ebx],dh", M_PROT32, CODE(0x84, 0x33), .len = 2,
      .gpr = { [RDX] = 0x8000, [RBX] = 0x2000 }, .mem = { { 0x2000, 1, 0x81 } },
      .rflags_out = 0x82 },
    { "prot32 mov byte [ebx],imm8", M_PROT32, CODE(0xc6, 0x03, 0xc6), .len = 3,
      .gpr = { [RBX] = 0x2000 }, .mem_out = { { 0x2000, 1, 0xc6 } } },
    { "prot32 lock bts [ebx],eax", M_PROT32, CODE(0xf0, 0x0f, 0xab, 0x03), .len = 4,
      .gpr = { [RAX] = 31, [RBX] = 0x2000 }, .mem = { { 0x2000, 4, 0x80000000 } },
      .rflags_out = 0x3 },
    { "prot32 bt [ebx],imm8", M_PROT32, CODE(0x0f, 0xba, 0x23, 0x1f), .len = 4,
      .gpr = { [RBX] = 0x2000 }, .mem = { { 0x2000, 4, 0x80000000 } }, .rflags_out = 0x3 },
    { "prot32 arpl (63): unhandled", M_PROT32, CODE(0x63, 0x03), .result = X86_EMUL_UNHANDLED },
    { "prot32 0x40 is inc, not REX: unhandled", M_PROT32, CODE(0x40, 0x8b, 0x03),
      .result = X86_EMUL_UNHANDLED },

    /* ---- compatibility mode (long mode, 32-bit code) ---- */
    { "compat 48 is not REX: unhandled", M_COMPAT, CODE(0x48, 0x8b, 0x03),
      .result = X86_EMUL_UNHANDLED },
    { "compat mov eax,[ebx] ignores upper rbx", M_COMPAT, CODE(0x8b, 0x03), .len = 2,
      .gpr = { [RBX] = 0xffffffff00002000 }, .mem = { { 0x2000, 4, 0xc0 } },
      .gpr_out = { OUT(RAX, 0xc0) } },
    { "compat 63 is arpl: unhandled", M_COMPAT, CODE(0x63, 0x03), .result = X86_EMUL_UNHANDLED },
    { "compat mod0 rm5 is disp32", M_COMPAT, CODE(0x8b, 0x05, 0x00, 0x20, 0x00, 0x00), .len = 6,
      .mem = { { 0x2000, 4, 0xc5 } }, .gpr_out = { OUT(RAX, 0xc5) } },
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

static struct fake_guest guest;
static uint8_t expected_mem[FAKE_MEM_SIZE];

static void setup_segments(const struct emul_case *c, struct x86_emul_ctxt *ctxt)
{
    uint16_t code_attr = 0x9b, data_attr = 0x93;
    uint32_t limit = 0xffffffff;

    ctxt->cr0_pe = c->mode != M_REAL;
    ctxt->efer_lma = c->mode == M_LONG || c->mode == M_COMPAT;
    switch (c->mode) {
    case M_REAL:
    case M_VM86:
    case M_PROT16: limit = 0xffff; break;
    case M_PROT32:
    case M_COMPAT:
        code_attr |= X86_SEG_ATTR_DB | 0x800;
        data_attr |= X86_SEG_ATTR_DB | 0x800;
        break;
    case M_LONG: code_attr |= X86_SEG_ATTR_L; break;
    }
    for (int s = 0; s < 6; s++) {
        uint16_t attr = c->seg_attr[s] ? c->seg_attr[s] : s == CS ? code_attr : data_attr;

        guest.seg[s] = (struct x86_segment){
            .base = c->seg_base[s],
            .limit = c->seg_limit[s] ? c->seg_limit[s] : limit,
            .attr = attr == SEG_NULL ? 0 : attr,
        };
    }
}

static void put_value(uint8_t *mem, const struct mem_value *m)
{
    for (unsigned int i = 0; i < m->size; i++)
        mem[m->addr + i] = (uint8_t)(m->value >> (8 * i));
}

static void run_case(void **state)
{
    const struct emul_case *c = *state;
    struct x86_emul_ctxt ctxt = { .opaque = &guest };
    uint64_t rip = c->rip ? c->rip : 0x1000;

    memset(&guest, 0, sizeof(guest));
    guest.fault_page = c->fault_page ? c->fault_page : FAKE_NO_FAULT_PAGE;
    memcpy(guest.gpr, c->gpr, sizeof(guest.gpr));
    setup_segments(c, &ctxt);
    ctxt.rip = rip;
    ctxt.rflags = c->rflags ? c->rflags : 0x2;
    for (unsigned int i = 0; i < c->code_len; i++)
        guest.mem[guest.seg[CS].base + rip + i] = c->code[i];
    for (int i = 0; i < 4; i++)
        put_value(guest.mem, &c->mem[i]);
    memcpy(expected_mem, guest.mem, sizeof(expected_mem));
    for (int i = 0; i < 4; i++)
        put_value(expected_mem, &c->mem_out[i]);

    int rc = x86_emulate(&ctxt, &fake_guest_ops);

    assert_int_equal(rc, c->result);
    if (rc == X86_EMUL_EXCEPTION) {
        assert_int_equal(ctxt.exception.vector, c->vector);
        assert_int_equal(ctxt.exception.error_code, c->error_code);
        assert_int_equal(ctxt.exception.has_cr2, c->vector == X86_EXC_PF);
        if (c->vector == X86_EXC_PF)
            assert_int_equal(ctxt.exception.cr2, c->cr2);
    }
    if (rc == X86_EMUL_OK && c->len != NO_LEN) {
        assert_int_equal(ctxt.rip, rip + c->len);
        assert_int_equal(ctxt.insn_bytes_fetched >= c->len, true);
    } else {
        assert_int_equal(ctxt.rip, rip);
    }
    assert_true(ctxt.insn_bytes_fetched <= X86_MAX_INSN_LEN);
    for (int r = 0; r < 16; r++) {
        uint64_t want = c->gpr_out[r].set ? c->gpr_out[r].value : c->gpr[r];

        if (guest.gpr[r] != want)
            fail_msg("register %d: %#llx, expected %#llx", r, (unsigned long long)guest.gpr[r],
                     (unsigned long long)want);
    }
    assert_int_equal(ctxt.rflags, c->rflags_out ? c->rflags_out : c->rflags ? c->rflags : 0x2);
    for (uint32_t a = 0; a < FAKE_MEM_SIZE; a++) {
        if (guest.mem[a] != expected_mem[a])
            fail_msg("memory %#x: %#x, expected %#x", a, guest.mem[a], expected_mem[a]);
    }
}

/* Sets up a 64-bit guest with code at 0x1000 for the tests below. */
static void setup_long(struct x86_emul_ctxt *ctxt, const uint8_t *code, unsigned int len)
{
    static const struct emul_case long_mode = { .mode = M_LONG };

    memset(&guest, 0, sizeof(guest));
    guest.fault_page = FAKE_NO_FAULT_PAGE;
    *ctxt = (struct x86_emul_ctxt){ .opaque = &guest, .rip = 0x1000, .rflags = 0x2 };
    setup_segments(&long_mode, ctxt);
    memcpy(guest.mem + 0x1000, code, len);
}

static void test_xchg_is_locked(void **state)
{
    static const uint8_t xchg[] = { 0x87, 0x03 }, add[] = { 0x01, 0x03 },
                         lock_add[] = { 0xf0, 0x01, 0x03 };
    struct x86_emul_ctxt ctxt;

    (void)state;
    setup_long(&ctxt, xchg, sizeof(xchg));
    guest.gpr[RBX] = 0x2000;
    assert_int_equal(x86_emulate(&ctxt, &fake_guest_ops), X86_EMUL_OK);
    assert_int_equal(guest.naccess, 2);
    assert_true(guest.log[0].access.locked && !guest.log[0].write);
    assert_true(guest.log[1].access.locked && guest.log[1].write);
    assert_int_equal(guest.log[1].access.role, X86_ACCESS_OPERAND);

    setup_long(&ctxt, add, sizeof(add));
    guest.gpr[RBX] = 0x2000;
    assert_int_equal(x86_emulate(&ctxt, &fake_guest_ops), X86_EMUL_OK);
    assert_int_equal(guest.naccess, 2);
    assert_false(guest.log[0].access.locked || guest.log[1].access.locked);

    setup_long(&ctxt, lock_add, sizeof(lock_add));
    guest.gpr[RBX] = 0x2000;
    assert_int_equal(x86_emulate(&ctxt, &fake_guest_ops), X86_EMUL_OK);
    assert_true(guest.log[0].access.locked && guest.log[1].access.locked);
}

static void test_movs_roles(void **state)
{
    static const uint8_t movsd[] = { 0xa5 };
    struct x86_emul_ctxt ctxt;

    (void)state;
    setup_long(&ctxt, movsd, sizeof(movsd));
    guest.gpr[RSI] = 0x2000;
    guest.gpr[RDI] = 0x3000;
    assert_int_equal(x86_emulate(&ctxt, &fake_guest_ops), X86_EMUL_OK);
    assert_int_equal(guest.naccess, 2);
    assert_int_equal(guest.log[0].access.role, X86_ACCESS_STRING_SRC);
    assert_int_equal(guest.log[0].access.linear, 0x2000);
    assert_int_equal(guest.log[0].access.size, 4);
    assert_int_equal(guest.log[1].access.role, X86_ACCESS_STRING_DST);
    assert_int_equal(guest.log[1].access.linear, 0x3000);
}

static void test_rep_batch(void **state)
{
    static const uint8_t rep_stosb[] = { 0xf3, 0xaa };
    struct x86_emul_ctxt ctxt;

    (void)state;
    setup_long(&ctxt, rep_stosb, sizeof(rep_stosb));
    guest.gpr[RAX] = 0x7;
    guest.gpr[RCX] = X86_EMUL_REP_BATCH + 2;
    guest.gpr[RDI] = 0x4000;
    assert_int_equal(x86_emulate(&ctxt, &fake_guest_ops), X86_EMUL_OK);
    assert_int_equal(guest.naccess, X86_EMUL_REP_BATCH);
    assert_int_equal(ctxt.rip, 0x1000);
    assert_int_equal(guest.mem[0x4000 + X86_EMUL_REP_BATCH - 1], 7);
    assert_int_equal(guest.mem[0x4000 + X86_EMUL_REP_BATCH], 0);
    /* The restarted instruction finishes the rest and moves on. */
    assert_int_equal(x86_emulate(&ctxt, &fake_guest_ops), X86_EMUL_OK);
    assert_int_equal(guest.gpr[RCX], 0);
    assert_int_equal(guest.mem[0x4000 + X86_EMUL_REP_BATCH + 1], 7);
    assert_int_equal(ctxt.rip, 0x1002);
}

static int fail_access(void *opaque, const struct x86_access *access, uint64_t *value,
                       struct x86_exception *exc)
{
    (void)opaque, (void)access, (void)value, (void)exc;
    fail_msg("decode accessed guest memory");
    return X86_EMUL_UNHANDLED;
}

static int fail_write(void *opaque, const struct x86_access *access, uint64_t value,
                      struct x86_exception *exc)
{
    (void)opaque, (void)access, (void)value, (void)exc;
    fail_msg("decode wrote guest memory");
    return X86_EMUL_UNHANDLED;
}

static uint64_t fail_read_gpr(void *opaque, enum x86_gpr reg)
{
    (void)opaque, (void)reg;
    fail_msg("decode read a register");
    return 0;
}

static void fail_write_gpr(void *opaque, enum x86_gpr reg, uint64_t value)
{
    (void)opaque, (void)reg, (void)value;
    fail_msg("decode wrote a register");
}

static void test_decode_has_no_side_effects(void **state)
{
    /* lock add qword [fs:r13+r10*4+0x12345678], imm8 -1 */
    static const uint8_t code[] = {
        0x64, 0xf0, 0x4b, 0x83, 0x84, 0x95, 0x78, 0x56, 0x34, 0x12, 0xff
    };
    struct x86_emul_ops ops = fake_guest_ops;
    struct x86_emul_ctxt ctxt;
    struct x86_insn insn;

    (void)state;
    ops.read = fail_access;
    ops.write = fail_write;
    ops.read_gpr = fail_read_gpr;
    ops.write_gpr = fail_write_gpr;
    setup_long(&ctxt, code, sizeof(code));
    assert_int_equal(x86_decode(&ctxt, &ops, &insn), X86_EMUL_OK);
    assert_int_equal(insn.length, sizeof(code));
    assert_int_equal(insn.op, X86_OP_ADD);
    assert_true(insn.lock && insn.mem_is_dst && insn.has_imm);
    assert_int_equal(insn.op_size, 8);
    assert_int_equal(insn.imm, ~0ull);
    assert_int_equal(insn.seg, X86_SEG_FS);
    assert_int_equal(insn.base, X86_R13);
    assert_int_equal(insn.index, X86_R10);
    assert_int_equal(insn.scale, 4);
    assert_int_equal(insn.disp, 0x12345678);
    assert_int_equal(ctxt.rip, 0x1000);
    assert_memory_equal(ctxt.insn_bytes, code, sizeof(code));
}

static void test_unhandled_keeps_bytes(void **state)
{
    static const uint8_t code[] = { 0x0f, 0x05 }; /* syscall */
    struct x86_emul_ctxt ctxt;

    (void)state;
    setup_long(&ctxt, code, sizeof(code));
    assert_int_equal(x86_emulate(&ctxt, &fake_guest_ops), X86_EMUL_UNHANDLED);
    assert_true(ctxt.insn_bytes_fetched >= 2);
    assert_memory_equal(ctxt.insn_bytes, code, sizeof(code));
    assert_int_equal(guest.fetch_calls, 1);
}

int main(void)
{
    static struct CMUnitTest table[NCASES];
    static const struct CMUnitTest others[] = {
        cmocka_unit_test(test_xchg_is_locked),
        cmocka_unit_test(test_movs_roles),
        cmocka_unit_test(test_rep_batch),
        cmocka_unit_test(test_decode_has_no_side_effects),
        cmocka_unit_test(test_unhandled_keeps_bytes),
    };

    for (size_t i = 0; i < NCASES; i++)
        table[i] = (struct CMUnitTest){ .name = cases[i].name,
                                        .test_func = run_case,
                                        .initial_state = (void *)&cases[i] };
    return cmocka_run_group_tests_name("x86_emulate table", table, NULL, NULL) |
           cmocka_run_group_tests_name("x86_emulate behaviour", others, NULL, NULL);
}
