/* SPDX-License-Identifier: MIT */
/*
 * What the 64-bit PV test guests share: their entry (lib/pv-entry.S, which
 * calls guest_pv_main() with the start info), hypercalls through the page it
 * reserves, the console and shutdown, and counted checks with one line per
 * failure and a verdict (lib/pv.c). Their kernel entry points are
 * include/pv-entry.S.h's.
 */
#ifndef GUESTS_PV_GUEST_H
#define GUESTS_PV_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <public/xen.h>

/* Where the PV guests run (their ELF physical addresses from 0: PADDR_OFFSET 0). */
#define PV_VIRT_BASE 0xffffffff80000000ull
/* A PTE of theirs: present, writable, user (PV: CPL 3), accessed, dirty. */
#define PV_PTE_KERNEL 0x67ull

/* The Xen error numbers the guests expect, negated, in answers. */
#define EPERM  1
#define ENOENT 2
#define ESRCH  3
#define EFAULT 14
#define EBUSY  16
#define EEXIST 17
#define EINVAL 22
#define ENOSYS 38

/* The hypercall page lib/pv-entry.S reserves (the hypervisor fills it). */
extern uint8_t hypercall_page[];

/* The guest's C entry, called by lib/pv-entry.S on its stack with start_info. */
void guest_pv_main(const struct start_info *si);

long pv_hypercall3(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3);
long pv_hypercall4(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4);
void pv_console_write(const char *s, size_t len);
void pv_shutdown(unsigned int reason);

/* The frame (mfn == pfn) of a guest address: the builder maps frame n at PV_VIRT_BASE + n pages. */
static inline uint64_t pv_frame_of(const void *p)
{
    return ((uint64_t)(uintptr_t)p - PV_VIRT_BASE) >> 12;
}

/*
 * Checks: pv_checks_start() sends the guest's output to the console;
 * pv_check() counts one, printing "<name>: FAIL: <what>: got <got>" if it
 * failed; pv_checks_done() prints "<name>: N checks, M failed" and the
 * verdict, then powers off (crashes if a check failed).
 */
void pv_checks_start(const char *name);
void pv_check(const char *what, bool ok, uint64_t got);
unsigned int pv_checks_failed(void);
void pv_checks_done(void);

/* The quadword at %fs:0 (FS's base, whatever its selector: 64-bit mode). */
static inline uint64_t pv_read_fs0(void)
{
    uint64_t v;

    __asm__ volatile("mov %%fs:0, %0" : "=r"(v));
    return v;
}

/* Whether exception vector pushes an error code (a frame has it below RIP). */
static inline bool pv_vector_has_error(unsigned int vector)
{
    return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17;
}

/*
 * HYPERVISOR_iret with the frame { flags, RIP, CS, RFLAGS, RSP, SS }, to
 * user mode or to the kernel; a kernel entry point reached from there
 * returns from it with pv_iret_leave() (lib/pv-entry.S).
 */
void pv_iret_enter(const uint64_t *frame);
__attribute__((noreturn)) void pv_iret_leave(void);

/* The registers include/pv-entry.S.h's entry points save, lowest address first. */
struct pv_saved_regs {
    uint64_t r15, r14, r13, r12, r10, r9, r8, rbp, rdi, rsi, rdx, rbx, rax;
};

/*
 * Probes (pv-boot, pv-priv; lib/pv-probe.c). PV_PROBE(insn) runs one
 * instruction (asm text) with the resume point set after it: whether it
 * faults or not, execution goes on at its label 1. R11 is its scratch
 * register (RCX and R11 are the frame's, which a fault's iret restores).
 * The guest's exception handlers are pv_entry_point name, pv_probe_trap,
 * vector (include/pv-entry.S.h): each records the exception (count, vector,
 * error code, RIP) and resumes at pv_probe_resume.
 */
#define PV_PROBE(insn)                      \
    "lea 1f(%%rip), %%r11\n\t"              \
    "mov %%r11, pv_probe_resume(%%rip)\n\t" \
    "lea 0f(%%rip), %%r11\n\t"              \
    "mov %%r11, pv_probe_rip(%%rip)\n\t"    \
    "0: " insn "\n\t"                       \
    "1:\n\t"

/* The last exception's, and how many there were. */
extern volatile unsigned int pv_trap_count, pv_trap_vector;
extern volatile uint64_t pv_trap_error, pv_trap_rip;
/* Where the probe resumes, and where its instruction is (the RIP if it faults). */
extern uint64_t pv_probe_resume, pv_probe_rip;

void pv_probe_trap(uint64_t *frame, struct pv_saved_regs *regs, unsigned int vector);
/* The probe just run took exactly one exception vector with that error code, RIP at it. */
void pv_check_fault(const char *what, unsigned int before, unsigned int vector, uint64_t error);
/* No exception since pv_trap_count was before. */
void pv_check_no_fault(const char *what, unsigned int before);

#endif
