// SPDX-License-Identifier: MIT
/*
 * The instruction emulator (emulate/, docs/emulator.md) wired to a vCPU:
 * instruction bytes fetched through the guest's page tables, data accesses
 * translated the same way and sent to the device when they land on the
 * faulting emulated page, else to the guest's RAM (a `movs` may copy between
 * the two); registers and segments through the back-end.
 */
#include <asm/guest_pt.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/printk.h>
#include "emulate/x86_emulate.h"
#include "mmio.h"

#define PF_ERR_WRITE (1u << 1)
#define PF_ERR_USER  (1u << 2)
#define PF_ERR_FETCH (1u << 4)

struct mmio_ctx {
    struct vcpu *v;
    gpaddr_t page; /* the emulated page that faulted */
    const struct hvm_mmio_device *dev;
    unsigned int cpl;
    bool ram_fault; /* an access reached neither RAM nor the device */
};

/* The emulator's registers (encoding order) as the back-end names them. */
static const enum guest_reg gpr_of[16] = {
    GREG_RAX, GREG_RCX, GREG_RDX, GREG_RBX, GREG_RSP, GREG_RBP, GREG_RSI, GREG_RDI,
    GREG_R8,  GREG_R9,  GREG_R10, GREG_R11, GREG_R12, GREG_R13, GREG_R14, GREG_R15,
};

/*
 * A translation the CPU did a moment ago failed (another vCPU changed the
 * page tables): a #PF as the guest would have seen it. The walker does not
 * say whether the entry was present, so P stays clear.
 */
static int page_fault(const struct mmio_ctx *m, uint64_t linear, uint32_t err,
                      struct x86_exception *exc)
{
    *exc = (struct x86_exception){ .vector = X86_EXC_PF,
                                   .has_error_code = true,
                                   .error_code = err | (m->cpl == 3 ? PF_ERR_USER : 0),
                                   .has_cr2 = true,
                                   .cr2 = linear };
    return X86_EMUL_EXCEPTION;
}

static int mmio_fetch(void *opaque, uint64_t linear, uint8_t *buf, unsigned int len,
                      struct x86_exception *exc)
{
    struct mmio_ctx *m = opaque;
    gpaddr_t gpa;

    if (guest_fetch_virt_to_phys(m->v, mk_gvaddr(linear), &gpa) ||
        copy_from_guest_phys(m->v->domain, buf, gpa, len))
        return page_fault(m, linear, PF_ERR_FETCH, exc);
    return X86_EMUL_OK;
}

/*
 * One data access, page by page: the part on the emulated page goes to the
 * device (4 bytes at most per call), the rest to RAM. value holds the bytes
 * little-endian, in or out.
 */
static int mmio_access(struct mmio_ctx *m, const struct x86_access *a, uint64_t *value, bool write,
                       struct x86_exception *exc)
{
    uint8_t bytes[8];
    unsigned int done = 0;

    __builtin_memcpy(bytes, value, sizeof(bytes));
    while (done < a->size) {
        gvaddr_t linear = mk_gvaddr(a->linear + done);
        unsigned int chunk =
            (unsigned int)MIN((uint64_t)(a->size - done), PAGE_SIZE - gvaddr_offset(linear));
        gpaddr_t gpa;

        if (guest_virt_to_phys(m->v, linear, write, &gpa))
            return page_fault(m, gvaddr_val(linear), write ? PF_ERR_WRITE : 0, exc);
        if (gpaddr_eq(gpaddr_page(gpa), m->page)) {
            unsigned int off = 0;

            while (off < chunk) {
                unsigned int n = MIN(chunk - off, 4u);
                uint32_t offset = (uint32_t)gpaddr_offset(gpa) + off, word = 0;

                if (write) {
                    __builtin_memcpy(&word, bytes + done + off, n);
                    m->dev->write(m->v, offset, n, word);
                } else {
                    word = m->dev->read(m->v, offset, n);
                    __builtin_memcpy(bytes + done + off, &word, n);
                }
                off += n;
            }
        } else if (write ? copy_to_guest_phys(m->v->domain, gpa, bytes + done, chunk)
                         : copy_from_guest_phys(m->v->domain, bytes + done, gpa, chunk)) {
            m->ram_fault = true;
            return X86_EMUL_UNHANDLED;
        }
        done += chunk;
    }
    if (!write) {
        *value = 0;
        __builtin_memcpy(value, bytes, a->size);
    }
    return X86_EMUL_OK;
}

