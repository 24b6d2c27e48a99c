// SPDX-License-Identifier: MIT
/*
 * hvm/'s exit dispatch (hv/arch/x86/hvm/exit.c and the CPUID, MSR, I/O,
 * HLT and hypercall handlers) against a fake back-end: a set of register
 * accessors over plain variables, and a guest memory that holds the
 * instruction at RIP. Each test feeds a decoded exit and checks the
 * outcome applied to the fake registers; and the hypercall page hvm/ writes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <asm/guest_pt.h>
#include <asm/hvm/hvm.h>
#include <asm/spec_ctrl.h>
#include <arch/x86-defs.h>
#include "hvm/hvm.h" /* hvm/'s private interface (hv/arch/x86/hvm/) */
#include <hv/dom_console.h>
#include <hv/domain.h>
#include <hv/evtchn.h>
#include <hv/guest_access.h>
#include <hv/hypercall.h>
#include <hv/printk.h>
#include <hv/sched.h>

#define EFAULT  14
#define CODE_AT 0x1000u

/* The fake back-end's state. */
static uint64_t regs[GREG_COUNT];
static struct guest_paging paging;
static uint16_t cs_attr;
static bool pending;
static uint8_t injected_vector;
static bool injected_has_error;
static uint32_t injected_error;
static bool shadow_ended;
static uint8_t code[0x2000];

/* What the fake services saw. */
static char console[16];
static size_t console_len;
static bool blocked, unblocked, events_are_pending, taken_down;
static int lapic_pending = -1;
static bool nmi_pending;
static uint64_t hypercall_nr, hypercall_args[HYPERCALL_NR_ARGS];
static unsigned int hypercalls;
static uint64_t xcr0_written;

/* The HVM type's answers to what hvm/ asks the domain's type (hvm/domain.c's, which is not linked). */
static const struct domain_type_ops hvm_type = {
    .name = "hvm",
    .hypercall = hvm_hypercall,
    .in_guest_kernel = hvm_in_guest_kernel,
    .cpuid = hvm_cpuid,
    .exception = hvm_reflect_exception,
};
static struct domain dom = { .name = "test", .nr_vcpus = 1, .arch = { .type = &hvm_type } };
static struct vcpu vcpu = { .domain = &dom };

static void fake_get_paging(const struct vcpu *v, struct guest_paging *p)
{
    (void)v;
    *p = paging;
}

static void fake_get_code(const struct vcpu *v, struct hvm_code *c)
{
    (void)v;
    c->cs_base = 0;
    c->cs_attr = cs_attr;
}

static uint64_t fake_get_reg(const struct vcpu *v, enum guest_reg r)
{
    (void)v;
    return regs[r];
}

static void fake_set_reg(struct vcpu *v, enum guest_reg r, uint64_t value)
{
    (void)v;
    regs[r] = value;
}

static uint64_t fake_tsc_offset(const struct vcpu *v)
{
    (void)v;
    return 0;
}

static void fake_set_tsc_offset(struct vcpu *v, uint64_t offset)
{
    (void)v;
    (void)offset;
}

static bool fake_event_pending(const struct vcpu *v)
{
    (void)v;
    return pending;
}

static void fake_inject(struct vcpu *v, uint8_t vector, bool has_error, uint32_t error)
{
    (void)v;
    pending = true;
    injected_vector = vector;
    injected_has_error = has_error;
    injected_error = error;
}

static void fake_end_shadow(struct vcpu *v)
{
    (void)v;
    shadow_ended = true;
}

static bool fake_switches_spec_ctrl(void)
{
    return false;
}

static void fake_set_entry_spec_ctrl(struct vcpu *v, uint64_t value)
{
    (void)v;
    (void)value;
}

static const uint8_t vmcall[] = { 0x0F, 0x01, 0xC1 };

