// SPDX-License-Identifier: MIT
/*
 * A PV guest's descriptor tables (docs/decisions.md item 29). The GDT stays
 * in the guest's own frames (set_gdt) and the LDT at its linear address
 * (MMUEXT_SET_LDT); the hypervisor keeps where they are and validates their
 * descriptors as Xen does (set_gdt, update_descriptor). The container has no
 * descriptor table of its own (GDTR and LDTR empty): loading a non-null
 * selector into a data segment register raises #GP(selector), which the
 * hypervisor completes here from the descriptor it reads and validates
 * again at that moment (the guest can write its frames directly in the
 * container), or bounces as the fault the hardware would have raised.
 * Xen's reserved descriptors (from selector 0xe000) are the hypervisor's.
 */
#include <string.h>
#include <public/errno.h>
#include <public/xen.h>
#include <hv/guest_access.h>
#include "pv.h"

/* Descriptor bits, as Xen's check_descriptor() reads them. */
#define DESC_TYPE(d)  (((d) >> 40) & 0xF)
#define DESC_S        (1ull << 44)
#define DESC_DPL(d)   (((d) >> 45) & 3)
#define DESC_DPL_MASK (3ull << 45)
#define DESC_P        (1ull << 47)
#define DESC_A        (1ull << 40)
#define TYPE_CALLGATE 0xC
#define TYPE_CODE     0x8
#define TYPE_RW       0x2 /* data: writable; code: readable */

/* Xen's entries from FIRST_RESERVED_GDT_ENTRY: the ones a guest may load (xen-x86_64.h). */
#define RESERVED_FIRST_SEL (PV_GDT_RESERVED_ENTRY << 3)
static const uint64_t reserved_gdt[] = {
    [(FLAT_RING3_CS32 - RESERVED_FIRST_SEL) >> 3] = 0x00CFFB000000FFFFull,
    [(FLAT_RING3_DS32 - RESERVED_FIRST_SEL) >> 3] = 0x00CFF3000000FFFFull,
    [(FLAT_RING3_CS64 - RESERVED_FIRST_SEL) >> 3] = 0x00AFFB000000FFFFull,
};

