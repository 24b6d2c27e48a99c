/* SPDX-License-Identifier: MIT */
/*
 * The VMX back-end's pure logic, host-tested (unittests/hv/arch/x86/vmx/):
 * controls adjusted to the capability MSRs, exit qualifications decoded into
 * the vendor-neutral exit record, the events to deliver again after an
 * exit, segment access rights, and the names of VM-instruction errors.
 */
#ifndef VMX_DECODE_H
#define VMX_DECODE_H

#include <hv/types.h>
#include <asm/hvm/hvm.h>
#include <arch/x86-defs.h>

/*
 * A control field from its capability MSR (allowed 0-settings in the low
 * half: bits that must be 1; allowed 1-settings in the high half): required
 * and optional bits where allowed, plus the bits that must be 1. False, with
 * *missing the required bits the CPU cannot set, if any.
 */
bool vmx_controls_adjust(uint64_t cap, uint32_t required, uint32_t optional, uint32_t *out,
                         uint32_t *missing);
/* The capability MSR of a control field: the TRUE_ one when VMX_BASIC says they exist. */
uint32_t vmx_controls_msr(uint64_t vmx_basic, uint32_t msr, uint32_t true_msr);

/* I/O instruction exit qualification -> e->io. */
void vmx_decode_io(uint64_t qual, struct hvm_exit *e);
/* EPT violation qualification and guest-physical address -> e->npf. */
void vmx_decode_ept_violation(uint64_t qual, uint64_t gpa, struct hvm_exit *e);

/* A control-register access exit. */
enum vmx_cr_access_type {
    VMX_CR_MOV_TO,
    VMX_CR_MOV_FROM,
    VMX_CR_CLTS,
    VMX_CR_LMSW
};
struct vmx_cr_access {
    unsigned int cr;
    enum vmx_cr_access_type type;
    enum guest_reg gpr; /* MOV's general register */
    uint16_t lmsw_source;
};
struct vmx_cr_access vmx_decode_cr_access(uint64_t qual);

/* An interruption-information value (VM entry, exit, IDT vectoring) of a software event. */
bool vmx_soft_event(uint32_t info);
/*
 * The event whose delivery an exit interrupted (IDT-vectoring information),
 * as the entry's interruption information to deliver it again; 0 if none.
 * An EPT violation on the IDT or the guest's stack, say, leaves the event to
 * deliver again, software ones with the instruction length VMX reports.
 * Not a software event whose delivery raised an intercepted exception
 * (INT n through a PV container's empty IDT: #GP): RIP is still at its
 * instruction, so once the exception is handled (bounced, reflected) the
 * guest executes it again, as on SVM; delivered again too, it would be
 * raised twice.
 */
uint32_t vmx_event_to_redeliver(uint32_t idt_vectoring, uint32_t exit_reason);

/* Segment attributes, X86_SEG_ATTR_* 12-bit form <-> VMCS access rights; 0: unusable. */
uint32_t vmx_ar_from_attr(uint16_t attr);
uint16_t vmx_attr_from_ar(uint32_t ar);

/* VM-instruction error number (VMfailValid) -> the SDM's text. */
const char *vmx_insn_error_name(uint32_t error);

#endif
