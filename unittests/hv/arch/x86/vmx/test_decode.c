// SPDX-License-Identifier: MIT
/*
 * The VMX back-end's pure logic (hv/arch/x86/vmx/decode.c) against the
 * Intel SDM: control fields adjusted to capability MSR values (including
 * those Bochs's haswell model reports), exit qualifications of I/O, EPT
 * violations and control-register accesses, the events delivered again
 * after an exit, segment access rights, and the names of VM-instruction
 * errors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vmx/vmcs.h"
#include "vmx/decode.h"

static void test_controls_adjust(void **state)
{
    uint32_t out, missing;

    (void)state;
    /* Bits 1, 2, 4 must be 1 (low half); bits 0-7 and 31 may be 1 (high half). */
    assert_true(vmx_controls_adjust(0x800000FF00000016ull, 1u << 0, (1u << 31) | (1u << 9), &out,
                                    &missing));
    assert_int_equal(out, 0x80000017u); /* optional bit 9 not offered: dropped */
    assert_int_equal(missing, 0);
    /* A required bit the CPU cannot set: refused, and named. */
    assert_false(
        vmx_controls_adjust(0x000000FF00000016ull, (1u << 31) | (1u << 3), 0, &out, &missing));
    assert_int_equal(missing, 1u << 31);
    /* Bochs haswell's secondary controls (0x48B): EPT, VPID, unrestricted guest offered. */
    assert_true(vmx_controls_adjust(0x00047FFF00000000ull, CPU2_EPT | CPU2_UNRESTRICTED,
                                    CPU2_VPID | CPU2_RDTSCP, &out, &missing));
    assert_int_equal(out, CPU2_EPT | CPU2_UNRESTRICTED | CPU2_VPID | CPU2_RDTSCP);
}

static void test_true_controls_msr(void **state)
{
    (void)state;
    /* Bochs haswell's VMX_BASIC: bit 55 set, so the TRUE_ MSRs. */
    assert_int_equal(vmx_controls_msr(0x00D810000000002Bull, MSR_VMX_PROCBASED_CTLS,
                                      MSR_VMX_TRUE_PROCBASED_CTLS),
                     MSR_VMX_TRUE_PROCBASED_CTLS);
    assert_int_equal(vmx_controls_msr(0x005810000000002Bull, MSR_VMX_PROCBASED_CTLS,
                                      MSR_VMX_TRUE_PROCBASED_CTLS),
                     MSR_VMX_PROCBASED_CTLS);
    assert_int_equal(VMX_BASIC_REVISION(0x00D810000000002Bull), 0x2B);
}

static void test_io_qualification(void **state)
{
    struct hvm_exit e = { 0 };

    (void)state;
    /* OUT DX, AL to port 0x3F8: size 1, out, not string. */
    vmx_decode_io(0x03F80000ull, &e);
    assert_int_equal(e.reason, HVM_EXIT_IO);
    assert_int_equal(e.io.port, 0x3F8);
    assert_int_equal(e.io.size, 1);
    assert_false(e.io.in);
    assert_false(e.io.string);
    /* REP INSD from port 0xCFC: size 4 (field 3), in (bit 3), string (bit 4), rep (bit 5). */
    vmx_decode_io(0x0CFC0000ull | 3 | (1u << 3) | (1u << 4) | (1u << 5), &e);
    assert_int_equal(e.io.port, 0xCFC);
    assert_int_equal(e.io.size, 4);
    assert_true(e.io.in);
    assert_true(e.io.string);
    /* IN AX, imm8 (operand encoding bit 6): size 2. */
    vmx_decode_io(0x00600000ull | 1 | (1u << 3) | (1u << 6), &e);
    assert_int_equal(e.io.port, 0x60);
    assert_int_equal(e.io.size, 2);
}

static void test_ept_violation_qualification(void **state)
{
    struct hvm_exit e = { 0 };

    (void)state;
    /* A write (bit 1) to a page mapped with no permission (bits 3-5 clear), linear access. */
    vmx_decode_ept_violation((1u << 1) | (1u << 7) | (1u << 8), 0xFEE00300ull, &e);
    assert_int_equal(e.reason, HVM_EXIT_NPF);
    assert_true(gpaddr_val(e.npf.gpa) == 0xFEE00300ull);
    assert_true(e.npf.write);
    assert_false(e.npf.fetch);
    assert_false(e.npf.present);
    assert_false(e.npf.in_walk);
    /* A fetch (bit 2) from a readable, non-executable page (bit 3). */
    vmx_decode_ept_violation((1u << 2) | (1u << 3) | (1u << 7) | (1u << 8), 0x1000, &e);
    assert_true(e.npf.fetch);
    assert_true(e.npf.present);
    assert_false(e.npf.write);
    /* A read during the guest's page walk: GLA valid (bit 7), not the translated access (bit 8). */
    vmx_decode_ept_violation((1u << 0) | (1u << 7), 0x2000, &e);
    assert_true(e.npf.in_walk);
    /* No linear address at all (bit 7 clear): not a walk. */
    vmx_decode_ept_violation(1u << 0, 0x3000, &e);
    assert_false(e.npf.in_walk);
}

