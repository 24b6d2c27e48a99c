// SPDX-License-Identifier: MIT
/*
 * campaign: a hostile guest. From seed=S on its command line it makes
 * calls=N (default 20000) random operations against the hypervisor, each of
 * a random family:
 *   hypercalls with random and boundary arguments, from 64-bit code or from
 *   32-bit code (a compatibility-mode code segment, Xen's 32-bit ABI):
 *   memory_op, xen_version, console_io, grant_table_op, vcpu_op, sched_op,
 *   event_channel_op, physdev_op, hvm_op, and numbers the hypervisor does not
 *   serve; pointer arguments point into a scratch area (filled with random
 *   and boundary words), or are null, misaligned, page-crossing, outside the
 *   domain's RAM, unmapped or non-canonical;
 *   RDMSR/WRMSR of architectural, Xen and random MSRs; port I/O on random
 *   ports; CPUID of random leaves; LGDT/LIDT of copies of its own tables and
 *   loads of random selectors into DS/ES/FS/GS; rewrites of its hypercall
 *   page (garbage written over it, then the hypercall MSR, at its page or a
 *   scratch or outside page).
 * A call that would have the hypervisor write into its own state (its image
 * but the scratch area: code, stack, page tables, counters), now or later,
 * or give back any frame of its image, as Xen lets a guest ask, is made a
 * yield: it would measure the guest (own_state.c works each call out as the
 * hypervisor will read it, multicall entries included). A call the model
 * does not know must fail (else the summary says FAIL); every 1024 calls,
 * and at the end, its code and counters are checked unchanged (a write it
 * did not ask for, or one its model missed, says FAIL).
 * Exceptions are counted and skipped (lib/trap-entry.S). Calls that legitimately end
 * the domain are not made (SCHEDOP_shutdown, SCHEDOP_remote_shutdown of
 * itself, VCPUOP_down of vCPU 0) and none that block without end
 * (SCHEDOP_block, SCHEDOP_poll without a timeout), nor as a multicall's
 * entries; SCHEDOP_remote_shutdown is made on other domains.
 * Then it prints a summary, the calls made per family and how many failed (a
 * negative return, or an exception), ending in "campaign: seed S: PASS",
 * and, by end=:
 *   end=poweroff  (default) powers off;
 *   end=outside   reads a random guest-physical address outside its RAM
 *                 (below 1 GiB, through the identity map), which ends the
 *                 domain by design (its on_crash policy).
 * mode=crash instead spins crash-after-ms=M ms (default 0) and triple-faults
 * (a restart loop, whatever its size: the restart-starvation test).
 * mode=block instead blocks (SCHEDOP_block) with no timer armed and no event
 * bound: nothing can wake it (the hypervisor's stall report, stall_watch.c).
 */
#include <stdbool.h>
#include <stdint.h>

#include <public/arch-x86/cpuid.h>
#include <public/arch-x86/hvm/start_info.h>
#include <public/errno.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/xen.h>

#include "campaign.h"
#include "guest.h"
#include "xen-guest.h"

#define SCRATCH_BYTES 0x10000
#define GUARD_BYTES   0x4000        /* a hypercall may write a little past what it was given */
#define OUTSIDE_RAM   0x20000000ull /* 512 MiB: in the identity map, beyond the RAM */
#define CHECK_EVERY   1024          /* calls between checks of its code and counters */

/* lib/trap-entry.S: exceptions per vector, bytes its handlers skip. */
extern uint64_t fault_count[32], fault_skip;
extern uint8_t idt[];
extern char __image_start[], __text_end[], __image_end[];

/* The scratch area: the one part of its image the hypervisor may write. */
static uint8_t scratch[SCRATCH_BYTES + GUARD_BYTES] __attribute__((aligned(4096)));
static uint8_t own_hypercall_page[4096] __attribute__((aligned(4096)));
static uint8_t gdt_copy[4096] __attribute__((aligned(4096))),
    idt_copy[4096] __attribute__((aligned(4096)));
static uint64_t rng;
static uint64_t ram_end;
static uint16_t own_domid = 0x7FF0; /* DOMID_SELF until CPUID says */

