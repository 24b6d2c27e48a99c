// SPDX-License-Identifier: MIT
/*
 * VMX back-end: detection, controls chosen from the capability MSRs, VMXON
 * on every CPU, per-vCPU state, translation flushes (INVEPT, INVVPID) and
 * the register accessors hvm/ uses (struct hvm_backend, asm/hvm/hvm.h).
 */
#include <string.h>
#include <asm/cpu.h>
#include <asm/msr.h>
#include <asm/mtrr.h>
#include <asm/p2m_format.h>
#include <public/errno.h>
#include <hv/domain.h>
#include <hv/p2m.h>
#include <hv/page_alloc.h>
#include <hv/percpu.h>
#include <hv/printk.h>
#include <hv/panic.h>
#include "decode.h"
#include "vmx.h"

#define CPUID_1_ECX_VMX  (1u << 5)
#define CPUID_1_EDX_MTRR (1u << 12)

struct vmx_caps vmx_caps;
paddr_t vmx_msr_bitmap_pa, vmx_io_bitmap_pa;

static struct vmx_cpu *vmx_cpus[HV_MAX_CPUS];
static struct mtrr_state vmx_host_mtrrs;
static bool vmx_vpid_enabled;
static uint16_t vmx_next_vpid = 1;

struct vmx_cpu *vmx_this_cpu(void)
{
    return vmx_cpus[smp_processor_id()];
}

__noreturn void vmx_insn_failed(const char *insn, uint64_t arg)
{
    uint64_t error = 0;
    bool fail;

    /* VMfailValid leaves the number in the current VMCS; VMfailInvalid has none. */
    __asm__ volatile("vmread %[f], %[v]"
                     : [v] "=r"(error), "=@ccbe"(fail)
                     : [f] "r"((uint64_t)VM_INSTRUCTION_ERROR)
                     : "cc");
    if (fail || !error)
        panic("vmx: %s (0x%llx) failed: no current VMCS (VMfailInvalid)", insn,
              (unsigned long long)arg);
    panic("vmx: %s (0x%llx) failed: error %llu: %s", insn, (unsigned long long)arg,
          (unsigned long long)error, vmx_insn_error_name((uint32_t)error));
}

/* One control field from its capability MSR; NULL, or what the CPU lacks. */
static const char *controls(uint32_t msr, uint32_t true_msr, uint32_t required, uint32_t optional,
                            uint32_t *out, const char *what)
{
    uint32_t missing;

    if (vmx_controls_adjust(rdmsr(vmx_controls_msr(rdmsr(MSR_VMX_BASIC), msr, true_msr)), required,
                            optional, out, &missing))
        return NULL;
    printk("tessera: vmx: %s controls 0x%08x required but not offered\n", what, missing);
    return what;
}

