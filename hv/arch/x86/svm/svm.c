// SPDX-License-Identifier: MIT
/*
 * SVM back-end: detection, per-CPU enabling, per-vCPU state and the ops
 * table common code sees (hv/arch_vcpu.h).
 */
#include <string.h>
#include <asm/cpu.h>
#include <asm/msr.h>
#include <asm/p2m_format.h>
#include <hv/page_alloc.h>
#include <hv/percpu.h>
#include <hv/printk.h>
#include <hv/panic.h>
#include "svm.h"

#define MSR_VM_CR        0xC0010114u
#define MSR_VM_HSAVE_PA  0xC0010117u
#define VM_CR_SVMDIS     (1u << 4)

#define CPUID_80000001_ECX_SVM  (1u << 2)
#define CPUID_8000000A_EDX_NP   (1u << 0)
#define CPUID_1_ECX_XSAVE       (1u << 26)
#define X86_CR4_OSXSAVE         (1ull << 18)

uint32_t svm_max_asid;
bool svm_host_xsave;
unsigned int svm_fpu_area_order;
paddr_t svm_msrpm_pa, svm_iopm_pa;

static struct svm_cpu *svm_cpus[HV_MAX_CPUS];

struct svm_cpu *svm_this_cpu(void)
{
    return svm_cpus[smp_processor_id()];
}

/* Why this machine cannot run SVM guests, or NULL. */
static const char *svm_missing(void)
{
    if (cpuid_max_extended_leaf() < 0x8000000Au ||
        !(cpuid(0x80000001u, 0).ecx & CPUID_80000001_ECX_SVM))
        return "the CPU has no AMD SVM (AMD-V); only SVM is supported so far (QEMU: -cpu max)";
    if (rdmsr(MSR_VM_CR) & VM_CR_SVMDIS)
        return "SVM is disabled by the firmware (VM_CR.SVMDIS): enable it in the firmware setup";
    if (!(cpuid(0x8000000Au, 0).edx & CPUID_8000000A_EDX_NP))
        return "the CPU has SVM but no nested paging (NPT)";
    if (cpuid(0x8000000Au, 0).ebx < 2)
        return "the CPU offers no ASID for guests";
    return NULL;
}

/* Every MSR intercepted except the ones the VMCB holds and VMLOAD/VMSAVE switch. */
static void svm_msrpm_passthrough(uint8_t *pm, uint32_t msr)
{
    uint32_t base;

    if (msr < 0x2000u)
        base = 0;
    else if (msr - 0xC0000000u < 0x2000u)
        base = 0x800 * 8;
    else
        base = 0x1000 * 8;
    uint32_t bit = base + (msr & 0x1FFFu) * 2;

    pm[bit / 8] &= (uint8_t)~(3u << (bit % 8));
}

static bool svm_maps_init(void)
{
    static const uint32_t passthrough[] = {
        0xC0000081u, 0xC0000082u, 0xC0000083u, 0xC0000084u,  /* STAR LSTAR CSTAR SFMASK */
        0xC0000100u, 0xC0000101u, 0xC0000102u,                /* FS, GS, KERNEL_GS base */
        0x174u, 0x175u, 0x176u,                               /* SYSENTER_CS/ESP/EIP */
    };
    unsigned int i;

    svm_msrpm_pa = page_alloc(1);   /* 8 KiB */
    svm_iopm_pa = page_alloc(2);    /* 12 KiB used */
    if (!svm_msrpm_pa || !svm_iopm_pa)
        return false;
    memset(phys_to_virt(svm_msrpm_pa), 0xFF, 2 * PAGE_SIZE);
    memset(phys_to_virt(svm_iopm_pa), 0xFF, 4 * PAGE_SIZE);
    for (i = 0; i < ARRAY_SIZE(passthrough); i++)
        svm_msrpm_passthrough(phys_to_virt(svm_msrpm_pa), passthrough[i]);
    return true;
}

static unsigned int order_for_bytes(uint64_t bytes)
{
    unsigned int order = 0;

    while ((PAGE_SIZE << order) < bytes)
        order++;
    return order;
}