enum family {
    F_MEMORY,
    F_VERSION,
    F_CONSOLE,
    F_GRANT,
    F_VCPU,
    F_SCHED,
    F_EVTCHN,
    F_PHYSDEV,
    F_HVM,
    F_UNKNOWN,
    F_MSR_READ,
    F_MSR_WRITE,
    F_PORT_IN,
    F_PORT_OUT,
    F_CPUID,
    F_DESC,
    F_HCALL_PAGE,
    F_COUNT
};
static const char *const family_name[F_COUNT] = {
    "memory_op",
    "xen_version",
    "console_io",
    "grant_table_op",
    "vcpu_op",
    "sched_op",
    "event_channel_op",
    "physdev_op",
    "hvm_op",
    "unknown",
    "rdmsr",
    "wrmsr",
    "in",
    "out",
    "cpuid",
    "descriptors",
    "hypercall-page",
};
static const unsigned int family_nr[F_UNKNOWN] = {
    __HYPERVISOR_memory_op,        __HYPERVISOR_xen_version, __HYPERVISOR_console_io,
    __HYPERVISOR_grant_table_op,   __HYPERVISOR_vcpu_op,     __HYPERVISOR_sched_op,
    __HYPERVISOR_event_channel_op, __HYPERVISOR_physdev_op,  __HYPERVISOR_hvm_op,
};
/*
 * Its counters, on pages of their own, each kept twice (the second copy
 * inverted): a write it did not ask for shows as a mismatch, never as a
 * wrong figure in the summary.
 */
enum tally_index {
    T_CALLS,
    T_ERRORS = T_CALLS + F_COUNT,
    T_CALLS32 = T_ERRORS + F_COUNT,
    T_KEPT_OFF,
    T_UNMODELED, /* calls the model does not know that did not fail */
    T_UPCALLS,   /* interrupts: upcalls the campaign set up by chance */
    T_COUNT
};
static volatile uint64_t tally[T_COUNT] __attribute__((aligned(4096)));
static volatile uint64_t tally_inverted[T_COUNT] __attribute__((aligned(4096)));
static uint64_t unmodeled_nr, unmodeled_cmd, unmodeled_ret; /* the first such call */

static void count(unsigned int t, uint64_t n)
{
    tally[t] += n;
    tally_inverted[t] = ~tally[t];
}

static void tally_start(void)
{
    unsigned int t;

    for (t = 0; t < T_COUNT; t++)
        tally_inverted[t] = ~tally[t];
}

/* With interrupts off: an upcall's count between the two reads is no mismatch. */
static bool tally_intact(void)
{
    unsigned int t;
    uint64_t flags;
    bool ok = true;

    __asm__ volatile("pushfq; pop %0; cli" : "=r"(flags) : : "memory");
    for (t = 0; t < T_COUNT; t++)
        ok &= tally_inverted[t] == ~tally[t];
    __asm__ volatile("push %0; popfq" : : "r"(flags) : "memory", "cc");
    return ok;
}

void guest_interrupt(uint64_t vector);
void guest_interrupt(uint64_t vector)
{
    (void)vector;
    count(T_UPCALLS, 1);
}

static const uint64_t boundary[] = {
    0,
    1,
    2,
    7,
    8,
    0x7F,
    0x80,
    0xFF,
    0x100,
    0xFFF,
    0x1000,
    0x7FFF,
    0x8000,
    0xFFFF,
    0x10000,
    0x7FFFFFFF,
    0x80000000,
    0xFFFFFFFF,
    0x100000000ull,
    0x7FF0,
    0x7FF1,
    0x7FF2,
    0x7FFF,
    0x7FFFFFFFFFFFFFFFull,
    0x8000000000000000ull,
    ~0ull,
    ~0ull - 1,
    ~0ull << 12,
    0xFFFF800000000000ull,
    0x0000800000000000ull,
};
#define NR_BOUNDARY (sizeof(boundary) / sizeof(boundary[0]))

static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static uint64_t below(uint64_t n)
{
    return rnd() % n;
}