static const struct hvm_backend fake_backend = {
    .name = "fake",
    .get_paging = fake_get_paging,
    .get_code = fake_get_code,
    .get_reg = fake_get_reg,
    .set_reg = fake_set_reg,
    .tsc_offset = fake_tsc_offset,
    .set_tsc_offset = fake_set_tsc_offset,
    .event_pending = fake_event_pending,
    .inject_exception = fake_inject,
    .end_interrupt_shadow = fake_end_shadow,
    .switches_spec_ctrl = fake_switches_spec_ctrl,
    .set_entry_spec_ctrl = fake_set_entry_spec_ctrl,
    .hypercall_insn = vmcall,
    .hypercall_insn_len = sizeof(vmcall),
    .hypercall_insn_name = "VMCALL",
};

const struct hvm_backend *hvm_be;
struct host_spec_ctrl host_spec;

/* The hypervisor services the handlers call. */
int guest_fetch_virt_to_phys(struct vcpu *v, gvaddr_t gva, gpaddr_t *gpa)
{
    (void)v;
    *gpa = mk_gpaddr(gvaddr_val(gva));
    return gvaddr_val(gva) < sizeof(code) ? 0 : -EFAULT;
}

int copy_from_guest_phys(struct domain *d, void *dst, gpaddr_t gpa, size_t len)
{
    (void)d;
    if (gpaddr_val(gpa) >= sizeof(code) || len > sizeof(code) - gpaddr_val(gpa))
        return -EFAULT;
    memcpy(dst, code + gpaddr_val(gpa), len);
    return 0;
}

/* The hypercall page as last written; a write outside guest page 5 fails. */
static uint8_t hypercall_page[PAGE_SIZE];

int copy_to_guest_phys(struct domain *d, gpaddr_t gpa, const void *src, size_t len)
{
    (void)d;
    if (gpaddr_val(gpa) != 0x5000 || len != PAGE_SIZE)
        return -EFAULT;
    memcpy(hypercall_page, src, len);
    return 0;
}

void dom_console_write(struct dom_console *c, const char *s, size_t len)
{
    (void)c;
    assert_true(console_len + len <= sizeof(console));
    memcpy(console + console_len, s, len);
    console_len += len;
}

void sched_block(struct vcpu *v)
{
    (void)v;
    blocked = true;
}

void sched_unblock(struct vcpu *v)
{
    (void)v;
    unblocked = true;
}

/* The vLAPIC (vlapic_vcpu.c) is tested on its own; here only its pending vector matters. */
bool hvm_vlapic_owns_msr(uint32_t msr)
{
    (void)msr;
    return false;
}

bool hvm_vlapic_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
    (void)v, (void)msr, (void)val;
    return false;
}

bool hvm_vlapic_msr_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
    (void)v, (void)msr, (void)val;
    return false;
}

int hvm_vlapic_pending(struct vcpu *v)
{
    (void)v;
    return lapic_pending;
}

bool hvm_nmi_pending(struct vcpu *v)
{
    (void)v;
    return nmi_pending;
}

int64_t vcpu_down(struct vcpu *target)
{
    (void)target;
    taken_down = true;
    return 0;
}

bool evtchn_upcall_pending(struct vcpu *v)
{
    (void)v;
    return events_are_pending;
}

bool xen_cpuid_leaf(struct vcpu *v, uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
    (void)v;
    (void)subleaf;
    if (leaf != 0x40000000u)
        return false;
    r[0] = 0x40000004u;
    r[1] = 0x566E6558u; /* "XenV" */
    r[2] = 0x65584D4Du;
    r[3] = 0x4D4D566Eu;
    return true;
}

bool xen_is_hypercall_page_msr(uint32_t msr)
{
    return msr == 0x40000000u;
}

bool xen_write_hypercall_page(struct vcpu *v, uint64_t value)
{
    (void)v;
    return value == 0x5000;
}

int64_t hypercall_dispatch(struct vcpu *v, uint64_t nr, const uint64_t args[HYPERCALL_NR_ARGS])
{
    (void)v;
    hypercalls++;
    hypercall_nr = nr;
    memcpy(hypercall_args, args, sizeof(hypercall_args));
    return -38;
}

struct hvm_outcome hvm_exit_npf(struct vcpu *v, const struct hvm_exit *e)
{
    (void)v;
    (void)e;
    return hvm_crash("npf");
}