/* Reads the capability MSRs into vmx_caps; NULL, or why this CPU cannot run our guests. */
static const char *vmx_caps_read(void)
{
    uint64_t basic = rdmsr(MSR_VMX_BASIC);
    uint64_t ept;

    vmx_caps.revision = VMX_BASIC_REVISION(basic);
    if (controls(MSR_VMX_PINBASED_CTLS, MSR_VMX_TRUE_PINBASED_CTLS,
                 PIN_EXT_INTR_EXITING | PIN_NMI_EXITING, 0, &vmx_caps.pin, "pin-based") ||
        controls(MSR_VMX_PROCBASED_CTLS, MSR_VMX_TRUE_PROCBASED_CTLS,
                 CPU_TSC_OFFSETTING | CPU_HLT_EXITING | CPU_MWAIT_EXITING | CPU_RDPMC_EXITING |
                     CPU_CR8_LOAD_EXITING | CPU_CR8_STORE_EXITING | CPU_IO_BITMAPS |
                     CPU_MSR_BITMAPS | CPU_MONITOR_EXITING | CPU_SECONDARY,
                 0, &vmx_caps.cpu, "processor-based") ||
        controls(MSR_VMX_EXIT_CTLS, MSR_VMX_TRUE_EXIT_CTLS,
                 EXIT_SAVE_DEBUG | EXIT_HOST_64 | EXIT_SAVE_PAT | EXIT_LOAD_PAT | EXIT_SAVE_EFER |
                     EXIT_LOAD_EFER,
                 0, &vmx_caps.exit, "VM-exit") ||
        controls(MSR_VMX_ENTRY_CTLS, MSR_VMX_TRUE_ENTRY_CTLS,
                 ENTRY_LOAD_DEBUG | ENTRY_LOAD_PAT | ENTRY_LOAD_EFER, 0, &vmx_caps.entry,
                 "VM-entry"))
        return "the CPU's VMX lacks controls this back-end needs (above)";
    /* Secondary controls have no TRUE_ MSR: their low half is 0. */
    if (controls(MSR_VMX_PROCBASED_CTLS2, MSR_VMX_PROCBASED_CTLS2, CPU2_EPT | CPU2_UNRESTRICTED,
                 CPU2_RDTSCP | CPU2_VPID | CPU2_WBINVD_EXITING | CPU2_INVPCID, &vmx_caps.cpu2,
                 "secondary"))
        return "the CPU's VMX has no EPT or no unrestricted guest";
    vmx_caps.ept_vpid = ept = rdmsr(MSR_VMX_EPT_VPID_CAP);
    if (!(ept & EPT_CAP_WALK4) || !(ept & EPT_CAP_WB) || !(ept & EPT_CAP_2M))
        return "the CPU's EPT lacks 4-level walks, write-back tables or 2 MiB pages";
    if (!(ept & EPT_CAP_INVEPT) || !(ept & (EPT_CAP_INVEPT_SINGLE | EPT_CAP_INVEPT_ALL)))
        return "the CPU's EPT has no INVEPT";
    vmx_vpid_enabled = (vmx_caps.cpu2 & CPU2_VPID) && (ept & VPID_CAP_INVVPID) &&
                       (ept & (VPID_CAP_INVVPID_SINGLE | VPID_CAP_INVVPID_ALL));
    if (!vmx_vpid_enabled)
        vmx_caps.cpu2 &= ~CPU2_VPID;
    vmx_caps.cr0_fixed0 = rdmsr(MSR_VMX_CR0_FIXED0);
    vmx_caps.cr0_fixed1 = rdmsr(MSR_VMX_CR0_FIXED1);
    vmx_caps.cr4_fixed0 = rdmsr(MSR_VMX_CR4_FIXED0);
    vmx_caps.cr4_fixed1 = rdmsr(MSR_VMX_CR4_FIXED1);
    return NULL;
}

/* Why this machine cannot run VMX guests, or NULL. */
static const char *vmx_missing(void)
{
    uint64_t fc;

    if (!(cpuid(1, 0).ecx & CPUID_1_ECX_VMX))
        return "the CPU has no Intel VMX (VT-x)";
    fc = rdmsr(MSR_FEATURE_CONTROL);
    if ((fc & FEATURE_CONTROL_LOCK) && !(fc & FEATURE_CONTROL_VMX_NO_SMX))
        return "VMX is disabled by the firmware (IA32_FEATURE_CONTROL locked without VMX "
               "outside SMX): enable VT-x in the firmware setup";
    return vmx_caps_read();
}

/* Every MSR exits but those the VMCS switches or the run loop swaps (struct vmx_syscall_msrs). */
static void msr_passthrough(uint8_t *bitmap, uint32_t msr)
{
    /* Read bitmaps at 0 (low MSRs) and 1024 (0xC0000000...), write bitmaps 2048 after each. */
    unsigned int base = msr < 0x2000u ? 0 : 1024;
    uint32_t bit = msr & 0x1FFFu;

    bitmap[base + bit / 8] &= (uint8_t) ~(1u << (bit % 8));
    bitmap[base + 2048 + bit / 8] &= (uint8_t) ~(1u << (bit % 8));
}

