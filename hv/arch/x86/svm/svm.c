// SPDX-License-Identifier: MIT
/*
 * SVM back-end: detection, per-CPU enabling, per-vCPU state and the
 * register accessors hvm/ uses (struct hvm_backend, asm/hvm/hvm.h).
 */
#include <string.h>
#include <asm/cpu.h>
#include <asm/msr.h>
#include <public/errno.h>
#include <asm/p2m_format.h>
#include <asm/spec_ctrl.h>
#include <hv/page_alloc.h>
#include <hv/percpu.h>
#include <hv/printk.h>
#include <hv/panic.h>
#include "svm.h"

#define MSR_VM_CR       0xC0010114u
#define MSR_VM_HSAVE_PA 0xC0010117u
#define VM_CR_SVMDIS    (1u << 4)

#define CPUID_80000001_ECX_SVM (1u << 2)
#define CPUID_8000000A_EDX_NP  (1u << 0)

uint32_t svm_max_asid;
bool svm_emulated_by_qemu_tcg;
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
        return "the CPU has no AMD SVM (AMD-V) (QEMU: -cpu max)";
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

    pm[bit / 8] &= (uint8_t) ~(3u << (bit % 8));
}

static bool svm_maps_init(void)
{
    static const uint32_t passthrough[] = {
        MSR_STAR,    MSR_LSTAR,          MSR_CSTAR,       MSR_SFMASK,       MSR_FS_BASE,
        MSR_GS_BASE, MSR_KERNEL_GS_BASE, MSR_SYSENTER_CS, MSR_SYSENTER_ESP, MSR_SYSENTER_EIP,
    };
    unsigned int i;

    svm_msrpm_pa = page_alloc(1); /* 8 KiB */
    svm_iopm_pa = page_alloc(2);  /* 12 KiB used */
    if (!paddr_val(svm_msrpm_pa) || !paddr_val(svm_iopm_pa))
        return false;
    memset(phys_to_virt(svm_msrpm_pa), 0xFF, 2 * PAGE_SIZE);
    memset(phys_to_virt(svm_iopm_pa), 0xFF, 4 * PAGE_SIZE);
    for (i = 0; i < ARRAY_SIZE(passthrough); i++)
        svm_msrpm_passthrough(phys_to_virt(svm_msrpm_pa), passthrough[i]);
    return true;
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
        if (!paddr_val(c->hsave_pa) || !paddr_val(c->host_state_pa))
            return false;
        memset(phys_to_virt(c->hsave_pa), 0, PAGE_SIZE);
        memset(phys_to_virt(c->host_state_pa), 0, PAGE_SIZE);
        svm_asid_init_cpu(c);
        c->last_domid = ~0u;
        svm_cpus[cpu] = c;
    }
    return true;
}

static bool svm_init(void)
{
    struct cpuid_result f = cpuid(0x8000000Au, 0);

    svm_max_asid = f.ebx - 1;
    /* A guest cannot change what the host's CPUID says: no guest can make it true. */
    svm_emulated_by_qemu_tcg = cpu_is_qemu_tcg();
    if (!svm_maps_init() || !svm_cpus_init())
        return false;
    /* What this back-end relies on, by name; what it leaves unused is in the features word. */
    printk("tessera: svm: revision %u, %u ASIDs, nested paging, features 0x%08x%s%s\n",
           f.eax & 0xFF, f.ebx, f.edx, hvm_host_xsave ? ", xsave" : "",
           svm_emulated_by_qemu_tcg ? "; QEMU TCG: entries it sets up wrongly are retried" : "");
    printk("tessera: back-end svm: uses nested paging (NPT), ASIDs (a new generation flushes "
           "the TLB), MSR and I/O permission maps%s; not NRIP save, decode assists or VMCB "
           "clean bits\n",
           hvm_host_xsave ? ", XCR0 switching" : "");
    p2m_use_format(&p2m_npt_format);
    return true;
}

static void svm_init_cpu(void)
{
    struct svm_cpu *c = svm_cpus[smp_processor_id()];

    CHECK(c);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
    wrmsr(MSR_VM_HSAVE_PA, paddr_val(c->hsave_pa));
}