static bool canonical(uint64_t va)
{
    return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

/*
 * Xen's check_descriptor() for an x86-64 PV guest, whose kernel runs at
 * CPL 3: false for a descriptor it refuses, else *desc as the guest may
 * have it. Not present: anything (it always faults). Code and data: any
 * base and limit, the DPL raised to 3. The 2nd half of a call gate (type
 * 0): kept. A call gate: its target a guest code selector, its DPL forced
 * to 0 (so using it faults and is the kernel's business) with the DPL it
 * asked for kept in the target's RPL, the reserved bits clear. Every other
 * system descriptor (TSS, LDT, interrupt and trap gates) is refused.
 */
static bool check_descriptor(uint64_t *desc)
{
    uint64_t d = *desc;
    unsigned int dpl = DESC_DPL(d);

    if (!(d & DESC_P))
        return true;
    if (d & DESC_S) {
        *desc = d | DESC_DPL_MASK;
        return true;
    }
    if (DESC_TYPE(d) == 0)
        return true;
    if (DESC_TYPE(d) != TYPE_CALLGATE)
        return false;
    {
        uint16_t cs = (uint16_t)(d >> 16);

        /* Not null; in the GDT, below Xen's entries or one of its flat ring-3 code selectors. */
        if (!(cs & ~3u) || (!(cs & 4) && (cs >> 3) >= PV_GDT_RESERVED_ENTRY &&
                            (cs | 3) != FLAT_RING3_CS64 && (cs | 3) != FLAT_RING3_CS32))
            return false;
        if (d & (0xFFull << 32)) /* reserved: bits 0-7 of the high dword */
            return false;
        cs = (uint16_t)((cs & ~3u) | dpl);
        *desc = (d & ~DESC_DPL_MASK & ~(0xFFFFull << 16)) | (uint64_t)cs << 16;
    }
    return true;
}

int64_t pv_set_gdt(struct vcpu *v, uint64_t frame_list, uint64_t entries)
{
    uint64_t frames[PV_GDT_FRAMES_MAX];
    unsigned int nr = (unsigned int)((entries + 511) / 512);

    /* As Xen: at most the entries below its reserved ones. */
    if (entries > PV_GDT_RESERVED_ENTRY)
        return -XEN_EINVAL;
    if (nr && copy_from_guest(v, frames, mk_gvaddr(frame_list), nr * sizeof(frames[0])))
        return -XEN_EFAULT;
    return pv_set_gdt_frames(v, frames, entries);
}

int64_t pv_set_gdt_frames(struct vcpu *v, const uint64_t *frames, uint64_t entries)
{
    struct pv_vcpu *pv = to_pv(v);
    unsigned int nr = (unsigned int)((entries + 511) / 512);

    if (entries > PV_GDT_RESERVED_ENTRY)
        return -XEN_EINVAL;
    for (unsigned int i = 0; i < nr; i++) {
        if (!pv_own_ram(v->domain, frames[i]))
            return -XEN_EINVAL;
        for (unsigned int e = 0; e < 512 && i * 512 + e < entries; e++) {
            uint64_t d;

            if (copy_from_guest_phys(v->domain, &d, mk_gpaddr(frames[i] << PAGE_SHIFT | e * 8),
                                     8) ||
                !check_descriptor(&d))
                return -XEN_EINVAL;
        }
    }
    memcpy(pv->gdt_frames, frames, nr * sizeof(frames[0]));
    pv->gdt_ents = (unsigned int)entries;
    return 0;
}

int64_t pv_update_descriptor(struct vcpu *v, uint64_t maddr, uint64_t desc)
{
    if ((maddr & 7) || !pv_own_ram(v->domain, maddr >> PAGE_SHIFT) || !check_descriptor(&desc))
        return -XEN_EINVAL;
    return copy_to_guest_phys(v->domain, mk_gpaddr(maddr), &desc, 8) ? -XEN_EINVAL : 0;
}

int64_t pv_set_ldt(struct vcpu *v, uint64_t base, uint64_t entries)
{
    /* As Xen: page aligned, a guest address (not in Xen's range), at most 8192 entries. */
    if ((base & (PAGE_SIZE - 1)) || !canonical(base) ||
        (base >= HYPERVISOR_VIRT_START && base < HYPERVISOR_VIRT_END) || entries > 8192)
        return -XEN_EINVAL;
    to_pv(v)->ldt_base = entries ? base : 0;
    to_pv(v)->ldt_ents = (unsigned int)entries;
    return 0;
}

/* The descriptor of selector sel (not null) as the guest may have it; false if there is none. */
static bool read_descriptor(struct vcpu *v, uint16_t sel, uint64_t *desc)
{
    struct pv_vcpu *pv = to_pv(v);
    unsigned int index = sel >> 3;

    if (sel & 4) {
        if (index >= pv->ldt_ents ||
            copy_from_guest(v, desc, mk_gvaddr(pv->ldt_base + index * 8), 8))
            return false;
    } else if (index >= PV_GDT_RESERVED_ENTRY) {
        index -= PV_GDT_RESERVED_ENTRY;
        if (index >= sizeof(reserved_gdt) / sizeof(reserved_gdt[0]) || !reserved_gdt[index])
            return false;
        *desc = reserved_gdt[index];
        return true;
    } else if (index >= pv->gdt_ents ||
               copy_from_guest_phys(
                   v->domain, desc,
                   mk_gpaddr(pv->gdt_frames[index / 512] << PAGE_SHIFT | (index % 512) * 8), 8)) {
        return false;
    }
    return check_descriptor(desc);
}

/* The segment register of a load at RIP (mov r16/32/64 to Sreg; pop fs/gs), its length and source. */
struct seg_load {
    enum hvm_seg seg;
    unsigned int len;
    bool pop;
    uint16_t sel;
};

static bool decode_seg_load(struct vcpu *v, struct seg_load *l)
{
    static const enum guest_reg gpr[16] = {
        GREG_RAX, GREG_RCX, GREG_RDX, GREG_RBX, GREG_RSP, GREG_RBP, GREG_RSI, GREG_RDI,
        GREG_R8,  GREG_R9,  GREG_R10, GREG_R11, GREG_R12, GREG_R13, GREG_R14, GREG_R15,
    };
    static const enum hvm_seg sreg[6] = { HVM_SEG_ES, HVM_SEG_CS, HVM_SEG_SS,
                                          HVM_SEG_DS, HVM_SEG_FS, HVM_SEG_GS };
    uint8_t b[8];
    unsigned int n = 0, rex = 0;
    bool opsize = false;

    if (copy_from_guest(v, b, mk_gvaddr(hvm_be->get_reg(v, GREG_RIP)), sizeof(b)))
        return false;
    for (; n < 4 && (b[n] == 0x66 || b[n] == 0x3E); n++)
        opsize |= b[n] == 0x66;
    if ((b[n] & 0xF0) == 0x40)
        rex = b[n++];
    if (b[n] == 0x8E) {
        uint8_t modrm = b[n + 1];
        unsigned int reg = (modrm >> 3) & 7;

        /* Register operands only; CS is #UD, 6 and 7 are no segment registers. */
        if ((modrm >> 6) != 3 || reg == 1 || reg > 5)
            return false;
        l->seg = sreg[reg];
        l->len = n + 2;
        l->pop = false;
        l->sel = (uint16_t)hvm_be->get_reg(v, gpr[(modrm & 7) | (rex & 1) << 3]);
        return true;
    }
    /* pop fs/gs of 8 bytes (a 0x66 prefix would pop 2: left to the guest's #GP handler). */
    if (!opsize && b[n] == 0x0F && (b[n + 1] == 0xA1 || b[n + 1] == 0xA9)) {
        uint64_t val;

        if (copy_from_guest(v, &val, mk_gvaddr(hvm_be->get_reg(v, GREG_RSP)), sizeof(val)))
            return false;
        l->seg = b[n + 1] == 0xA1 ? HVM_SEG_FS : HVM_SEG_GS;
        l->len = n + 2;
        l->pop = true;
        l->sel = (uint16_t)val;
        return true;
    }
    return false;
}

/* Xen's flat reading of a descriptor: base, byte-granular limit, the 12-bit attributes. */
static struct hvm_segment descriptor_segment(uint64_t d)
{
    uint32_t limit = (uint32_t)((d & 0xFFFF) | ((d >> 32) & 0xF0000));
    uint16_t attr = (uint16_t)(((d >> 40) & 0xFF) | ((d >> 44) & 0xF00));

    if (attr & X86_SEG_ATTR_G)
        limit = limit << 12 | 0xFFF;
    return (struct hvm_segment){
        .base = ((d >> 16) & 0xFFFFFF) | ((d >> 32) & 0xFF000000),
        .limit = limit,
        .attr = attr,
    };
}

/*
 * The processor's checks of a data segment register load at CPL 3 of
 * descriptor d (check_descriptor() made its DPL 3): 0, or the vector it
 * raises (#GP, else #NP or #SS for a descriptor not present).
 */
static uint8_t load_fault(enum hvm_seg seg, uint16_t sel, uint64_t d)
{
    unsigned int type = (unsigned int)DESC_TYPE(d);

    if (!(d & DESC_S))
        return X86_EXC_GP;
    if (seg == HVM_SEG_SS) {
        if ((sel & 3) != 3 || (type & TYPE_CODE) || !(type & TYPE_RW))
            return X86_EXC_GP;
        return d & DESC_P ? 0 : X86_EXC_SS;
    }
    /* Data, or readable code; the DPL is 3, so CPL and RPL always pass. */
    if ((type & TYPE_CODE) && !(type & TYPE_RW))
        return X86_EXC_GP;
    return d & DESC_P ? 0 : X86_EXC_NP;
}

bool pv_segment(struct vcpu *v, enum hvm_seg seg, uint16_t sel, struct hvm_segment *out)
{
    uint64_t d;

    if (!(sel & ~3u) && seg != HVM_SEG_CS && seg != HVM_SEG_SS) {
        *out = (struct hvm_segment){ .selector = sel }; /* null: unusable */
        return true;
    }
    if (!read_descriptor(v, sel, &d))
        return false;
    *out = descriptor_segment(d | DESC_A);
    out->selector = sel;
    if (seg == HVM_SEG_CS)
        /* Present 64-bit code (L with D set is reserved: the processor refuses it). */
        return (d & DESC_S) && (DESC_TYPE(d) & TYPE_CODE) && (d & DESC_P) &&
               (out->attr & X86_SEG_ATTR_L) && !(out->attr & X86_SEG_ATTR_DB);
    return !load_fault(seg, sel, d);
}

bool pv_start_segment(struct vcpu *v, enum hvm_seg seg, uint16_t sel, struct hvm_segment *out)
{
    return !(sel & 4) && pv_segment(v, seg, sel, out);
}

enum pv_seg_result pv_emulate_seg_load(struct vcpu *v, uint32_t error_code, unsigned int *len,
                                       uint8_t *vector, uint32_t *fault_error)
{
    struct hvm_segment s;
    struct seg_load l;
    uint64_t d;

    if (!error_code || !decode_seg_load(v, &l) || (l.sel & 0xFFFC) != (error_code & 0xFFFC))
        return PV_SEG_NOT_A_LOAD;
    *fault_error = l.sel & 0xFFFC;
    *vector = read_descriptor(v, l.sel, &d) ? load_fault(l.seg, l.sel, d) : X86_EXC_GP;
    if (*vector)
        return PV_SEG_FAULT;
    /* Loaded accessed, as the hardware marks it (in the guest's frame too: not needed here). */
    s = descriptor_segment(d | DESC_A);
    s.selector = l.sel;
    hvm_be->set_segment(v, l.seg, &s);
    if (l.pop)
        hvm_be->set_reg(v, GREG_RSP, hvm_be->get_reg(v, GREG_RSP) + 8);
    *len = l.len;
    return PV_SEG_DONE;
}
