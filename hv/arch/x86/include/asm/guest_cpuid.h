/* SPDX-License-Identifier: MIT */
/*
 * The CPUID a domain sees (the hypervisor's own leaves apart): the host's
 * values with what Tessera does not virtualize taken out, then the domain's
 * policy. Pure: the host's CPUID comes through a function, so host unit tests
 * run the same model (unittests/hv/arch/x86/test_guest_cpuid.c).
 */
#ifndef ASM_GUEST_CPUID_H
#define ASM_GUEST_CPUID_H

#include <asm/cpu.h>
#include <hv/cpuid_policy.h>

typedef struct cpuid_result (*cpuid_source)(uint32_t leaf, uint32_t subleaf);

struct guest_cpuid_ctx {
    cpuid_source host;
    const struct cpuid_policy *policy;
    unsigned int nr_vcpus;
    unsigned int vcpu_id;
    bool osxsave;  /* the guest's CR4.OSXSAVE (CPUID.1:ECX.OSXSAVE) */
    uint64_t xcr0; /* the guest's XCR0 (leaf 0xD's current-size fields) */
};

/* A CPUID result's registers by their initials (struct cpuid_result's r[] order). */
enum {
    A = CPUID_EAX,
    B = CPUID_EBX,
    C = CPUID_ECX,
    D = CPUID_EDX
};

/* XCR0 state components. */
#define XCR0_X87 (1ull << 0)
#define XCR0_SSE (1ull << 1)
#define XCR0_YMM (1ull << 2)
/* The FXSAVE image and the XSAVE header: where the first extended component may start. */
#define XSAVE_LEGACY_AND_HEADER 576u

/* Feature bits by name: CPUID_<leaf>_<register>_<feature>. */
#define CPUID_1_ECX_FMA                (1u << 12)
#define CPUID_1_ECX_XSAVE              (1u << 26)
#define CPUID_1_ECX_OSXSAVE            (1u << 27)
#define CPUID_1_ECX_AVX                (1u << 28)
#define CPUID_1_ECX_F16C               (1u << 29)
#define CPUID_7_ECX_RDPID              (1u << 22)
#define CPUID_7_EDX_IBRSB              (1u << 26)
#define CPUID_7_EDX_STIBP              (1u << 27)
#define CPUID_7_EDX_L1D_FLUSH          (1u << 28)
#define CPUID_7_EDX_ARCH_CAPS          (1u << 29)
#define CPUID_7_EDX_CORE_CAPS          (1u << 30)
#define CPUID_7_EDX_SSBD               (1u << 31)
#define CPUID_80000001_EDX_RDTSCP      (1u << 27)
#define CPUID_80000007_EDX_ITSC        (1u << 8)
#define CPUID_80000008_EBX_IBPB        (1u << 12)
#define CPUID_80000008_EBX_IBRS        (1u << 14)
#define CPUID_80000008_EBX_STIBP       (1u << 15)
#define CPUID_80000008_EBX_SSBD        (1u << 24)
#define CPUID_80000008_EBX_VIRT_SSBD   (1u << 25)
#define CPUID_80000008_EBX_PSFD        (1u << 28)
#define CPUID_8000000A_EDX_V_SPEC_CTRL (1u << 20)

/* EAX..EDX of leaf.subleaf as the vCPU ctx->vcpu_id of the domain sees them. */
void guest_cpuid(const struct guest_cpuid_ctx *ctx, uint32_t leaf, uint32_t subleaf, uint32_t r[4]);

/*
 * The XCR0 components guests may be offered on this host: x87, SSE and AVX
 * as far as the host has them; 0 without XSAVE.
 */
uint64_t guest_xcr0_supported(cpuid_source host);
/* Bytes of a standard-format XSAVE area holding the components of xcr0. */
uint32_t guest_xsave_size(cpuid_source host, uint64_t xcr0);
/* The XCR0 components the domain is offered (its leaf 0xD.0, after its policy). */
uint64_t guest_xcr0_offered(const struct guest_cpuid_ctx *ctx);
/* Xen's XSETBV checks: x87 set, nothing beyond offered, YMM only with SSE. */
bool guest_xcr0_valid(uint64_t offered, uint64_t xcr0);

/*
 * Whether a policy may force that bit on this host: the hypervisor emulates
 * the feature (virt-ssbd), or the host has it and Tessera offers it anyway.
 */
enum cpuid_force guest_cpuid_can_force(cpuid_source host, uint32_t leaf, uint32_t subleaf,
                                       enum cpuid_reg reg, unsigned int bit);

/* This CPU's CPUID, as a cpuid_source. */
struct cpuid_result cpuid_host(uint32_t leaf, uint32_t subleaf);

/* The MSRs a domain's CPUID says exist, and the SPEC_CTRL bits it may set. */
struct guest_msr_features {
    bool spec_ctrl;          /* MSR_SPEC_CTRL */
    uint64_t spec_ctrl_bits; /* SPEC_CTRL_* the guest may set */
    bool pred_cmd;           /* MSR_PRED_CMD (IBPB) */
    bool virt_ssbd;          /* MSR_VIRT_SPEC_CTRL */
    bool tsc_aux;            /* MSR_TSC_AUX (RDTSCP, RDPID) */
};

void guest_cpuid_msr_features(const struct guest_cpuid_ctx *ctx, struct guest_msr_features *f);

#endif
