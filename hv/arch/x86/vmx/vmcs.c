// SPDX-License-Identifier: MIT
/*
 * VMCS set-up: controls once per vCPU (after creation or reset), the host
 * state of the CPU it runs on at each run, and the guest's start state.
 * CR0 and CR4 are split between what the guest sees (read shadows) and what
 * the CPU needs (the fixed bits: CR4.VMXE, CR0.NE), the split bits owned by
 * the hypervisor so that the guest's writes to them exit (exit.c).
 */
#include <asm/cpu.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <hv/percpu.h>
#include "decode.h"
#include "vmx.h"

/* Power-on PAT: WB, WT, UC-, UC, repeated. */
#define PAT_RESET 0x0007040600070406ull

/* #DB and #AC exit, as on SVM: a guest looping on them during their own delivery would hang its CPU. */
#define VMX_EXCEPTION_BITMAP ((1u << X86_EXC_DB) | (1u << X86_EXC_AC))
/*
 * A PV container (DB_CPU_PV64) takes every exception to the hypervisor,
 * which bounces it to the guest's trap table: its IDT is never used. Not
 * #MC, which is the host's (NMIs exit by the pin-based control, not here).
 */
#define VMX_PV_EXCEPTION_BITMAP (~(1u << X86_EXC_MC))

/* A TR for a start state without one (a PV container's): a busy TSS, limit 0, at 0. */
#define VMX_AR_TSS_BUSY (0x80u | 11u)

/* With unrestricted guest, CR0.PE and CR0.PG are the guest's whatever the fixed bits say. */
static uint64_t cr0_fixed0(void)
{
    return vmx_caps.cr0_fixed0 & ~(uint64_t)(X86_CR0_PE | X86_CR0_PG);
}

/* CR0 bits the hypervisor owns: forced ones, forbidden ones, and PG (long-mode activation). */
static uint64_t cr0_mask(void)
{
    return cr0_fixed0() | (~vmx_caps.cr0_fixed1 & 0xFFFFFFFFu) | X86_CR0_PG;
}

static uint64_t cr4_mask(void)
{
    return vmx_caps.cr4_fixed0 | (~vmx_caps.cr4_fixed1 & 0xFFFFFFFFu);
}

uint64_t vmx_guest_cr0(void)
{
    uint64_t mask = cr0_mask();

    return (vmread(GUEST_CR0) & ~mask) | (vmread(CR0_READ_SHADOW) & mask);
}

uint64_t vmx_guest_cr4(void)
{
    uint64_t mask = cr4_mask();

    return (vmread(GUEST_CR4) & ~mask) | (vmread(CR4_READ_SHADOW) & mask);
}

void vmx_set_efer(uint64_t efer)
{
    uint64_t entry = vmread(VM_ENTRY_CONTROLS) & ~(uint64_t)ENTRY_IA32E_MODE;

    vmwrite(GUEST_IA32_EFER, efer);
    vmwrite(VM_ENTRY_CONTROLS, entry | ((efer & EFER_LMA) ? ENTRY_IA32E_MODE : 0));
}

/* As a CPU does: paging with EFER.LME set activates long mode, clearing paging leaves it. */
void vmx_set_cr0(uint64_t guest_cr0)
{
    uint64_t efer = vmread(GUEST_IA32_EFER);

    vmwrite(GUEST_CR0, (guest_cr0 | cr0_fixed0()) & vmx_caps.cr0_fixed1);
    vmwrite(CR0_READ_SHADOW, guest_cr0);
    if ((guest_cr0 & X86_CR0_PG) && (efer & EFER_LME))
        efer |= EFER_LMA;
    else if (!(guest_cr0 & X86_CR0_PG))
        efer &= ~(uint64_t)EFER_LMA;
    vmx_set_efer(efer);
}

void vmx_set_cr4(uint64_t guest_cr4)
{
    vmwrite(GUEST_CR4, (guest_cr4 | vmx_caps.cr4_fixed0) & vmx_caps.cr4_fixed1);
    vmwrite(CR4_READ_SHADOW, guest_cr4);
}