unsigned long spin_lock_irqsave(spinlock_t *l)
{
    (void)l;
    return 0;
}

void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
    (void)l;
    (void)flags;
}

/* xstate.c's XCR0 of the CPU (not linked: the test runs in user mode). */
uint64_t hvm_xcr0_read(struct vcpu *v)
{
    (void)v;
    return 1;
}

void hvm_xcr0_write(struct vcpu *v, uint64_t xcr0)
{
    (void)v;
    xcr0_written = xcr0;
}

void printk(const char *fmt, ...)
{
    (void)fmt;
}

/* For the exit statistics hvm/ keeps (exit_stats.c, tested on its own). */
unsigned int smp_processor_id(void)
{
    return 0;
}

uint64_t tsc_khz(void)
{
    return 1;
}

/* A 64-bit guest kernel with the given instruction bytes at RIP. */
static void at_rip(const uint8_t *bytes, size_t len)
{
    memset(code, 0x90, sizeof(code));
    memcpy(code + CODE_AT, bytes, len);
}

static int setup(void **state)
{
    static const uint8_t nothing[] = { 0x90 };

    (void)state;
    memset(regs, 0, sizeof(regs));
    regs[GREG_RIP] = CODE_AT;
    regs[GREG_RFLAGS] = X86_RFLAGS_FIXED;
    regs[GREG_EFER] = EFER_SCE | EFER_LME | EFER_LMA;
    paging = (struct guest_paging){ .cr0 = X86_CR0_PE | X86_CR0_PG,
                                    .cr4 = X86_CR4_PAE,
                                    .efer = EFER_LME | EFER_LMA };
    cs_attr = X86_SEG_ATTR_L | X86_SEG_ATTR_P;
    pending = shadow_ended = false;
    console_len = 0;
    blocked = unblocked = events_are_pending = taken_down = false;
    lapic_pending = -1;
    nmi_pending = false;
    hypercalls = 0;
    xcr0_written = 0;
    hvm_be = &fake_backend;
    at_rip(nothing, sizeof(nothing));
    return 0;
}

/* 32-bit protected mode, no paging (a PVH guest's start). */
static void protected32(void)
{
    paging = (struct guest_paging){ .cr0 = X86_CR0_PE };
    regs[GREG_EFER] = 0;
    cs_attr = X86_SEG_ATTR_DB | X86_SEG_ATTR_P;
}

static const char *handle(enum hvm_exit_reason reason)
{
    struct hvm_exit e = { .reason = reason };

    return hvm_handle_exit(&vcpu, &e);
}

static void test_cpuid(void **state)
{
    static const uint8_t insn[] = { 0x0F, 0xA2 };

    (void)state;
    at_rip(insn, sizeof(insn));
    regs[GREG_RAX] = 0xFFFFFFFF40000000ull;
    regs[GREG_RBX] = 0xFFFFFFFF00000000ull;
    assert_null(handle(HVM_EXIT_CPUID));
    assert_int_equal(regs[GREG_RIP], CODE_AT + 2);
    assert_int_equal(regs[GREG_RAX], 0x40000004u);
    assert_int_equal(regs[GREG_RBX], 0x566E6558u); /* high half zeroed */
    assert_int_equal(regs[GREG_RDX], 0x4D4D566Eu);
    assert_true(shadow_ended);
    /* Leaf 0 from the CPUID model: the host's vendor. */
    regs[GREG_RAX] = 0;
    regs[GREG_RIP] = CODE_AT;
    assert_null(handle(HVM_EXIT_CPUID));
    assert_int_equal(regs[GREG_RBX], cpuid(0, 0).ebx);
}

static void test_cpuid_wrong_bytes(void **state)
{
    (void)state;
    assert_string_equal(handle(HVM_EXIT_CPUID), "instruction at RIP does not match the exit");
    assert_int_equal(regs[GREG_RIP], CODE_AT);
}