/* Power-on state in the vCPU's existing pages: at creation and at each restart. */
static void svm_vcpu_reset(struct vcpu *v)
{
    struct svm_vcpu *s = to_svm(v);

    memset(s->vmcb, 0, PAGE_SIZE);
    memset(&s->gprs, 0, sizeof(s->gprs));
    s->pending_event = 0;
    s->nmi_masked = false;
    /* A new ASID at the next entry: no translation cached for an earlier run is used. */
    s->asid_cpu = ~0u;
    svm_vmcb_init(v, s);
}

static int svm_vcpu_create(struct vcpu *v)
{
    struct svm_vcpu *s = page_alloc_zeroed_virt();

    if (!s)
        return -XEN_ENOMEM;
    s->vmcb = page_alloc_zeroed_virt();
    if (!s->vmcb) {
        page_free(virt_to_phys(s), 0);
        return -XEN_ENOMEM;
    }
    s->vmcb_pa = virt_to_phys(s->vmcb);
    v->arch.vendor.svm = s;
    svm_vcpu_reset(v);
    return 0;
}

static void svm_vcpu_destroy(struct vcpu *v)
{
    struct svm_vcpu *s = to_svm(v);

    page_free(s->vmcb_pa, 0);
    page_free(virt_to_phys(s), 0);
    v->arch.vendor.svm = NULL;
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
    case GREG_R8: return &s->gprs.r8;
    case GREG_R9: return &s->gprs.r9;
    case GREG_R10: return &s->gprs.r10;
    case GREG_R11: return &s->gprs.r11;
    case GREG_R12: return &s->gprs.r12;
    case GREG_R13: return &s->gprs.r13;
    case GREG_R14: return &s->gprs.r14;
    case GREG_R15: return &s->gprs.r15;
    case GREG_RIP: return &s->vmcb->save.rip;
    case GREG_RFLAGS: return &s->vmcb->save.rflags;
    case GREG_DR6: return &s->vmcb->save.dr6;
    case GREG_EFER: return &s->vmcb->save.efer;
    case GREG_PAT: return &s->vmcb->save.g_pat;
    case GREG_CR2: return &s->vmcb->save.cr2;
    case GREG_CR3: return &s->vmcb->save.cr3;
    case GREG_CR0: return &s->vmcb->save.cr0;
    case GREG_CR4: return &s->vmcb->save.cr4;
    case GREG_FS_BASE: return &s->vmcb->save.fs.base;
    case GREG_GS_BASE: return &s->vmcb->save.gs.base;
    case GREG_SHADOW_GS_BASE: return &s->vmcb->save.kernel_gs_base;
    case GREG_COUNT: break;
    }
    panic("svm: bad register %d", (int)r);
}

/* VMRUN requires EFER.SVME; the guest never sees it nor changes it. */
static uint64_t svm_vcpu_get_reg(const struct vcpu *v, enum guest_reg r)
{
    uint64_t value = *svm_gpr(to_svm(v), r);

    return r == GREG_EFER ? value & ~EFER_SVME : value;
}

static void svm_vcpu_set_reg(struct vcpu *v, enum guest_reg r, uint64_t value)
{
    *svm_gpr(to_svm(v), r) = r == GREG_EFER ? value | EFER_SVME : value;
}

static void svm_vcpu_get_code(const struct vcpu *v, struct hvm_code *c)
{
    const struct vmcb_segment *cs = &to_svm(v)->vmcb->save.cs;

    c->cs_base = cs->base;
    c->cs_attr = cs->attrib;
}

static void svm_vcpu_get_segment(const struct vcpu *v, enum hvm_seg seg, struct hvm_segment *out)
{
    const struct vmcb_save *save = &to_svm(v)->vmcb->save;
    const struct vmcb_segment *sr[] = { &save->es, &save->cs, &save->ss,
                                        &save->ds, &save->fs, &save->gs };

    *out =
        (struct hvm_segment){ sr[seg]->base, sr[seg]->limit, sr[seg]->attrib, sr[seg]->selector };
}

