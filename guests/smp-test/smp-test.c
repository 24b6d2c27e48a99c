// SPDX-License-Identifier: MIT
/*
 * smp-test: a domain with several vCPUs brings them up the Xen way and
 * checks vcpu_op and per-vCPU event channels. vCPU 0 (the PVH entry):
 *
 *   - counts its vCPUs with VCPUOP_is_up (until -ENOENT), expects vcpus=N;
 *   - offers VCPUOP_initialise hostile contexts and checks each error, and
 *     that none of them left the vCPU startable;
 *   - gives every other vCPU a start state (64-bit mode, its own stack; the
 *     last one in 32-bit mode, which switches to long mode itself) and brings
 *     it up. Each registers its own vcpu_info, binds an IPI port to itself
 *     and prints "smp-test: vcpu N up";
 *   - checks EVTCHNOP_status and EVTCHNOP_bind_vcpu on every kind of port,
 *     and VCPUOP_get_runstate_info;
 *   - registers vCPU 1's runstate area (VCPUOP_register_runstate_memory_area
 *     for another vCPU) and reads it while vCPU 1 is pinged and blocks again;
 *   - pings each vCPU through its IPI port (the answer comes back on an IPI
 *     port of vCPU 0's), and through an inter-domain loop-back port moved to
 *     that vCPU with bind_vcpu;
 *   - has the last vCPU start a periodic and a singleshot timer and bring
 *     itself down (as Linux's CPU hot-unplug does), checks is_up 0, that no
 *     timer fires and a ping waits, brings it up and gets the answer;
 *     brings vCPU 1 down from here and up again, 25 times while pinging it;
 *   - prints "smp-test: N vCPUs, C checks: PASS" (or FAIL lines and a FAIL
 *     summary) and ends: finish=down brings every vCPU down, vCPU 0 last (the
 *     domain powers off, as in Xen), else SCHEDOP_shutdown with the others up.
 *
 * No callback vector is set: a vCPU in SCHEDOP_block wakes when its own
 * vcpu_info has an upcall pending, so an answer proves the event reached the
 * vCPU its port is bound to. Each line is one console write (the console
 * collects lines per domain, not per vCPU).
 */
#include <stdbool.h>
#include <stdint.h>

#include <public/arch-x86/cpuid.h>
#include <public/arch-x86/hvm/start_info.h>
#include <public/arch-x86/shared_info.h>
#include <public/errno.h>
#include <public/event_channel.h>
#include <public/hvm/hvm_vcpu.h>
#include <public/sched.h>
#include <public/vcpu.h>
#include <public/xen.h>

#include "guest.h"
#include "xen-guest.h"

#define MAX_VCPUS     8
#define STACK_SIZE    16384
#define WAIT_MS       3000
#define FREE_PORT     4000 /* never bound here */
#define NO_SUCH_DOMID 999

#define EFER_MSR 0xC0000080u
#define CR0_NW   (1ull << 29)

enum command {
    CMD_PING,
    CMD_DOWN
};

/* What vCPU 0 and one secondary vCPU share. */
struct secondary {
    volatile uint32_t ready; /* its IPI port is bound */
    volatile uint32_t ipi_port;
    volatile uint32_t extra_port; /* also watched (moved here with bind_vcpu) */
    volatile uint32_t cmd;        /* enum command, read when its IPI fires */
    volatile uint32_t answers;    /* events answered */
    volatile uint32_t extra_hits; /* ... of them on extra_port */
    volatile uint32_t resumed;    /* returns from its own VCPUOP_down */
    volatile uint32_t timer_port; /* its VIRQ_TIMER, bound before it goes down */
    volatile uint32_t errors;     /* hypercalls that failed on it */
};

static struct secondary sec[MAX_VCPUS];
static struct vcpu_info vinfo[MAX_VCPUS] __attribute__((aligned(64)));
static uint8_t stacks[MAX_VCPUS][STACK_SIZE] __attribute__((aligned(16)));
static uint32_t pong_port; /* IPI to vCPU 0: every answer */
static unsigned int checks, failures;

/* Null, 0x08 64-bit code, 0x10 flat data; written by the CPU (accessed bits). */
static uint64_t smp_gdt[3]
    __attribute__((used)) = { 0, 0x00af9b000000ffffull, 0x00cf93000000ffffull };
static struct {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed)) smp_gdt_ptr __attribute__((used)) = { sizeof(smp_gdt) - 1, 0 };

void secondary_main(uint64_t id);
void secondary_start64(void);
void secondary_start32(void);

/*
 * 64-bit entry: RSP = its stack, RDI = its id; CS/SS/DS/ES are flat with
 * null selectors (VCPU_HVM_MODE_64B), so load our own GDT first.
 * 32-bit entry (paging off): EBX = CR3, EDI = id, ESP = stack; it enables
 * PAE paging and long mode itself, as a PVH entry does.
 */