void vmx_vmcs_init(struct vcpu *v, struct vmx_vcpu *s)
{
    vmwrite(PIN_BASED_CONTROLS, vmx_caps.pin);
    vmwrite(CPU_BASED_CONTROLS, vmx_caps.cpu);
    vmwrite(SECONDARY_CONTROLS, vmx_caps.cpu2);
    vmwrite(VM_EXIT_CONTROLS, vmx_caps.exit);
    vmwrite(VM_ENTRY_CONTROLS, vmx_caps.entry);
    vmwrite(EXCEPTION_BITMAP, VMX_EXCEPTION_BITMAP);
    /* Every #PF the bitmap intercepts exits, whatever its error code. */
    vmwrite(PAGE_FAULT_ERROR_CODE_MASK, 0);
    vmwrite(PAGE_FAULT_ERROR_CODE_MATCH, 0);
    vmwrite(CR3_TARGET_COUNT, 0);
    vmwrite(VM_EXIT_MSR_STORE_COUNT, 0);
    vmwrite(VM_EXIT_MSR_LOAD_COUNT, 0);
    vmwrite(VM_ENTRY_MSR_LOAD_COUNT, 0);
    vmwrite(VM_ENTRY_INTR_INFO, 0);
    vmwrite(IO_BITMAP_A, paddr_val(vmx_io_bitmap_pa));
    vmwrite(IO_BITMAP_B, paddr_val(vmx_io_bitmap_pa) + PAGE_SIZE);
    vmwrite(MSR_BITMAP, paddr_val(vmx_msr_bitmap_pa));
    vmwrite(EPT_POINTER, vmx_eptp(v));
    if (vmx_caps.cpu2 & CPU2_VPID)
        vmwrite(VMCS_VPID, s->vpid);
    vmwrite(CR0_GUEST_HOST_MASK, cr0_mask());
    vmwrite(CR4_GUEST_HOST_MASK, cr4_mask());
    vmwrite(VMCS_LINK_POINTER, ~0ull);
    vmwrite(HOST_RIP, (uintptr_t)vmx_exit_return);
}

static uint16_t selector(uint16_t sel)
{
    return sel & 0xF8; /* host selectors have RPL 0 and TI 0 */
}

/* This CPU's state, which every exit loads: written whenever a vCPU starts running here. */
void vmx_vmcs_host_state(void)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __packed gdtr, idtr;
    uint16_t cs, ss, ds, es, fs, gs;

    __asm__ volatile("sgdt %0; sidt %1" : "=m"(gdtr), "=m"(idtr));
    __asm__ volatile("mov %%cs, %0; mov %%ss, %1; mov %%ds, %2; mov %%es, %3; mov %%fs, %4; "
                     "mov %%gs, %5"
                     : "=r"(cs), "=r"(ss), "=r"(ds), "=r"(es), "=r"(fs), "=r"(gs));
    vmwrite(HOST_CR0, read_cr0());
    vmwrite(HOST_CR3, read_cr3());
    vmwrite(HOST_CR4, read_cr4());
    vmwrite(HOST_CS_SELECTOR, selector(cs));
    vmwrite(HOST_SS_SELECTOR, selector(ss));
    vmwrite(HOST_DS_SELECTOR, selector(ds));
    vmwrite(HOST_ES_SELECTOR, selector(es));
    vmwrite(HOST_FS_SELECTOR, selector(fs));
    vmwrite(HOST_GS_SELECTOR, selector(gs));
    vmwrite(HOST_TR_SELECTOR, HV_TSS_SEL);
    vmwrite(HOST_FS_BASE, rdmsr(MSR_FS_BASE));
    vmwrite(HOST_GS_BASE, rdmsr(MSR_GS_BASE));
    vmwrite(HOST_TR_BASE, (uintptr_t)&this_cpu()->arch.tss);
    vmwrite(HOST_GDTR_BASE, gdtr.base);
    vmwrite(HOST_IDTR_BASE, idtr.base);
    vmwrite(HOST_SYSENTER_CS, rdmsr(MSR_SYSENTER_CS));
    vmwrite(HOST_SYSENTER_ESP, rdmsr(MSR_SYSENTER_ESP));
    vmwrite(HOST_SYSENTER_EIP, rdmsr(MSR_SYSENTER_EIP));
    vmwrite(HOST_IA32_PAT, rdmsr(MSR_PAT));
    vmwrite(HOST_IA32_EFER, rdmsr(MSR_EFER));
}

/*
 * A segment in the VMCS: ES CS SS DS FS GS LDTR TR are numbered in that
 * order, 2 apart, in each field group. Code and data segments get their
 * accessed bit, as loading them would set it (VM entry checks it).
 */