/* Prefixes count into the length; a REX prefix only in 64-bit code. */
static void test_prefixed_length(void **state)
{
    static const uint8_t insn[] = { 0x66, 0x48, 0x0F, 0xA2 };

    (void)state;
    at_rip(insn, sizeof(insn));
    assert_null(handle(HVM_EXIT_CPUID));
    assert_int_equal(regs[GREG_RIP], CODE_AT + 4);
    regs[GREG_RIP] = CODE_AT;
    protected32();
    assert_string_equal(handle(HVM_EXIT_CPUID), "instruction at RIP does not match the exit");
}

static const char *msr(bool write, uint32_t index)
{
    static const uint8_t rd[] = { 0x0F, 0x32 }, wr[] = { 0x0F, 0x30 };
    struct hvm_exit e = { .reason = HVM_EXIT_MSR, .msr.write = write };

    at_rip(write ? wr : rd, 2);
    regs[GREG_RIP] = CODE_AT;
    regs[GREG_RCX] = index;
    return hvm_handle_exit(&vcpu, &e);
}

static void test_msr(void **state)
{
    (void)state;
    assert_null(msr(false, MSR_EFER));
    assert_int_equal(regs[GREG_RAX], EFER_SCE | EFER_LME | EFER_LMA);
    assert_int_equal(regs[GREG_RDX], 0);
    assert_int_equal(regs[GREG_RIP], CODE_AT + 2);
    /* PAT: a valid value is kept, a reserved memory type is #GP with error code 0. */
    regs[GREG_RAX] = 0x00070406u;
    regs[GREG_RDX] = 0x00070406u;
    assert_null(msr(true, MSR_PAT));
    assert_int_equal(regs[GREG_PAT], 0x0007040600070406ull);
    regs[GREG_RAX] = 0x02;
    assert_null(msr(true, MSR_PAT));
    assert_true(pending);
    assert_int_equal(injected_vector, X86_EXC_GP);
    assert_true(injected_has_error);
    assert_int_equal(injected_error, 0);
    assert_int_equal(regs[GREG_RIP], CODE_AT);
    assert_int_equal(regs[GREG_PAT], 0x0007040600070406ull);
}

static void test_msr_gp(void **state)
{
    (void)state;
    /* An MSR the model lacks. */
    assert_null(msr(false, 0x1234));
    assert_true(pending);
    assert_int_equal(injected_vector, X86_EXC_GP);
    /* Clearing EFER.LME with paging on. */
    pending = false;
    regs[GREG_RAX] = EFER_SCE;
    regs[GREG_RDX] = 0;
    assert_null(msr(true, MSR_EFER));
    assert_true(pending);
    assert_int_equal(regs[GREG_EFER], EFER_SCE | EFER_LME | EFER_LMA);
    /* NXE may be set; LMA written is ignored, the CPU's is kept. */
    pending = false;
    regs[GREG_RAX] = EFER_SCE | EFER_LME | EFER_NXE | EFER_LMA;
    assert_null(msr(true, MSR_EFER));
    assert_false(pending);
    assert_int_equal(regs[GREG_EFER], EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE);
    /* The hypercall page MSR: the page address is checked by xen_write_hypercall_page. */
    regs[GREG_RAX] = 0x5000;
    assert_null(msr(true, 0x40000000u));
    assert_false(pending);
    regs[GREG_RAX] = 0x6000;
    assert_null(msr(true, 0x40000000u));
    assert_true(pending);
}

static const char *io(uint16_t port, uint8_t size, bool in, bool string, unsigned int len)
{
    struct hvm_exit e = { .reason = HVM_EXIT_IO,
                          .insn_len = len,
                          .io = { .port = port, .size = size, .in = in, .string = string } };

    return hvm_handle_exit(&vcpu, &e);
}