/* Per-CPU state for every online CPU, allocated once on the boot CPU. */
static bool svm_cpus_init(void)
{
    unsigned int cpu;

    for (cpu = 0; cpu < HV_MAX_CPUS; cpu++) {
        struct percpu *pc = percpu_of(cpu);
        struct svm_cpu *c;

        if (!pc || !pc->online)
            continue;
        c = page_alloc_zeroed_virt();
        if (!c)
            return false;
        c->hsave_pa = page_alloc(0);
        c->host_state_pa = page_alloc(0);
        if (!c->hsave_pa || !c->host_state_pa)
            return false;
        memset(phys_to_virt(c->hsave_pa), 0, PAGE_SIZE);
        memset(phys_to_virt(c->host_state_pa), 0, PAGE_SIZE);
        svm_asid_init_cpu(c);
        c->last_domid = ~0u;
        svm_cpus[cpu] = c;
    }
    return true;
}

static int svm_vcpu_create(struct vcpu *v);
static void svm_vcpu_destroy(struct vcpu *v);
static void svm_vcpu_reset(struct vcpu *v);
static int svm_vcpu_set_start_state(struct vcpu *v, const struct db_vcpu_state *st);
static void svm_vcpu_get_paging(const struct vcpu *v, struct guest_paging *p);
static uint64_t svm_vcpu_get_reg(const struct vcpu *v, enum guest_reg r);
static void svm_vcpu_set_reg(struct vcpu *v, enum guest_reg r, uint64_t value);
static uint64_t svm_vcpu_tsc_offset(const struct vcpu *v);
static void svm_vcpu_set_tsc_offset(struct vcpu *v, uint64_t offset);

static const uint8_t svm_vmmcall_insn[] = { 0x0F, 0x01, 0xD9 };

static const struct arch_virt_ops svm_ops = {
    .name = "svm",
    .vcpu_create = svm_vcpu_create,
    .vcpu_destroy = svm_vcpu_destroy,
    .vcpu_reset = svm_vcpu_reset,
    .vcpu_set_start_state = svm_vcpu_set_start_state,
    .vcpu_run = svm_vcpu_run,
    .vcpu_get_paging = svm_vcpu_get_paging,
    .vcpu_get_reg = svm_vcpu_get_reg,
    .vcpu_set_reg = svm_vcpu_set_reg,
    .vcpu_tsc_offset = svm_vcpu_tsc_offset,
    .vcpu_set_tsc_offset = svm_vcpu_set_tsc_offset,
    .hypercall_insn = svm_vmmcall_insn,
    .hypercall_insn_len = sizeof(svm_vmmcall_insn),
};

const struct arch_virt_ops *arch_virt;

const struct arch_virt_ops *arch_virt_init(void)
{
    const char *why = svm_missing();
    struct cpuid_result f;

    if (why) {
        printk("tessera: svm: cannot run domains: %s\n", why);
        return NULL;
    }
    f = cpuid(0x8000000Au, 0);
    svm_max_asid = f.ebx - 1;
    svm_host_xsave = (cpuid(1, 0).ecx & CPUID_1_ECX_XSAVE) != 0;
    /* XSAVE area for every feature the CPU has, else the 512-byte FXSAVE image. */
    svm_fpu_area_order = order_for_bytes(svm_host_xsave ? cpuid(0xD, 0).ecx : 512);
    if (!svm_maps_init() || !svm_cpus_init()) {
        printk("tessera: svm: cannot run domains: out of memory for its per-CPU state\n");
        return NULL;
    }
    printk("tessera: svm: revision %u, %u ASIDs, nested paging, features 0x%08x%s\n",
           f.eax & 0xFF, f.ebx, f.edx, svm_host_xsave ? ", xsave" : "");
    p2m_use_format(&p2m_npt_format);
    arch_virt = &svm_ops;
    return arch_virt;
}

void arch_virt_init_cpu(void)
{
    struct svm_cpu *c = svm_cpus[smp_processor_id()];

    CHECK(c);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
    wrmsr(MSR_VM_HSAVE_PA, c->hsave_pa);
    if (svm_host_xsave)
        write_cr4(read_cr4() | X86_CR4_OSXSAVE);
}