__asm__("    .text\n"
        "    .code64\n"
        "    .globl secondary_start64\n"
        "secondary_start64:\n"
        "    lgdt smp_gdt_ptr(%rip)\n"
        "    mov $0x10, %eax\n"
        "    mov %eax, %ds\n"
        "    mov %eax, %es\n"
        "    mov %eax, %ss\n"
        "    mov %eax, %fs\n"
        "    mov %eax, %gs\n"
        "    pushq $0x08\n"
        "    lea 1f(%rip), %rax\n"
        "    push %rax\n"
        "    lretq\n"
        "1:  call secondary_main\n"
        "2:  hlt\n"
        "    jmp 2b\n"
        "    .code32\n"
        "    .globl secondary_start32\n"
        "secondary_start32:\n"
        "    mov %cr4, %eax\n"
        "    or $0x20, %eax\n" /* PAE */
        "    mov %eax, %cr4\n"
        "    mov %ebx, %cr3\n"
        "    mov $0xc0000080, %ecx\n" /* EFER.LME */
        "    rdmsr\n"
        "    or $0x100, %eax\n"
        "    wrmsr\n"
        "    mov %cr0, %eax\n"
        "    or $0x80000001, %eax\n" /* PG | PE */
        "    mov %eax, %cr0\n"
        "    lgdt smp_gdt_ptr\n"
        "    ljmp $0x08, $3f\n"
        "    .code64\n"
        "3:  mov %edi, %edi\n" /* upper halves are undefined after the switch */
        "    mov %esp, %esp\n"
        "    jmp secondary_start64\n");

/* One output line built in a buffer: one console write, so vCPUs never mix lines. */
struct line {
    char buf[200];
    unsigned int len;
};

static void add(struct line *l, const char *s)
{
    while (*s && l->len < sizeof(l->buf) - 1)
        l->buf[l->len++] = *s++;
}

static void add_dec(struct line *l, uint64_t v)
{
    char digits[20];
    int n = 0;

    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n && l->len < sizeof(l->buf) - 1)
        l->buf[l->len++] = digits[--n];
}

static void emit(struct line *l)
{
    l->buf[l->len++] = '\n';
    xen_console_write(l->buf, l->len);
}

static void say_vcpu(uint64_t id, const char *what)
{
    struct line l = { .len = 0 };

    add(&l, "smp-test: vcpu ");
    add_dec(&l, id);
    add(&l, what);
    emit(&l);
}

static void check(bool ok, const char *what)
{
    struct line l = { .len = 0 };

    checks++;
    if (ok)
        return;
    failures++;
    add(&l, "smp-test: FAIL: ");
    add(&l, what);
    emit(&l);
}

static long vcpu_op(unsigned int cmd, uint64_t id, const void *arg)
{
    return xen_hypercall(__HYPERVISOR_vcpu_op, cmd, id, (uint64_t)(uintptr_t)arg);
}

static long evtchn_op(unsigned int cmd, void *arg)
{
    return xen_hypercall(__HYPERVISOR_event_channel_op, cmd, (uint64_t)(uintptr_t)arg, 0);
}

static long send(uint32_t port)
{
    struct evtchn_send s = { .port = port };

    return evtchn_op(EVTCHNOP_send, &s);
}

static bool take_port(struct shared_info *sh, uint32_t port)
{
    uint64_t bit = 1ull << (port % 64);

    return __atomic_fetch_and(&sh->evtchn_pending[port / 64], ~bit, __ATOMIC_SEQ_CST) & bit;
}

/*
 * Before going down: VIRQ_TIMER bound to this vCPU, a 1 ms periodic timer
 * and a singleshot one, and one tick seen, so vCPU 0 can check they stop.
 */
static void start_timers(struct secondary *me, uint64_t id, struct shared_info *sh)
{
    struct evtchn_bind_virq virq = { .virq = VIRQ_TIMER, .vcpu = (uint32_t)id };
    struct vcpu_set_periodic_timer per = { .period_ns = 1000000 };
    struct vcpu_set_singleshot_timer ss = { .timeout_abs_ns = xen_system_time_ns() + 200000000 };
    struct sched_poll p = { .nr_ports = 1 };
    uint32_t port;

    if (evtchn_op(EVTCHNOP_bind_virq, &virq) || vcpu_op(VCPUOP_set_periodic_timer, id, &per) ||
        vcpu_op(VCPUOP_set_singleshot_timer, id, &ss)) {
        me->errors++;
        return;
    }
    port = virq.port;
    p.ports = (uintptr_t)&port;
    p.timeout = xen_system_time_ns() + 1000000000;
    if (xen_hypercall(__HYPERVISOR_sched_op, SCHEDOP_poll, (uintptr_t)&p, 0) ||
        !take_port(sh, port))
        me->errors++;
    me->timer_port = port;
}

static void answer(struct secondary *me)
{
    __atomic_fetch_add(&me->answers, 1, __ATOMIC_SEQ_CST);
    if (send(pong_port))
        me->errors++;
}

/* RDTSCP's auxiliary value is this vCPU's id (TSC_AUX is per vCPU), if it has RDTSCP. */
static bool tsc_aux_is_vcpu_id(uint64_t id)
{
    uint32_t a, b, c, d, aux;

    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000001u), "c"(0));
    if (!(d & (1u << 27)))
        return true;
    __asm__ volatile("rdtscp" : "=a"(a), "=d"(d), "=c"(aux));
    return aux == id;
}