static void test_io(void **state)
{
    (void)state;
    regs[GREG_RAX] = 0x1234567812345678ull;
    assert_null(io(0x60, 1, true, false, 1));
    assert_int_equal(regs[GREG_RAX], 0x12345678123456FFull);
    assert_int_equal(regs[GREG_RIP], CODE_AT + 1);
    assert_null(io(0x60, 2, true, false, 2));
    assert_int_equal(regs[GREG_RAX], 0x123456781234FFFFull);
    /* A 32-bit IN zero-extends. */
    assert_null(io(0x60, 4, true, false, 1));
    assert_int_equal(regs[GREG_RAX], 0xFFFFFFFFull);
    /* The debug port writes the domain's console; other writes go nowhere. */
    regs[GREG_RAX] = 'h';
    assert_null(io(0xE9, 1, false, false, 2));
    assert_null(io(0x80, 1, false, false, 2));
    assert_int_equal(console_len, 1);
    assert_int_equal(console[0], 'h');
    assert_string_equal(io(0x60, 1, true, true, 2), "string I/O");
    assert_string_equal(io(0x60, 1, true, false, 0), "IOIO exit with an impossible next RIP");
}

static void test_hlt(void **state)
{
    static const uint8_t insn[] = { 0xF4 };

    (void)state;
    at_rip(insn, sizeof(insn));
    regs[GREG_RFLAGS] |= X86_RFLAGS_IF;
    assert_null(handle(HVM_EXIT_HLT));
    assert_true(blocked);
    assert_false(unblocked);
    assert_false(taken_down);
    assert_int_equal(regs[GREG_RIP], CODE_AT + 1);
    /* An event already pending is not slept through. */
    events_are_pending = true;
    regs[GREG_RIP] = CODE_AT;
    assert_null(handle(HVM_EXIT_HLT));
    assert_true(unblocked);
    /* Nor is a local APIC vector above the PPR. */
    events_are_pending = unblocked = false;
    lapic_pending = 0x40;
    regs[GREG_RIP] = CODE_AT;
    assert_null(handle(HVM_EXIT_HLT));
    assert_true(unblocked);
    /* Nor is a latched NMI. */
    unblocked = false;
    lapic_pending = -1;
    nmi_pending = true;
    regs[GREG_RIP] = CODE_AT;
    assert_null(handle(HVM_EXIT_HLT));
    assert_true(unblocked);
}

/* cli; hlt: nothing can wake the vCPU, so it goes down (Xen's hvm_hlt), without blocking. */
static void test_hlt_interrupts_off(void **state)
{
    static const uint8_t insn[] = { 0xF4 };

    (void)state;
    at_rip(insn, sizeof(insn));
    regs[GREG_RFLAGS] &= ~(uint64_t)X86_RFLAGS_IF;
    assert_null(handle(HVM_EXIT_HLT));
    assert_true(taken_down);
    assert_false(blocked);
    assert_int_equal(regs[GREG_RIP], CODE_AT + 1);
}

static void test_hypercall_64(void **state)
{
    (void)state;
    at_rip(vmcall, sizeof(vmcall));
    regs[GREG_RAX] = 17;
    regs[GREG_RDI] = 1;
    regs[GREG_RSI] = 2;
    regs[GREG_RDX] = 3;
    regs[GREG_R10] = 4;
    regs[GREG_R8] = 5;
    regs[GREG_RBX] = 99;
    assert_null(handle(HVM_EXIT_HYPERCALL));
    assert_int_equal(hypercalls, 1);
    assert_int_equal(hypercall_nr, 17);
    assert_int_equal(hypercall_args[0], 1);
    assert_int_equal(hypercall_args[3], 4);
    assert_int_equal(hypercall_args[4], 5);
    assert_true(vcpu.hypercall_64bit);
    assert_int_equal(regs[GREG_RAX], (uint64_t)-38);
    assert_int_equal(regs[GREG_RIP], CODE_AT + 3);
}

static void test_hypercall_32(void **state)
{
    (void)state;
    protected32();
    at_rip(vmcall, sizeof(vmcall));
    regs[GREG_RAX] = 0x100000011ull;
    regs[GREG_RBX] = 0xAAAAAAAA00000001ull;
    regs[GREG_RCX] = 2;
    regs[GREG_RDX] = 3;
    regs[GREG_RSI] = 4;
    regs[GREG_RDI] = 5;
    assert_null(handle(HVM_EXIT_HYPERCALL));
    assert_int_equal(hypercall_nr, 0x11);
    assert_int_equal(hypercall_args[0], 1);
    assert_int_equal(hypercall_args[3], 4);
    assert_int_equal(hypercall_args[4], 5);
    assert_false(vcpu.hypercall_64bit);
    assert_int_equal(regs[GREG_RAX], 0xFFFFFFDAu); /* -38 in EAX */
}