/* A pointer argument: mostly into the scratch area, else every kind of bad one. */
static uint64_t rand_value_any(void);

static uint64_t rand_ptr(void)
{
    uint64_t base = (uintptr_t)scratch;

    switch (below(10)) {
    case 0: return 0;
    case 1: return base + SCRATCH_BYTES - 1 - below(16); /* ends past the area */
    case 2: return OUTSIDE_RAM + below(1 << 20);         /* mapped, not RAM */
    case 3: return (1ull << 32) + below(1ull << 30);     /* not mapped */
    case 4: return boundary[below(NR_BOUNDARY)];
    case 5: return ram_end - below(64); /* crosses the RAM's end */
    default: return base + below(SCRATCH_BYTES / 2);
    }
}

/*
 * A scalar argument or structure word: boundary values, small numbers, random,
 * pointers. Never a frame of its own image, the scratch area's included (the
 * bss is in the image: a scratch frame comes out past the RAM's end): a frame
 * number the hypervisor takes (shared info, vcpu_info, console page) would
 * overwrite its code, which is the guest's own undoing, not the hypervisor's.
 */
static uint64_t rand_value(void)
{
    uint64_t v = rand_value_any();

    if (v >= ((uintptr_t)__image_start >> 12) && v < ((uintptr_t)__image_end >> 12))
        v = (ram_end >> 12) + (v & 0xFF);
    return v;
}

static uint64_t rand_value_any(void)
{
    switch (below(6)) {
    case 0: return boundary[below(NR_BOUNDARY)];
    case 1: return below(16);
    case 2: return below(4096);
    case 3: return rand_ptr();
    case 4: return ((uintptr_t)scratch >> 12) + below(SCRATCH_BYTES >> 12); /* a scratch frame */
    default: return rnd();
    }
}

/* The first bytes of the scratch area: what a pointer argument most often finds. */
static void fill_scratch(void)
{
    uint64_t *w = (uint64_t *)scratch;
    unsigned int i, n = 8 + (unsigned int)below(56);

    for (i = 0; i < n; i++)
        w[i] = below(3) ? rand_value() : (uint32_t)rand_value() | (rand_value() << 32);
}

static long hypercall64(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                        uint64_t a5)
{
    register uint64_t r10 __asm__("r10") = a4;
    register uint64_t r8 __asm__("r8") = a5;
    long ret;

    __asm__ volatile("vmmcall"
                     : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
                     : "a"(nr)
                     : "memory", "rcx", "r9", "r11");
    return ret;
}

/* Xen's 32-bit ABI from a compatibility-mode code segment (GDT 0x20): EAX, EBX, ECX, EDX, ESI, EDI. */
static int32_t hypercall32(uint32_t nr, uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4,
                           uint32_t a5)
{
    uint64_t ret;

    __asm__ volatile("pushq $0x20\n\t"
                     "lea 2f(%%rip), %%rax\n\t"
                     "push %%rax\n\t"
                     "mov %[nr], %%eax\n\t"
                     "lretq\n"
                     ".code32\n"
                     "2: vmmcall\n\t"
                     "ljmp $0x08, $3f\n"
                     ".code64\n"
                     "3:"
                     : "=&a"(ret), "+b"(a1), "+c"(a2), "+d"(a3), "+S"(a4), "+D"(a5)
                     : [nr] "r"(nr)
                     : "memory");
    return (int32_t)ret;
}

/* Arguments for family f's hypercall, without the calls that end or block the domain. */
static uint64_t pick_cmd(enum family f)
{
    switch (f) {
    case F_SCHED: {
        static const uint64_t ok[] = { SCHEDOP_yield, SCHEDOP_poll, 4, 5, 6, 7, 100 };
        return below(4) ? ok[below(sizeof(ok) / sizeof(ok[0]))] : rand_value();
    }
    case F_CONSOLE: return below(4) ? below(2) : rand_value();
    default: return below(4) ? below(16) : rand_value();
    }
}