static bool vmx_bitmaps_init(void)
{
    static const uint32_t passthrough[] = {
        MSR_STAR,    MSR_LSTAR,          MSR_CSTAR,       MSR_SFMASK,       MSR_FS_BASE,
        MSR_GS_BASE, MSR_KERNEL_GS_BASE, MSR_SYSENTER_CS, MSR_SYSENTER_ESP, MSR_SYSENTER_EIP,
    };
    unsigned int i;

    vmx_msr_bitmap_pa = page_alloc(0);
    vmx_io_bitmap_pa = page_alloc(1); /* A (ports 0-0x7FFF) then B */
    if (!paddr_val(vmx_msr_bitmap_pa) || !paddr_val(vmx_io_bitmap_pa))
        return false;
    memset(phys_to_virt(vmx_msr_bitmap_pa), 0xFF, PAGE_SIZE);
    memset(phys_to_virt(vmx_io_bitmap_pa), 0xFF, 2 * PAGE_SIZE);
    for (i = 0; i < ARRAY_SIZE(passthrough); i++)
        msr_passthrough(phys_to_virt(vmx_msr_bitmap_pa), passthrough[i]);
    return true;
}

static bool vmx_cpus_init(void)
{
    unsigned int cpu;

    for (cpu = 0; cpu < HV_MAX_CPUS; cpu++) {
        struct percpu *pc = percpu_of(cpu);
        struct vmx_cpu *c;

        if (!pc || !pc->online)
            continue;
        c = page_alloc_zeroed_virt();
        if (!c)
            return false;
        c->vmxon_pa = page_alloc(0);
        if (!paddr_val(c->vmxon_pa))
            return false;
        memset(phys_to_virt(c->vmxon_pa), 0, PAGE_SIZE);
        *(uint32_t *)phys_to_virt(c->vmxon_pa) = vmx_caps.revision;
        c->last_domid = ~0u;
        vmx_cpus[cpu] = c;
    }
    return true;
}

static uint64_t read_msr(uint32_t msr)
{
    return rdmsr(msr);
}

/* The boot CPU's MTRRs, which firmware sets alike on every CPU, for EPT's memory types. */
static void host_mtrrs_init(void)
{
    const struct mtrr_state *m = &vmx_host_mtrrs;

    mtrr_read(&vmx_host_mtrrs, (cpuid(1, 0).edx & CPUID_1_EDX_MTRR) != 0, read_msr);
    p2m_ept_use_host_mtrrs(m);
    if (!m->present)
        printk("tessera: vmx: the CPU has no MTRRs: EPT maps memory write-back\n");
    else if (!m->enabled)
        printk("tessera: vmx: the host's MTRRs are disabled: EPT maps memory uncacheable, as "
               "the host sees it\n");
    else
        printk("tessera: vmx: host MTRRs: default %s, fixed ranges %s, %u of %u variable ranges "
               "set%s: EPT memory types from them\n",
               mtrr_type_name(m->default_type), m->fixed_enabled ? "on" : "off", m->nr_var,
               m->var_cap, m->var_cap > MTRR_VAR_MAX ? " (those past 32 ignored)" : "");
}

static bool vmx_init(void)
{
    uint64_t ept = vmx_caps.ept_vpid;

    if (!vmx_bitmaps_init() || !vmx_cpus_init())
        return false;
    host_mtrrs_init();
    printk("tessera: vmx: revision 0x%x, %s controls, EPT 4-level (2 MiB%s pages, INVEPT %s), "
           "%s, unrestricted guest%s%s\n",
           vmx_caps.revision, (rdmsr(MSR_VMX_BASIC) & VMX_BASIC_TRUE_CTLS) ? "true" : "default",
           (ept & EPT_CAP_1G) ? ", 1 GiB" : "",
           (ept & EPT_CAP_INVEPT_SINGLE) ? "single-context" : "all-context",
           vmx_vpid_enabled ? "VPID" : "no VPID", hvm_host_xsave ? ", xsave" : "",
           (vmx_caps.cpu2 & CPU2_RDTSCP) ? ", rdtscp" : "");
    /* What this back-end relies on, by name (the line the SVM back-end prints too). */
    printk("tessera: back-end vmx: uses EPT (memory types from the host's MTRRs, the guest's PAT "
           "honoured; device memory uncacheable), "
           "%s, unrestricted guest, MSR and I/O bitmaps%s; not APIC virtualisation, posted "
           "interrupts or VMCS shadowing\n",
           vmx_vpid_enabled ? "VPID with INVVPID" : "no VPID (every entry flushes)",
           hvm_host_xsave ? ", XCR0 switching" : "");
    p2m_use_format(&p2m_ept_format);
    return true;
}

