#include "fake_guest.h"

#include <string.h>

static bool mapped(const struct fake_guest *g, uint64_t linear, unsigned int len, uint64_t *fault)
{
    if (linear >= FAKE_MEM_SIZE || len > FAKE_MEM_SIZE - linear) {
        *fault = linear >= FAKE_MEM_SIZE ? linear : FAKE_MEM_SIZE;
        return false;
    }
    for (uint64_t a = linear; a < linear + len; a++) {
        if ((a & ~0xfffull) == g->fault_page) {
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

static int fake_fetch(void *opaque, uint64_t linear, uint8_t *buf, unsigned int len,
                      struct x86_exception *exc)
{
    struct fake_guest *g = opaque;
    uint64_t fault;

    g->fetch_calls++;
    if (!mapped(g, linear, len, &fault))
        return page_fault(exc, fault, FAKE_PF_FETCH);
    memcpy(buf, g->mem + linear, len);
    return X86_EMUL_OK;
}

static void log_access(struct fake_guest *g, const struct x86_access *access, bool write,
                       uint64_t value)
{
    if (g->naccess < FAKE_LOG_MAX)
        g->log[g->naccess] = (struct fake_access){ *access, write, value };
    g->naccess++;
}

static int fake_read(void *opaque, const struct x86_access *access, uint64_t *value,
                     struct x86_exception *exc)
{
    struct fake_guest *g = opaque;
    uint64_t fault, v = 0;

    if (!mapped(g, access->linear, access->size, &fault))
        return page_fault(exc, fault, 0);
    for (unsigned int i = 0; i < access->size; i++)
        v |= (uint64_t)g->mem[access->linear + i] << (8 * i);
    *value = v;
    log_access(g, access, false, v);
    return X86_EMUL_OK;
}

static int fake_write(void *opaque, const struct x86_access *access, uint64_t value,
                      struct x86_exception *exc)
{
    struct fake_guest *g = opaque;
    uint64_t fault;

    if (!mapped(g, access->linear, access->size, &fault))
        return page_fault(exc, fault, FAKE_PF_WRITE);
    for (unsigned int i = 0; i < access->size; i++)
        g->mem[access->linear + i] = (uint8_t)(value >> (8 * i));
    log_access(g, access, true, value);
    return X86_EMUL_OK;
}

static uint64_t fake_read_gpr(void *opaque, enum x86_gpr reg)
{
    return ((struct fake_guest *)opaque)->gpr[reg];
}

static void fake_write_gpr(void *opaque, enum x86_gpr reg, uint64_t value)
{
    ((struct fake_guest *)opaque)->gpr[reg] = value;
}

static void fake_read_segment(void *opaque, enum x86_seg seg, struct x86_segment *out)
{
    *out = ((struct fake_guest *)opaque)->seg[seg];
}

const struct x86_emul_ops fake_guest_ops = {
    .fetch = fake_fetch,
    .read = fake_read,
    .write = fake_write,
    .read_gpr = fake_read_gpr,
    .write_gpr = fake_write_gpr,
    .read_segment = fake_read_segment,
};