/* A poll with a timeout 0-2 ms ahead on random ports: it must return. */
static long sched_poll(bool compat)
{
    uint32_t *ports = (uint32_t *)(scratch + 1024);
    uint64_t *w = (uint64_t *)scratch;
    unsigned int i;

    for (i = 0; i < 8; i++)
        ports[i] = (uint32_t)rand_value();
    if (compat) {
        uint32_t *c = (uint32_t *)scratch; /* compat: handle, nr_ports, timeout (u64) */

        c[0] = (uint32_t)(uintptr_t)ports;
        c[1] = (uint32_t)below(9);
        *(uint64_t *)(c + 2) = xen_system_time_ns() + below(2000000);
        return hypercall32(__HYPERVISOR_sched_op, SCHEDOP_poll, (uint32_t)(uintptr_t)c, 0, 0, 0);
    }
    w[0] = below(8) ? (uintptr_t)ports : rand_ptr();
    w[1] = below(9);
    w[2] = xen_system_time_ns() + below(2000000);
    return hypercall64(__HYPERVISOR_sched_op, SCHEDOP_poll, (uintptr_t)w, 0, 0, 0);
}

/*
 * SCHEDOP_remote_shutdown of another domain (never its own, which would end
 * it legitimately): an unprivileged domain must not stop a peer.
 */
static long remote_shutdown(bool compat)
{
    static const uint16_t ids[] = { 0, 1, 2, 3, 4, 5, 0x7FF1, 0x7FF2, 0xFFFF };
    uint32_t *w = (uint32_t *)scratch; /* domain_id (u16), reason (u32): no longs */
    uint16_t id = ids[below(sizeof(ids) / sizeof(ids[0]))];

    if (id == own_domid)
        id = 0x7FF1; /* DOMID_IO */
    w[0] = id;
    w[1] = (uint32_t)below(6);
    if (compat)
        return hypercall32(__HYPERVISOR_sched_op, 4, (uint32_t)(uintptr_t)w, 0, 0, 0);
    return hypercall64(__HYPERVISOR_sched_op, 4, (uintptr_t)w, 0, 0, 0);
}

/* A callback vector below 32 would arrive as an exception frame without its error code. */
static void keep_callback_sane(void)
{
    uint64_t *w = (uint64_t *)scratch; /* xen_hvm_param: domid (u16), index (u32), value */

    if ((uint32_t)(w[0] >> 32) == HVM_PARAM_CALLBACK_IRQ)
        w[1] = (2ull << 56) | (0x20 + below(0xE0));
}

static void one_hypercall(enum family f)
{
    bool compat = below(3) == 0;
    uint64_t nr = f == F_UNKNOWN ? (below(2) ? below(64) : rand_value()) : family_nr[f];
    uint64_t a[5];
    unsigned int i;
    long ret;

    fill_scratch();
    a[0] = pick_cmd(f);
    for (i = 1; i < 5; i++)
        a[i] = below(2) ? rand_ptr() : rand_value();
    if (f == F_VCPU && below(2))
        a[1] = below(4);
    /* Console writes print dots, a few; else they point outside RAM or the map. */
    if (f == F_CONSOLE && (uint32_t)a[0] == CONSOLEIO_write) {
        if (below(8) == 0) {
            a[1] = below(9);
            a[2] = (uintptr_t) "........";
        } else {
            a[1] = rand_value();
            a[2] = (below(2) ? OUTSIDE_RAM : 0xC0000000ull) + below(1 << 20); /* < 4 GiB */
        }
    }
    if (f == F_HVM && (uint32_t)a[0] == 0 /* HVMOP_set_param */) {
        a[1] = (uintptr_t)scratch;
        keep_callback_sane();
    }
    if (f == F_SCHED && (uint32_t)a[0] == SCHEDOP_poll) {
        ret = sched_poll(compat);
    } else if (f == F_SCHED && (uint32_t)a[0] == 4) {
        ret = remote_shutdown(compat);
    } else {
        struct call_plan plan;

        if (call_ends_or_blocks(nr, a[0], a[1]))
            a[0] = SCHEDOP_yield, nr = __HYPERVISOR_sched_op;
        compat = compat && nr < (1ull << 32);
        if (compat)
            for (i = 0; i < 5; i++)
                a[i] = (uint32_t)a[i];
        if (!own_state_call_safe(compat ? (uint32_t)nr : nr, a, compat, &plan)) {
            a[0] = SCHEDOP_yield, nr = __HYPERVISOR_sched_op, count(T_KEPT_OFF, 1);
            own_state_call_safe(nr, a, compat, &plan);
        }
        if (compat)
            ret = hypercall32((uint32_t)nr, (uint32_t)a[0], (uint32_t)a[1], (uint32_t)a[2],
                              (uint32_t)a[3], (uint32_t)a[4]);
        else
            ret = hypercall64(nr, a[0], a[1], a[2], a[3], a[4]);
        own_state_call_done(&plan, ret);
        if (!plan.modeled && ret >= 0) {
            if (!tally[T_UNMODELED])
                unmodeled_nr = nr, unmodeled_cmd = a[0], unmodeled_ret = (uint64_t)ret;
            count(T_UNMODELED, 1);
        }
    }
    count(T_CALLS32, compat);
    count(T_ERRORS + f, ret < 0);
}