/* User space may not call: -EPERM, nothing dispatched. */
static void test_hypercall_user(void **state)
{
    (void)state;
    at_rip(vmcall, sizeof(vmcall));
    paging.cpl = 3;
    assert_null(handle(HVM_EXIT_HYPERCALL));
    assert_int_equal(hypercalls, 0);
    assert_int_equal(regs[GREG_RAX], (uint64_t)-1);
    assert_int_equal(regs[GREG_RIP], CODE_AT + 3);
}

/* RIP wraps at the code's width; single-stepping traps after the instruction. */
static void test_rip_advance(void **state)
{
    struct hvm_exit e = { .reason = HVM_EXIT_IO, .insn_len = 2, .io = { .port = 0x80, .size = 1 } };

    (void)state;
    protected32();
    regs[GREG_RIP] = 0xFFFFFFFFu;
    assert_null(hvm_handle_exit(&vcpu, &e));
    assert_int_equal(regs[GREG_RIP], 1);
    cs_attr = X86_SEG_ATTR_P; /* 16-bit code */
    regs[GREG_RIP] = 0xFFFF;
    assert_null(hvm_handle_exit(&vcpu, &e));
    assert_int_equal(regs[GREG_RIP], 1);
    regs[GREG_RFLAGS] |= X86_RFLAGS_TF;
    assert_null(hvm_handle_exit(&vcpu, &e));
    assert_true(pending);
    assert_int_equal(injected_vector, X86_EXC_DB);
    assert_false(injected_has_error);
    assert_true(regs[GREG_DR6] & X86_DR6_BS);
}

/* XSETBV with EDX:EAX = value, ECX = xcr: the XCR0 written, else the exception (0 if none). */
static uint8_t xsetbv(uint32_t xcr, uint64_t value)
{
    static const uint8_t insn[] = { 0x0F, 0x01, 0xD1 };

    at_rip(insn, sizeof(insn));
    regs[GREG_RIP] = CODE_AT;
    regs[GREG_RCX] = xcr;
    regs[GREG_RAX] = 0xABCD000000000000ull | (uint32_t)value; /* high halves ignored */
    regs[GREG_RDX] = value >> 32;
    pending = false;
    xcr0_written = 0;
    assert_null(handle(HVM_EXIT_XSETBV));
    if (!pending) {
        assert_int_equal(regs[GREG_RIP], CODE_AT + 3);
        return 0;
    }
    assert_int_equal(regs[GREG_RIP], CODE_AT);
    assert_int_equal(xcr0_written, 0);
    return injected_vector;
}

static void test_xsetbv(void **state)
{
    uint64_t offered = guest_xcr0_supported(cpuid_host);

    (void)state;
    if (!(offered & XCR0_SSE))
        skip(); /* this host has no XSAVE to offer */
    paging.cr4 |= X86_CR4_OSXSAVE;
    assert_int_equal(xsetbv(0, XCR0_X87 | XCR0_SSE), 0);
    assert_int_equal(xcr0_written, XCR0_X87 | XCR0_SSE);
    if (offered & XCR0_YMM) {
        assert_int_equal(xsetbv(0, XCR0_X87 | XCR0_SSE | XCR0_YMM), 0);
        assert_int_equal(xcr0_written, XCR0_X87 | XCR0_SSE | XCR0_YMM);
    }
    /* Xen's checks: x87 always, YMM with SSE, nothing not offered (AVX-512's 5-7, PKRU 9). */
    assert_int_equal(xsetbv(0, XCR0_SSE), X86_EXC_GP);
    assert_int_equal(xsetbv(0, XCR0_X87 | XCR0_YMM), X86_EXC_GP);
    assert_int_equal(xsetbv(0, XCR0_X87 | XCR0_SSE | XCR0_YMM | 0xE0), X86_EXC_GP);
    assert_int_equal(xsetbv(0, XCR0_X87 | (1ull << 9)), X86_EXC_GP);
    assert_int_equal(xsetbv(0, XCR0_X87 | (1ull << 62)), X86_EXC_GP);
    /* Only XCR0; only ring 0; only with CR4.OSXSAVE (else #UD, as the CPU). */
    assert_int_equal(xsetbv(1, XCR0_X87), X86_EXC_GP);
    assert_true(injected_has_error);
    assert_int_equal(injected_error, 0);
    cs_attr |= 3 << 5;
    assert_int_equal(xsetbv(0, XCR0_X87), X86_EXC_GP);
    cs_attr &= ~(3 << 5);
    paging.cr4 &= ~X86_CR4_OSXSAVE;
    assert_int_equal(xsetbv(0, XCR0_X87), X86_EXC_UD);
}