/*
 * VMXON on this CPU. Firmware that left IA32_FEATURE_CONTROL unlocked (OVMF
 * does) gets it locked with VMX allowed outside SMX, as the SDM asks before
 * VMXON; one that locked it without (probe refused on the boot CPU) cannot
 * differ between CPUs unless the firmware is broken: said, and the
 * hypervisor stops.
 */
static void vmx_init_cpu(void)
{
    struct vmx_cpu *c = vmx_cpus[smp_processor_id()];
    uint64_t fc = rdmsr(MSR_FEATURE_CONTROL);
    uint64_t cr0, cr4, vmxon;
    bool fail;

    CHECK(c);
    vmxon = paddr_val(c->vmxon_pa);
    if (!(fc & FEATURE_CONTROL_LOCK))
        wrmsr(MSR_FEATURE_CONTROL, fc | FEATURE_CONTROL_LOCK | FEATURE_CONTROL_VMX_NO_SMX);
    else if (!(fc & FEATURE_CONTROL_VMX_NO_SMX))
        panic("vmx: CPU %u: IA32_FEATURE_CONTROL locked without VMX outside SMX",
              smp_processor_id());
    /* The bits VMX operation needs set: CR0.NE (a multiboot2 start may leave it clear), CR4.VMXE. */
    /*
     * VM entry never loads CR0.CD and CR0.NW (SDM 27.3.2.1): guests run with
     * the host's. A multiboot2 start can leave caches disabled; turn them on.
     */
    cr0 = (read_cr0() | vmx_caps.cr0_fixed0) & ~(uint64_t)(X86_CR0_CD | X86_CR0_NW);
    cr4 = read_cr4() | vmx_caps.cr4_fixed0 | CR4_VMXE;
    if ((cr0 & ~vmx_caps.cr0_fixed1) || (cr4 & ~vmx_caps.cr4_fixed1))
        panic("vmx: CPU %u: CR0 0x%llx / CR4 0x%llx have bits VMX operation forbids",
              smp_processor_id(), (unsigned long long)cr0, (unsigned long long)cr4);
    write_cr0(cr0);
    write_cr4(cr4);
    __asm__ volatile("vmxon %[pa]" : "=@ccbe"(fail) : [pa] "m"(vmxon) : "cc", "memory");
    if (fail)
        panic("vmx: CPU %u: VMXON failed", smp_processor_id());
}

struct invept_desc {
    uint64_t eptp, reserved;
};
struct invvpid_desc {
    uint64_t vpid, gla;
};

static void invept(uint64_t type, uint64_t eptp)
{
    struct invept_desc d = { eptp, 0 };
    bool fail;

    __asm__ volatile("invept %[d], %[t]"
                     : "=@ccbe"(fail)
                     : [d] "m"(d), [t] "r"(type)
                     : "cc", "memory");
    if (fail)
        vmx_insn_failed("INVEPT", eptp);
}

static void invvpid(uint64_t type, uint16_t vpid)
{
    struct invvpid_desc d = { vpid, 0 };
    bool fail;

    __asm__ volatile("invvpid %[d], %[t]"
                     : "=@ccbe"(fail)
                     : [d] "m"(d), [t] "r"(type)
                     : "cc", "memory");
    if (fail)
        vmx_insn_failed("INVVPID", vpid);
}

/* EPTP: the P2M's root, 4-level walk, write-back paging structures. */
uint64_t vmx_eptp(const struct vcpu *v)
{
    return paddr_val(p2m_root(v->domain->p2m)) | (3u << 3) | 6u;
}

void vmx_flush_translations(const struct vcpu *v, const struct vmx_vcpu *s)
{
    invept((vmx_caps.ept_vpid & EPT_CAP_INVEPT_SINGLE) ? 1 : 2, vmx_eptp(v));
    vmx_flush_guest_tlb(s);
}

void vmx_flush_guest_tlb(const struct vmx_vcpu *s)
{
    /* Without VPIDs every entry and exit flushes them already. */
    if (vmx_vpid_enabled)
        invvpid((vmx_caps.ept_vpid & VPID_CAP_INVVPID_SINGLE) ? 1 : 2, s->vpid);
}

