// SPDX-License-Identifier: MIT
/*
 * The guest CPUID model (hv/arch/x86/guest_cpuid.c) and the policy it
 * applies (hv/common/cpuid_policy.c), against a fake host CPU.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <asm/guest_cpuid.h>
#include <asm/msr.h>

/*
 * The fake host: leaves 0..0xD (0xD's subleaves 1..63 in xsave_sub) and
 * 0x80000000..0x80000008, every register set by the test.
 */
static struct cpuid_result basic[0xE], ext[9], xsave_sub[64];

static struct cpuid_result fake_host(uint32_t leaf, uint32_t subleaf)
{
    if (leaf == 0xD && subleaf > 0)
        return subleaf < 64 ? xsave_sub[subleaf] : (struct cpuid_result){ 0, 0, 0, 0 };
    if (leaf < 0xE)
        return basic[leaf];
    if (leaf >= 0x80000000u && leaf <= 0x80000008u)
        return ext[leaf - 0x80000000u];
    return (struct cpuid_result){ 0, 0, 0, 0 };
}

/* A host with every feature bit set (0xFFFFFFFF everywhere) or none. */
static void host_with_all(bool all)
{
    uint32_t v = all ? 0xFFFFFFFFu : 0;

    for (unsigned int i = 0; i < 0xE; i++)
        basic[i] = (struct cpuid_result){ v, v, v, v };
    for (unsigned int i = 0; i < 9; i++)
        ext[i] = (struct cpuid_result){ v, v, v, v };
    for (unsigned int i = 0; i < 64; i++)
        xsave_sub[i] = (struct cpuid_result){ v, v, v, v };
    basic[0].eax = 0xD;
    ext[0].eax = 0x80000008u;
}

static uint32_t reg_of(const struct cpuid_policy *p, uint32_t leaf, uint32_t subleaf,
                       enum cpuid_reg reg)
{
    struct guest_cpuid_ctx ctx = { .host = fake_host, .policy = p, .nr_vcpus = 2, .vcpu_id = 1 };
    uint32_t r[4];

    guest_cpuid(&ctx, leaf, subleaf, r);
    return r[reg];
}

static void test_policy_hides_and_forces(void **state)
{
    struct cpuid_policy p = { 0 };

    (void)state;
    host_with_all(false);
    basic[1].ecx = CPUID_1_ECX_XSAVE | (1u << 20); /* SSE4.2 */
    assert_true(cpuid_policy_add(&p, 1, 0, CPUID_ECX, 20, false));
    assert_true(cpuid_policy_add(&p, 0x80000008u, 0, CPUID_EBX, 25, true));
    assert_int_equal(p.nr, 2);
    assert_false(reg_of(&p, 1, 0, CPUID_ECX) & (1u << 20));
    /* virt-ssbd is the hypervisor's own: forced even on a host without it. */
    assert_true(reg_of(&p, 0x80000008u, 0, CPUID_EBX) & CPUID_80000008_EBX_VIRT_SSBD);
    assert_true(cpuid_policy_forces(&p, 0x80000008u, 0, CPUID_EBX, 25));
    assert_false(cpuid_policy_forces(&p, 1, 0, CPUID_ECX, 20));
    /* Without the policy the host's bit shows. */
    host_with_all(false);
    basic[1].ecx = 1u << 20;
    assert_true(reg_of(&(struct cpuid_policy){ 0 }, 1, 0, CPUID_ECX) & (1u << 20));
}

static void test_policy_full(void **state)
{
    struct cpuid_policy p = { 0 };

    (void)state;
    for (unsigned int i = 0; i < CPUID_POLICY_MAX_REGS; i++)
        assert_true(cpuid_policy_add(&p, i, 0, CPUID_EAX, 1, false));
    assert_true(cpuid_policy_add(&p, 0, 0, CPUID_EAX, 2, true)); /* same register */
    assert_false(cpuid_policy_add(&p, 99, 0, CPUID_EAX, 1, false));
    assert_false(cpuid_policy_add(&p, 0, 0, CPUID_EAX, 32, false));
}