static const uint32_t msrs[] = {
    0x10,       0x1B,       0x3A,       0x48,       0x49,       0x8B,       0xFE,       0x174,
    0x175,      0x176,      0x179,      0x17A,      0x1A0,      0x200,      0x201,      0x250,
    0x277,      0x2FF,      0x400,      0x480,      0x802,      0x80F,      0x830,      0xC0000080,
    0xC0000081, 0xC0000082, 0xC0000083, 0xC0000084, 0xC0000100, 0xC0000101, 0xC0000102, 0xC0000103,
    0xC0010000, 0xC0010114, 0xC0010117, 0xC0011029, 0x40000000, 0x40000001, 0x40000100, 0x40000200,
};
#define NR_MSRS (sizeof(msrs) / sizeof(msrs[0]))

static uint32_t rand_msr(void)
{
    return below(4) ? msrs[below(NR_MSRS)] : (uint32_t)rand_value();
}

static uint64_t faults(void)
{
    uint64_t n = 0;
    unsigned int i;

    for (i = 0; i < 32; i++)
        n += fault_count[i];
    return n;
}

/* Writes the guest relies on (paging, its stack, its own hypercall page) are not made. */
static bool msr_write_harms_self(uint32_t msr)
{
    return msr == 0xC0000080 /* EFER */ || msr == 0x10 /* TSC: its clock */ ||
           msr == 0x277 /* PAT */ || (msr >= 0x40000000 && msr < 0x40000300);
}

static void one_msr(bool write)
{
    uint32_t msr = rand_msr(), lo, hi;
    uint64_t v = rand_value(), before = faults();

    fault_skip = 2;
    if (!write) {
        __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr) : "memory");
    } else {
        if (msr_write_harms_self(msr))
            msr = 0xC0000103; /* TSC_AUX */
        __asm__ volatile("wrmsr"
                         :
                         : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
                         : "memory");
    }
    count(T_ERRORS + (write ? F_MSR_WRITE : F_MSR_READ), faults() != before);
}

/* Port 0xE9 is the domain's console: written only with dots. */
static void one_port(bool out)
{
    uint16_t port = below(2) ? (uint16_t)below(0x100) : (uint16_t)rnd();
    uint32_t v = port == 0xE9 ? 0x2E2E2E2E : (uint32_t)rand_value();
    uint64_t before = faults();

    fault_skip = 1;
    switch (below(3) * 2 + out) {
    case 0: __asm__ volatile("inb %%dx, %%al" : "=a"(v) : "d"(port)); break;
    case 1: __asm__ volatile("outb %%al, %%dx" : : "a"(v), "d"(port)); break;
    case 2:
        fault_skip = 2;
        __asm__ volatile("inw %%dx, %%ax" : "=a"(v) : "d"(port));
        break;
    case 3:
        fault_skip = 2;
        __asm__ volatile("outw %%ax, %%dx" : : "a"(v), "d"(port));
        break;
    case 4: __asm__ volatile("inl %%dx, %%eax" : "=a"(v) : "d"(port)); break;
    default: __asm__ volatile("outl %%eax, %%dx" : : "a"(v), "d"(port)); break;
    }
    count(T_ERRORS + (out ? F_PORT_OUT : F_PORT_IN), faults() != before);
}