static void svm_vcpu_set_segment(struct vcpu *v, enum hvm_seg seg, const struct hvm_segment *in)
{
    struct vmcb_save *save = &to_svm(v)->vmcb->save;
    struct vmcb_segment *sr[] = {
        &save->es, &save->cs, &save->ss, &save->ds, &save->fs, &save->gs
    };

    sr[seg]->selector = in->selector;
    sr[seg]->attrib = in->attr;
    sr[seg]->limit = in->limit;
    sr[seg]->base = in->base;
}

static uint64_t svm_vcpu_tsc_offset(const struct vcpu *v)
{
    return to_svm(v)->vmcb->control.tsc_offset;
}

static void svm_vcpu_set_tsc_offset(struct vcpu *v, uint64_t offset)
{
    to_svm(v)->vmcb->control.tsc_offset = offset;
}

static bool svm_event_pending(const struct vcpu *v)
{
    return to_svm(v)->pending_event != 0;
}

static void svm_inject_exception(struct vcpu *v, uint8_t vector, bool has_error, uint32_t error)
{
    uint64_t event = VMCB_EVENT_VALID | VMCB_EVENT_TYPE_EXCEPTION | vector;

    if (has_error)
        event |= VMCB_EVENT_ERROR_VALID | ((uint64_t)error << VMCB_EVENT_ERROR_SHIFT);
    to_svm(v)->pending_event = event;
}

/*
 * A fresh ASID at the next entry (asid.c: generation 0 is never current):
 * nothing the guest cached under the old one is used again. For another
 * vCPU of the domain the store is racy by design: it takes effect at that
 * vCPU's next entry.
 */
static void svm_flush_guest_tlb(struct vcpu *v)
{
    __atomic_store_n(&to_svm(v)->asid_generation, 0, __ATOMIC_RELAXED);
}

static void svm_end_interrupt_shadow(struct vcpu *v)
{
    to_svm(v)->vmcb->control.interrupt_shadow = 0;
}

/* With V_SPEC_CTRL, VMRUN loads the guest's value from the VMCB and #VMEXIT restores the host's. */
static bool svm_switches_spec_ctrl(void)
{
    return host_spec.v_spec_ctrl;
}

static void svm_set_entry_spec_ctrl(struct vcpu *v, uint64_t value)
{
    to_svm(v)->vmcb->save.spec_ctrl = value;
}

static const uint8_t svm_vmmcall_insn[] = { 0x0F, 0x01, 0xD9 };

const struct hvm_backend hvm_backend_svm = {
    .name = "svm",
    .probe = svm_missing,
    .init = svm_init,
    .init_cpu = svm_init_cpu,
    .vcpu_create = svm_vcpu_create,
    .vcpu_destroy = svm_vcpu_destroy,
    .vcpu_reset = svm_vcpu_reset,
    .vcpu_set_start_state = svm_vcpu_set_start_state,
    .vcpu_run = svm_vcpu_run,
    .get_paging = svm_vcpu_get_paging,
    .get_code = svm_vcpu_get_code,
    .get_segment = svm_vcpu_get_segment,
    .set_segment = svm_vcpu_set_segment,
    .get_reg = svm_vcpu_get_reg,
    .set_reg = svm_vcpu_set_reg,
    .tsc_offset = svm_vcpu_tsc_offset,
    .set_tsc_offset = svm_vcpu_set_tsc_offset,
    .event_pending = svm_event_pending,
    .inject_exception = svm_inject_exception,
    .flush_guest_tlb = svm_flush_guest_tlb,
    .end_interrupt_shadow = svm_end_interrupt_shadow,
    .switches_spec_ctrl = svm_switches_spec_ctrl,
    .set_entry_spec_ctrl = svm_set_entry_spec_ctrl,
    .hypercall_insn = svm_vmmcall_insn,
    .hypercall_insn_len = sizeof(svm_vmmcall_insn),
    .hypercall_insn_name = "VMMCALL",
};
