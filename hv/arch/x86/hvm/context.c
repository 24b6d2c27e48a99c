// SPDX-License-Identifier: MIT
/*
 * VCPUOP_initialise for HVM/PVH guests (asm/hvm/context.h): the checks of
 * Xen's arch_set_info_hvm_guest, plus those that keep the state enterable by
 * the CPU (a VMRUN that fails its consistency checks would crash the domain
 * at its first entry instead of answering -EINVAL).
 */
#include <string.h>
#include <asm/cpu.h>
#include <asm/hvm/context.h>
#include <asm/msr.h>
#include <domain-builder/vcpu.h>
#include <public/errno.h>
#include <public/hvm/hvm_vcpu.h>
#include <public/xen.h>

_Static_assert(sizeof(struct vcpu_hvm_x86_32) == 120, "Xen's vcpu_hvm_x86_32 layout");
_Static_assert(sizeof(struct vcpu_hvm_context) == 128, "Xen's vcpu_hvm_context layout");

/* PE MP EM TS ET NE WP AM NW CD PG: every CR0 bit the architecture defines. */
#define CR0_KNOWN                                                                               \
    (X86_CR0_PE | X86_CR0_MP | X86_CR0_EM | X86_CR0_TS | X86_CR0_ET | X86_CR0_NE | X86_CR0_WP | \
     X86_CR0_AM | X86_CR0_NW | X86_CR0_CD | X86_CR0_PG)
/* VME PVI TSD DE PSE PAE PGE PCE OSFXSR OSXMMEXCPT: on every x86-64 CPU and offered. */
#define CR4_BASELINE 0x7BFull
/* CF PF AF ZF SF TF IF DF OF IOPL NT RF VM AC VIF VIP ID, as Xen's X86_EFLAGS_ALL. */
#define RFLAGS_ALL 0x3F7FD5ull

/* Attribute fields (public/hvm/hvm_vcpu.h). */
#define AR_TYPE(a)         ((a)&0xFu)
#define AR_S               (1u << 4)
#define AR_DPL(a)          (((a) >> 5) & 3u)
#define AR_P               (1u << 7)
#define AR_L               (1u << 9)
#define AR_DB              (1u << 10)
#define AR_G               (1u << 11)
#define AR_RESERVED        0xF000u
#define TYPE_CODE          0x8u
#define TYPE_WRITE_OR_READ 0x2u /* writable data, readable code */
#define TYPE_TSS32_BUSY    0xBu

enum seg_kind {
    SEG_CS,
    SEG_SS,
    SEG_DATA,
    SEG_TR
};

void hvm_context_host_limits(struct hvm_context_limits *lim)
{
    struct cpuid_result f7 = { 0, 0, 0, 0 };

    if (cpuid(0, 0).eax >= 7)
        f7 = cpuid(7, 0);
    lim->cr4_valid = CR4_BASELINE | ((f7.ecx & (1u << 2)) ? X86_CR4_UMIP : 0) |
                     ((f7.ebx & (1u << 0)) ? X86_CR4_FSGSBASE : 0) |
                     ((f7.ebx & (1u << 7)) ? X86_CR4_SMEP : 0) |
                     ((f7.ebx & (1u << 20)) ? X86_CR4_SMAP : 0) |
                     ((cpuid(1, 0).ecx & (1u << 17)) ? X86_CR4_PCIDE : 0) |
                     ((cpuid(1, 0).ecx & (1u << 26)) ? X86_CR4_OSXSAVE : 0);
    lim->efer_valid = EFER_SCE | EFER_LME | EFER_LMA | (cpu_has_nx() ? EFER_NXE : 0);
    lim->phys_bits =
        cpuid_max_extended_leaf() >= 0x80000008u ? cpuid(0x80000008u, 0).eax & 0xFF : 36;
}

/*
 * Xen's check_segment(), after it set the accessed (code/data) or busy (TR)
 * type bit of a present segment. Only DS and ES may be null.
 */
static bool segment_ok(uint16_t ar, enum seg_kind kind)
{
    unsigned int type = AR_TYPE(ar);

    if (ar & AR_RESERVED)
        return false;
    if (ar == 0)
        return kind == SEG_DATA;
    if (kind == SEG_TR ? (ar & AR_S) || type != TYPE_TSS32_BUSY : !(ar & AR_S))
        return false;
    if (!(ar & AR_P))
        return false;
    switch (kind) {
    case SEG_CS: return type & TYPE_CODE;
    case SEG_SS: return !(type & TYPE_CODE) && (type & TYPE_WRITE_OR_READ);
    case SEG_DATA: return !(type & TYPE_CODE) || (type & TYPE_WRITE_OR_READ);
    case SEG_TR: return true;
    }
    return false;
}

static struct db_segment segment(uint32_t base, uint32_t limit, uint16_t ar, enum seg_kind kind)
{
    if (ar & AR_P)
        ar |= kind == SEG_TR ? 2 : 1;
    return (struct db_segment){ .selector = 0, .attrib = ar, .limit = limit, .base = base };
}

