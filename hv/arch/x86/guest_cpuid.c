// SPDX-License-Identifier: MIT
/*
 * The guest CPUID model (asm/guest_cpuid.h). What guests are not offered,
 * because the hypervisor does not virtualize it: MONITOR, the XSAVE state
 * components past AVX (AVX-512, PKRU, MPX, AMX) and XSAVES's supervisor
 * states, PMU, machine-check, SVM, SEV, LA57, and the L1D_FLUSH /
 * ARCH_CAPABILITIES / CORE_CAPABILITIES MSRs. XSAVE is offered with XCR0's
 * x87, SSE and AVX components (Xen's validation of XSETBV, hvm/cpuid.c)
 * and the VEX extensions that need only them (AVX, FMA, F16C, AVX2); the
 * guest's state is switched per vCPU (hvm/xstate.c). Offered when the
 * host has them: the speculation controls (SPEC_CTRL and PRED_CMD are
 * emulated per vCPU, exit_msr.c) and RDTSCP/RDPID (per-vCPU TSC_AUX).
 * VIRT_SSBD is the hypervisor's own (MSR_VIRT_SPEC_CTRL, emulated): offered
 * when the host can apply it, and may be forced anywhere. The local APIC,
 * x2APIC and the TSC-deadline timer are emulated (hvm/vlapic.c) and offered
 * on every host, as Xen offers them to HVM guests, with Xen's APIC ids
 * (2 x vCPU id) and its topology for them: one package whose core count
 * covers every APIC id (so Linux sees all vCPUs as cores of one socket, not
 * one socket per pair). The invariant TSC is offered on every host: guest
 * time (the Xen clock, asm/tsc.h) already assumes a constant-rate TSC, which
 * every SVM CPU since family 10h has and QEMU's TCG gives without saying so;
 * without it Linux recalibrates each AP's delay loop against the tick.
 */
#include <asm/guest_cpuid.h>
#include <asm/msr.h>

#define BIT(n) (1u << (n))

/* Highest basic leaf offered (0xD: XSAVE enumeration). */
#define GUEST_MAX_BASIC_LEAF 0xDu
#define GUEST_MAX_EXT_LEAF   0x80000008u

/* 8000_0008 EBX: the speculation controls offered as the host has them. */
#define EXT8_SPEC_BITS                                                              \
    (CPUID_80000008_EBX_IBPB | CPUID_80000008_EBX_IBRS | CPUID_80000008_EBX_STIBP | \
     CPUID_80000008_EBX_SSBD | CPUID_80000008_EBX_PSFD)

static bool leaf_offered(cpuid_source host, uint32_t leaf)
{
    if (leaf <= GUEST_MAX_BASIC_LEAF)
        return leaf <= host(0, 0).eax;
    return leaf >= 0x80000000u && leaf <= MIN(GUEST_MAX_EXT_LEAF, host(0x80000000u, 0).eax);
}

/* The host can apply a guest's VIRT_SPEC_CTRL.SSBD: SPEC_CTRL.SSBD or its own VIRT_SSBD. */
static bool host_can_ssbd(cpuid_source host)
{
    return (leaf_offered(host, 7) && (host(7, 0).edx & CPUID_7_EDX_SSBD)) ||
           (leaf_offered(host, 0x80000008u) &&
            (host(0x80000008u, 0).ebx & (CPUID_80000008_EBX_SSBD | CPUID_80000008_EBX_VIRT_SSBD)));
}

uint64_t guest_xcr0_supported(cpuid_source host)
{
    uint32_t ecx1;
    uint64_t mask;

    if (!leaf_offered(host, 0xD))
        return 0;
    ecx1 = host(1, 0).ecx;
    if (!(ecx1 & CPUID_1_ECX_XSAVE))
        return 0;
    mask = XCR0_X87 | XCR0_SSE | ((ecx1 & CPUID_1_ECX_AVX) ? XCR0_YMM : 0);
    return mask & host(0xD, 0).eax;
}

uint32_t guest_xsave_size(cpuid_source host, uint64_t xcr0)
{
    uint32_t size = XSAVE_LEGACY_AND_HEADER;

    for (unsigned int i = 2; i < 64; i++) {
        if (xcr0 & (1ull << i)) {
            struct cpuid_result c = host(0xD, i);

            size = MAX(size, c.ebx + c.eax);
        }
    }
    return size;
}