/* A secondary vCPU: its own vcpu_info and IPI port, then it answers events until the end. */
void secondary_main(uint64_t id)
{
    struct secondary *me = &sec[id];
    struct vcpu_info *vi = &vinfo[id];
    struct shared_info *sh = xen_shared_info();
    struct vcpu_register_vcpu_info r = { .mfn = (uintptr_t)vi >> 12,
                                         .offset = (uintptr_t)vi & 0xFFF };
    struct evtchn_bind_ipi ipi = { .vcpu = (uint32_t)id };

    if (vcpu_op(VCPUOP_register_vcpu_info, id, &r) || evtchn_op(EVTCHNOP_bind_ipi, &ipi)) {
        say_vcpu(id, ": FAIL: register_vcpu_info or bind_ipi");
        me->errors++;
        return;
    }
    me->ipi_port = ipi.port;
    say_vcpu(id, " up");
    __atomic_store_n(&me->ready, 1, __ATOMIC_SEQ_CST);
    for (;;) {
        uint32_t extra = me->extra_port;
        bool ipi_hit, extra_hit;

        /* Clear the upcall first, then look at the ports: nothing is lost. */
        __atomic_store_n(&vi->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
        __atomic_store_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
        ipi_hit = take_port(sh, me->ipi_port);
        extra_hit = extra && take_port(sh, extra);
        if (!ipi_hit && !extra_hit) {
            if (xen_hypercall(__HYPERVISOR_sched_op, SCHEDOP_block, 0, 0))
                me->errors++;
            continue;
        }
        if (extra_hit)
            me->extra_hits++;
        if (!tsc_aux_is_vcpu_id(id)) {
            say_vcpu(id, ": FAIL: RDTSCP's TSC_AUX is not the vCPU id");
            me->errors++;
        }
        if (ipi_hit && me->cmd == CMD_DOWN) {
            me->cmd = CMD_PING;
            start_timers(me, id, sh);
            answer(me);
            say_vcpu(id, " going down");
            if (vcpu_op(VCPUOP_down, id, 0))
                me->errors++;
            me->resumed++;
            say_vcpu(id, " back up");
            continue;
        }
        answer(me);
    }
}

static uint64_t now_ns(void)
{
    return xen_system_time_ns();
}

/* vCPU 0 sleeps until an answer comes or ms pass (SCHEDOP_poll on the pong port). */
static void wait_pong(uint64_t ms)
{
    struct sched_poll p = { .ports = (uintptr_t)&pong_port,
                            .nr_ports = 1,
                            .timeout = now_ns() + ms * 1000000 };

    xen_hypercall(__HYPERVISOR_sched_op, SCHEDOP_poll, (uintptr_t)&p, 0);
    xen_take_event(pong_port);
}

static bool wait_answers(unsigned int id, uint32_t before, uint64_t ms)
{
    uint64_t end = now_ns() + ms * 1000000;

    while (__atomic_load_n(&sec[id].answers, __ATOMIC_SEQ_CST) == before) {
        if (now_ns() > end)
            return false;
        wait_pong(5);
    }
    return true;
}

static bool wait_ready(unsigned int id)
{
    uint64_t end = now_ns() + WAIT_MS * 1000000ull;

    while (!__atomic_load_n(&sec[id].ready, __ATOMIC_SEQ_CST)) {
        if (now_ns() > end)
            return false;
        wait_pong(5);
    }
    return true;
}

static void sleep_ms(uint64_t ms)
{
    uint64_t end = now_ns() + ms * 1000000;

    while (now_ns() < end)
        wait_pong(1 + (end - now_ns()) / 1000000);
}

static bool wait_down(unsigned int id)
{
    uint64_t end = now_ns() + WAIT_MS * 1000000ull;

    while (vcpu_op(VCPUOP_is_up, id, 0) != 0) {
        if (now_ns() > end)
            return false;
        wait_pong(5);
    }
    return true;
}

/*
 * Both domains query each other's ports (EVTCHNOP_status: -EPERM while the
 * other exists, -ESRCH once it is gone), so neither may end before both have:
 * each notifies the other over the tree's static channel, then waits for it.
 */
static void meet_peer(uint32_t port)
{
    struct sched_poll p = { .ports = (uintptr_t)&port,
                            .nr_ports = 1,
                            .timeout = now_ns() + WAIT_MS * 1000000ull };

    check(send(port) == 0, "barrier: notify the peer");
    xen_hypercall(__HYPERVISOR_sched_op, SCHEDOP_poll, (uintptr_t)&p, 0);
    check(xen_take_event(port), "barrier: the peer checked its status calls");
}

/* Pings vCPU id on port; true if it answered. */
static bool ping(unsigned int id, uint32_t port)
{
    uint32_t before = sec[id].answers;

    return send(port) == 0 && wait_answers(id, before, WAIT_MS);
}

static uint64_t read_cr(int n)
{
    uint64_t v = 0;

    if (n == 0)
        __asm__ volatile("mov %%cr0, %0" : "=r"(v));
    else if (n == 3)
        __asm__ volatile("mov %%cr3, %0" : "=r"(v));
    else
        __asm__ volatile("mov %%cr4, %0" : "=r"(v));
    return v;
}

static uint64_t read_efer(void)
{
    uint32_t lo, hi;

    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(EFER_MSR));
    return ((uint64_t)hi << 32) | lo;
}

static struct vcpu_hvm_context context_64(unsigned int id)
{
    struct vcpu_hvm_context c = { .mode = VCPU_HVM_MODE_64B };