static int mmio_read(void *opaque, const struct x86_access *a, uint64_t *value,
                     struct x86_exception *exc)
{
    return mmio_access(opaque, a, value, false, exc);
}

static int mmio_write(void *opaque, const struct x86_access *a, uint64_t value,
                      struct x86_exception *exc)
{
    return mmio_access(opaque, a, &value, true, exc);
}

static uint64_t mmio_read_gpr(void *opaque, enum x86_gpr reg)
{
    return hvm_be->get_reg(((struct mmio_ctx *)opaque)->v, gpr_of[reg]);
}

static void mmio_write_gpr(void *opaque, enum x86_gpr reg, uint64_t value)
{
    hvm_be->set_reg(((struct mmio_ctx *)opaque)->v, gpr_of[reg], value);
}

static void mmio_read_segment(void *opaque, enum x86_seg seg, struct x86_segment *out)
{
    struct hvm_segment s;

    hvm_be->get_segment(((struct mmio_ctx *)opaque)->v, (enum hvm_seg)seg, &s);
    *out = (struct x86_segment){ s.base, s.limit, s.attr };
}

static const struct x86_emul_ops mmio_ops = {
    .fetch = mmio_fetch,
    .read = mmio_read,
    .write = mmio_write,
    .read_gpr = mmio_read_gpr,
    .write_gpr = mmio_write_gpr,
    .read_segment = mmio_read_segment,
};

_Static_assert((int)X86_SEG_GS == (int)HVM_SEG_GS && (int)X86_SEG_ES == (int)HVM_SEG_ES,
               "the emulator's segment numbers are the back-end's");

struct hvm_outcome hvm_mmio_emulate(struct vcpu *v, const struct hvm_exit *e,
                                    const struct hvm_mmio_device *dev)
{
    struct guest_paging p;
    struct mmio_ctx m = { v, gpaddr_page(e->npf.gpa), dev, 0, false };
    struct x86_emul_ctxt ctxt;
    char bytes[3 * X86_MAX_INSN_LEN + 1];
    unsigned int i;

    hvm_be->get_paging(v, &p);
    m.cpl = p.cpl;
    ctxt = (struct x86_emul_ctxt){ .opaque = &m,
                                   .cr0_pe = p.cr0 & X86_CR0_PE,
                                   .efer_lma = p.efer & EFER_LMA,
                                   .rip = hvm_be->get_reg(v, GREG_RIP),
                                   .rflags = hvm_be->get_reg(v, GREG_RFLAGS) };
    switch (x86_emulate(&ctxt, &mmio_ops)) {
    case X86_EMUL_OK:
        hvm_be->set_reg(v, GREG_RIP, ctxt.rip);
        hvm_be->set_reg(v, GREG_RFLAGS, ctxt.rflags);
        hvm_be->end_interrupt_shadow(v);
        return hvm_resume();
    case X86_EMUL_EXCEPTION:
        if (ctxt.exception.has_cr2)
            hvm_be->set_reg(v, GREG_CR2, ctxt.exception.cr2);
        return hvm_exception(ctxt.exception.vector, ctxt.exception.error_code);
    default: break;
    }
    for (i = 0; i < ctxt.insn_bytes_fetched; i++)
        snprintf(bytes + 3 * i, 4, " %02x", ctxt.insn_bytes[i]);
    bytes[3 * i] = '\0';
    printk("%s: vCPU %u: %s at guest-physical 0x%llx: %s (rip 0x%llx, bytes%s)\n", v->domain->name,
           v->id, dev->name, (unsigned long long)gpaddr_val(e->npf.gpa),
           m.ram_fault ? "the instruction's other operand is not the domain's RAM"
                       : "an instruction the emulator does not handle",
           (unsigned long long)hvm_be->get_reg(v, GREG_RIP), bytes);
    return hvm_crash("MMIO instruction not emulated");
}