/* Power-on state in the vCPU's existing pages: at creation and at each restart. */
static void vmx_vcpu_reset(struct vcpu *v)
{
    struct vmx_vcpu *s = to_vmx(v);

    memset(s->vmcs, 0, PAGE_SIZE);
    *(uint32_t *)s->vmcs = vmx_caps.revision;
    memset(&s->gprs, 0, sizeof(s->gprs));
    memset(&s->msrs, 0, sizeof(s->msrs));
    s->cr2 = s->cr8 = 0;
    s->dr6 = 0xFFFF0FF0u;
    s->pending_event = 0;
    s->start_pending = false;
    /* Translations cached before the reset are flushed at the next entry, wherever it is. */
    s->last_cpu = ~0u;
    s->vmcs_cpu = ~0u;
    s->vmcs_fresh = true;
}

static int vmx_vcpu_create(struct vcpu *v)
{
    struct vmx_vcpu *s;

    if (vmx_vpid_enabled && vmx_next_vpid == 0)
        return -XEN_ENOSPC; /* 65535 vCPUs created since boot */
    s = page_alloc_zeroed_virt();
    if (!s)
        return -XEN_ENOMEM;
    s->vmcs = page_alloc_zeroed_virt();
    if (!s->vmcs) {
        page_free(virt_to_phys(s), 0);
        return -XEN_ENOMEM;
    }
    s->vmcs_pa = virt_to_phys(s->vmcs);
    if (vmx_vpid_enabled)
        s->vpid = __atomic_fetch_add(&vmx_next_vpid, 1, __ATOMIC_RELAXED);
    v->arch.vendor.vmx = s;
    vmx_vcpu_reset(v);
    return 0;
}

static void vmx_vcpu_destroy(struct vcpu *v)
{
    struct vmx_vcpu *s = to_vmx(v);

    page_free(s->vmcs_pa, 0);
    page_free(virt_to_phys(s), 0);
    v->arch.vendor.vmx = NULL;
}

/* The vCPU is on no CPU: its VMCS is clear, so the state waits for the next run. */
static int vmx_vcpu_set_start_state(struct vcpu *v, const struct db_vcpu_state *st)
{
    struct vmx_vcpu *s = to_vmx(v);

    if (st->mode != DB_CPU_PROT32 && st->mode != DB_CPU_LONG64 && st->mode != DB_CPU_REAL16 &&
        st->mode != DB_CPU_PV64)
        return -XEN_EINVAL;
    s->start = *st;
    s->start_pending = true;
    s->paging = (struct guest_paging){ st->cr0, st->cr3, st->cr4, st->efer,
                                       (unsigned int)((st->ss.attrib >> 5) & 3) };
    s->pending_event = 0;
    return 0;
}

void vmx_read_paging(struct guest_paging *p)
{
    p->cr0 = vmx_guest_cr0();
    p->cr3 = vmread(GUEST_CR3);
    p->cr4 = vmx_guest_cr4();
    p->efer = vmread(GUEST_IA32_EFER);
    p->cpl = (uint8_t)((vmread(GUEST_SS_AR) >> 5) & 3);
}

/*
 * From the VMCS while the vCPU runs on this CPU; otherwise (its runstate
 * area written at a context switch, say) as of its last run: a VMCS can be
 * read only on the CPU where it is current.
 */
static void vmx_vcpu_get_paging(const struct vcpu *v, struct guest_paging *p)
{
    const struct vmx_vcpu *s = to_vmx(v);

    if (s->vmcs_cpu == smp_processor_id())
        vmx_read_paging(p);
    else
        *p = s->paging;
}

static uint64_t *vmx_gpr(struct vmx_vcpu *s, enum guest_reg r)
{
    switch (r) {
    case GREG_RAX: return &s->gprs.rax;
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
    default: return NULL;
    }
}

/*
 * Called for the vCPU running on this CPU (its VMCS current): RSP, RIP,
 * RFLAGS, EFER, PAT, CR3 and the FS/GS bases are VMCS fields; CR2, DR6 and
 * KERNEL_GS_BASE are in neither the VMCS nor memory but in the CPU's
 * registers while the vCPU runs (the run loop loads and saves them).
 */