    c.cpu_regs.x86_64 = (struct vcpu_hvm_x86_64){
        .rip = (uintptr_t)secondary_start64,
        .rsp = (uintptr_t)&stacks[id][STACK_SIZE],
        .rdi = id,
        .rflags = 0x2,
        .cr0 = read_cr(0),
        .cr3 = read_cr(3),
        .cr4 = read_cr(4),
        .efer = read_efer(),
    };
    return c;
}

/* 32-bit protected mode, paging off, flat 4 GiB segments: the PVH start state. */
static struct vcpu_hvm_context context_32(unsigned int id)
{
    struct vcpu_hvm_context c = { .mode = VCPU_HVM_MODE_32B };

    c.cpu_regs.x86_32 = (struct vcpu_hvm_x86_32){
        .eip = (uint32_t)(uintptr_t)secondary_start32,
        .esp = (uint32_t)(uintptr_t)&stacks[id][STACK_SIZE],
        .ebx = (uint32_t)read_cr(3),
        .edi = id,
        .eflags = 0x2,
        .cr0 = 0x11, /* PE | ET */
        .cs_limit = 0xFFFFF,
        .ds_limit = 0xFFFFF,
        .ss_limit = 0xFFFFF,
        .es_limit = 0xFFFFF,
        .tr_limit = 0x67,
        .cs_ar = 0xC9B,
        .ds_ar = 0xC93,
        .ss_ar = 0xC93,
        .es_ar = 0xC93,
        .tr_ar = 0x8B,
    };
    return c;
}

static struct vcpu_runstate_info runstate(unsigned int id)
{
    struct vcpu_runstate_info r = { .state = -1 };

    if (vcpu_op(VCPUOP_get_runstate_info, id, &r))
        r.state = -1;
    return r;
}

static long initialise(unsigned int id, const struct vcpu_hvm_context *c)
{
    return vcpu_op(VCPUOP_initialise, id, c);
}

/* Contexts Xen refuses (and ones the CPU could not enter): -EINVAL, vCPU 1 unchanged. */
static void check_hostile_contexts(unsigned int n)
{
    struct vcpu_hvm_context good = context_64(1), c;
    struct vcpu_hvm_context good32 = context_32(1), d;

    check(initialise(n, &good) == -XEN_ENOENT, "initialise vCPU n: -ENOENT");
    check(initialise(1u << 20, &good) == -XEN_ENOENT, "initialise vCPU 2^20: -ENOENT");
    check(vcpu_op(VCPUOP_up, n, 0) == -XEN_ENOENT, "up vCPU n: -ENOENT");
    check(vcpu_op(VCPUOP_down, n, 0) == -XEN_ENOENT, "down vCPU n: -ENOENT");
    check(vcpu_op(VCPUOP_up, 1, 0) == -XEN_EINVAL, "up without initialise: -EINVAL");
    check(vcpu_op(VCPUOP_initialise, 1, (void *)0xDEAD0000000ull) == -XEN_EFAULT,
          "initialise from a bad address: -EFAULT");
    check(initialise(0, &good) == -XEN_EEXIST, "initialise vCPU 0 (running): -EEXIST");

    c = good;
    c.mode = 2;
    check(initialise(1, &c) == -XEN_EINVAL, "mode 2: -EINVAL");
    c = good;
    c.pad = 1;
    check(initialise(1, &c) == -XEN_EINVAL, "pad set: -EINVAL");
    c = good;
    c.cpu_regs.x86_64.rip = 0x0000800000000000ull;
    check(initialise(1, &c) == -XEN_EINVAL, "64-bit: non-canonical RIP: -EINVAL");
    c = good;
    c.cpu_regs.x86_64.cr0 &= ~(1ull << 31);
    check(initialise(1, &c) == -XEN_EINVAL, "64-bit: CR0.PG clear: -EINVAL");
    c = good;
    c.cpu_regs.x86_64.cr4 &= ~(1ull << 5);
    check(initialise(1, &c) == -XEN_EINVAL, "64-bit: CR4.PAE clear: -EINVAL");
    c = good;
    c.cpu_regs.x86_64.efer &= ~(1ull << 8);
    check(initialise(1, &c) == -XEN_EINVAL, "64-bit: EFER.LME clear: -EINVAL");
    c = good;
    c.cpu_regs.x86_64.cr4 |= 1ull << 12;
    check(initialise(1, &c) == -XEN_EINVAL, "CR4.LA57 (not offered): -EINVAL");
    c = good;
    c.cpu_regs.x86_64.cr4 |= 1ull << 31;
    check(initialise(1, &c) == -XEN_EINVAL, "CR4 reserved bit: -EINVAL");
    c = good;
    c.cpu_regs.x86_64.efer |= 1ull << 12;
    check(initialise(1, &c) == -XEN_EINVAL, "EFER.SVME: -EINVAL");
    c = good;
    c.cpu_regs.x86_64.cr0 |= CR0_NW;
    check(initialise(1, &c) == -XEN_EINVAL, "CR0.NW without CR0.CD: -EINVAL");
    c = good;
    c.cpu_regs.x86_64.cr0 |= 1ull << 32;
    check(initialise(1, &c) == -XEN_EINVAL, "CR0 bit 32: -EINVAL");
    c = good;
    c.cpu_regs.x86_64.cr3 = 1ull << 60;
    check(initialise(1, &c) == -XEN_EINVAL, "CR3 beyond the physical address width: -EINVAL");

    d = good32;
    d.cpu_regs.x86_32.cs_ar = 0xC93;
    check(initialise(1, &d) == -XEN_EINVAL, "32-bit: data segment for CS: -EINVAL");
    d = good32;
    d.cpu_regs.x86_32.cs_ar = 0;
    check(initialise(1, &d) == -XEN_EINVAL, "32-bit: null CS: -EINVAL");
    d = good32;
    d.cpu_regs.x86_32.cs_ar = 0xC1B;
    check(initialise(1, &d) == -XEN_EINVAL, "32-bit: CS not present: -EINVAL");
    d = good32;
    d.cpu_regs.x86_32.cs_ar = 0x1C9B;
    check(initialise(1, &d) == -XEN_EINVAL, "32-bit: attribute bit 12: -EINVAL");
    d = good32;
    d.cpu_regs.x86_32.ss_ar = 0xC9B;
    check(initialise(1, &d) == -XEN_EINVAL, "32-bit: code segment for SS: -EINVAL");
    d = good32;
    d.cpu_regs.x86_32.ss_ar = 0xCF3;
    check(initialise(1, &d) == -XEN_EINVAL, "32-bit: SS.DPL 3 with CS.DPL 0: -EINVAL");
    d = good32;
    d.cpu_regs.x86_32.ds_ar = 0xCF3;
    check(initialise(1, &d) == -XEN_EINVAL, "32-bit: DS.DPL above CS.DPL: -EINVAL");
    d = good32;
    d.cpu_regs.x86_32.tr_ar = 0x9B;
    check(initialise(1, &d) == -XEN_EINVAL, "32-bit: code segment for TR: -EINVAL");
    d = good32;
    d.cpu_regs.x86_32.tr_ar = 0x81;
    check(initialise(1, &d) == -XEN_EINVAL, "32-bit: 16-bit TSS for TR: -EINVAL");
    d = good32;
    d.cpu_regs.x86_32.cs_ar = 0x09B;
    d.cpu_regs.x86_32.cs_limit = 0xFFFF;
    d.cpu_regs.x86_32.eip = 0x10000;
    check(initialise(1, &d) == -XEN_EINVAL, "32-bit: EIP beyond the CS limit: -EINVAL");
    d = good32;
    d.cpu_regs.x86_32.pad1 = 1;
    check(initialise(1, &d) == -XEN_EINVAL, "32-bit: pad1 set: -EINVAL");
    d = good32;
    d.cpu_regs.x86_32.efer = 1ull << 10;
    check(initialise(1, &d) == -XEN_EINVAL, "32-bit: EFER.LMA without LME: -EINVAL");
    d = good32;
    d.cpu_regs.x86_32.cr0 = 0x10;
    check(initialise(1, &d) == -XEN_EINVAL, "32-bit: CR0.PE clear: -EINVAL");

    check(vcpu_op(VCPUOP_up, 1, 0) == -XEN_EINVAL, "refused contexts leave vCPU 1 unstartable");
    check(vcpu_op(VCPUOP_is_up, 1, 0) == 0, "vCPU 1 still down");
}