static void one_cpuid(void)
{
    uint32_t leaf = below(2)   ? (uint32_t)below(0x20) | (below(2) ? 0x40000000 : 0)
                    : below(2) ? 0x80000000 + (uint32_t)below(0x30)
                               : (uint32_t)rnd();
    uint32_t a, b, c, d;

    __asm__ volatile("cpuid"
                     : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
                     : "a"(leaf), "c"((uint32_t)rand_value()));
}

struct __attribute__((packed)) table_ptr {
    uint16_t limit;
    uint64_t base;
};

/* Copies of its own GDT and IDT loaded and back, random selectors into data segments. */
static void one_descriptor_change(void)
{
    struct table_ptr gdt, idt_ptr, copy;
    uint8_t *g = gdt_copy, *i = idt_copy;
    uint32_t sel = (uint16_t)rand_value();
    uint64_t before = faults();
    unsigned int k;

    __asm__ volatile("sgdt %0; sidt %1" : "=m"(gdt), "=m"(idt_ptr));
    switch (below(3)) {
    case 0:
        for (k = 0; k <= gdt.limit; k++)
            g[k] = ((uint8_t *)gdt.base)[k];
        copy = (struct table_ptr){ gdt.limit, (uintptr_t)g };
        __asm__ volatile("lgdt %0" : : "m"(copy) : "memory");
        __asm__ volatile("lgdt %0" : : "m"(gdt) : "memory");
        break;
    case 1:
        for (k = 0; k <= idt_ptr.limit; k++)
            i[k] = idt[k];
        copy = (struct table_ptr){ idt_ptr.limit, (uintptr_t)i };
        __asm__ volatile("lidt %0" : : "m"(copy) : "memory");
        fault_skip = 2;
        __asm__ volatile("ud2");
        __asm__ volatile("lidt %0" : : "m"(idt_ptr) : "memory");
        break;
    default:
        fault_skip = 2; /* mov %ax, %Sreg: 8e /r */
        switch (below(4)) {
        case 0: __asm__ volatile("mov %%eax, %%ds; mov %%ecx, %%ds" : : "a"(sel), "c"(0x10)); break;
        case 1: __asm__ volatile("mov %%eax, %%es; mov %%ecx, %%es" : : "a"(sel), "c"(0x10)); break;
        case 2: __asm__ volatile("mov %%eax, %%fs; mov %%ecx, %%fs" : : "a"(sel), "c"(0x10)); break;
        default:
            __asm__ volatile("mov %%eax, %%gs; mov %%ecx, %%gs" : : "a"(sel), "c"(0x10));
            break;
        }
        break;
    }
    count(T_ERRORS + F_DESC, faults() != before);
}

static void install_hypercall_page(uint64_t gpa)
{
    uint64_t before = faults();

    fault_skip = 2;
    __asm__ volatile("wrmsr"
                     :
                     : "c"(0x40000000), "a"((uint32_t)gpa), "d"((uint32_t)(gpa >> 32))
                     : "memory");
    count(T_ERRORS + F_HCALL_PAGE, faults() != before);
}

/* Garbage over the page, then the MSR at a random place, then the page again (xen_setup's MSR). */
static void one_hypercall_page_rewrite(void)
{
    unsigned int k;

    for (k = 0; k < 4096; k += 8)
        *(uint64_t *)(own_hypercall_page + k) = rnd();
    switch (below(4)) {
    case 0: install_hypercall_page((uintptr_t)scratch + (below(SCRATCH_BYTES / 4096) << 12)); break;
    case 1: install_hypercall_page(OUTSIDE_RAM + (below(256) << 12)); break;
    case 2: {
        uint64_t v = rand_value();

        /* The hypervisor writes a page-aligned address's page: not over its own state. */
        install_hypercall_page(
            own_state_writable(v & ~0xFFFull, 4096) ? v : (uintptr_t)own_hypercall_page);
        break;
    }
    default: install_hypercall_page((uintptr_t)own_hypercall_page + below(4096)); break;
    }
    install_hypercall_page((uintptr_t)own_hypercall_page);
}