static void test_not_offered(void **state)
{
    static const struct cpuid_policy none;
    uint32_t c;

    (void)state;
    host_with_all(true);
    c = reg_of(&none, 1, 0, CPUID_ECX);
    /* XSAVE with AVX and what needs only its state; OSXSAVE is the guest's CR4; hypervisor bit. */
    assert_int_equal(c & (CPUID_1_ECX_XSAVE | CPUID_1_ECX_OSXSAVE | CPUID_1_ECX_AVX |
                          CPUID_1_ECX_FMA | CPUID_1_ECX_F16C),
                     CPUID_1_ECX_XSAVE | CPUID_1_ECX_AVX | CPUID_1_ECX_FMA | CPUID_1_ECX_F16C);
    assert_true(c & (1u << 31));
    /* The emulated APIC, x2APIC and TSC-deadline timer, on any host. */
    assert_true(c & (1u << 21));
    assert_true(c & (1u << 24));
    assert_true(reg_of(&none, 1, 0, CPUID_EDX) & (1u << 9));
    assert_true(reg_of(&none, 0x80000001u, 0, CPUID_EDX) & (1u << 9));
    assert_int_equal(reg_of(&none, 0xD, 0, CPUID_EAX), XCR0_X87 | XCR0_SSE | XCR0_YMM);
    assert_int_equal(reg_of(&none, 0xD, 0, CPUID_EDX), 0);
    assert_true(reg_of(&none, 7, 0, CPUID_EBX) & (1u << 5));    /* AVX2 */
    assert_false(reg_of(&none, 7, 0, CPUID_EBX) & (1u << 16));  /* AVX-512F */
    assert_false(reg_of(&none, 7, 0, CPUID_ECX) & (1u << 3));   /* PKU */
    assert_false(reg_of(&none, 0xD, 1, CPUID_EAX) & (1u << 3)); /* XSAVES */
    assert_int_equal(
        reg_of(&none, 7, 0, CPUID_EDX) & (CPUID_7_EDX_L1D_FLUSH | CPUID_7_EDX_ARCH_CAPS), 0);
    /* Offered as the host has them: speculation controls, RDTSCP, RDPID. */
    assert_int_equal(reg_of(&none, 7, 0, CPUID_EDX) & (CPUID_7_EDX_IBRSB | CPUID_7_EDX_SSBD),
                     CPUID_7_EDX_IBRSB | CPUID_7_EDX_SSBD);
    assert_int_equal(reg_of(&none, 0x80000008u, 0, CPUID_EBX),
                     CPUID_80000008_EBX_IBPB | CPUID_80000008_EBX_IBRS | CPUID_80000008_EBX_STIBP |
                         CPUID_80000008_EBX_SSBD | CPUID_80000008_EBX_VIRT_SSBD |
                         CPUID_80000008_EBX_PSFD);
    assert_true(reg_of(&none, 0x80000001u, 0, CPUID_EDX) & CPUID_80000001_EDX_RDTSCP);
    /* vCPU 1 of 2: APIC id 2 (Xen's 2 x vCPU id); one package spanning APIC
     * ids 0..3 (4 logical processors, HTT; 4 cores, not CmpLegacy threads). */
    assert_int_equal(reg_of(&none, 1, 0, CPUID_EBX) >> 16, 0x0204);
    assert_true(reg_of(&none, 1, 0, CPUID_EDX) & (1u << 28));
    assert_int_equal(reg_of(&none, 0x80000008u, 0, CPUID_ECX), 3);
    assert_false(reg_of(&none, 0x80000001u, 0, CPUID_ECX) & (1u << 1));
    /* 8000_0007: only the invariant TSC. */
    assert_int_equal(reg_of(&none, 0x80000007u, 0, CPUID_EDX), CPUID_80000007_EDX_ITSC);
    assert_int_equal(reg_of(&none, 0x80000007u, 0, CPUID_EBX), 0);
    /* Leaves past the highest offered read as zeros. */
    assert_int_equal(reg_of(&none, 0x80000009u, 0, CPUID_EAX), 0);
    /* No VIRT_SSBD by default on a host that cannot apply SSBD. */
    host_with_all(false);
    assert_int_equal(reg_of(&none, 0x80000008u, 0, CPUID_EBX), 0);
    /* The invariant TSC and the topology on a host that has neither. */
    assert_int_equal(reg_of(&none, 0x80000007u, 0, CPUID_EDX), CPUID_80000007_EDX_ITSC);
    assert_int_equal(reg_of(&none, 0x80000008u, 0, CPUID_ECX), 3);
}

/* An AVX-512 host with XSAVEOPT, XSAVEC, XGETBV1 and XSAVES; ctx's CR4.OSXSAVE and XCR0. */
static void xsave_host(void)
{
    host_with_all(false);
    basic[1].ecx = CPUID_1_ECX_XSAVE | CPUID_1_ECX_AVX | CPUID_1_ECX_FMA;
    basic[7].ebx = (1u << 5) | (1u << 16); /* AVX2, AVX-512F */
    basic[0xD] = (struct cpuid_result){ 0x2E7, 2696, 2696, 0 };
    xsave_sub[1].eax = 0xF;
    xsave_sub[2] = (struct cpuid_result){ 256, 576, 0, 0 };
    xsave_sub[5] = (struct cpuid_result){ 64, 1088, 2, 0 };
    xsave_sub[6] = (struct cpuid_result){ 512, 1152, 0, 0 };
    xsave_sub[7] = (struct cpuid_result){ 1024, 1664, 0, 0 };
    xsave_sub[9] = (struct cpuid_result){ 8, 2688, 0, 0 };
}