static uint64_t vmx_vcpu_get_reg(const struct vcpu *v, enum guest_reg r)
{
    uint64_t *gpr = vmx_gpr(to_vmx(v), r);
    uint64_t value;

    if (gpr)
        return *gpr;
    switch (r) {
    case GREG_RSP: return vmread(GUEST_RSP);
    case GREG_RIP: return vmread(GUEST_RIP);
    case GREG_RFLAGS: return vmread(GUEST_RFLAGS);
    case GREG_EFER: return vmread(GUEST_IA32_EFER);
    case GREG_PAT: return vmread(GUEST_IA32_PAT);
    case GREG_DR6: __asm__ volatile("mov %%db6, %0" : "=r"(value)); return value;
    case GREG_CR2: return read_cr2();
    case GREG_CR3: return vmread(GUEST_CR3);
    case GREG_CR0: return vmx_guest_cr0();
    case GREG_CR4: return vmx_guest_cr4();
    case GREG_FS_BASE: return vmread(GUEST_FS_BASE);
    case GREG_GS_BASE: return vmread(GUEST_GS_BASE);
    case GREG_SHADOW_GS_BASE: return rdmsr(MSR_KERNEL_GS_BASE);
    default: break;
    }
    panic("vmx: bad register %d", (int)r);
}

static void vmx_vcpu_set_reg(struct vcpu *v, enum guest_reg r, uint64_t value)
{
    uint64_t *gpr = vmx_gpr(to_vmx(v), r);

    if (gpr) {
        *gpr = value;
        return;
    }
    switch (r) {
    case GREG_RSP: vmwrite(GUEST_RSP, value); return;
    case GREG_RIP: vmwrite(GUEST_RIP, value); return;
    case GREG_RFLAGS: vmwrite(GUEST_RFLAGS, value); return;
    case GREG_EFER: vmx_set_efer(value); return;
    case GREG_PAT: vmwrite(GUEST_IA32_PAT, value); return;
    case GREG_DR6: __asm__ volatile("mov %0, %%db6" : : "r"(value)); return;
    case GREG_CR2: write_cr2(value); return;
    case GREG_CR3: vmwrite(GUEST_CR3, value); return;
    case GREG_CR0: /* only TS changes (PV fpu_taskswitch): in the CR0 the guest runs on and sees */
        vmwrite(GUEST_CR0, (vmread(GUEST_CR0) & ~(uint64_t)X86_CR0_TS) | (value & X86_CR0_TS));
        vmwrite(CR0_READ_SHADOW,
                (vmread(CR0_READ_SHADOW) & ~(uint64_t)X86_CR0_TS) | (value & X86_CR0_TS));
        return;
    case GREG_CR4: vmx_set_cr4(value); return;
    case GREG_FS_BASE: vmwrite(GUEST_FS_BASE, value); return;
    case GREG_GS_BASE: vmwrite(GUEST_GS_BASE, value); return;
    case GREG_SHADOW_GS_BASE: wrmsr(MSR_KERNEL_GS_BASE, value); return;
    default: break;
    }
    panic("vmx: bad register %d", (int)r);
}

static void vmx_vcpu_get_code(const struct vcpu *v, struct hvm_code *c)
{
    (void)v;
    c->cs_base = vmread(GUEST_CS_BASE);
    c->cs_attr = vmx_attr_from_ar((uint32_t)vmread(GUEST_CS_AR));
}

static void vmx_vcpu_get_segment(const struct vcpu *v, enum hvm_seg seg, struct hvm_segment *out)
{
    /* ES CS SS DS FS GS: the VMCS numbers them in that order, 2 apart. */
    unsigned int i = (unsigned int)seg * 2;

    (void)v;
    out->base = vmread((enum vmcs_field)(GUEST_ES_BASE + i));
    out->limit = (uint32_t)vmread((enum vmcs_field)(GUEST_ES_LIMIT + i));
    out->attr = vmx_attr_from_ar((uint32_t)vmread((enum vmcs_field)(GUEST_ES_AR + i)));
    out->selector = (uint16_t)vmread((enum vmcs_field)(GUEST_ES_SELECTOR + i));
}