static void test_cr_access_qualification(void **state)
{
    struct vmx_cr_access a;

    (void)state;
    /* MOV CR0, RAX: CR 0, type 0, register 0. */
    a = vmx_decode_cr_access(0x0);
    assert_int_equal(a.cr, 0);
    assert_int_equal(a.type, VMX_CR_MOV_TO);
    assert_int_equal(a.gpr, GREG_RAX);
    /* MOV CR4, RBX: register number 3 is RBX, not GREG_RDX. */
    a = vmx_decode_cr_access(4 | (3u << 8));
    assert_int_equal(a.cr, 4);
    assert_int_equal(a.gpr, GREG_RBX);
    /* MOV R12, CR8: type 1. */
    a = vmx_decode_cr_access(8 | (1u << 4) | (12u << 8));
    assert_int_equal(a.cr, 8);
    assert_int_equal(a.type, VMX_CR_MOV_FROM);
    assert_int_equal(a.gpr, GREG_R12);
    /* MOV CR3, RSP and LMSW with its source data in bits 31:16. */
    a = vmx_decode_cr_access(3 | (4u << 8));
    assert_int_equal(a.gpr, GREG_RSP);
    a = vmx_decode_cr_access((3u << 4) | (0x000Bu << 16));
    assert_int_equal(a.type, VMX_CR_LMSW);
    assert_int_equal(a.lmsw_source, 0xB);
}

static void test_access_rights(void **state)
{
    (void)state;
    /* 64-bit code: P S type 0xB, L and G -> VMCS bits 13 and 15. */
    assert_int_equal(vmx_ar_from_attr(0xA9B), 0xA09B);
    assert_int_equal(vmx_attr_from_ar(0xA09B), 0xA9B);
    /* Flat 32-bit data: D/B and G. */
    assert_int_equal(vmx_ar_from_attr(0xC93), 0xC093);
    /* Not present: unusable (bit 16), and back to 0. */
    assert_int_equal(vmx_ar_from_attr(0), VMX_AR_UNUSABLE);
    assert_int_equal(vmx_attr_from_ar(VMX_AR_UNUSABLE | 0x93), 0);
}

static void test_insn_error_names(void **state)
{
    (void)state;
    assert_string_equal(vmx_insn_error_name(7), "VM entry with invalid control field(s)");
    assert_string_equal(vmx_insn_error_name(8), "VM entry with invalid host-state field(s)");
    assert_string_equal(vmx_insn_error_name(5), "VMRESUME with non-launched VMCS");
    assert_string_equal(vmx_insn_error_name(28), "invalid operand to INVEPT/INVVPID");
    assert_string_equal(vmx_insn_error_name(14), "unknown VM-instruction error");
    assert_string_equal(vmx_insn_error_name(1000), "unknown VM-instruction error");
}

/* IDT-vectoring information: which interrupted deliveries go in again at the next entry. */
static void test_event_to_redeliver(void **state)
{
    const uint32_t ext_intr = INTR_INFO_VALID | (INTR_TYPE_EXT_INTR << 8) | 0x30;
    const uint32_t pf =
        INTR_INFO_VALID | INTR_INFO_ERROR_VALID | (INTR_TYPE_HW_EXCEPTION << 8) | 14;
    const uint32_t int80 = INTR_INFO_VALID | (INTR_TYPE_SOFT_INTR << 8) | 0x80;
    const uint32_t int3 = INTR_INFO_VALID | (INTR_TYPE_SOFT_EXC << 8) | 3;
    const uint32_t icebp = INTR_INFO_VALID | (INTR_TYPE_PRIV_SOFT_EXC << 8) | 1;

    (void)state;
    assert_int_equal(vmx_event_to_redeliver(0, EXIT_REASON_EPT_VIOLATION), 0);
    assert_int_equal(vmx_event_to_redeliver(pf & ~INTR_INFO_VALID, EXIT_REASON_EPT_VIOLATION), 0);
    /* An EPT violation on the IDT or stack: every kind goes in again. */
    assert_int_equal(vmx_event_to_redeliver(ext_intr, EXIT_REASON_EPT_VIOLATION), ext_intr);
    assert_int_equal(vmx_event_to_redeliver(pf, EXIT_REASON_EPT_VIOLATION), pf);
    assert_int_equal(vmx_event_to_redeliver(int80, EXIT_REASON_EPT_VIOLATION), int80);
    /* Reserved bits 30:12 are not carried into the entry's field. */
    assert_int_equal(vmx_event_to_redeliver(pf | 0x7FFFF000u, EXIT_REASON_EPT_VIOLATION), pf);
    /* An intercepted exception raised by the delivery: hardware events go in again ... */
    assert_int_equal(vmx_event_to_redeliver(ext_intr, EXIT_REASON_EXCEPTION_NMI), ext_intr);
    assert_int_equal(vmx_event_to_redeliver(pf, EXIT_REASON_EXCEPTION_NMI), pf);
    /* ... software ones do not: the guest executes their instruction again. */
    assert_int_equal(vmx_event_to_redeliver(int80, EXIT_REASON_EXCEPTION_NMI), 0);
    assert_int_equal(vmx_event_to_redeliver(int3, EXIT_REASON_EXCEPTION_NMI), 0);
    assert_int_equal(vmx_event_to_redeliver(icebp, EXIT_REASON_EXCEPTION_NMI), 0);
    assert_true(vmx_soft_event(int80) && vmx_soft_event(int3) && vmx_soft_event(icebp));
    assert_false(vmx_soft_event(ext_intr) || vmx_soft_event(pf));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_controls_adjust),
        cmocka_unit_test(test_true_controls_msr),
        cmocka_unit_test(test_io_qualification),
        cmocka_unit_test(test_ept_violation_qualification),
        cmocka_unit_test(test_cr_access_qualification),
        cmocka_unit_test(test_event_to_redeliver),
        cmocka_unit_test(test_access_rights),
        cmocka_unit_test(test_insn_error_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
