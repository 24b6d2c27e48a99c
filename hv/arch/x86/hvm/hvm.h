/* SPDX-License-Identifier: MIT */
/*
 * hvm/'s private interface: the handler of each exit family and the
 * instruction helpers they share. Nothing outside hv/arch/x86/hvm/ includes it.
 */
#ifndef HVM_HVM_H
#define HVM_HVM_H

#include <asm/hvm/hvm.h>
#include <arch/x86-defs.h>
#include <hv/domain.h>

static inline struct hvm_vcpu *to_hvm(struct vcpu *v)
{
    return &v->arch.hvm;
}

/*
 * Length of the instruction at the guest's CS:RIP, which must be one of the
 * opcodes given (after legacy and REX prefixes); 0 if it cannot be fetched
 * or is something else. Without NRIP save or decode assists (QEMU offers
 * neither) lengths come from here.
 */
struct hvm_opcode {
    uint8_t len;
    uint8_t bytes[3];
};
unsigned int hvm_insn_length(struct vcpu *v, const struct hvm_opcode *ops, unsigned int nr_ops);
/*
 * Advance over the fixed instruction that exited: by the length the hardware
 * reported, else the one read at RIP; a crash outcome when the bytes are not it.
 */
struct hvm_outcome hvm_advance_over(struct vcpu *v, const struct hvm_exit *e,
                                    const struct hvm_opcode *op, const char *what);

/* Width of the guest's RIP: 64 (long mode and CS.L), 32 or 16. */
unsigned int hvm_code_bits(const struct vcpu *v);

/* Xen's leaves, else the guest CPUID model with the domain's policy (cpuid.c). */
void hvm_cpuid(struct vcpu *v, uint32_t leaf, uint32_t subleaf, uint32_t r[4]);
struct hvm_outcome hvm_exit_cpuid(struct vcpu *v, const struct hvm_exit *e);
struct hvm_outcome hvm_exit_xsetbv(struct vcpu *v, const struct hvm_exit *e);
struct hvm_outcome hvm_exit_msr(struct vcpu *v, const struct hvm_exit *e);
struct hvm_outcome hvm_exit_io(struct vcpu *v, const struct hvm_exit *e);
struct hvm_outcome hvm_exit_hypercall(struct vcpu *v, const struct hvm_exit *e);
struct hvm_outcome hvm_exit_npf(struct vcpu *v, const struct hvm_exit *e);
/* Maps the domain's emulated device pages into its P2M (npf.c); 0 or -errno. */
int hvm_domain_map_devices(struct domain *d);

/* The guest's speculation-control and TSC_AUX MSRs into the CPU and out (msr.c). */
void hvm_msrs_load(struct vcpu *v);
void hvm_msrs_put(struct vcpu *v);
/* Power-on MSR state (msr.c). */
void hvm_msrs_reset(struct vcpu *v);

/* XSAVE state (xstate.c): per-vCPU image size, chosen at boot; per-CPU XCR0 enabling. */
extern unsigned int hvm_fpu_area_order;
void hvm_xstate_init(void);
void hvm_xstate_init_cpu(void);
void hvm_xstate_reset(struct hvm_vcpu *h);

/* The vLAPIC of a vCPU (vlapic_vcpu.c): created once, reset with the vCPU. */
void hvm_vlapic_create(struct vcpu *v);
void hvm_vlapic_reset(struct vcpu *v);
/* APIC_BASE, TSC_DEADLINE and the x2APIC MSRs; read/write false: #GP. */
bool hvm_vlapic_owns_msr(uint32_t msr);
bool hvm_vlapic_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val);
bool hvm_vlapic_msr_write(struct vcpu *v, uint32_t msr, uint64_t val);
/*
 * The xAPIC page of v's APIC (offset into it, size 1, 2 or 4), for the
 * nested-page-fault path once the instruction emulator decodes the access.
 */
uint32_t vlapic_mmio_read_vcpu(struct vcpu *v, uint32_t offset, unsigned int size);
void vlapic_mmio_write_vcpu(struct vcpu *v, uint32_t offset, unsigned int size, uint32_t val);
/* The APIC's highest vector above PPR, or -1 (HLT must not sleep through it). */
int hvm_vlapic_pending(struct vcpu *v);

/* The HVM type's hypercall page, hypercalls and kernel test (hypercall.c), exceptions (exit.c). */
bool hvm_hypercall_page_write(struct domain *d, gpaddr_t gpa);
bool hvm_in_guest_kernel(const struct vcpu *v);
enum hypercall_return hvm_hypercall(struct vcpu *v, uint64_t nr, const uint64_t *args,
                                    int64_t *result);
struct hvm_outcome hvm_reflect_exception(struct vcpu *v, uint8_t vector, uint32_t error_code,
                                         uint64_t fault_addr);

#endif