static int load_32(const struct vcpu_hvm_x86_32 *r, struct db_vcpu_state *st)
{
    uint64_t cs_limit;

    if (r->pad1 || r->pad2[0] || r->pad2[1] || r->pad2[2])
        return -XEN_EINVAL;
    st->cs = segment(r->cs_base, r->cs_limit, r->cs_ar, SEG_CS);
    st->ds = segment(r->ds_base, r->ds_limit, r->ds_ar, SEG_DATA);
    st->ss = segment(r->ss_base, r->ss_limit, r->ss_ar, SEG_SS);
    st->es = segment(r->es_base, r->es_limit, r->es_ar, SEG_DATA);
    st->tr = segment(r->tr_base, r->tr_limit, r->tr_ar, SEG_TR);
    if (!segment_ok(st->cs.attrib, SEG_CS) || !segment_ok(st->ds.attrib, SEG_DATA) ||
        !segment_ok(st->ss.attrib, SEG_SS) || !segment_ok(st->es.attrib, SEG_DATA) ||
        !segment_ok(st->tr.attrib, SEG_TR))
        return -XEN_EINVAL;
    cs_limit = (st->cs.attrib & AR_G) ? ((uint64_t)r->cs_limit << 12) | 0xFFF : r->cs_limit;
    if (r->eip > cs_limit || AR_DPL(st->ss.attrib) != AR_DPL(st->cs.attrib))
        return -XEN_EINVAL;
    if ((st->ds.attrib & AR_P) && AR_DPL(st->ds.attrib) > AR_DPL(st->cs.attrib))
        return -XEN_EINVAL;
    if ((st->es.attrib & AR_P) && AR_DPL(st->es.attrib) > AR_DPL(st->cs.attrib))
        return -XEN_EINVAL;
    if ((r->efer & EFER_LMA) && !(r->efer & EFER_LME))
        return -XEN_EINVAL;
    st->rax = r->eax;
    st->rcx = r->ecx;
    st->rdx = r->edx;
    st->rbx = r->ebx;
    st->rsp = r->esp;
    st->rbp = r->ebp;
    st->rsi = r->esi;
    st->rdi = r->edi;
    st->rip = r->eip;
    st->rflags = r->eflags;
    st->cr0 = r->cr0;
    st->cr3 = r->cr3;
    st->cr4 = r->cr4;
    st->efer = r->efer;
    return 0;
}

static bool canonical(uint64_t va)
{
    return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

static int load_64(const struct vcpu_hvm_x86_64 *r, struct db_vcpu_state *st)
{
    if (!canonical(r->rip) || !(r->cr0 & X86_CR0_PG) || !(r->cr4 & X86_CR4_PAE) ||
        !(r->efer & EFER_LME))
        return -XEN_EINVAL;
    st->rax = r->rax;
    st->rcx = r->rcx;
    st->rdx = r->rdx;
    st->rbx = r->rbx;
    st->rsp = r->rsp;
    st->rbp = r->rbp;
    st->rsi = r->rsi;
    st->rdi = r->rdi;
    st->rip = r->rip;
    st->rflags = r->rflags;
    st->cr0 = r->cr0;
    st->cr3 = r->cr3;
    st->cr4 = r->cr4;
    st->efer = r->efer;
    st->cs = (struct db_segment){ 0, 0xA9B, ~0u, 0 }; /* 64-bit code */
    st->ds = st->es = st->ss = (struct db_segment){ 0, 0xC93, ~0u, 0 };
    st->tr = (struct db_segment){ 0, 0x08B, 0x67, 0 }; /* busy 64-bit TSS */
    return 0;
}

/* CR0/CR4/EFER together, as the CPU's consistency checks and Xen's hvm_efer_valid see them. */
static int control_registers_ok(const struct db_vcpu_state *st,
                                const struct hvm_context_limits *lim)
{
    bool long_mode = (st->efer & EFER_LME) && (st->cr0 & X86_CR0_PG);

    if ((st->cr0 & ~CR0_KNOWN) || !(st->cr0 & X86_CR0_PE) ||
        ((st->cr0 & X86_CR0_NW) && !(st->cr0 & X86_CR0_CD)))
        return -XEN_EINVAL;
    if ((st->cr4 & ~lim->cr4_valid) || (st->efer & ~lim->efer_valid))
        return -XEN_EINVAL;
    if ((st->efer & EFER_LMA) && !long_mode)
        return -XEN_EINVAL;
    if (lim->phys_bits < 64 && (st->cr3 >> lim->phys_bits))
        return -XEN_EINVAL;
    if (long_mode &&
        (!(st->cr4 & X86_CR4_PAE) || ((st->cs.attrib & AR_L) && (st->cs.attrib & AR_DB)) ||
         (st->rflags & X86_RFLAGS_VM)))
        return -XEN_EINVAL;
    if ((st->cr4 & X86_CR4_PCIDE) && !long_mode)
        return -XEN_EINVAL;
    return 0;
}

int hvm_context_check(const struct vcpu_hvm_context *ctx, const struct hvm_context_limits *lim,
                      struct db_vcpu_state *st)
{
    int rc;

    memset(st, 0, sizeof(*st));
    if (ctx->pad)
        return -XEN_EINVAL;
    switch (ctx->mode) {
    case VCPU_HVM_MODE_32B: rc = load_32(&ctx->cpu_regs.x86_32, st); break;
    case VCPU_HVM_MODE_64B: rc = load_64(&ctx->cpu_regs.x86_64, st); break;
    default: rc = -XEN_EINVAL;
    }
    if (rc)
        return rc;
    st->rflags = (st->rflags & RFLAGS_ALL) | X86_RFLAGS_FIXED;
    rc = control_registers_ok(st, lim);
    if (rc)
        return rc;
    if ((st->efer & EFER_LME) && (st->cr0 & X86_CR0_PG))
        st->efer |= EFER_LMA;
    st->mode = (st->efer & EFER_LMA) ? DB_CPU_LONG64 : DB_CPU_PROT32;
    /* What Xen's context leaves out keeps the values of an x86 reset. */
    st->fs = st->gs = (struct db_segment){ 0, 0x93, 0xFFFF, 0 };
    st->ldtr = (struct db_segment){ 0, 0x82, 0xFFFF, 0 };
    st->gdtr = st->idtr = (struct db_dtable){ 0, 0xFFFF };
    return 0;
}