static long status_of(uint16_t dom, uint32_t port, struct evtchn_status *st)
{
    *st = (struct evtchn_status){ .dom = dom, .port = port };
    return evtchn_op(EVTCHNOP_status, st);
}

static uint16_t own_domid(void)
{
    uint32_t a, b, c, d;

    __asm__ volatile("cpuid"
                     : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
                     : "a"(XEN_CPUID_FIRST_LEAF + 4), "c"(0));
    return (a & XEN_HVM_CPUID_DOMID_PRESENT) ? (uint16_t)c : DOMID_INVALID;
}

/*
 * EVTCHNOP_status on each kind of port and EVTCHNOP_bind_vcpu; leaves an
 * inter-domain loop-back port moved to vCPU target in sec[target].extra_port
 * and returns the port that sends to it (0 on failure).
 */
static uint32_t check_status_and_bind_vcpu(unsigned int n, unsigned int target, uint16_t peer)
{
    uint16_t me = own_domid();
    struct evtchn_status st;
    struct evtchn_bind_virq timer = { .virq = VIRQ_TIMER, .vcpu = 2 % n };
    struct evtchn_bind_virq console = { .virq = VIRQ_CONSOLE, .vcpu = 0 };
    struct evtchn_alloc_unbound unb = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
    struct evtchn_bind_interdomain bi = { .remote_dom = DOMID_SELF };
    struct evtchn_bind_vcpu bv;
    struct evtchn_close cl;
    unsigned int i;

    for (i = 1; i < n; i++)
        check(status_of(DOMID_SELF, sec[i].ipi_port, &st) == 0 && st.status == EVTCHNSTAT_ipi &&
                  st.vcpu == i,
              "status: IPI port of vCPU i");
    check(status_of(me, pong_port, &st) == 0 && st.status == EVTCHNSTAT_ipi && st.vcpu == 0,
          "status (own domid): IPI port of vCPU 0");
    check(status_of(DOMID_SELF, FREE_PORT, &st) == 0 && st.status == EVTCHNSTAT_closed,
          "status: free port closed");
    check(status_of(DOMID_SELF, 0, &st) == 0 && st.status == EVTCHNSTAT_closed,
          "status: port 0 closed");
    check(status_of(DOMID_SELF, 4096, &st) == -XEN_EINVAL, "status: port 4096: -EINVAL");
    check(status_of(peer, 1, &st) == -XEN_EPERM, "status: another domain's port: -EPERM");
    check(status_of(NO_SUCH_DOMID, 1, &st) == -XEN_ESRCH, "status: no such domain: -ESRCH");
    check(evtchn_op(EVTCHNOP_status, (void *)0xDEAD0000000ull) == -XEN_EFAULT,
          "status: bad address: -EFAULT");

    check(evtchn_op(EVTCHNOP_bind_virq, &timer) == 0, "bind_virq VIRQ_TIMER on another vCPU");
    check(status_of(DOMID_SELF, timer.port, &st) == 0 && st.status == EVTCHNSTAT_virq &&
              st.u.virq == VIRQ_TIMER && st.vcpu == timer.vcpu,
          "status: VIRQ_TIMER port");
    bv = (struct evtchn_bind_vcpu){ .port = timer.port, .vcpu = 0 };
    check(evtchn_op(EVTCHNOP_bind_vcpu, &bv) == -XEN_EINVAL,
          "bind_vcpu of a per-vCPU VIRQ: -EINVAL");
    bv = (struct evtchn_bind_vcpu){ .port = sec[1].ipi_port, .vcpu = 0 };
    check(evtchn_op(EVTCHNOP_bind_vcpu, &bv) == -XEN_EINVAL, "bind_vcpu of an IPI: -EINVAL");
    bv = (struct evtchn_bind_vcpu){ .port = FREE_PORT, .vcpu = 0 };
    check(evtchn_op(EVTCHNOP_bind_vcpu, &bv) == -XEN_EINVAL, "bind_vcpu of a free port: -EINVAL");
    bv = (struct evtchn_bind_vcpu){ .port = 4096, .vcpu = 0 };
    check(evtchn_op(EVTCHNOP_bind_vcpu, &bv) == -XEN_EINVAL, "bind_vcpu port 4096: -EINVAL");
    bv = (struct evtchn_bind_vcpu){ .port = timer.port, .vcpu = n };
    check(evtchn_op(EVTCHNOP_bind_vcpu, &bv) == -XEN_ENOENT, "bind_vcpu to vCPU n: -ENOENT");
    cl.port = timer.port;
    check(evtchn_op(EVTCHNOP_close, &cl) == 0, "close the VIRQ_TIMER port");

    /* A global VIRQ moves; closing it must unbind it from vCPU 0, where it was bound. */
    check(evtchn_op(EVTCHNOP_bind_virq, &console) == 0, "bind_virq VIRQ_CONSOLE");
    bv = (struct evtchn_bind_vcpu){ .port = console.port, .vcpu = target };
    check(evtchn_op(EVTCHNOP_bind_vcpu, &bv) == 0, "bind_vcpu of VIRQ_CONSOLE");
    check(status_of(DOMID_SELF, console.port, &st) == 0 && st.status == EVTCHNSTAT_virq &&
              st.u.virq == VIRQ_CONSOLE && st.vcpu == target,
          "status: VIRQ_CONSOLE moved");
    cl.port = console.port;
    check(evtchn_op(EVTCHNOP_close, &cl) == 0, "close the moved VIRQ_CONSOLE port");
    check(evtchn_op(EVTCHNOP_bind_virq, &console) == 0, "VIRQ_CONSOLE can be bound again");
    cl.port = console.port;
    check(evtchn_op(EVTCHNOP_close, &cl) == 0, "close VIRQ_CONSOLE again");

    check(evtchn_op(EVTCHNOP_alloc_unbound, &unb) == 0, "alloc_unbound for itself");
    check(status_of(DOMID_SELF, unb.port, &st) == 0 && st.status == EVTCHNSTAT_unbound &&
              st.u.unbound.dom == me && st.vcpu == 0,
          "status: unbound port");
    bv = (struct evtchn_bind_vcpu){ .port = unb.port, .vcpu = 1 };
    check(evtchn_op(EVTCHNOP_bind_vcpu, &bv) == 0 && status_of(DOMID_SELF, unb.port, &st) == 0 &&
              st.vcpu == 1,
          "bind_vcpu of an unbound port");
    bi.remote_port = unb.port;
    check(evtchn_op(EVTCHNOP_bind_interdomain, &bi) == 0, "bind_interdomain loop-back");
    check(status_of(DOMID_SELF, bi.local_port, &st) == 0 && st.status == EVTCHNSTAT_interdomain &&
              st.u.interdomain.dom == me && st.u.interdomain.port == unb.port && st.vcpu == 0,
          "status: inter-domain port");
    check(status_of(DOMID_SELF, unb.port, &st) == 0 && st.status == EVTCHNSTAT_interdomain &&
              st.u.interdomain.port == bi.local_port && st.vcpu == 1,
          "status: its peer, still on vCPU 1");
    bv = (struct evtchn_bind_vcpu){ .port = bi.local_port, .vcpu = target };
    check(evtchn_op(EVTCHNOP_bind_vcpu, &bv) == 0 &&
              status_of(DOMID_SELF, bi.local_port, &st) == 0 && st.vcpu == target,
          "bind_vcpu of an inter-domain port");
    sec[target].extra_port = bi.local_port;
    return unb.port;
}

