// SPDX-License-Identifier: MIT
/*
 * The VMX back-end's pure logic (decode.h): nothing here touches the CPU, so
 * the host tests run every line of it against the SDM's tables.
 */
#include "vmcs.h"
#include "decode.h"

bool vmx_controls_adjust(uint64_t cap, uint32_t required, uint32_t optional, uint32_t *out,
                         uint32_t *missing)
{
    uint32_t must_be_one = (uint32_t)cap;
    uint32_t may_be_one = (uint32_t)(cap >> 32);

    *missing = required & ~may_be_one;
    *out = ((required | optional) & may_be_one) | must_be_one;
    return *missing == 0;
}

uint32_t vmx_controls_msr(uint64_t vmx_basic, uint32_t msr, uint32_t true_msr)
{
    return (vmx_basic & VMX_BASIC_TRUE_CTLS) ? true_msr : msr;
}

#define IO_SIZE(q) ((unsigned int)((q)&7u) + 1)
#define IO_IN      (1ull << 3)
#define IO_STRING  (1ull << 4)
#define IO_PORT(q) ((uint16_t)((q) >> 16))

void vmx_decode_io(uint64_t qual, struct hvm_exit *e)
{
    e->reason = HVM_EXIT_IO;
    e->io.port = IO_PORT(qual);
    e->io.size = (uint8_t)IO_SIZE(qual);
    e->io.in = (qual & IO_IN) != 0;
    e->io.string = (qual & IO_STRING) != 0;
}

#define EPT_QUAL_WRITE      (1ull << 1)
#define EPT_QUAL_FETCH      (1ull << 2)
#define EPT_QUAL_PERMS      (7ull << 3) /* what the entry allowed: any bit, it was present */
#define EPT_QUAL_GLA_VALID  (1ull << 7)
#define EPT_QUAL_TRANSLATED (1ull << 8) /* with GLA valid: the final access, not the walk */

void vmx_decode_ept_violation(uint64_t qual, uint64_t gpa, struct hvm_exit *e)
{
    e->reason = HVM_EXIT_NPF;
    e->npf.gpa = mk_gpaddr(gpa);
    e->npf.present = (qual & EPT_QUAL_PERMS) != 0;
    e->npf.write = (qual & EPT_QUAL_WRITE) != 0;
    e->npf.fetch = (qual & EPT_QUAL_FETCH) != 0;
    e->npf.in_walk = (qual & EPT_QUAL_GLA_VALID) && !(qual & EPT_QUAL_TRANSLATED);
}

struct vmx_cr_access vmx_decode_cr_access(uint64_t qual)
{
    /* Bits 11:8 number the register as instructions do: RAX RCX RDX RBX RSP RBP RSI RDI R8... */
    static const enum guest_reg gprs[16] = {
        GREG_RAX, GREG_RCX, GREG_RDX, GREG_RBX, GREG_RSP, GREG_RBP, GREG_RSI, GREG_RDI,
        GREG_R8,  GREG_R9,  GREG_R10, GREG_R11, GREG_R12, GREG_R13, GREG_R14, GREG_R15,
    };

    return (struct vmx_cr_access){
        .cr = (unsigned int)(qual & 0xF),
        .type = (enum vmx_cr_access_type)((qual >> 4) & 3),
        .gpr = gprs[(qual >> 8) & 0xF],
        .lmsw_source = (uint16_t)(qual >> 16),
    };
}

bool vmx_soft_event(uint32_t info)
{
    uint32_t type = INTR_INFO_TYPE(info);

    return type == INTR_TYPE_SOFT_INTR || type == INTR_TYPE_PRIV_SOFT_EXC ||
           type == INTR_TYPE_SOFT_EXC;
}

uint32_t vmx_event_to_redeliver(uint32_t idt_vectoring, uint32_t exit_reason)
{
    if (!(idt_vectoring & INTR_INFO_VALID))
        return 0;
    if (vmx_soft_event(idt_vectoring) && (exit_reason & 0xFFFF) == EXIT_REASON_EXCEPTION_NMI)
        return 0;
    return idt_vectoring & (INTR_INFO_VALID | INTR_INFO_ERROR_VALID | 0x7FFu);
}

uint32_t vmx_ar_from_attr(uint16_t attr)
{
    if (!(attr & X86_SEG_ATTR_P))
        return VMX_AR_UNUSABLE;
    return (attr & 0xFFu) | ((uint32_t)(attr & 0xF00u) << 4);
}

uint16_t vmx_attr_from_ar(uint32_t ar)
{
    if (ar & VMX_AR_UNUSABLE)
        return 0;
    return (uint16_t)((ar & 0xFFu) | ((ar >> 4) & 0xF00u));
}

/* SDM vol. 3C, 31.4 "VM instruction error numbers". */
static const char *const insn_errors[] = {
    [1] = "VMCALL executed in VMX root operation",
    [2] = "VMCLEAR with invalid physical address",
    [3] = "VMCLEAR with VMXON pointer",
    [4] = "VMLAUNCH with non-clear VMCS",
    [5] = "VMRESUME with non-launched VMCS",
    [6] = "VMRESUME after VMXOFF",
    [7] = "VM entry with invalid control field(s)",
    [8] = "VM entry with invalid host-state field(s)",
    [9] = "VMPTRLD with invalid physical address",
    [10] = "VMPTRLD with VMXON pointer",
    [11] = "VMPTRLD with incorrect VMCS revision identifier",
    [12] = "VMREAD/VMWRITE from/to unsupported VMCS component",
    [13] = "VMWRITE to read-only VMCS component",
    [15] = "VMXON executed in VMX root operation",
    [16] = "VM entry with invalid executive-VMCS pointer",
    [17] = "VM entry with non-launched executive VMCS",
    [18] = "VM entry with executive-VMCS pointer not VMXON pointer",
    [19] = "VMCALL with non-clear VMCS",
    [20] = "VMCALL with invalid VM-exit control fields",
    [22] = "VMCALL with incorrect MSEG revision identifier",
    [23] = "VMXOFF under dual-monitor treatment of SMIs and SMM",
    [24] = "VMCALL with invalid SMM-monitor features",
    [25] = "VM entry with invalid VM-execution control fields in executive VMCS",
    [26] = "VM entry with events blocked by MOV SS",
    [28] = "invalid operand to INVEPT/INVVPID",
};

const char *vmx_insn_error_name(uint32_t error)
{
    if (error < ARRAY_SIZE(insn_errors) && insn_errors[error])
        return insn_errors[error];
    return "unknown VM-instruction error";
}