/* Power-on state in the vCPU's existing pages: at creation and at each restart. */
static void svm_vcpu_reset(struct vcpu *v)
{
    struct svm_vcpu *s = to_svm(v);

    memset(s->vmcb, 0, PAGE_SIZE);
    memset(&s->gprs, 0, sizeof(s->gprs));
    s->pending_event = 0;
    memset(s->dr, 0, sizeof(s->dr));
    memset(s->fpu_area, 0, PAGE_SIZE << s->fpu_order);
    /* FXSAVE image of the reset state: FCW 0x37F, MXCSR 0x1F80 (XSTATE_BV 0 = init). */
    *(uint16_t *)s->fpu_area = 0x37F;
    *(uint32_t *)((uint8_t *)s->fpu_area + 24) = 0x1F80;
    s->xcr0 = 1;
    /* A new ASID at the next entry: no translation cached for an earlier run is used. */
    s->asid_cpu = ~0u;
    s->spec_ctrl = 0;
    s->virt_spec_ctrl = 0;
    s->tsc_aux = v->id;
    guest_cpuid_msr_features(&(struct guest_cpuid_ctx){ cpuid_host, &v->domain->policy.cpuid,
                                                        v->domain->nr_vcpus, v->id },
                             &s->msrs);
    svm_vmcb_init(v, s);
}

static int svm_vcpu_create(struct vcpu *v)
{
    struct svm_vcpu *s = page_alloc_zeroed_virt();
    paddr_t fpu;

    if (!s)
        return -12; /* ENOMEM */
    s->vmcb = page_alloc_zeroed_virt();
    fpu = page_alloc(svm_fpu_area_order);
    if (!s->vmcb || !fpu) {
        if (s->vmcb)
            page_free(virt_to_phys(s->vmcb), 0);
        if (fpu)
            page_free(fpu, svm_fpu_area_order);
        page_free(virt_to_phys(s), 0);
        return -12;
    }
    s->vmcb_pa = virt_to_phys(s->vmcb);
    s->fpu_area = phys_to_virt(fpu);
    s->fpu_order = svm_fpu_area_order;
    v->arch = s;
    svm_vcpu_reset(v);
    return 0;
}

static void svm_vcpu_destroy(struct vcpu *v)
{
    struct svm_vcpu *s = to_svm(v);

    if (!s)
        return;
    page_free(virt_to_phys(s->fpu_area), s->fpu_order);
    page_free(s->vmcb_pa, 0);
    page_free(virt_to_phys(s), 0);
    v->arch = NULL;
}

static int svm_vcpu_set_start_state(struct vcpu *v, const struct db_vcpu_state *st)
{
    return svm_vmcb_set_start_state(to_svm(v), st);
}

static void svm_vcpu_get_paging(const struct vcpu *v, struct guest_paging *p)
{
    const struct vmcb_save *save = &to_svm(v)->vmcb->save;

    p->cr0 = save->cr0;
    p->cr3 = save->cr3;
    p->cr4 = save->cr4;
    p->efer = save->efer;
    p->cpl = save->cpl;
}

static uint64_t *svm_gpr(struct svm_vcpu *s, enum guest_reg r)
{
    switch (r) {
    case GREG_RAX: return &s->vmcb->save.rax;
    case GREG_RSP: return &s->vmcb->save.rsp;
    case GREG_RBX: return &s->gprs.rbx;
    case GREG_RCX: return &s->gprs.rcx;
    case GREG_RDX: return &s->gprs.rdx;
    case GREG_RSI: return &s->gprs.rsi;
    case GREG_RDI: return &s->gprs.rdi;
    case GREG_RBP: return &s->gprs.rbp;
    case GREG_R8:  return &s->gprs.r8;
    case GREG_R9:  return &s->gprs.r9;
    case GREG_R10: return &s->gprs.r10;
    case GREG_R11: return &s->gprs.r11;
    case GREG_R12: return &s->gprs.r12;
    case GREG_R13: return &s->gprs.r13;
    case GREG_R14: return &s->gprs.r14;
    case GREG_R15: return &s->gprs.r15;
    case GREG_COUNT: break;
    }
    panic("svm: bad register %d", (int)r);
}

static uint64_t svm_vcpu_get_reg(const struct vcpu *v, enum guest_reg r)
{
    return *svm_gpr(to_svm(v), r);
}

static void svm_vcpu_set_reg(struct vcpu *v, enum guest_reg r, uint64_t value)
{
    *svm_gpr(to_svm(v), r) = value;
}

static uint64_t svm_vcpu_tsc_offset(const struct vcpu *v)
{
    return to_svm(v)->vmcb->control.tsc_offset;
}

static void svm_vcpu_set_tsc_offset(struct vcpu *v, uint64_t offset)
{
    to_svm(v)->vmcb->control.tsc_offset = offset;
}