/* XSAVEC's area: the components past the header in order, 64-byte aligned where the CPU says. */
static uint32_t xsave_compact_size(cpuid_source host, uint64_t xcr0)
{
    uint32_t size = XSAVE_LEGACY_AND_HEADER;

    for (unsigned int i = 2; i < 64; i++) {
        if (xcr0 & (1ull << i)) {
            struct cpuid_result c = host(0xD, i);

            if (c.ecx & 2)
                size = (size + 63) & ~63u;
            size += c.eax;
        }
    }
    return size;
}

uint64_t guest_xcr0_offered(const struct guest_cpuid_ctx *ctx)
{
    uint32_t r[4];

    guest_cpuid(ctx, 1, 0, r);
    if (!(r[C] & CPUID_1_ECX_XSAVE))
        return 0;
    guest_cpuid(ctx, 0xD, 0, r);
    return (((uint64_t)r[D] << 32) | r[A]) & guest_xcr0_supported(ctx->host);
}

bool guest_xcr0_valid(uint64_t offered, uint64_t xcr0)
{
    if (!(xcr0 & XCR0_X87) || (xcr0 & ~offered))
        return false;
    /* AVX's upper halves extend the SSE registers: YMM needs SSE. */
    return !(xcr0 & XCR0_YMM) || (xcr0 & XCR0_SSE);
}

static void offered(const struct guest_cpuid_ctx *ctx, uint32_t leaf, uint32_t subleaf,
                    uint32_t r[4]);

/* Leaf 0xD: the components of guest_xcr0_supported() the guest's leaf 1 leaves it. */
static void xsave_leaf(const struct guest_cpuid_ctx *ctx, uint32_t subleaf, uint32_t r[4])
{
    uint64_t mask = guest_xcr0_supported(ctx->host);
    uint32_t l1[4];
    struct cpuid_result h = ctx->host(0xD, subleaf);

    r[A] = r[B] = r[C] = r[D] = 0;
    offered(ctx, 1, 0, l1);
    cpuid_policy_apply(ctx->policy, 1, 0, l1);
    if (!(l1[C] & CPUID_1_ECX_XSAVE))
        return;
    if (!(l1[C] & CPUID_1_ECX_AVX))
        mask &= ~XCR0_YMM;
    switch (subleaf) {
    case 0:
        /* EBX: the area for the current XCR0; ECX: for every offered component. */
        r[A] = (uint32_t)mask;
        r[B] = guest_xsave_size(ctx->host, ctx->xcr0 & mask);
        r[C] = guest_xsave_size(ctx->host, mask);
        break;
    case 1:
        /* XSAVEOPT, XSAVEC, XGETBV with ECX 1; not XSAVES (no supervisor states). */
        r[A] = h.eax & (BIT(0) | BIT(1) | BIT(2));
        if (r[A] & BIT(1))
            r[B] = xsave_compact_size(ctx->host, ctx->xcr0 & mask);
        break;
    default:
        if (subleaf < 64 && (mask & (1ull << subleaf))) {
            r[A] = h.eax;
            r[B] = h.ebx;
            r[C] = h.ecx & BIT(1); /* 64-byte aligned when compacted; user state */
        }
        break;
    }
}

/* How many APIC ids one package spans: 2 x vCPUs (ids are 2 x vCPU id), in 8 bits. */
static uint32_t apic_id_span(const struct guest_cpuid_ctx *ctx)
{
    return MIN(2 * ctx->nr_vcpus, 0xFFu);
}