/* Waits until vCPU 1's runstate area says blocked, since after entry; false after WAIT_MS. */
static bool wait_area_blocked(volatile struct vcpu_runstate_info *a, uint64_t entry)
{
    uint64_t end = now_ns() + WAIT_MS * 1000000ull;

    while (a->state != RUNSTATE_blocked || a->state_entry_time <= entry) {
        if (now_ns() > end)
            return false;
        wait_pong(1);
    }
    return true;
}

/*
 * vCPU 0 registers vCPU 1's runstate area, as Xen allows; vCPU 1's CPU writes
 * it when vCPU 1 is switched in and again when it leaves (blocked), which
 * vCPU 0 sees while vCPU 1 is off its CPU.
 */
static void check_runstate_area_of_another(unsigned int n)
{
    static struct vcpu_runstate_info area;
    volatile struct vcpu_runstate_info *a = &area;
    struct vcpu_register_runstate_memory_area r = { .addr = (uintptr_t)&area };
    uint64_t entry;

    check(vcpu_op(VCPUOP_register_runstate_memory_area, n, &r) == -XEN_ENOENT,
          "runstate area of vCPU n: -ENOENT");
    a->state = -1;
    check(vcpu_op(VCPUOP_register_runstate_memory_area, 1, &r) == 0,
          "runstate area of vCPU 1, registered by vCPU 0");
    check(ping(1, sec[1].ipi_port) && wait_area_blocked(a, 0) && a->time[RUNSTATE_running] > 0 &&
              a->time[RUNSTATE_blocked] > 0 && a->state_entry_time <= now_ns(),
          "runstate area of vCPU 1 after a ping: blocked again, it ran and blocked before");
    entry = a->state_entry_time;
    check(ping(1, sec[1].ipi_port) && wait_area_blocked(a, entry),
          "runstate area of vCPU 1 after another ping: blocked since later");
    r.addr = 0;
    check(vcpu_op(VCPUOP_register_runstate_memory_area, 1, &r) == 0,
          "runstate area of vCPU 1 unregistered");
    a->state = -1;
    check(ping(1, sec[1].ipi_port), "ping vCPU 1 without its area");
    sleep_ms(20);
    check(a->state == -1, "no runstate area: vCPU 1's is no longer written");
}

