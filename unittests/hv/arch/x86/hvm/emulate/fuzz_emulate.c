/*
 * libFuzzer target for the MMIO instruction emulator. The input chooses the mode,
 * RFLAGS, segments, registers, RIP, a page that faults and the instruction bytes;
 * guest memory is 64 KiB at linear 0 (everything else page-faults). Invariants
 * checked on every input (abort() on a breach, besides ASan/UBSan):
 * - instruction fetches are sequential from the instruction's first byte, never
 *   cross a page, never total more than 15 bytes;
 * - decode touches no data memory and no register, is deterministic, and does not
 *   depend on bytes it did not fetch (two runs over different stale buffers agree);
 * - a decoded length is <= 15 and <= the bytes fetched; RIP moves by exactly that
 *   length on success (or stays for an unfinished rep), and stays on failure;
 * - data accesses are 1, 2, 4 or 8 bytes, inside the callbacks, at most two per
 *   rep element; exceptions are #UD, #SS, #GP or #PF (with CR2 only for #PF).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_emulate.h"

#define MEM_SIZE 0x10000u

struct fuzz_guest {
    uint8_t mem[MEM_SIZE];
    uint64_t gpr[16];
    struct x86_segment seg[6];
    uint64_t fault_page;
    uint64_t code_linear;
    uint64_t linear_mask;
    unsigned int fetched;
    unsigned int accesses;
    bool in_decode;
};

static struct fuzz_guest guest;

static void check(bool ok)
{
    if (!ok)
        abort();
}

static bool mapped(uint64_t linear, unsigned int len, uint64_t *fault)
{
    if (linear >= MEM_SIZE || len > MEM_SIZE - linear) {
        *fault = linear >= MEM_SIZE ? linear : MEM_SIZE;
        return false;
    }
    for (uint64_t a = linear; a < linear + len; a++) {
        if ((a & ~0xfffull) == guest.fault_page) {
            *fault = a;
            return false;
        }
    }
    return true;
}

static int page_fault(struct x86_exception *exc, uint64_t linear, uint32_t error_code)
{
    *exc = (struct x86_exception){ .vector = X86_EXC_PF,
                                   .has_error_code = true,
                                   .error_code = error_code,
                                   .has_cr2 = true,
                                   .cr2 = linear };
    return X86_EMUL_EXCEPTION;
}

static int fuzz_fetch(void *opaque, uint64_t linear, uint8_t *buf, unsigned int len,
                      struct x86_exception *exc)
{
    uint64_t fault;

    (void)opaque;
    check(len >= 1 && guest.fetched + len <= X86_MAX_INSN_LEN);
    check(((guest.code_linear + guest.fetched) & guest.linear_mask) == linear);
    check((linear & 0xfff) + len <= 0x1000);
    if (!mapped(linear, len, &fault))
        return page_fault(exc, fault, 0x10);
    memcpy(buf, guest.mem + linear, len);
    guest.fetched += len;
    return X86_EMUL_OK;
}

static void check_access(const struct x86_access *access)
{
    check(!guest.in_decode);
    check(access->size == 1 || access->size == 2 || access->size == 4 || access->size == 8);
    check(access->role <= X86_ACCESS_STRING_DST);
    check(access->linear + access->size - 1 >= access->linear);
    if (guest.linear_mask != ~0ull)
        check(access->linear + access->size - 1 <= guest.linear_mask);
    check(++guest.accesses <= 2 * X86_EMUL_REP_BATCH);
}

static int fuzz_read(void *opaque, const struct x86_access *access, uint64_t *value,
                     struct x86_exception *exc)
{
    uint64_t fault, v = 0;

    (void)opaque;
    check_access(access);
    if (!mapped(access->linear, access->size, &fault))
        return page_fault(exc, fault, 0);
    for (unsigned int i = 0; i < access->size; i++)
        v |= (uint64_t)guest.mem[access->linear + i] << (8 * i);
    *value = v;
    return X86_EMUL_OK;
}

static int fuzz_write(void *opaque, const struct x86_access *access, uint64_t value,
                      struct x86_exception *exc)
{
    uint64_t fault;

    (void)opaque;
    check_access(access);
    if (access->size < 8)
        check(value >> (access->size * 8) == 0);
    if (!mapped(access->linear, access->size, &fault))
        return page_fault(exc, fault, 2);
    for (unsigned int i = 0; i < access->size; i++)
        guest.mem[access->linear + i] = (uint8_t)(value >> (8 * i));
    return X86_EMUL_OK;
}

static uint64_t fuzz_read_gpr(void *opaque, enum x86_gpr reg)
{
    (void)opaque;
    check(!guest.in_decode && (unsigned int)reg < 16);
    return guest.gpr[reg];
}

static void fuzz_write_gpr(void *opaque, enum x86_gpr reg, uint64_t value)
{
    (void)opaque;
    check(!guest.in_decode && (unsigned int)reg < 16);
    guest.gpr[reg] = value;
}

static void fuzz_read_segment(void *opaque, enum x86_seg seg, struct x86_segment *out)
{
    (void)opaque;
    check((unsigned int)seg < 6);
    *out = guest.seg[seg];
}

static const struct x86_emul_ops ops = {
    .fetch = fuzz_fetch,
    .read = fuzz_read,
    .write = fuzz_write,
    .read_gpr = fuzz_read_gpr,
    .write_gpr = fuzz_write_gpr,
    .read_segment = fuzz_read_segment,
};

static bool same_insn(const struct x86_insn *a, const struct x86_insn *b)
{
    return a->op == b->op && a->length == b->length && a->op_size == b->op_size &&
           a->src_size == b->src_size && a->addr_size == b->addr_size && a->rex == b->rex &&
           a->lock == b->lock && a->rep == b->rep && a->mem_is_dst == b->mem_is_dst &&
           a->has_imm == b->has_imm && a->imm == b->imm && a->reg == b->reg && a->seg == b->seg &&
           a->base == b->base && a->index == b->index && a->scale == b->scale &&
           a->disp == b->disp && a->rip_relative == b->rip_relative;
}

/* One decode over a stale instruction buffer filled with `stale`. */
static int decode_once(struct x86_emul_ctxt *ctxt, struct x86_insn *insn, uint8_t stale)
{
    memset(ctxt->insn_bytes, stale, sizeof(ctxt->insn_bytes));
    guest.fetched = 0;
    guest.in_decode = true;
    int rc = x86_decode(ctxt, &ops, insn);
    guest.in_decode = false;
    check(ctxt->insn_bytes_fetched == guest.fetched);
    return rc;
}