static void xsave_of(const struct cpuid_policy *p, uint64_t xcr0, uint32_t subleaf, uint32_t r[4])
{
    struct guest_cpuid_ctx ctx = {
        .host = fake_host, .policy = p, .nr_vcpus = 1, .osxsave = true, .xcr0 = xcr0
    };

    guest_cpuid(&ctx, 0xD, subleaf, r);
}

static void test_xsave_leaf(void **state)
{
    static const struct cpuid_policy none;
    struct cpuid_policy no_avx = { 0 }, no_xsave = { 0 };
    struct guest_cpuid_ctx ctx = { .host = fake_host, .policy = &none, .nr_vcpus = 1 };
    uint32_t r[4];

    (void)state;
    xsave_host();
    assert_int_equal(guest_xcr0_supported(fake_host), XCR0_X87 | XCR0_SSE | XCR0_YMM);
    assert_int_equal(guest_xcr0_offered(&ctx), XCR0_X87 | XCR0_SSE | XCR0_YMM);
    /* OSXSAVE follows the guest's CR4. */
    assert_false(reg_of(&none, 1, 0, CPUID_ECX) & CPUID_1_ECX_OSXSAVE);
    ctx.osxsave = true;
    guest_cpuid(&ctx, 1, 0, r);
    assert_true(r[CPUID_ECX] & CPUID_1_ECX_OSXSAVE);
    /* 0.EBX: the current XCR0's area; ECX: all offered (x87, SSE, AVX: 576 + 256). */
    xsave_of(&none, XCR0_X87 | XCR0_SSE, 0, r);
    assert_int_equal(r[CPUID_EAX], 7);
    assert_int_equal(r[CPUID_EBX], 576);
    assert_int_equal(r[CPUID_ECX], 832);
    assert_int_equal(r[CPUID_EDX], 0);
    xsave_of(&none, 7, 0, r);
    assert_int_equal(r[CPUID_EBX], 832);
    /* 1: no XSAVES; the compacted size for XCR0. */
    xsave_of(&none, 7, 1, r);
    assert_int_equal(r[CPUID_EAX], 7);
    assert_int_equal(r[CPUID_EBX], 832);
    assert_int_equal(r[CPUID_ECX] | r[CPUID_EDX], 0);
    /* The offered components' subleaves as the host's; the others zero. */
    xsave_of(&none, 7, 2, r);
    assert_int_equal(r[CPUID_EAX], 256);
    assert_int_equal(r[CPUID_EBX], 576);
    for (uint32_t i = 3; i < 64; i++) {
        xsave_of(&none, 7, i, r);
        assert_int_equal(r[0] | r[1] | r[2] | r[3], 0);
    }
    /* A policy hiding AVX takes YMM out; hiding XSAVE, the leaf. */
    assert_true(cpuid_policy_add(&no_avx, 1, 0, CPUID_ECX, 28, false));
    xsave_of(&no_avx, 3, 0, r);
    assert_int_equal(r[CPUID_EAX], 3);
    assert_int_equal(r[CPUID_ECX], 576);
    ctx.policy = &no_avx;
    assert_int_equal(guest_xcr0_offered(&ctx), XCR0_X87 | XCR0_SSE);
    assert_true(cpuid_policy_add(&no_xsave, 1, 0, CPUID_ECX, 26, false));
    xsave_of(&no_xsave, 3, 0, r);
    assert_int_equal(r[0] | r[1] | r[2] | r[3], 0);
    ctx.policy = &no_xsave;
    assert_int_equal(guest_xcr0_offered(&ctx), 0);
    /* A host without AVX: no AVX, FMA, AVX2 nor YMM. */
    basic[1].ecx = CPUID_1_ECX_XSAVE;
    assert_int_equal(guest_xcr0_supported(fake_host), XCR0_X87 | XCR0_SSE);
    assert_false(reg_of(&none, 1, 0, CPUID_ECX) & (CPUID_1_ECX_AVX | CPUID_1_ECX_FMA));
    assert_false(reg_of(&none, 7, 0, CPUID_EBX) & (1u << 5));
    xsave_of(&none, 3, 2, r);
    assert_int_equal(r[CPUID_EAX], 0);
    /* Nor XSAVE at all on a host without it. */
    basic[1].ecx = 0;
    assert_int_equal(guest_xcr0_supported(fake_host), 0);
    xsave_of(&none, 3, 0, r);
    assert_int_equal(r[CPUID_EAX], 0);
}