/* The last vCPU brings itself down; a ping waits for it; up again, it answers. */
static void check_down_from_itself(unsigned int id)
{
    uint32_t before = sec[id].answers;

    sec[id].cmd = CMD_DOWN;
    check(send(sec[id].ipi_port) == 0 && wait_answers(id, before, WAIT_MS),
          "the vCPU acknowledged its down command");
    check(wait_down(id), "is_up 0 after its own VCPUOP_down");
    /* Its timers stop once it is off its CPU: no VIRQ_TIMER while it is down. */
    sleep_ms(100);
    check(runstate(id).state == RUNSTATE_offline, "runstate once down: offline");
    check(sec[id].timer_port != 0, "it had a periodic timer running");
    take_port(xen_shared_info(), sec[id].timer_port);
    sleep_ms(300);
    check(!take_port(xen_shared_info(), sec[id].timer_port),
          "no timer event while down (periodic and singleshot stopped)");
    before = sec[id].answers;
    check(send(sec[id].ipi_port) == 0 && !wait_answers(id, before, 50),
          "a vCPU that is down does not answer");
    check(vcpu_op(VCPUOP_up, id, 0) == 0, "up again");
    check(wait_answers(id, before, WAIT_MS), "up again, it answers the ping sent while down");
    check(sec[id].resumed == 1, "its VCPUOP_down returned once it was up again");
    {
        struct vcpu_hvm_context c = context_64(id);

        check(initialise(id, &c) == -XEN_EEXIST, "initialise after down and up: -EEXIST");
    }
}

/* vCPU 0 brings vCPU id down (Xen allows any vCPU of the domain to). */
static void check_down_from_another(unsigned int id)
{
    check(vcpu_op(VCPUOP_down, id, 0) == 0, "down another vCPU");
    check(vcpu_op(VCPUOP_is_up, id, 0) == 0, "is_up 0 at once");
    check(vcpu_op(VCPUOP_down, id, 0) == 0, "down twice: 0");
    check(vcpu_op(VCPUOP_up, id, 0) == 0 && vcpu_op(VCPUOP_is_up, id, 0) == 1, "up again");
    check(ping(id, sec[id].ipi_port), "it answers after up");
}

/*
 * Down and up again in quick succession, with a ping each time: the vCPU is
 * caught blocked, runnable or still on its CPU answering the previous ping.
 */
static void check_down_up_cycles(unsigned int id, unsigned int cycles)
{
    unsigned int i, ok = 0;

    for (i = 0; i < cycles; i++) {
        uint32_t before = sec[id].answers;

        if (send(sec[id].ipi_port) == 0 && vcpu_op(VCPUOP_down, id, 0) == 0 &&
            vcpu_op(VCPUOP_is_up, id, 0) == 0 && vcpu_op(VCPUOP_up, id, 0) == 0 &&
            wait_answers(id, before, WAIT_MS))
            ok++;
    }
    check(ok == cycles, "down and up again while pinged, every time");
}