static void one_call(void)
{
    enum family f = (enum family)below(F_COUNT);

    count(T_CALLS + f, 1);
    if (f <= F_UNKNOWN)
        one_hypercall(f);
    else if (f == F_MSR_READ || f == F_MSR_WRITE)
        one_msr(f == F_MSR_WRITE);
    else if (f == F_PORT_IN || f == F_PORT_OUT)
        one_port(f == F_PORT_OUT);
    else if (f == F_CPUID)
        one_cpuid();
    else if (f == F_DESC)
        one_descriptor_change();
    else
        one_hypercall_page_rewrite();
}

static void summary_families(const char *what, unsigned int from, unsigned int to)
{
    unsigned int f;

    guest_puts("campaign: ");
    guest_puts(what);
    for (f = from; f < to; f++) {
        guest_puts(" ");
        guest_puts(family_name[f]);
        guest_puts(" ");
        guest_put_dec(tally[T_CALLS + f]);
        guest_puts("/");
        guest_put_dec(tally[T_ERRORS + f]);
    }
    guest_puts("\n");
}

static void summary(uint64_t seed, uint64_t n)
{
    guest_puts("\ncampaign: seed ");
    guest_put_dec(seed);
    guest_puts(": ");
    guest_put_dec(n);
    guest_puts(" calls, ");
    guest_put_dec(tally[T_CALLS32]);
    guest_puts(" hypercalls from 32-bit code, ");
    guest_put_dec(tally[T_UPCALLS]);
    guest_puts(" upcalls, ");
    guest_put_dec(tally[T_KEPT_OFF]);
    guest_puts(" kept off its own state\n");
    summary_families("hypercalls/errors:", F_MEMORY, F_MSR_READ);
    summary_families("instructions/faults:", F_MSR_READ, F_COUNT);
    guest_puts("campaign: seed ");
    guest_put_dec(seed);
    if (tally[T_UNMODELED]) {
        /* Served, so it may have written where the model cannot tell: own_state.c must learn it. */
        guest_puts(": FAIL: ");
        guest_put_dec(tally[T_UNMODELED]);
        guest_puts(" calls its model does not know did not fail (first: hypercall ");
        guest_put_hex(unmodeled_nr);
        guest_puts(", command ");
        guest_put_hex(unmodeled_cmd);
        guest_puts(", returned ");
        guest_put_hex(unmodeled_ret);
        guest_puts(")\n");
        return;
    }
    guest_puts(": PASS\n");
}

static uint64_t code_sum(void)
{
    const uint64_t *p = (const uint64_t *)__image_start, *end = (const uint64_t *)__text_end;
    uint64_t sum = 0;

    for (; p < end; p++)
        sum = (sum << 7 | sum >> 57) ^ *p;
    return sum;
}

/* Its code and counters as they were: else a write it did not ask for, after call done. */
static bool intact(uint64_t code, uint64_t done)
{
    const char *what = code_sum() != code ? "its code" : !tally_intact() ? "its counters" : 0;

    if (!what)
        return true;
    guest_puts("\ncampaign: FAIL: ");
    guest_puts(what);
    guest_puts(" changed between calls ");
    guest_put_dec(done > CHECK_EVERY ? done - CHECK_EVERY : 0);
    guest_puts(" and ");
    guest_put_dec(done);
    guest_puts("\n");
    return false;
}

/* The console ring's frame (HVM_PARAM_CONSOLE_PFN), which the hypervisor writes by itself. */
static uint64_t console_gfn(void)
{
    struct xen_hvm_param p = { .domid = DOMID_SELF, .index = HVM_PARAM_CONSOLE_PFN };

    return hypercall64(__HYPERVISOR_hvm_op, HVMOP_get_param, (uintptr_t)&p, 0, 0, 0) ? 0 : p.value;
}