static void test_xcr0_valid(void **state)
{
    const uint64_t all = XCR0_X87 | XCR0_SSE | XCR0_YMM;

    (void)state;
    assert_true(guest_xcr0_valid(all, XCR0_X87));
    assert_true(guest_xcr0_valid(all, XCR0_X87 | XCR0_SSE));
    assert_true(guest_xcr0_valid(all, all));
    assert_false(guest_xcr0_valid(all, 0));
    assert_false(guest_xcr0_valid(all, XCR0_SSE | XCR0_YMM)); /* no x87 */
    assert_false(guest_xcr0_valid(all, XCR0_X87 | XCR0_YMM)); /* YMM without SSE */
    assert_false(guest_xcr0_valid(all, all | (1ull << 5)));   /* not offered */
    assert_false(guest_xcr0_valid(all, all | (1ull << 63)));
    assert_false(guest_xcr0_valid(XCR0_X87 | XCR0_SSE, all)); /* YMM not offered */
    assert_int_equal(guest_xsave_size(fake_host, XCR0_X87), 576);
}

static void test_can_force(void **state)
{
    (void)state;
    host_with_all(false);
    assert_int_equal(guest_cpuid_can_force(fake_host, 0x80000008u, 0, CPUID_EBX, 25),
                     CPUID_FORCE_OK);
    assert_int_equal(guest_cpuid_can_force(fake_host, 1, 0, CPUID_ECX, 20), CPUID_FORCE_HOST_LACKS);
    assert_int_equal(guest_cpuid_can_force(fake_host, 0x80000008u, 0, CPUID_EBX, 12),
                     CPUID_FORCE_HOST_LACKS);
    host_with_all(true);
    assert_int_equal(guest_cpuid_can_force(fake_host, 1, 0, CPUID_ECX, 20), CPUID_FORCE_OK);
    assert_int_equal(guest_cpuid_can_force(fake_host, 0x80000008u, 0, CPUID_EBX, 12),
                     CPUID_FORCE_OK);
    assert_int_equal(guest_cpuid_can_force(fake_host, 1, 0, CPUID_ECX, 21),
                     CPUID_FORCE_OK); /* x2APIC: emulated */
    assert_int_equal(guest_cpuid_can_force(fake_host, 1, 0, CPUID_ECX, 3),
                     CPUID_FORCE_NOT_VIRTUALIZED); /* MONITOR */
    assert_int_equal(guest_cpuid_can_force(fake_host, 0x80000009u, 0, CPUID_EAX, 0),
                     CPUID_FORCE_HOST_LACKS); /* beyond the offered leaves */
}

static void test_msr_features(void **state)
{
    struct cpuid_policy p = { 0 };
    struct guest_cpuid_ctx ctx = { .host = fake_host, .policy = &p, .nr_vcpus = 1 };
    struct guest_msr_features f;

    (void)state;
    host_with_all(false);
    guest_cpuid_msr_features(&ctx, &f);
    assert_false(f.spec_ctrl || f.pred_cmd || f.virt_ssbd || f.tsc_aux);

    /* An AMD host with IBPB, IBRS and AMD_SSBD, and RDTSCP. */
    ext[8].ebx = CPUID_80000008_EBX_IBPB | CPUID_80000008_EBX_IBRS | CPUID_80000008_EBX_SSBD;
    ext[1].edx = CPUID_80000001_EDX_RDTSCP;
    guest_cpuid_msr_features(&ctx, &f);
    assert_true(f.spec_ctrl && f.pred_cmd && f.virt_ssbd && f.tsc_aux);
    assert_int_equal(f.spec_ctrl_bits, SPEC_CTRL_IBRS | SPEC_CTRL_SSBD);

    /* Hiding them takes the MSRs away; virt-ssbd stays while forced. */
    cpuid_policy_add(&p, 0x80000008u, 0, CPUID_EBX, 12, false);
    cpuid_policy_add(&p, 0x80000008u, 0, CPUID_EBX, 14, false);
    cpuid_policy_add(&p, 0x80000008u, 0, CPUID_EBX, 24, false);
    cpuid_policy_add(&p, 0x80000008u, 0, CPUID_EBX, 25, true);
    cpuid_policy_add(&p, 0x80000001u, 0, CPUID_EDX, 27, false);
    guest_cpuid_msr_features(&ctx, &f);
    assert_false(f.spec_ctrl || f.pred_cmd || f.tsc_aux);
    assert_int_equal(f.spec_ctrl_bits, 0);
    assert_true(f.virt_ssbd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_policy_hides_and_forces),
        cmocka_unit_test(test_policy_full),
        cmocka_unit_test(test_not_offered),
        cmocka_unit_test(test_can_force),
        cmocka_unit_test(test_xsave_leaf),
        cmocka_unit_test(test_xcr0_valid),
        cmocka_unit_test(test_msr_features),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