static void check_exception(const struct x86_exception *exc)
{
    check(exc->vector == X86_EXC_UD || exc->vector == X86_EXC_SS || exc->vector == X86_EXC_GP ||
          exc->vector == X86_EXC_PF);
    check(exc->has_cr2 == (exc->vector == X86_EXC_PF));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_header h;
    struct x86_emul_ctxt ctxt = { 0 };
    struct x86_insn insn, again;

    if (size < sizeof(h))
        return 0;
    memcpy(&h, data, sizeof(h));
    data += sizeof(h);
    size -= sizeof(h);

    static uint8_t pattern[MEM_SIZE];
    if (!pattern[0]) {
        for (unsigned int i = 0; i < MEM_SIZE; i++)
            pattern[i] = (uint8_t)(i * 131 + 7);
    }
    memcpy(guest.mem, pattern, MEM_SIZE);
    memcpy(guest.gpr, h.gpr, sizeof(guest.gpr));
    for (int s = 0; s < 6; s++)
        guest.seg[s] = (struct x86_segment){ .base = (uint64_t)h.seg_base[s] << 4,
                                             .limit = h.seg_limit[s],
                                             .attr = h.seg_attr[s] };
    guest.fault_page = (h.flags & 0x80) ? (uint64_t)(h.flags & 0xf) << 12 : ~0ull;
    ctxt.opaque = &guest;
    ctxt.cr0_pe = h.mode & 1;
    ctxt.efer_lma = (h.mode & 2) && ctxt.cr0_pe;
    ctxt.rflags = 0x2 | ((h.flags & 0x10) ? X86_RFLAGS_DF : 0) |
                  ((h.flags & 0x20) ? X86_RFLAGS_VM : 0) | ((h.flags & 0x40) ? 0x8d5 : 0);
    ctxt.rip = h.rip | ((h.mode & 4) ? 0xffffffffffff0000ull : 0);

    /* Where the emulator will fetch from, computed independently. */
    bool long64 = ctxt.efer_lma && !(ctxt.rflags & X86_RFLAGS_VM) &&
                  (guest.seg[X86_SEG_CS].attr & X86_SEG_ATTR_L);
    bool code32 = ctxt.cr0_pe && !(ctxt.rflags & X86_RFLAGS_VM) &&
                  (guest.seg[X86_SEG_CS].attr & X86_SEG_ATTR_DB);
    uint64_t ip_mask = long64 ? ~0ull : code32 ? 0xffffffffull : 0xffffull;
    guest.linear_mask = long64 ? ~0ull : 0xffffffffull;
    guest.code_linear =
        long64 ? ctxt.rip : (guest.seg[X86_SEG_CS].base + (ctxt.rip & ip_mask)) & 0xffffffffull;
    for (size_t i = 0; i < size && i < 16; i++) {
        uint64_t a = guest.code_linear + i;
        if (a < MEM_SIZE)
            guest.mem[a] = data[i];
    }

    int rc = decode_once(&ctxt, &insn, 0xcc);
    struct x86_exception first = ctxt.exception;
    unsigned int fetched = guest.fetched;
    int rc2 = decode_once(&ctxt, &again, 0x33);

    check(rc == rc2 && fetched == guest.fetched);
    check(rc == X86_EMUL_OK || rc == X86_EMUL_UNHANDLED || rc == X86_EMUL_EXCEPTION);
    if (rc == X86_EMUL_EXCEPTION) {
        check(memcmp(&first, &ctxt.exception, sizeof(first)) == 0);
        check_exception(&ctxt.exception);
    }
    check(ctxt.rip == (h.rip | ((h.mode & 4) ? 0xffffffffffff0000ull : 0)));
    if (rc != X86_EMUL_OK)
        return 0;
    check(same_insn(&insn, &again));
    check(insn.length >= 1 && insn.length <= X86_MAX_INSN_LEN && insn.length <= fetched);

    uint64_t rip = ctxt.rip;
    guest.accesses = 0;
    rc = x86_execute(&ctxt, &ops, &insn);
    check(rc == X86_EMUL_OK || rc == X86_EMUL_UNHANDLED || rc == X86_EMUL_EXCEPTION);
    if (rc == X86_EMUL_EXCEPTION)
        check_exception(&ctxt.exception);
    if (rc != X86_EMUL_OK || (insn.rep && ctxt.rip == rip))
        check(ctxt.rip == rip);
    else
        check(ctxt.rip == ((rip + insn.length) & ip_mask));
    return 0;
}