/* The host's values with what Tessera does not offer taken out (no policy). */
static void offered(const struct guest_cpuid_ctx *ctx, uint32_t leaf, uint32_t subleaf,
                    uint32_t r[4])
{
    struct cpuid_result h;

    r[A] = r[B] = r[C] = r[D] = 0;
    if (!leaf_offered(ctx->host, leaf))
        return;
    h = ctx->host(leaf, subleaf);
    r[A] = h.eax;
    r[B] = h.ebx;
    r[C] = h.ecx;
    r[D] = h.edx;
    switch (leaf) {
    case 0: r[A] = MIN(r[A], GUEST_MAX_BASIC_LEAF); break;
    case 1:
        /* ECX: MONITOR 3, VMX 5, SMX 6, PDCM 15; XSAVE and what needs its
         * state unless the components are offered; OSXSAVE is the guest's
         * CR4.OSXSAVE. EDX: MCE 7, MCA 14, ACPI 22. */
        r[C] &= ~(BIT(3) | BIT(5) | BIT(6) | BIT(15) | CPUID_1_ECX_OSXSAVE);
        if (!(guest_xcr0_supported(ctx->host) & XCR0_SSE))
            r[C] &= ~CPUID_1_ECX_XSAVE;
        if (!(guest_xcr0_supported(ctx->host) & XCR0_YMM))
            r[C] &= ~(CPUID_1_ECX_AVX | CPUID_1_ECX_FMA | CPUID_1_ECX_F16C);
        if (ctx->osxsave)
            r[C] |= CPUID_1_ECX_OSXSAVE;
        r[C] |= BIT(31) | BIT(21) | BIT(24); /* hypervisor present, x2APIC, TSC-deadline */
        r[D] &= ~(BIT(7) | BIT(14) | BIT(22));
        r[D] |= BIT(9) | BIT(28); /* APIC, HTT: EBX[23:16] is valid */
        /* EBX: initial APIC id = 2 x vCPU id (Xen's), logical processors per
         * package = the APIC ids' span, 2 x vCPUs (Xen doubles it too). */
        r[B] =
            (r[B] & 0x0000FFFFu) | (((2 * ctx->vcpu_id) & 0xFF) << 24) | (apic_id_span(ctx) << 16);
        break;
    case 6:   /* thermal and power management */
    case 0xA: /* architectural PMU */
    case 0xB: /* x2APIC topology */ r[A] = r[B] = r[C] = r[D] = 0; break;
    case 0xD: xsave_leaf(ctx, subleaf, r); break;
    case 7:
        if (subleaf == 0) {
            /* EBX: AVX-512 16-17,21,26-28,30-31, RTM 11, MPX 14, PQM 12, PQE 15; AVX2 5
             * unless AVX's state is offered.
             * ECX: AVX-512 VBMI 1, PKU 3, OSPKE 4, VBMI2 6, VAES 9, VPCLMULQDQ 10,
             * VNNI 11, BITALG 12, VPOPCNTDQ 14, LA57 16.
             * EDX: AVX-512 4VNNIW/4FMAPS 2-3, L1D_FLUSH, ARCH_CAPS, CORE_CAPS. */
            r[A] = 0;
            if (!(guest_xcr0_supported(ctx->host) & XCR0_YMM))
                r[B] &= ~BIT(5);
            r[B] &= ~(BIT(11) | BIT(12) | BIT(14) | BIT(15) | BIT(16) | BIT(17) | BIT(21) |
                      BIT(26) | BIT(27) | BIT(28) | BIT(30) | BIT(31));
            r[C] &= ~(BIT(1) | BIT(3) | BIT(4) | BIT(6) | BIT(9) | BIT(10) | BIT(11) | BIT(12) |
                      BIT(14) | BIT(16));
            r[D] &= ~(BIT(2) | BIT(3) | CPUID_7_EDX_L1D_FLUSH | CPUID_7_EDX_ARCH_CAPS |
                      CPUID_7_EDX_CORE_CAPS);
        } else {
            r[A] = r[B] = r[C] = r[D] = 0;
        }
        break;
    case 0x80000000u: r[A] = MIN(r[A], GUEST_MAX_EXT_LEAF); break;
    case 0x80000001u:
        /* ECX: SVM 2, ExtApicSpace 3, IBS 10, SKINIT 12, WDT 13, PerfCtrExt 23-24, 28.
         * EDX: MCE 7, MCA 14; APIC 9 as in leaf 1. */
        /* CmpLegacy 1 off: the cores of 8000_0008 ECX are not hyperthreads (Xen's). */
        r[C] &=
            ~(BIT(1) | BIT(2) | BIT(3) | BIT(10) | BIT(12) | BIT(13) | BIT(23) | BIT(24) | BIT(28));
        r[D] &= ~(BIT(7) | BIT(14));
        r[D] |= BIT(9);
        break;
    case 0x80000008u:
        r[B] &= EXT8_SPEC_BITS;
        if (host_can_ssbd(ctx->host))
            r[B] |= CPUID_80000008_EBX_VIRT_SSBD;
        /* Cores - 1 over the APIC ids' span, so that the core-id bits Linux derives
         * from it cover every APIC id; ApicIdCoreIdSize 0: derived from it. */
        r[C] = apic_id_span(ctx) - 1;
        break;
    case 0x80000007u:
        /* Power management: only the invariant TSC (see the top of this file). */
        r[A] = r[B] = r[C] = 0;
        r[D] = CPUID_80000007_EDX_ITSC;
        break;
    default: break;
    }
}