static void load_segment(unsigned int index, const struct db_segment *from)
{
    uint32_t ar = vmx_ar_from_attr(from->attrib & 0xFFF);
    uint32_t limit = from->limit;

    if (!(ar & VMX_AR_UNUSABLE) && (ar & X86_SEG_ATTR_S))
        ar |= 1; /* accessed */
    /* A 20-bit limit with G set counts pages (VCPUOP_initialise's 32-bit contexts); VMX wants bytes. */
    if ((from->attrib & X86_SEG_ATTR_G) && limit <= 0xFFFFFu)
        limit = (limit << 12) | 0xFFFu;
    vmwrite((enum vmcs_field)(GUEST_ES_SELECTOR + 2 * index), from->selector);
    vmwrite((enum vmcs_field)(GUEST_ES_LIMIT + 2 * index), limit);
    vmwrite((enum vmcs_field)(GUEST_ES_AR + 2 * index), ar);
    vmwrite((enum vmcs_field)(GUEST_ES_BASE + 2 * index), from->base);
}

void vmx_vmcs_load_start(struct vmx_vcpu *s, const struct db_vcpu_state *st)
{
    const struct db_segment *segs[] = { &st->es, &st->cs, &st->ss,   &st->ds,
                                        &st->fs, &st->gs, &st->ldtr, &st->tr };
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(segs); i++)
        load_segment(i, segs[i]);
    /*
     * VM entry needs a usable TR (a busy TSS); the PV start state has none
     * (its exceptions never reach the container's IDT). With limit 0 every
     * use of it faults (the I/O permission bitmap: #GP).
     */
    if (vmread(GUEST_TR_AR) & VMX_AR_UNUSABLE) {
        vmwrite(GUEST_TR_AR, VMX_AR_TSS_BUSY);
        vmwrite(GUEST_TR_LIMIT, 0);
    }
    vmwrite(EXCEPTION_BITMAP,
            st->mode == DB_CPU_PV64 ? VMX_PV_EXCEPTION_BITMAP : VMX_EXCEPTION_BITMAP);
    vmwrite(GUEST_GDTR_BASE, st->gdtr.base);
    vmwrite(GUEST_GDTR_LIMIT, st->gdtr.limit);
    vmwrite(GUEST_IDTR_BASE, st->idtr.base);
    vmwrite(GUEST_IDTR_LIMIT, st->idtr.limit);
    vmwrite(GUEST_IA32_EFER, st->efer);
    vmx_set_cr0(st->cr0);
    vmx_set_efer(st->efer); /* as given: LMA of a 64-bit start state included */
    vmx_set_cr4(st->cr4);
    vmwrite(GUEST_CR3, st->cr3);
    vmwrite(GUEST_DR7, 0x400);
    vmwrite(GUEST_IA32_DEBUGCTL, 0);
    vmwrite(GUEST_IA32_PAT, PAT_RESET);
    vmwrite(GUEST_SYSENTER_CS, 0);
    vmwrite(GUEST_SYSENTER_ESP, 0);
    vmwrite(GUEST_SYSENTER_EIP, 0);
    vmwrite(GUEST_RFLAGS, st->rflags | X86_RFLAGS_FIXED);
    vmwrite(GUEST_RIP, st->rip);
    vmwrite(GUEST_RSP, st->rsp);
    vmwrite(GUEST_INTERRUPTIBILITY, 0);
    vmwrite(GUEST_ACTIVITY_STATE, 0);
    vmwrite(GUEST_PENDING_DBG_EXCEPTIONS, 0);
    s->gprs = (struct vmx_gprs){
        .rax = st->rax,
        .rbx = st->rbx,
        .rcx = st->rcx,
        .rdx = st->rdx,
        .rsi = st->rsi,
        .rdi = st->rdi,
        .rbp = st->rbp,
        .r8 = st->r8,
        .r9 = st->r9,
        .r10 = st->r10,
        .r11 = st->r11,
        .r12 = st->r12,
        .r13 = st->r13,
        .r14 = st->r14,
        .r15 = st->r15,
    };
    s->cr2 = 0;
    s->dr6 = 0xFFFF0FF0u;
    s->cr8 = 0;
    s->msrs = (struct vmx_syscall_msrs){ .kernel_gs_base = st->shadow_gs_base };
    s->pending_event = 0;
}