static void test_exceptions(void **state)
{
    struct hvm_exit e = { .reason = HVM_EXIT_EXCEPTION,
                          .exception = { .vector = X86_EXC_AC, .error_code = 0 } };

    (void)state;
    assert_null(hvm_handle_exit(&vcpu, &e));
    assert_int_equal(injected_vector, X86_EXC_AC);
    assert_true(injected_has_error);
    /* A second one while the first is still to be delivered. */
    assert_string_equal(hvm_handle_exit(&vcpu, &e),
                        "exception raised while an event was being delivered");
    pending = false;
    assert_null(handle(HVM_EXIT_UNDEFINED));
    assert_int_equal(injected_vector, X86_EXC_UD);
    assert_false(injected_has_error);
    assert_int_equal(regs[GREG_RIP], CODE_AT);
    assert_null(handle(HVM_EXIT_NONE));
    assert_string_equal(handle(HVM_EXIT_TRIPLE_FAULT), "triple fault");
    assert_string_equal(handle(HVM_EXIT_UNKNOWN), "exit the hypervisor does not handle");
}

/* Xen's stubs with the back-end's call instruction: mov $nr, %eax; vmcall; ret; int3 padding. */
static void test_hypercall_page(void **state)
{
    static const uint8_t stub17[] = { 0xB8, 17, 0, 0, 0, 0x0F, 0x01, 0xC1, 0xC3, 0xCC };
    static const uint8_t iret[] = { 0x0F, 0x0B, 0xCC };

    (void)state;
    assert_false(hvm_hypercall_page_write(&dom, mk_gpaddr(0x6000)));
    assert_true(hvm_hypercall_page_write(&dom, mk_gpaddr(0x5000)));
    assert_memory_equal(hypercall_page + 17 * 32, stub17, sizeof(stub17));
    assert_memory_equal(hypercall_page + 23 * 32, iret, sizeof(iret));
    assert_int_equal(hypercall_page[127 * 32], 0xB8);
    assert_int_equal(hypercall_page[PAGE_SIZE - 1], 0xCC);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_cpuid, setup),
        cmocka_unit_test_setup(test_cpuid_wrong_bytes, setup),
        cmocka_unit_test_setup(test_prefixed_length, setup),
        cmocka_unit_test_setup(test_msr, setup),
        cmocka_unit_test_setup(test_msr_gp, setup),
        cmocka_unit_test_setup(test_io, setup),
        cmocka_unit_test_setup(test_hlt, setup),
        cmocka_unit_test_setup(test_hlt_interrupts_off, setup),
        cmocka_unit_test_setup(test_hypercall_64, setup),
        cmocka_unit_test_setup(test_hypercall_32, setup),
        cmocka_unit_test_setup(test_hypercall_user, setup),
        cmocka_unit_test_setup(test_hypercall_page, setup),
        cmocka_unit_test_setup(test_rip_advance, setup),
        cmocka_unit_test_setup(test_exceptions, setup),
        cmocka_unit_test_setup(test_xsetbv, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
