/* SPDX-License-Identifier: MIT */
/*
 * VCPUOP_initialise contexts (hv/arch/x86/hvm/context.c): what Xen's
 * arch_set_info_hvm_guest accepts and refuses, and the state the back-end
 * then loads.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <asm/hvm/context.h>
#include <arch/x86-defs.h>
#include <domain-builder/vcpu.h>
#include <public/errno.h>
#include <public/hvm/hvm_vcpu.h>
#include <public/xen.h>

static const struct hvm_context_limits limits = {
    .cr4_valid = 0x7BF | X86_CR4_PCIDE | X86_CR4_SMEP,
    .efer_valid = 0xD01, /* SCE LME LMA NXE */
    .phys_bits = 40,
};

static struct vcpu_hvm_context ctx64(void)
{
    struct vcpu_hvm_context c = { .mode = VCPU_HVM_MODE_64B };

    c.cpu_regs.x86_64 = (struct vcpu_hvm_x86_64){
        .rip = 0xFFFFFFFF81000000ull,
        .rsp = 0x9000,
        .rdi = 3,
        .rflags = 0x2,
        .cr0 = 0x80000011,
        .cr3 = 0x1000,
        .cr4 = X86_CR4_PAE,
        .efer = EFER_LME,
    };
    return c;
}

static struct vcpu_hvm_context ctx32(void)
{
    struct vcpu_hvm_context c = { .mode = VCPU_HVM_MODE_32B };

    c.cpu_regs.x86_32 = (struct vcpu_hvm_x86_32){
        .eip = 0x100000,
        .esp = 0x8000,
        .ebx = 7,
        .eflags = 0x2,
        .cr0 = 0x11,
        .cs_limit = 0xFFFFF,
        .ds_limit = 0xFFFFF,
        .ss_limit = 0xFFFFF,
        .es_limit = 0xFFFFF,
        .tr_limit = 0x67,
        .cs_ar = 0xC9A,
        .ds_ar = 0xC92,
        .ss_ar = 0xC92,
        .es_ar = 0xC92,
        .tr_ar = 0x89,
    };
    return c;
}

static int check(const struct vcpu_hvm_context *c, struct db_vcpu_state *st)
{
    return hvm_context_check(c, &limits, st);
}

static void test_64bit_start(void **state)
{
    struct vcpu_hvm_context c = ctx64();
    struct db_vcpu_state st;

    (void)state;
    c.cpu_regs.x86_64.rflags = ~(1ull << 17); /* all but VM, refused in long mode */
    assert_int_equal(check(&c, &st), 0);
    assert_int_equal(st.mode, DB_CPU_LONG64);
    assert_int_equal(st.rip, 0xFFFFFFFF81000000ull);
    assert_int_equal(st.rsp, 0x9000);
    assert_int_equal(st.rdi, 3);
    assert_int_equal(st.rflags, 0x3D7FD7); /* Xen's X86_EFLAGS_ALL, bit 1 set */
    assert_int_equal(st.efer, EFER_LME | EFER_LMA);
    assert_int_equal(st.cs.attrib, 0xA9B);
    assert_int_equal(st.ss.attrib, 0xC93);
    assert_int_equal(st.tr.attrib, 0x08B);
    assert_int_equal(st.tr.limit, 0x67);
    assert_int_equal(st.fs.attrib, 0x93);
    assert_int_equal(st.gdtr.limit, 0xFFFF);
}

static void test_32bit_start(void **state)
{
    struct vcpu_hvm_context c = ctx32();
    struct db_vcpu_state st;

    (void)state;
    assert_int_equal(check(&c, &st), 0);
    assert_int_equal(st.mode, DB_CPU_PROT32);
    assert_int_equal(st.rip, 0x100000);
    assert_int_equal(st.rbx, 7);
    /* Accessed bit set on code and data, busy on the TSS, as Xen does. */
    assert_int_equal(st.cs.attrib, 0xC9B);
    assert_int_equal(st.ds.attrib, 0xC93);
    assert_int_equal(st.tr.attrib, 0x08B);
    assert_int_equal(st.cs.limit, 0xFFFFF);
    assert_int_equal(st.efer, 0);

    /* A null DS or ES is allowed. */
    c.cpu_regs.x86_32.ds_ar = 0;
    c.cpu_regs.x86_32.es_ar = 0;
    assert_int_equal(check(&c, &st), 0);

    /* PAE paging with LME: long mode, compatibility or (CS.L) 64-bit. */
    c = ctx32();
    c.cpu_regs.x86_32.cr0 = 0x80000011;
    c.cpu_regs.x86_32.cr4 = X86_CR4_PAE;
    c.cpu_regs.x86_32.efer = EFER_LME;
    assert_int_equal(check(&c, &st), 0);
    assert_int_equal(st.mode, DB_CPU_LONG64);
    assert_int_equal(st.efer, EFER_LME | EFER_LMA);
    c.cpu_regs.x86_32.cs_ar = 0xA9A;
    assert_int_equal(check(&c, &st), 0);
}