void guest_cpuid(const struct guest_cpuid_ctx *ctx, uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
    offered(ctx, leaf, subleaf, r);
    if (leaf_offered(ctx->host, leaf))
        cpuid_policy_apply(ctx->policy, leaf, subleaf, r);
}

enum cpuid_force guest_cpuid_can_force(cpuid_source host, uint32_t leaf, uint32_t subleaf,
                                       enum cpuid_reg reg, unsigned int bit)
{
    static const struct cpuid_policy none;
    struct guest_cpuid_ctx ctx = { .host = host, .policy = &none, .nr_vcpus = 1 };
    struct cpuid_result h;
    uint32_t r[4];

    if (bit > 31 || (unsigned int)reg > CPUID_EDX || !leaf_offered(host, leaf))
        return CPUID_FORCE_HOST_LACKS;
    if (leaf == 0x80000008u && reg == CPUID_EBX && BIT(bit) == CPUID_80000008_EBX_VIRT_SSBD)
        return CPUID_FORCE_OK;
    offered(&ctx, leaf, subleaf, r);
    if ((r[reg] >> bit) & 1)
        return CPUID_FORCE_OK;
    h = host(leaf, subleaf);
    r[A] = h.eax;
    r[B] = h.ebx;
    r[C] = h.ecx;
    r[D] = h.edx;
    return (r[reg] >> bit) & 1 ? CPUID_FORCE_NOT_VIRTUALIZED : CPUID_FORCE_HOST_LACKS;
}

void guest_cpuid_msr_features(const struct guest_cpuid_ctx *ctx, struct guest_msr_features *f)
{
    uint32_t l7[4], e1[4], e8[4];

    guest_cpuid(ctx, 7, 0, l7);
    guest_cpuid(ctx, 0x80000001u, 0, e1);
    guest_cpuid(ctx, 0x80000008u, 0, e8);
    f->spec_ctrl_bits = 0;
    if ((l7[D] & CPUID_7_EDX_IBRSB) || (e8[B] & CPUID_80000008_EBX_IBRS))
        f->spec_ctrl_bits |= SPEC_CTRL_IBRS;
    if ((l7[D] & CPUID_7_EDX_STIBP) || (e8[B] & CPUID_80000008_EBX_STIBP))
        f->spec_ctrl_bits |= SPEC_CTRL_STIBP;
    if ((l7[D] & CPUID_7_EDX_SSBD) || (e8[B] & CPUID_80000008_EBX_SSBD))
        f->spec_ctrl_bits |= SPEC_CTRL_SSBD;
    if (e8[B] & CPUID_80000008_EBX_PSFD)
        f->spec_ctrl_bits |= SPEC_CTRL_PSFD;
    f->spec_ctrl = f->spec_ctrl_bits != 0;
    f->pred_cmd = (l7[D] & CPUID_7_EDX_IBRSB) || (e8[B] & CPUID_80000008_EBX_IBPB);
    f->virt_ssbd = (e8[B] & CPUID_80000008_EBX_VIRT_SSBD) != 0;
    f->tsc_aux = (e1[D] & CPUID_80000001_EDX_RDTSCP) || (l7[C] & CPUID_7_ECX_RDPID);
}

struct cpuid_result cpuid_host(uint32_t leaf, uint32_t subleaf)
{
    return cpuid(leaf, subleaf);
}

enum cpuid_force arch_cpuid_can_force(uint32_t leaf, uint32_t subleaf, enum cpuid_reg reg,
                                      unsigned int bit)
{
    return guest_cpuid_can_force(cpuid_host, leaf, subleaf, reg, bit);
}