/* PV's segment loads: selector and hidden state into the VMCS (the vCPU runs on this CPU). */
static void vmx_vcpu_set_segment(struct vcpu *v, enum hvm_seg seg, const struct hvm_segment *in)
{
    unsigned int i = (unsigned int)seg * 2;

    (void)v;
    vmwrite((enum vmcs_field)(GUEST_ES_SELECTOR + i), in->selector);
    vmwrite((enum vmcs_field)(GUEST_ES_BASE + i), in->base);
    vmwrite((enum vmcs_field)(GUEST_ES_LIMIT + i), in->limit);
    vmwrite((enum vmcs_field)(GUEST_ES_AR + i), vmx_ar_from_attr(in->attr));
}

static uint64_t vmx_vcpu_tsc_offset(const struct vcpu *v)
{
    return to_vmx(v)->tsc_offset;
}

/* Kept here and written to the VMCS before each entry: callers may be on another CPU. */
static void vmx_vcpu_set_tsc_offset(struct vcpu *v, uint64_t offset)
{
    to_vmx(v)->tsc_offset = offset;
}

static bool vmx_event_pending(const struct vcpu *v)
{
    return to_vmx(v)->pending_event != 0;
}

static void vmx_inject_exception(struct vcpu *v, uint8_t vector, bool has_error, uint32_t error)
{
    struct vmx_vcpu *s = to_vmx(v);

    s->pending_event = INTR_INFO_VALID | (INTR_TYPE_HW_EXCEPTION << INTR_INFO_TYPE_SHIFT) | vector |
                       (has_error ? INTR_INFO_ERROR_VALID : 0);
    s->pending_error = error;
}

static void vmx_end_interrupt_shadow(struct vcpu *v)
{
    (void)v;
    vmwrite(GUEST_INTERRUPTIBILITY,
            vmread(GUEST_INTERRUPTIBILITY) &
                ~(uint64_t)(INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS));
}

/* No VMX control switches SPEC_CTRL: hvm/ keeps the guest's in the MSR while it runs. */
static bool vmx_switches_spec_ctrl(void)
{
    return false;
}

/*
 * At the vCPU's next entry (run.c), on the CPU it enters on: INVVPID acts
 * on the CPU that executes it, and v may be another vCPU of the domain
 * (PV MMU calls flush them all), running elsewhere or on no CPU. The store
 * is racy by design, as SVM's: it takes effect at that vCPU's next entry.
 */
static void vmx_vcpu_flush_guest_tlb(struct vcpu *v)
{
    __atomic_store_n(&to_vmx(v)->tlb_flush_pending, true, __ATOMIC_RELEASE);
}

static const uint8_t vmx_vmcall_insn[] = { 0x0F, 0x01, 0xC1 };

const struct hvm_backend hvm_backend_vmx = {
    .name = "vmx",
    .probe = vmx_missing,
    .init = vmx_init,
    .init_cpu = vmx_init_cpu,
    .vcpu_create = vmx_vcpu_create,
    .vcpu_destroy = vmx_vcpu_destroy,
    .vcpu_reset = vmx_vcpu_reset,
    .vcpu_set_start_state = vmx_vcpu_set_start_state,
    .vcpu_run = vmx_vcpu_run,
    .get_paging = vmx_vcpu_get_paging,
    .get_code = vmx_vcpu_get_code,
    .get_segment = vmx_vcpu_get_segment,
    .set_segment = vmx_vcpu_set_segment,
    .get_reg = vmx_vcpu_get_reg,
    .set_reg = vmx_vcpu_set_reg,
    .tsc_offset = vmx_vcpu_tsc_offset,
    .set_tsc_offset = vmx_vcpu_set_tsc_offset,
    .event_pending = vmx_event_pending,
    .inject_exception = vmx_inject_exception,
    .end_interrupt_shadow = vmx_end_interrupt_shadow,
    .switches_spec_ctrl = vmx_switches_spec_ctrl,
    .flush_guest_tlb = vmx_vcpu_flush_guest_tlb,
    .hypercall_insn = vmx_vmcall_insn,
    .hypercall_insn_len = sizeof(vmx_vmcall_insn),
    .hypercall_insn_name = "VMCALL",
};