struct bad_case {
    const char *what;
    void (*change)(struct vcpu_hvm_context *c);
};

#define BAD(name, body)                          \
    static void name(struct vcpu_hvm_context *c) \
    {                                            \
        body;                                    \
    }

BAD(bad_mode, c->mode = 2)
BAD(bad_pad, c->pad = 1)
BAD(rip_not_canonical, c->cpu_regs.x86_64.rip = 0x0000800000000000ull)
BAD(no_paging, c->cpu_regs.x86_64.cr0 = 0x11)
BAD(no_pae, c->cpu_regs.x86_64.cr4 = 0)
BAD(no_lme, c->cpu_regs.x86_64.efer = 0)
BAD(cr4_not_offered, c->cpu_regs.x86_64.cr4 |= 1ull << 18)
BAD(cr4_reserved, c->cpu_regs.x86_64.cr4 |= 1ull << 40)
BAD(efer_svme, c->cpu_regs.x86_64.efer |= 1ull << 12)
BAD(cr0_nw_without_cd, c->cpu_regs.x86_64.cr0 |= 1ull << 29)
BAD(cr0_high, c->cpu_regs.x86_64.cr0 |= 1ull << 40)
BAD(cr0_pg_without_pe, c->cpu_regs.x86_64.cr0 &= ~1ull)
BAD(cr3_too_wide, c->cpu_regs.x86_64.cr3 = 1ull << 40)
BAD(rflags_vm_long, c->cpu_regs.x86_64.rflags |= 1ull << 17)
BAD(cs_data, c->cpu_regs.x86_32.cs_ar = 0xC93)
BAD(cs_null, c->cpu_regs.x86_32.cs_ar = 0)
BAD(ss_null, c->cpu_regs.x86_32.ss_ar = 0)
BAD(tr_null, c->cpu_regs.x86_32.tr_ar = 0)
BAD(cs_not_present, c->cpu_regs.x86_32.cs_ar = 0xC1B)
BAD(cs_system, c->cpu_regs.x86_32.cs_ar = 0xC8B)
BAD(ar_bit_12, c->cpu_regs.x86_32.ds_ar = 0x1C93)
BAD(ss_code, c->cpu_regs.x86_32.ss_ar = 0xC9B)
BAD(ss_read_only, c->cpu_regs.x86_32.ss_ar = 0xC91)
BAD(ds_exec_only, c->cpu_regs.x86_32.ds_ar = 0xC99)
BAD(ss_dpl, c->cpu_regs.x86_32.ss_ar = 0xCF3)
BAD(es_dpl, c->cpu_regs.x86_32.es_ar = 0xCB3)
BAD(tr_code, c->cpu_regs.x86_32.tr_ar = 0x9B)
BAD(tr_16bit, c->cpu_regs.x86_32.tr_ar = 0x81)
BAD(eip_beyond_limit, c->cpu_regs.x86_32.cs_ar = 0x09B; c->cpu_regs.x86_32.eip = 0x10000;
    c->cpu_regs.x86_32.cs_limit = 0xFFFF)