/* Its domain id from Xen's CPUID leaf 4, if the hypervisor gives it. */
static uint16_t find_own_domid(void)
{
    uint32_t base, a, b, c, d;

    for (base = 0x40000000; base < 0x40010000; base += 0x100) {
        __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(base), "c"(0));
        if (b == XEN_CPUID_SIGNATURE_EBX && c == XEN_CPUID_SIGNATURE_ECX &&
            d == XEN_CPUID_SIGNATURE_EDX) {
            if (a < base + 4)
                break;
            __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(base + 4), "c"(0));
            return (a & XEN_HVM_CPUID_DOMID_PRESENT) ? (uint16_t)c : 0x7FF0;
        }
    }
    return 0x7FF0;
}

/* The end of RAM the memory map gives (the last RAM entry's end). */
static uint64_t find_ram_end(const struct hvm_start_info *si)
{
    const struct hvm_memmap_table_entry *m = (const void *)(uintptr_t)si->memmap_paddr;
    uint64_t end = (uintptr_t)__image_end;
    uint32_t k;

    for (k = 0; si->version >= 1 && k < si->memmap_entries; k++)
        if (m[k].type == 1 && m[k].addr + m[k].size > end)
            end = m[k].addr + m[k].size;
    return end;
}

/* Spins (no exit) for ms of Xen system time, then triple-faults. */
static void crash(uint64_t ms)
{
    static const struct table_ptr none = { 0, 0 };

    if (ms && xen_map_shared_info()) {
        uint64_t end = xen_system_time_ns() + ms * 1000000;

        while (xen_system_time_ns() < end)
            __asm__ volatile("pause");
    }
    __asm__ volatile("lidt %0; int3" : : "m"(none));
}

void guest_main(const struct hvm_start_info *si)
{
    uint64_t seed = guest_cmdline_u64(si, "seed", 1), n = guest_cmdline_u64(si, "calls", 20000);
    bool outside = guest_cmdline_has(si, "end=outside");
    uint64_t i, code;

    if (!xen_setup())
        return;
    if (guest_cmdline_has(si, "mode=crash"))
        crash(guest_cmdline_u64(si, "crash-after-ms", 0));
    if (guest_cmdline_has(si, "mode=block")) {
        guest_set_output(xen_console_write);
        guest_puts("campaign: blocking with nothing to wake it\n");
        xen_hypercall(__HYPERVISOR_sched_op, SCHEDOP_block, 0, 0);
        guest_puts("campaign: FAIL: woken\n");
        xen_power_off();
        return;
    }
    guest_set_output(xen_console_write);
    if (!xen_map_shared_info()) {
        guest_puts("campaign: FAIL: cannot map the shared info\n");
        xen_power_off();
        return;
    }
    ram_end = find_ram_end(si);
    own_domid = find_own_domid();
    own_state_init(si, own_domid, (uintptr_t)__image_start, (uintptr_t)__image_end,
                   (uintptr_t)scratch, sizeof(scratch), (uintptr_t)xen_shared_info(),
                   console_gfn());
    rng = seed * 0x9E3779B97F4A7C15ull + 1;
    install_hypercall_page((uintptr_t)own_hypercall_page);
    guest_puts("campaign: seed ");
    guest_put_dec(seed);
    guest_puts(": start\n");
    tally_start();
    code = code_sum();
    for (i = 0; i < n; i++) {
        one_call();
        if (((i + 1) % CHECK_EVERY == 0 || i + 1 == n) && !intact(code, i + 1)) {
            xen_power_off();
            return;
        }
    }
    summary(seed, n); /* through the library's hypercall page, which no call rewrote */
    if (outside) {
        uint64_t room = ram_end < OUTSIDE_RAM ? OUTSIDE_RAM - ram_end : 1;
        volatile uint8_t *p = (volatile uint8_t *)(uintptr_t)(ram_end + below(room));

        guest_puts("campaign: reading outside its RAM\n");
        (void)*p;
        guest_puts("campaign: FAIL: read outside its RAM returned\n");
    }
    xen_power_off();
}
