// SPDX-License-Identifier: MIT
/* The crash report for an exception (or interrupt) nobody handles. */
#include <hv/panic.h>
#include <hv/percpu.h>
#include <hv/printk.h>
#include <hv/symbols.h>
#include <asm/cpu.h>
#include <asm/idt.h>

#define STACK_TRACE_MAX_FRAMES 32

static const char *const exception_names[X86_NR_EXCEPTIONS] = {
    [X86_EXC_DE] = "#DE divide error",
    [X86_EXC_DB] = "#DB debug",
    [X86_EXC_NMI] = "NMI",
    [X86_EXC_BP] = "#BP breakpoint",
    [X86_EXC_OF] = "#OF overflow",
    [X86_EXC_BR] = "#BR bound range",
    [X86_EXC_UD] = "#UD invalid opcode",
    [X86_EXC_NM] = "#NM device not available",
    [X86_EXC_DF] = "#DF double fault",
    [X86_EXC_TS] = "#TS invalid TSS",
    [X86_EXC_NP] = "#NP segment not present",
    [X86_EXC_SS] = "#SS stack fault",
    [X86_EXC_GP] = "#GP general protection",
    [X86_EXC_PF] = "#PF page fault",
    [X86_EXC_MF] = "#MF x87 floating point",
    [X86_EXC_AC] = "#AC alignment check",
    [X86_EXC_MC] = "#MC machine check",
    [X86_EXC_XM] = "#XM SIMD floating point",
    [X86_EXC_VE] = "#VE virtualization",
    [X86_EXC_CP] = "#CP control protection",
    [X86_EXC_HV] = "#HV hypervisor injection",
    [X86_EXC_VC] = "#VC VMM communication",
    [X86_EXC_SX] = "#SX security",
};

static const char *vector_name(uint64_t vector)
{
    if (vector < X86_NR_EXCEPTIONS && exception_names[vector])
        return exception_names[vector];
    return vector < X86_NR_EXCEPTIONS ? "reserved exception" : "unexpected interrupt";
}

/* The #PF error code in words (Intel SDM vol. 3, 4.7). */
static void print_page_fault(uint64_t error_code)
{
    const char *access = (error_code & (1u << 4))   ? "instruction fetch"
                         : (error_code & (1u << 1)) ? "write"
                                                    : "read";

    printk("Page fault: %s %s at CR2 %#llx%s%s\n", access,
           (error_code & (1u << 0)) ? "violating the page's protection" : "of a page not mapped",
           (unsigned long long)read_cr2(), (error_code & (1u << 3)) ? ", reserved bit set" : "",
           (error_code & (1u << 2)) ? ", from user mode" : "");
}

static void print_registers(const struct cpu_regs *r)
{
    printk("RIP: %04llx:%016llx  RFLAGS: %016llx\n", (unsigned long long)r->cs,
           (unsigned long long)r->rip, (unsigned long long)r->rflags);
    printk("RSP: %04llx:%016llx  CR2: %016llx\n", (unsigned long long)r->ss,
           (unsigned long long)r->rsp, (unsigned long long)read_cr2());
    printk("RAX: %016llx  RBX: %016llx  RCX: %016llx\n", (unsigned long long)r->rax,
           (unsigned long long)r->rbx, (unsigned long long)r->rcx);
    printk("RDX: %016llx  RSI: %016llx  RDI: %016llx\n", (unsigned long long)r->rdx,
           (unsigned long long)r->rsi, (unsigned long long)r->rdi);
    printk("RBP: %016llx  R8:  %016llx  R9:  %016llx\n", (unsigned long long)r->rbp,
           (unsigned long long)r->r8, (unsigned long long)r->r9);
    printk("R10: %016llx  R11: %016llx  R12: %016llx\n", (unsigned long long)r->r10,
           (unsigned long long)r->r11, (unsigned long long)r->r12);
    printk("R13: %016llx  R14: %016llx  R15: %016llx\n", (unsigned long long)r->r13,
           (unsigned long long)r->r14, (unsigned long long)r->r15);
    printk("CR0: %016llx  CR3: %016llx  CR4: %016llx\n", (unsigned long long)read_cr0(),
           (unsigned long long)read_cr3(), (unsigned long long)read_cr4());
}

static void print_frame(uint64_t addr)
{
    uint64_t offset;
    const char *name = symbol_lookup(addr, &offset);

    if (name)
        printk("  [<%016llx>] %s+%#llx\n", (unsigned long long)addr, name,
               (unsigned long long)offset);
    else
        printk("  [<%016llx>]\n", (unsigned long long)addr);
}

/*
 * Follows the frame-pointer chain from the faulting frame. Each frame must lie
 * above the previous one within the same per-CPU stack, so a corrupt chain
 * ends the trace instead of faulting again.
 */
static void print_stack_trace(const struct cpu_regs *r)
{
    uint64_t lo, hi;
    uint64_t fp = r->rbp;

    printk("Stack trace:\n");
    print_frame(r->rip);
    /* After a stack overflow RSP is in the guard page, but RBP still points into the stack. */
    if (!percpu_stack_bounds(this_cpu(), r->rsp, &lo, &hi) &&
        !percpu_stack_bounds(this_cpu(), r->rbp, &lo, &hi))
        return;
    for (int i = 0; i < STACK_TRACE_MAX_FRAMES; i++) {
        if (fp < lo || fp > hi - 16 || !IS_ALIGNED(fp, 8))
            break;
        const uint64_t *frame = (const uint64_t *)fp;

        if (frame[1] == 0)
            break;
        print_frame(frame[1]);
        if (frame[0] <= fp)
            break;
        fp = frame[0];
    }
}

void trap_fatal(const struct cpu_regs *r)
{
    struct percpu *pc = this_cpu();

    /* The fault may have hit inside printk with the console lock held. */
    console_enter_panic();
    if (pc->arch.in_fatal_trap)
        panic("fatal %s (vector %llu) while reporting an earlier one", vector_name(r->vector),
              (unsigned long long)r->vector);
    pc->arch.in_fatal_trap = true;

    printk("FATAL: %s (vector %llu, error code %#llx) on CPU %u\n", vector_name(r->vector),
           (unsigned long long)r->vector, (unsigned long long)r->error_code, pc->cpu_id);
    if (r->vector == X86_EXC_PF)
        print_page_fault(r->error_code);
    print_registers(r);
    print_stack_trace(r);
    panic("fatal %s at %#llx", vector_name(r->vector), (unsigned long long)r->rip);
}