BAD(pad1, c->cpu_regs.x86_32.pad1 = 1)
BAD(pad2, c->cpu_regs.x86_32.pad2[2] = 1)
BAD(lma_without_lme, c->cpu_regs.x86_32.efer = EFER_LMA)
BAD(lma_without_paging, c->cpu_regs.x86_32.efer = EFER_LME | EFER_LMA)
BAD(real_mode, c->cpu_regs.x86_32.cr0 = 0x10)
BAD(pcide_not_long, c->cpu_regs.x86_32.cr4 = X86_CR4_PCIDE)
BAD(long_cs_l_and_d, c->cpu_regs.x86_32.cr0 = 0x80000011; c->cpu_regs.x86_32.cr4 = X86_CR4_PAE;
    c->cpu_regs.x86_32.efer = EFER_LME; c->cpu_regs.x86_32.cs_ar = 0xE9B)
BAD(long_without_pae, c->cpu_regs.x86_32.cr0 = 0x80000011; c->cpu_regs.x86_32.efer = EFER_LME)

static void test_refused(void **state)
{
    static const struct bad_case c64[] = {
        { "mode 2", bad_mode },
        { "pad", bad_pad },
        { "RIP", rip_not_canonical },
        { "CR0.PG", no_paging },
        { "CR4.PAE", no_pae },
        { "EFER.LME", no_lme },
        { "OSXSAVE not offered", cr4_not_offered },
        { "CR4 reserved", cr4_reserved },
        { "SVME", efer_svme },
        { "NW without CD", cr0_nw_without_cd },
        { "CR0 63:32", cr0_high },
        { "PG without PE", cr0_pg_without_pe },
        { "CR3", cr3_too_wide },
        { "RFLAGS.VM in long mode", rflags_vm_long },
    };
    static const struct bad_case c32[] = {
        { "mode 2", bad_mode },
        { "CS data", cs_data },
        { "CS null", cs_null },
        { "SS null", ss_null },
        { "TR null", tr_null },
        { "CS not present", cs_not_present },
        { "CS system", cs_system },
        { "bit 12", ar_bit_12 },
        { "SS code", ss_code },
        { "SS read-only", ss_read_only },
        { "DS execute-only", ds_exec_only },
        { "SS.DPL", ss_dpl },
        { "ES.DPL", es_dpl },
        { "TR code", tr_code },
        { "TR 16-bit", tr_16bit },
        { "EIP", eip_beyond_limit },
        { "pad1", pad1 },
        { "pad2", pad2 },
        { "LMA without LME", lma_without_lme },
        { "LMA without paging", lma_without_paging },
        { "real mode", real_mode },
        { "PCIDE", pcide_not_long },
        { "CS.L and CS.D", long_cs_l_and_d },
        { "long mode without PAE", long_without_pae },
    };
    struct db_vcpu_state st;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(c64) / sizeof(c64[0]); i++) {
        struct vcpu_hvm_context c = ctx64();

        c64[i].change(&c);
        if (check(&c, &st) != -XEN_EINVAL)
            fail_msg("64-bit %s accepted", c64[i].what);
    }
    for (i = 0; i < sizeof(c32) / sizeof(c32[0]); i++) {
        struct vcpu_hvm_context c = ctx32();

        c32[i].change(&c);
        if (check(&c, &st) != -XEN_EINVAL)
            fail_msg("32-bit %s accepted", c32[i].what);
    }
}

/* CR4 bits follow what the CPU offers; PCIDE only in long mode. */
static void test_limits(void **state)
{
    struct hvm_context_limits narrow = limits;
    struct vcpu_hvm_context c = ctx64();
    struct db_vcpu_state st;

    (void)state;
    c.cpu_regs.x86_64.cr4 |= X86_CR4_SMEP | X86_CR4_PCIDE;
    assert_int_equal(check(&c, &st), 0);
    narrow.cr4_valid &= ~X86_CR4_SMEP;
    assert_int_equal(hvm_context_check(&c, &narrow, &st), -XEN_EINVAL);
    narrow = limits;
    narrow.efer_valid &= ~(1ull << 11);
    c = ctx64();
    c.cpu_regs.x86_64.efer |= 1ull << 11;
    assert_int_equal(check(&c, &st), 0);
    assert_int_equal(hvm_context_check(&c, &narrow, &st), -XEN_EINVAL);
    c = ctx64();
    c.cpu_regs.x86_64.cr3 = (1ull << 40) - 4096;
    assert_int_equal(check(&c, &st), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_64bit_start),
        cmocka_unit_test(test_32bit_start),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_limits),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