static void summary(unsigned int n)
{
    struct line l = { .len = 0 };
    unsigned int i;

    for (i = 1; i < n; i++)
        check(sec[i].errors == 0, "no hypercall failed on a secondary vCPU");
    add(&l, "smp-test: ");
    add_dec(&l, n);
    add(&l, " vCPUs, ");
    add_dec(&l, checks);
    add(&l, " checks");
    if (failures) {
        add(&l, ", ");
        add_dec(&l, failures);
        add(&l, " failed: FAIL");
    } else {
        add(&l, ": PASS");
    }
    emit(&l);
}

static void run(const struct hvm_start_info *si)
{
    unsigned int n, i, last;
    uint16_t peer = (uint16_t)guest_cmdline_u64(si, "peer", NO_SUCH_DOMID);
    uint32_t barrier = (uint32_t)guest_cmdline_u64(si, "barrier", 0);
    struct evtchn_bind_ipi pong = { .vcpu = 0 };
    uint32_t loop_port;
    long rc;

    for (n = 0; n <= MAX_VCPUS && (rc = vcpu_op(VCPUOP_is_up, n, 0)) != -XEN_ENOENT; n++)
        check(rc == (n == 0), "is_up: vCPU 0 only");
    check(n == guest_cmdline_u64(si, "vcpus", 0), "as many vCPUs as the tree gives");
    if (n < 2 || n > MAX_VCPUS) {
        check(false, "2 to 8 vCPUs");
        return;
    }
    last = n - 1;
    check(evtchn_op(EVTCHNOP_bind_ipi, &pong) == 0, "bind_ipi on vCPU 0");
    pong_port = pong.port;
    pong.vcpu = n;
    check(evtchn_op(EVTCHNOP_bind_ipi, &pong) == -XEN_ENOENT, "bind_ipi on vCPU n: -ENOENT");
    smp_gdt_ptr.base = (uintptr_t)smp_gdt;

    check_hostile_contexts(n);
    for (i = 1; i < n; i++) {
        struct vcpu_hvm_context c = i == last && n > 2 ? context_32(i) : context_64(i);

        check(initialise(i, &c) == 0, "initialise");
    }
    {
        struct vcpu_hvm_context c = context_64(1);

        check(initialise(1, &c) == -XEN_EEXIST, "initialise twice: -EEXIST");
    }
    for (i = 1; i < n; i++)
        check(vcpu_op(VCPUOP_is_up, i, 0) == 0, "initialised but not up: is_up 0");
    {
        struct vcpu_runstate_info r = runstate(1);

        check(r.state == RUNSTATE_offline && r.time[RUNSTATE_running] == 0 &&
                  r.time[RUNSTATE_offline] > 0,
              "runstate: offline, never ran");
        check(vcpu_op(VCPUOP_get_runstate_info, n, &r) == -XEN_ENOENT,
              "runstate of vCPU n: -ENOENT");
        check(vcpu_op(VCPUOP_get_runstate_info, 0, (void *)0xDEAD0000000ull) == -XEN_EFAULT,
              "runstate to a bad address: -EFAULT");
    }
    for (i = 1; i < n; i++) {
        check(vcpu_op(VCPUOP_up, i, 0) == 0, "up");
        check(wait_ready(i), "the vCPU came up and bound its IPI");
        check(vcpu_op(VCPUOP_is_up, i, 0) == 1, "is_up 1");
    }
    check(vcpu_op(VCPUOP_up, 1, 0) == 0, "up when up: 0");
    for (i = 1; i < n; i++)
        if (!sec[i].ready)
            return;

    loop_port = check_status_and_bind_vcpu(n, last, peer);
    if (barrier)
        meet_peer(barrier);
    for (i = 1; i < n; i++)
        check(ping(i, sec[i].ipi_port), "ping through the vCPU's IPI port");
    check(loop_port && ping(last, loop_port) && sec[last].extra_hits == 1,
          "ping through an inter-domain port moved with bind_vcpu");
    {
        struct vcpu_runstate_info self = runstate(0), one = runstate(1);

        check(self.state == RUNSTATE_running && self.time[RUNSTATE_running] > 0 &&
                  self.state_entry_time <= now_ns(),
              "runstate of itself: running");
        check(one.time[RUNSTATE_running] > 0 && one.time[RUNSTATE_blocked] > 0,
              "runstate of vCPU 1: it ran and blocked");
    }

    check_runstate_area_of_another(n);
    check_down_from_itself(last);
    check_down_from_another(1);
    check_down_up_cycles(1, 25);
}

void guest_main(const struct hvm_start_info *si)
{
    unsigned int i, n = 0;
    bool finish_down;

    if (!xen_setup())
        return;
    guest_set_output(xen_console_write);
    finish_down = guest_cmdline_has(si, "finish=down");
    if (si->magic != XEN_HVM_START_MAGIC_VALUE || !xen_map_shared_info()) {
        check(false, "start info and shared info");
    } else {
        run(si);
        while (n < MAX_VCPUS && vcpu_op(VCPUOP_is_up, n, 0) != -XEN_ENOENT)
            n++;
    }
    summary(n);
    if (finish_down && !failures) {
        /* Xen: the last vCPU going down powers the domain off. */
        for (i = 1; i < n; i++)
            vcpu_op(VCPUOP_down, i, 0);
        vcpu_op(VCPUOP_down, 0, 0);
        guest_puts("smp-test: FAIL: vCPU 0 still runs after the last vCPU went down\n");
    }
    xen_power_off();
}
