// SPDX-License-Identifier: MIT
/*
 * abi-test: checks the hypervisor's side of Xen's HVM/PVH guest ABI from
 * inside a domain, with valid and hostile arguments. The command line picks
 * what it does (word "mode=M"; the hypervisor prefixes every line with the
 * domain's name). Every mode first reads all of the domain's RAM, before
 * anything writes memory or maps a page, and prints
 * "abi-test: RAM outside the image and start info reads zero (N pages): PASS"
 * or "abi-test: FAIL: RAM not zeroed at guest-physical 0x..." (ram_scan.c);
 * that check counts in the verdict of the modes that give one (abi, cpuid):
 *   mode=abi     (default) every check below (with reads and writes of
 *                guest-physical memory that is neither RAM nor a device), then
 *                "abi-test: PASS (N checks, 0 failed)" or a FAIL line per
 *                failed check; powers off
 *   mode=probe   reads guest-physical memory outside its own RAM (where other
 *                domains' or the hypervisor's memory would be) in a domain
 *                whose tessera,unmapped-access is "crash": the hypervisor
 *                must stop it (its domain crashes); "FAIL" if the read returns
 *   mode=crash   triple-faults on purpose
 *   mode=forge   triple-faults on the first instruction after an exit, the
 *                shape of an entry QEMU's TCG sets up wrongly (run_forge())
 *   mode=victim  keeps running (yielding) for victim-ms=N milliseconds
 *                (default 3000) while others misbehave, then PASS
 *   mode=bench   times CPUID exits, hypercall round trips and console
 *                output (a PV console ring step, console_io) with the TSC
 *                ("bench: ..." lines, bench/domains/run.sh)
 *   mode=ping/pong port=N  events both ways over a static inter-domain
 *                event channel (local port N)
 *   mode=cpuid   the CPUID bits and MSRs the tree's CPUID policy sets (cpuid.c)
 *   mode=virq-debug  binds VIRQ_DEBUG, waits for it (debug key 'q'), then PASS
 *   mode=balloon gives pages back and reboots; each boot checks that all
 *                are there again (memory.c)
 */
#include <stdbool.h>
#include <stdint.h>

#include <public/arch-x86/cpuid.h>
#include <public/arch-x86/e820.h>
#include <public/arch-x86/hvm/start_info.h>
#include <public/arch-x86/shared_info.h>
#include <public/event_channel.h>
#include <public/features.h>
#include <public/vcpu.h>
#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <public/io/console.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/version.h>
#include <public/xen.h>
#include <public/tessera/shm.h>

#include "abi-test.h"
#include "guest.h"
#include "xen-guest.h"
#include "xen-hypercall.h"

void guest_main(const struct hvm_start_info *si);
void guest_interrupt(uint64_t vector);

/* Set by the exception handlers of lib/trap-entry.S; fault_skip is how far they move RIP. */
extern volatile uint32_t fault_vector;
extern volatile uint64_t fault_skip;

#define OUTSIDE_GVA      0x40000000ull /* mapped by lib/trap-entry.S to gpa 1 GiB: not RAM */
#define UNMAPPED_GVA     0x80000000ull /* no guest page table maps it */
#define NONCANONICAL_GVA 0x0000800000000000ull

static uint8_t hypercall_page[4096] __attribute__((aligned(4096)));
static uint8_t hypercall_page_again[4096] __attribute__((aligned(4096)));
static unsigned int checks, failures;

static void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}

static long hypercall(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3)
{
    return xen_hypercall_via(hypercall_page, nr, a1, a2, a3);
}

/*
 * The hypervisor's call instruction: VMCALL on Intel VMX, VMMCALL on AMD SVM
 * (the other one is #UD), as the hypercall page the hypervisor writes uses.
 */
static bool on_intel(void)
{
    uint32_t a, b, c, d;

    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0), "c"(0));
    return b == 0x756E6547u; /* "Genu" */
}

/* The call instruction without the hypercall page, for numbers beyond its 128 stubs. */
static long direct_hypercall(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3)
{
    long ret;

    if (on_intel())
        __asm__ volatile("vmcall"
                         : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3)
                         : "a"(nr)
                         : "memory", "rcx", "r8", "r9", "r10", "r11");
    else
        __asm__ volatile("vmmcall"
                         : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3)
                         : "a"(nr)
                         : "memory", "rcx", "r8", "r9", "r10", "r11");
    return ret;
}

long abi_hypercall(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3)
{
    return hypercall(nr, a1, a2, a3);
}

static void console_write(const char *s, size_t len)
{
    hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, len, (uint64_t)(uintptr_t)s);
}

void check(bool ok, const char *what)
{
    checks++;
    if (!ok) {
        failures++;
        guest_puts("FAIL: ");
        guest_puts(what);
        guest_puts("\n");
    }
}

uint64_t rdmsr_checked(uint32_t msr, uint32_t *vector)
{
    uint32_t lo = 0, hi = 0;

    fault_vector = NO_FAULT;
    fault_skip = 2;
    __asm__ volatile("rdmsr" : "+a"(lo), "+d"(hi) : "c"(msr) : "memory");
    *vector = fault_vector;
    return ((uint64_t)hi << 32) | lo;
}

uint32_t wrmsr_checked(uint32_t msr, uint64_t v)
{
    fault_vector = NO_FAULT;
    fault_skip = 2;
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
    return fault_vector;
}

uint32_t xsetbv_checked(uint32_t xcr, uint64_t v)
{
    fault_vector = NO_FAULT;
    fault_skip = 3;
    __asm__ volatile("xsetbv" : : "c"(xcr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
    return fault_vector;
}

/* "key=value" word of the command line into buf; false if absent. */
static bool cmdline_word(const struct hvm_start_info *si, const char *key, char *buf, size_t size)
{
    const char *start = guest_cmdline(si), *p;
    size_t k = guest_strlen(key);

    for (p = start; p && (p = guest_cmdline_find(start, p, key)); p++) {
        if (p[k] != '=')
            continue;
        guest_copy_word(p + k + 1, buf, size);
        return true;
    }
    return false;
}

static bool streq(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

/* One line; the hypervisor prefixes it with the domain's name. */
static void say(const char *what)
{
    guest_puts(what);
    guest_puts("\n");
}

void abi_say(const char *what)
{
    say(what);
}

static void shutdown(unsigned int reason)
{
    struct sched_shutdown sd = { .reason = reason };

    hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (uint64_t)(uintptr_t)&sd, 0);
}

void abi_shutdown_reason(unsigned int reason)
{
    shutdown(reason);
}

static void check_cpuid(void)
{
    uint32_t a, b, c, d;

    cpuid(XEN_CPUID_FIRST_LEAF, &a, &b, &c, &d);
    check(b == XEN_CPUID_SIGNATURE_EBX && c == XEN_CPUID_SIGNATURE_ECX &&
              d == XEN_CPUID_SIGNATURE_EDX && a >= XEN_CPUID_FIRST_LEAF + 4,
          "Xen signature at CPUID 0x40000000");
    cpuid(XEN_CPUID_FIRST_LEAF + 1, &a, &b, &c, &d);
    check(a == 0x0004000e, "CPUID 0x40000001: version 4.14");
    cpuid(XEN_CPUID_FIRST_LEAF + 2, &a, &b, &c, &d);
    check(a == 1 && b == XEN_HYPERCALL_PAGE_MSR, "CPUID 0x40000002: one page, MSR 0x40000000");
    cpuid(XEN_CPUID_FIRST_LEAF + 4, &a, &b, &c, &d);
    check((a & XEN_HVM_CPUID_DOMID_PRESENT) && (a & XEN_HVM_CPUID_VCPU_ID_PRESENT) && b == 0 &&
              c != 0,
          "CPUID 0x40000004: vCPU id 0 and a domain id");
    cpuid(1, &a, &b, &c, &d);
    check((c >> 31) & 1, "CPUID 1: hypervisor bit");
    cpuid(0x80000001u, &a, &b, &c, &d);
    check(!((c >> 2) & 1), "CPUID 0x80000001: SVM hidden");
    /* CPUID behind two redundant prefixes: the hypervisor must skip all 4 bytes. */
    a = 0;
    __asm__ volatile(".byte 0x3e, 0x3e; cpuid" : "+a"(a), "=b"(b), "=c"(c), "=d"(d) : : "memory");
    check(a >= 1, "prefixed CPUID executes once and continues");
}

static void check_hypercall_page(void)
{
    uint64_t page = (uintptr_t)hypercall_page;
    /* mov $17, %eax; vmmcall (0F 01 D9) or vmcall (0F 01 C1); ret */
    const uint8_t stub17[] = { 0xB8, 17, 0, 0, 0, 0x0F, 0x01, on_intel() ? 0xC1 : 0xD9, 0xC3 };
    unsigned int i;
    bool same = true;

    check(wrmsr_checked(XEN_HYPERCALL_PAGE_MSR, page | 1) == 13,
          "hypercall MSR with a page index != 0: #GP");
    check(wrmsr_checked(XEN_HYPERCALL_PAGE_MSR, OUTSIDE_GVA) == 13,
          "hypercall MSR outside the domain's RAM: #GP");
    check(wrmsr_checked(XEN_HYPERCALL_PAGE_MSR, page) == NO_FAULT, "hypercall MSR accepted");
    for (i = 0; i < sizeof(stub17); i++)
        same &= hypercall_page[17 * 32 + i] == stub17[i];
    check(same, "hypercall page stub 17: mov $17, %eax; vmmcall/vmcall; ret");
    /* Every write gives the same page (one template, copied). */
    check(wrmsr_checked(XEN_HYPERCALL_PAGE_MSR, (uintptr_t)hypercall_page_again) == NO_FAULT &&
              wrmsr_checked(XEN_HYPERCALL_PAGE_MSR, page) == NO_FAULT,
          "hypercall MSR written twice more");
    for (i = 0, same = true; i < sizeof(hypercall_page); i++)
        same &= hypercall_page[i] == hypercall_page_again[i];
    check(same, "hypercall pages written apart are identical");
    guest_set_output(console_write);
}

/* SSE state survives the vCPU leaving its CPU (the hypervisor saves and restores it). */
static void check_sse_state_kept(void)
{
    uint64_t cr4, in = 0x1122334455667788ull, out = 0;
    unsigned int i;

    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    __asm__ volatile("mov %0, %%cr4" : : "r"(cr4 | (1u << 9))); /* OSFXSR */
    __asm__ volatile("movq %0, %%xmm5" : : "r"(in));
    for (i = 0; i < 20; i++)
        hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
    __asm__ volatile("movq %%xmm5, %0" : "=r"(out));
    check(out == in, "xmm5 kept across 20 yields");
}

/* The subcommands Xen answers an unprivileged HVM/PVH domU, as it answers them. */
static void check_xen_version_rest(void)
{
    struct xen_feature_info fi = { .submap_idx = 0 };
    static struct xen_compile_info info;
    static char cmdline[1024];
    uint8_t handle[16] = { 1 };
    uint64_t virt_start = 0;

    check(hypercall(__HYPERVISOR_xen_version, XENVER_get_features, (uintptr_t)&fi, 0) == 0 &&
              (fi.submap & (1u << XENFEAT_hvm_callback_vector)) &&
              (fi.submap & (1u << XENFEAT_hvm_safe_pvclock)) &&
              (fi.submap & (1u << XENFEAT_auto_translated_physmap)) &&
              !(fi.submap & ((1u << XENFEAT_hvm_pirqs) | (1u << XENFEAT_dom0) |
                             (1u << XENFEAT_writable_descriptor_tables))),
          "xen_version get_features: callback vector, safe pvclock, no pirqs, not dom0");
    fi.submap_idx = 1;
    check(hypercall(__HYPERVISOR_xen_version, XENVER_get_features, (uintptr_t)&fi, 0) == -22,
          "xen_version get_features submap 1: -EINVAL");
    check(hypercall(__HYPERVISOR_xen_version, XENVER_compile_info, (uintptr_t)&info, 0) == 0 &&
              info.compiler[0] && info.compile_date[sizeof(info.compile_date) - 1] == 0,
          "xen_version compile_info");
    check(hypercall(__HYPERVISOR_xen_version, XENVER_platform_parameters, (uintptr_t)&virt_start,
                    0) == 0 &&
              virt_start == 0xFFFF800000000000ull,
          "xen_version platform_parameters: HYPERVISOR_VIRT_START");
    check(hypercall(__HYPERVISOR_xen_version, XENVER_pagesize, 0, 0) == 4096,
          "xen_version pagesize: 4096");
    check(hypercall(__HYPERVISOR_xen_version, XENVER_guest_handle, (uintptr_t)handle, 0) == 0 &&
              handle[0] == 0,
          "xen_version guest_handle");
    check(hypercall(__HYPERVISOR_xen_version, XENVER_commandline, (uintptr_t)cmdline, 0) == 0 &&
              cmdline[0] == '<',
          "xen_version commandline (privileged): <denied>");
    check(hypercall(__HYPERVISOR_xen_version, XENVER_build_id, 0, 0) == -1,
          "xen_version build_id (privileged): -EPERM");
}

static void check_hypercalls(void)
{
    char buf[XEN_EXTRAVERSION_LEN] = { 0 };
    struct sched_shutdown bad = { .reason = 99 };

    check(hypercall(__HYPERVISOR_xen_version, XENVER_version, 0, 0) == 0x0004000e,
          "xen_version: 4.14");
    check(hypercall(__HYPERVISOR_xen_version, XENVER_extraversion, (uintptr_t)buf, 0) == 0 &&
              buf[0] == '.',
          "xen_version extraversion");
    check(hypercall(__HYPERVISOR_xen_version, XENVER_extraversion, UNMAPPED_GVA, 0) == -14,
          "xen_version into an unmapped buffer: -EFAULT");
    {
        static char caps[XEN_CAPABILITIES_INFO_LEN];
        static const char want[] = "hvm-3.0-x86_64 ";
        bool ok =
            hypercall(__HYPERVISOR_xen_version, XENVER_capabilities, (uintptr_t)caps, 0) == 0 &&
            caps[sizeof(caps) - 1] == 0;
        unsigned int i;

        for (i = 0; i + 1 < sizeof(want); i++)
            ok &= caps[i] == want[i];
        check(ok, "xen_version capabilities: hvm-3.0-x86_64 ..., NUL-padded");
    }
    check_xen_version_rest();
    check(hypercall(__HYPERVISOR_xen_version, 99, 0, 0) == -38, "xen_version 99: -ENOSYS");
    check(hypercall(63, 0, 0, 0) == -38, "hypercall 63: -ENOSYS");
    check(direct_hypercall(0x10000, 0, 0, 0) == -38, "hypercall 0x10000: -ENOSYS");
    check(direct_hypercall(__HYPERVISOR_xen_version, XENVER_version, 0, 0) == 0x0004000e,
          "direct hypercall instruction");
    check(hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, 16, OUTSIDE_GVA + 0x1000) == -14,
          "console_io from memory outside the domain: -EFAULT");
    check(hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, 16, UNMAPPED_GVA) == -14,
          "console_io from an unmapped address: -EFAULT");
    check(hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, 16, NONCANONICAL_GVA) == -14,
          "console_io from a non-canonical address: -EFAULT");
    check(hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, 1ull << 40, (uintptr_t)buf) == -22,
          "console_io of 1 TiB: -EINVAL");
    check(hypercall(__HYPERVISOR_console_io, CONSOLEIO_read, 1, (uintptr_t)buf) == 0,
          "console_io read with no input pending: 0");
    check(hypercall(__HYPERVISOR_console_io, 7, 1, (uintptr_t)buf) == -38, "console_io 7: -ENOSYS");
    check(hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0) == 0, "sched_op yield");
    check(hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown, UNMAPPED_GVA, 0) == -14,
          "sched_op shutdown with an unmapped argument: -EFAULT");
    check(hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (uintptr_t)&bad, 0) == -22,
          "sched_op shutdown reason 99: -EINVAL");
    check(hypercall(__HYPERVISOR_sched_op, 77, 0, 0) == -38, "sched_op 77: -ENOSYS");
}

/*
 * The PV console: a ring page the memory map reserves (so it is never taken
 * for RAM) and a port whose remote end is the hypervisor: sends on it are
 * fine, closing it is refused, the parameters cannot be set.
 */
static void check_console_params(const struct e820entry *map, uint32_t nr)
{
    struct xen_hvm_param p = { .domid = DOMID_SELF, .index = HVM_PARAM_CONSOLE_PFN };
    struct evtchn_send send;
    bool reserved = false;
    uint64_t pfn;
    uint32_t i, port;

    check(hypercall(__HYPERVISOR_hvm_op, HVMOP_get_param, (uintptr_t)&p, 0) == 0 && p.value,
          "hvm_op get_param CONSOLE_PFN: the ring's frame");
    pfn = p.value;
    for (i = 0; i < nr; i++)
        reserved |= map[i].type == 2 && map[i].addr <= pfn << 12 &&
                    map[i].addr + map[i].size >= (pfn + 1) << 12;
    check(reserved, "memory map: the console ring's frame is reserved");
    p = (struct xen_hvm_param){ .domid = DOMID_SELF, .index = HVM_PARAM_CONSOLE_EVTCHN };
    check(hypercall(__HYPERVISOR_hvm_op, HVMOP_get_param, (uintptr_t)&p, 0) == 0 && p.value &&
              p.value < 4096,
          "hvm_op get_param CONSOLE_EVTCHN: a port");
    port = (uint32_t)p.value;
    send.port = port;
    check(hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_send, (uintptr_t)&send, 0) == 0,
          "send on the console port");
    check(hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_close, (uintptr_t)&port, 0) == -22,
          "close of the console port: -EINVAL");
    check(hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_send, (uintptr_t)&send, 0) == 0,
          "send on the console port after the refused close");
    p = (struct xen_hvm_param){ .domid = DOMID_SELF,
                                .index = HVM_PARAM_CONSOLE_PFN,
                                .value = pfn + 1 };
    check(hypercall(__HYPERVISOR_hvm_op, HVMOP_set_param, (uintptr_t)&p, 0) == -1,
          "hvm_op set_param CONSOLE_PFN: -EPERM");
}

static void check_memory_and_params(void)
{
    extern char __image_start[], __image_end[];
    struct e820entry map[32];
    struct xen_memory_map mm = { .nr_entries = 32, .buffer = (uintptr_t)map };
    struct xen_hvm_param p = { .domid = DOMID_SELF, .index = HVM_PARAM_STORE_PFN, .value = 77 };
    bool holds_image = false;
    uint32_t i, nr_map;

    check(hypercall(__HYPERVISOR_memory_op, XENMEM_memory_map, (uintptr_t)&mm, 0) == 0 &&
              mm.nr_entries > 0 && mm.nr_entries <= 32,
          "memory_op memory_map");
    nr_map = mm.nr_entries < 32 ? mm.nr_entries : 32;
    for (i = 0; i < nr_map; i++)
        holds_image |= map[i].type == 1 && map[i].addr <= (uintptr_t)__image_start &&
                       map[i].addr + map[i].size >= (uintptr_t)__image_end;
    check(holds_image, "memory map: a RAM entry holds this image");
    mm = (struct xen_memory_map){ .nr_entries = 1, .buffer = (uintptr_t)map };
    check(hypercall(__HYPERVISOR_memory_op, XENMEM_memory_map, (uintptr_t)&mm, 0) == 0 &&
              mm.nr_entries == 1,
          "memory_map into a one-entry buffer: one entry");
    mm = (struct xen_memory_map){ .nr_entries = 32, .buffer = OUTSIDE_GVA };
    check(hypercall(__HYPERVISOR_memory_op, XENMEM_memory_map, (uintptr_t)&mm, 0) == -14,
          "memory_map into memory outside the domain: -EFAULT");
    check(hypercall(__HYPERVISOR_memory_op, 99, 0, 0) == -38, "memory_op 99: -ENOSYS");
    check(hypercall(__HYPERVISOR_hvm_op, HVMOP_get_param, (uintptr_t)&p, 0) == 0 && p.value == 0,
          "hvm_op get_param STORE_PFN: 0 (no xenstore)");
    check_console_params(map, nr_map);
    p = (struct xen_hvm_param){ .domid = 999, .index = HVM_PARAM_CONSOLE_EVTCHN };
    check(hypercall(__HYPERVISOR_hvm_op, HVMOP_get_param, (uintptr_t)&p, 0) == -1,
          "hvm_op get_param of another domain: -EPERM");
    p = (struct xen_hvm_param){ .domid = DOMID_SELF, .index = 1000 };
    check(hypercall(__HYPERVISOR_hvm_op, HVMOP_get_param, (uintptr_t)&p, 0) == -22,
          "hvm_op get_param 1000: -EINVAL");
    check(hypercall(__HYPERVISOR_hvm_op, HVMOP_get_param, UNMAPPED_GVA, 0) == -14,
          "hvm_op get_param with an unmapped argument: -EFAULT");
}

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
    return ((uint64_t)hi << 32) | lo;
}

/* The whole page becomes the shared info page: nothing else may live in it. */
static union {
    struct shared_info s;
    uint8_t page[4096];
} shinfo_page __attribute__((aligned(4096)));
#define shinfo (shinfo_page.s)
static volatile uint32_t upcalls;
static volatile uint32_t port_hits[64];

/*
 * Called from lib/trap-entry.S for vectors 32-255: the upcall is Xen's
 * 2-level scan, as Linux does it, or the FIFO queues' once check_fifo()
 * switched to them.
 */
void guest_interrupt(uint64_t vector)
{
    struct vcpu_info *vi = &shinfo.vcpu_info[0];
    uint64_t sel;

    if (vector != ABI_TEST_UPCALL_VECTOR)
        return;
    upcalls++;
    if (abi_fifo_upcall(vi))
        return;
    __atomic_store_n(&vi->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
    sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    while (sel) {
        unsigned int w = (unsigned int)__builtin_ctzll(sel);
        uint64_t pend;

        sel &= sel - 1;
        pend = __atomic_load_n(&shinfo.evtchn_pending[w], __ATOMIC_SEQ_CST) &
               ~__atomic_load_n(&shinfo.evtchn_mask[w], __ATOMIC_SEQ_CST);
        while (pend) {
            unsigned int b = (unsigned int)__builtin_ctzll(pend), port = w * 64 + b;

            pend &= pend - 1;
            __atomic_fetch_and(&shinfo.evtchn_pending[w], ~(1ull << b), __ATOMIC_SEQ_CST);
            if (port < 64)
                port_hits[port]++;
        }
    }
}

const volatile struct vcpu_time_info *abi_vcpu0_time(void)
{
    return &shinfo.vcpu_info[0].time;
}

uint64_t abi_shared_info_gfn(void)
{
    return (uintptr_t)&shinfo_page >> 12;
}

static uint64_t system_time_ns(void)
{
    return xen_vcpu_time_ns(&shinfo.vcpu_info[0].time);
}

static long evtchn_op(unsigned int cmd, void *arg)
{
    return hypercall(__HYPERVISOR_event_channel_op, cmd, (uintptr_t)arg, 0);
}

/* Blocks (sched_op block, interrupts on) until port has fired once more. */
/*
 * Sleeps until port has had `until` events, interrupts on at the end. The
 * count is read with interrupts off and `sti; hlt` sleeps (STI's shadow
 * keeps the upcall out until the HLT): an upcall that comes after the read
 * stays pending and ends the HLT at once, as Linux's safe_halt. Read with
 * interrupts on, an upcall taken between the read and a SCHEDOP_block was
 * slept through (Xen's SCHEDOP_block too sees only events not yet taken):
 * ping and pong then each waited for the other until the test timed out.
 */
static void wait_hits(unsigned int port, uint32_t until)
{
    __asm__ volatile("cli" : : : "memory");
    while (port_hits[port] < until)
        __asm__ volatile("sti; hlt; cli" : : : "memory");
    __asm__ volatile("sti" : : : "memory");
}

static void check_events(void)
{
    struct xen_add_to_physmap map = { .domid = DOMID_SELF,
                                      .space = XENMAPSPACE_shared_info,
                                      .idx = 0,
                                      .gpfn = (uintptr_t)&shinfo >> 12 };
    struct xen_hvm_param cb = { .domid = DOMID_SELF,
                                .index = HVM_PARAM_CALLBACK_IRQ,
                                .value = (2ull << 56) | ABI_TEST_UPCALL_VECTOR };
    struct evtchn_bind_virq virq = { .virq = VIRQ_TIMER, .vcpu = 0 };
    struct evtchn_bind_ipi ipi = { .vcpu = 0 };
    struct vcpu_set_singleshot_timer ss = { 0 };
    struct vcpu_set_periodic_timer per = { .period_ns = 1000000 };
    struct vcpu_register_vcpu_info rvi = { .mfn = (uintptr_t)&shinfo >> 12, .offset = 4090 };
    uint32_t tp, ip, hits, i, port;
    uint64_t t0, t1;
    bool late_ok = true;

    struct xen_add_to_physmap bad = map;
    bad.gpfn = OUTSIDE_GVA >> 12;
    check(hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, (uintptr_t)&bad, 0) == -22,
          "add_to_physmap shared_info outside the domain's RAM: -EINVAL");
    bad = map;
    bad.space = XENMAPSPACE_grant_table;
    check(hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, (uintptr_t)&bad, 0) == -22,
          "add_to_physmap grant table: -EINVAL");
    check(hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, (uintptr_t)&map, 0) == 0,
          "add_to_physmap shared_info");
    t0 = system_time_ns();
    for (i = 0; i < 100000; i++)
        __asm__ volatile("pause");
    t1 = system_time_ns();
    check(shinfo.vcpu_info[0].time.tsc_to_system_mul != 0 && t0 > 0 && t1 > t0,
          "vcpu_time_info: system time advances");

    cb.value = (2ull << 56) | 5;
    check(hypercall(__HYPERVISOR_hvm_op, HVMOP_set_param, (uintptr_t)&cb, 0) == -22,
          "callback vector 5: -EINVAL");
    cb.value = 3;
    check(hypercall(__HYPERVISOR_hvm_op, HVMOP_set_param, (uintptr_t)&cb, 0) == -22,
          "callback through GSI 3: -EINVAL");
    cb.value = (2ull << 56) | ABI_TEST_UPCALL_VECTOR;
    check(hypercall(__HYPERVISOR_hvm_op, HVMOP_set_param, (uintptr_t)&cb, 0) == 0,
          "callback vector set");
    cb.value = 0;
    check(hypercall(__HYPERVISOR_hvm_op, HVMOP_get_param, (uintptr_t)&cb, 0) == 0 &&
              cb.value == ((2ull << 56) | ABI_TEST_UPCALL_VECTOR),
          "callback vector read back");

    check(evtchn_op(EVTCHNOP_bind_virq, &virq) == 0 && virq.port > 0 && virq.port < 64,
          "bind_virq VIRQ_TIMER");
    tp = virq.port;
    check(evtchn_op(EVTCHNOP_bind_virq, &virq) == -17, "VIRQ_TIMER bound twice: -EEXIST");
    virq = (struct evtchn_bind_virq){ .virq = 99, .vcpu = 0 };
    check(evtchn_op(EVTCHNOP_bind_virq, &virq) == -22, "bind_virq 99: -EINVAL");
    virq = (struct evtchn_bind_virq){ .virq = VIRQ_TIMER, .vcpu = 7 };
    check(evtchn_op(EVTCHNOP_bind_virq, &virq) == -2, "bind_virq on vCPU 7: -ENOENT");

    __asm__ volatile("sti");
    for (i = 0; i < 5; i++) {
        long rc;

        hits = port_hits[tp];
        /* -ETIME if this vCPU lost its CPU for 2 ms meanwhile: then again. */
        do {
            ss.timeout_abs_ns = system_time_ns() + 2000000;
            ss.flags = VCPU_SSHOTTMR_future;
            rc = hypercall(__HYPERVISOR_vcpu_op, VCPUOP_set_singleshot_timer, 0, (uintptr_t)&ss);
        } while (rc == -62);
        check(rc == 0, "singleshot timer set");
        if (rc == 0)
            wait_hits(tp, hits + 1);
        late_ok &= system_time_ns() >= ss.timeout_abs_ns;
    }
    check(late_ok,
          "5 singleshot timers of 2 ms: VIRQ_TIMER after each deadline, blocked meanwhile");
    ss.timeout_abs_ns = 1;
    check(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_set_singleshot_timer, 0, (uintptr_t)&ss) == -62,
          "singleshot timer in the past with VCPU_SSHOTTMR_future: -ETIME");
    check(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_set_singleshot_timer, 1, (uintptr_t)&ss) == -2,
          "singleshot timer of vCPU 1 (none): -ENOENT");

    hits = port_hits[tp];
    t0 = system_time_ns();
    check(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_set_periodic_timer, 0, (uintptr_t)&per) == 0,
          "periodic timer 1 ms");
    wait_hits(tp, hits + 10);
    t1 = system_time_ns();
    check(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_stop_periodic_timer, 0, 0) == 0 &&
              t1 - t0 >= 9000000,
          "10 periodic ticks take at least 9 ms");
    per.period_ns = 1000;
    check(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_set_periodic_timer, 0, (uintptr_t)&per) == -22,
          "periodic timer of 1 us: -EINVAL");
    per.period_ns = ~0ull; /* would wrap the deadline: a timer storm on the CPU */
    check(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_set_periodic_timer, 0, (uintptr_t)&per) == -22,
          "periodic timer of 2^64-1 ns: -EINVAL");

    check(evtchn_op(EVTCHNOP_bind_ipi, &ipi) == 0 && ipi.port > 0 && ipi.port < 64, "bind_ipi");
    ip = ipi.port;
    port = ip;
    hits = port_hits[ip];
    check(evtchn_op(EVTCHNOP_send, &port) == 0 && port_hits[ip] == hits + 1,
          "send on an IPI channel: upcall on return");
    __atomic_fetch_or(&shinfo.evtchn_mask[0], 1ull << ip, __ATOMIC_SEQ_CST);
    check(evtchn_op(EVTCHNOP_send, &port) == 0 && port_hits[ip] == hits + 1,
          "send on a masked channel: no upcall");
    {
        struct sched_poll poll = { .ports = (uintptr_t)&port, .nr_ports = 1 };
        uint32_t timer_port = tp;

        check(hypercall(__HYPERVISOR_sched_op, SCHEDOP_poll, (uintptr_t)&poll, 0) == 0,
              "poll on a pending masked port returns at once");
        poll = (struct sched_poll){ .ports = (uintptr_t)&timer_port,
                                    .nr_ports = 1,
                                    .timeout = system_time_ns() + 2000000 };
        t0 = system_time_ns();
        check(hypercall(__HYPERVISOR_sched_op, SCHEDOP_poll, (uintptr_t)&poll, 0) == 0 &&
                  system_time_ns() >= poll.timeout,
              "poll with a 2 ms timeout: back after it");
        poll.nr_ports = 1000;
        check(hypercall(__HYPERVISOR_sched_op, SCHEDOP_poll, (uintptr_t)&poll, 0) == -22,
              "poll on 1000 ports: -EINVAL");
        poll = (struct sched_poll){ .ports = UNMAPPED_GVA, .nr_ports = 2 };
        check(hypercall(__HYPERVISOR_sched_op, SCHEDOP_poll, (uintptr_t)&poll, 0) == -14,
              "poll with an unmapped port list: -EFAULT");
        timer_port = 5000;
        poll = (struct sched_poll){ .ports = (uintptr_t)&timer_port, .nr_ports = 1 };
        check(hypercall(__HYPERVISOR_sched_op, SCHEDOP_poll, (uintptr_t)&poll, 0) == -22,
              "poll on port 5000: -EINVAL");
    }
    check(evtchn_op(EVTCHNOP_unmask, &port) == 0 && port_hits[ip] == hits + 2,
          "unmask: the pending event arrives");
    check(evtchn_op(EVTCHNOP_close, &port) == 0, "close");
    check(evtchn_op(EVTCHNOP_send, &port) == -22, "send on a closed port: -EINVAL");
    check(evtchn_op(EVTCHNOP_close, &port) == -22, "close twice: -EINVAL");
    port = 5000;
    check(evtchn_op(EVTCHNOP_send, &port) == -22, "send on port 5000: -EINVAL");

    /* An inter-domain channel with itself: alloc_unbound, then bind_interdomain. */
    {
        struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
        struct evtchn_bind_interdomain bi = { .remote_dom = DOMID_SELF };
        uint32_t a, b, ha, hb;

        check(evtchn_op(EVTCHNOP_alloc_unbound, &au) == 0 && au.port > 0 && au.port < 64,
              "alloc_unbound");
        a = au.port;
        bi.remote_port = a;
        check(evtchn_op(EVTCHNOP_bind_interdomain, &bi) == 0 && bi.local_port > 0 &&
                  bi.local_port < 64 && bi.local_port != a,
              "bind_interdomain to it");
        b = bi.local_port;
        check(evtchn_op(EVTCHNOP_bind_interdomain, &bi) == -22,
              "bind_interdomain to a bound port: -EINVAL");
        ha = port_hits[a];
        hb = port_hits[b];
        port = b;
        check(evtchn_op(EVTCHNOP_send, &port) == 0 && port_hits[a] == ha + 1 && port_hits[b] == hb,
              "send on one end: the other end fires");
        port = a;
        check(evtchn_op(EVTCHNOP_send, &port) == 0 && port_hits[b] == hb + 1, "and the other way");
        check(evtchn_op(EVTCHNOP_close, &port) == 0, "close one end");
        port = b;
        check(evtchn_op(EVTCHNOP_send, &port) == 0 && port_hits[a] == ha + 1,
              "send after the remote end closed: dropped");
        au = (struct evtchn_alloc_unbound){ .dom = 999, .remote_dom = DOMID_SELF };
        check(evtchn_op(EVTCHNOP_alloc_unbound, &au) == -1,
              "alloc_unbound for another domain: -EPERM");
        bi = (struct evtchn_bind_interdomain){ .remote_dom = 999, .remote_port = 1 };
        check(evtchn_op(EVTCHNOP_bind_interdomain, &bi) == -3,
              "bind_interdomain to no such domain: -ESRCH");
        evtchn_op(EVTCHNOP_close, &port);
    }
    check(evtchn_op(EVTCHNOP_send, (void *)(uintptr_t)UNMAPPED_GVA) == -14,
          "send with an unmapped argument: -EFAULT");
    check(evtchn_op(99, &port) == -38, "event_channel_op 99: -ENOSYS");
    __asm__ volatile("cli");

    check(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_is_up, 0, 0) == 1, "vcpu_op is_up 0");
    check(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_is_up, 5, 0) == -2, "vcpu_op is_up 5: -ENOENT");
    check(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 0, (uintptr_t)&rvi) == -22,
          "register_vcpu_info across a page end: -EINVAL");
    check(upcalls > 0, "upcalls through the callback vector");
}

/* Two pages: a runstate area may straddle them (Xen does not ask for alignment). */
static union {
    struct vcpu_runstate_info at_start;
    uint8_t pages[8192];
} runstate_pages __attribute__((aligned(4096)));
#define HV_RANGE_GVA 0xFFFF800000000000ull /* Xen's own range in a PV guest: nothing here */

static long register_runstate(uint64_t vcpuid, uint64_t addr)
{
    struct vcpu_register_runstate_memory_area area = { .addr = addr };

    return hypercall(__HYPERVISOR_vcpu_op, VCPUOP_register_runstate_memory_area, vcpuid,
                     (uintptr_t)&area);
}

static uint64_t runstate_sum(const volatile struct vcpu_runstate_info *rs)
{
    return rs->time[0] + rs->time[1] + rs->time[2] + rs->time[3];
}

/* Xen's area: rewritten at each switch; the current state's time is not in time[]. */
static void check_runstate_area(void)
{
    volatile struct vcpu_runstate_info *rs = &runstate_pages.at_start;
    volatile struct vcpu_runstate_info *straddling = (void *)(runstate_pages.pages + 4096 - 20);
    uint32_t never_pending = 4095; /* the 2-level ABI's last port: never bound here */
    struct sched_poll poll = { .ports = (uintptr_t)&never_pending, .nr_ports = 1 };
    uint64_t entry0, sum0, run0, blocked0, now;
    unsigned int i;

    rs->state = -1;
    check(register_runstate(0, (uintptr_t)rs) == 0 && rs->state == RUNSTATE_running,
          "register_runstate_memory_area: written at once, running");
    now = system_time_ns();
    check(rs->state_entry_time > 0 && rs->state_entry_time <= now &&
              runstate_sum(rs) <= rs->state_entry_time,
          "runstate area: entered running before now, time[] sum before that");
    entry0 = rs->state_entry_time;
    sum0 = runstate_sum(rs);
    run0 = rs->time[RUNSTATE_running];
    for (i = 0; i < 20; i++)
        yield();
    check(rs->state == RUNSTATE_running && rs->state_entry_time > entry0 &&
              rs->time[RUNSTATE_running] > run0,
          "runstate area after yields: running again, since later, time[running] grew");
    /*
     * Each switch adds the time since the last one to the state left: the sum
     * grows as state_entry_time does (1 us of slack for clocks read on
     * different CPUs).
     */
    {
        uint64_t dsum = runstate_sum(rs) - sum0, dentry = rs->state_entry_time - entry0;

        check(dentry > 0 && dsum + 1000 >= dentry && dentry + 1000 >= dsum,
              "runstate area: time[] sum grew by as much as state_entry_time");
    }
    /* The poll does not block if this vCPU lost its CPU for 2 ms meanwhile: then again. */
    blocked0 = rs->time[RUNSTATE_blocked];
    for (i = 0; i < 100 && rs->time[RUNSTATE_blocked] == blocked0; i++) {
        poll.timeout = system_time_ns() + 2000000;
        check(hypercall(__HYPERVISOR_sched_op, SCHEDOP_poll, (uintptr_t)&poll, 0) == 0 &&
                  system_time_ns() >= poll.timeout,
              "sched_op poll 2 ms on a port never pending");
    }
    check(rs->state == RUNSTATE_running && rs->time[RUNSTATE_blocked] > blocked0,
          "runstate area after blocking: running, time[blocked] grew");

    straddling->state = -1;
    check(register_runstate(0, (uintptr_t)straddling) == 0 && straddling->state == RUNSTATE_running,
          "runstate area across a page boundary: written");
    yield();
    check(straddling->state == RUNSTATE_running && straddling->state_entry_time > entry0,
          "runstate area across a page boundary: updated");

    check(register_runstate(5, (uintptr_t)rs) == -2,
          "register_runstate_memory_area for vCPU 5: -ENOENT");
    check(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_register_runstate_memory_area, 0, UNMAPPED_GVA) ==
              -14,
          "register_runstate_memory_area with an unmapped argument: -EFAULT");
    check(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_register_runstate_memory_area, 0,
                    NONCANONICAL_GVA) == -14,
          "register_runstate_memory_area with a non-canonical argument: -EFAULT");
    /* As Xen for HVM: any address is taken; the copies that cannot be made are skipped. */
    check(register_runstate(0, UNMAPPED_GVA) == 0 && register_runstate(0, NONCANONICAL_GVA) == 0 &&
              register_runstate(0, HV_RANGE_GVA) == 0 && register_runstate(0, OUTSIDE_GVA) == 0,
          "runstate area unmapped, non-canonical, in Xen's range, outside the domain: taken");
    for (i = 0; i < 5; i++)
        yield();
    rs->state = -1;
    check(register_runstate(0, (uintptr_t)rs) == 0 && rs->state == RUNSTATE_running,
          "runstate area registered again");
    check(register_runstate(0, 0) == 0, "runstate area unregistered");
    rs->state = -1;
    for (i = 0; i < 5; i++)
        yield();
    check(rs->state == -1, "no runstate area: no more updates");
}

/*
 * A 16-bit code segment (GDT selector 0x18, compatibility mode) whose IP
 * wraps: CPUID at 0xFFFE exits to the hypervisor, which must resume at IP 0
 * (the IP is 16 bits wide there), not at 0x10000. Each place stores a
 * marker in SI and jumps back to 64-bit code.
 */
#define CODE16_SEL 0x18
static uint8_t code16[0x10000 + 16] __attribute__((aligned(16)));

static void code16_marker_and_return(uint8_t *p, uint16_t marker)
{
    p[0] = 0xBE; /* mov $marker, %si */
    p[1] = (uint8_t)marker;
    p[2] = (uint8_t)(marker >> 8);
    p[3] = 0x66; /* ljmpl $0x08, $<offset at p + 5, set below> */
    p[4] = 0xEA;
    p[9] = 0x08;
    p[10] = 0x00;
}

static void check_ip_wraps_in_16bit_code(void)
{
    struct __attribute__((packed)) {
        uint16_t limit;
        uint64_t base;
    } gdtr;
    uint64_t base = (uintptr_t)code16, *gdt, si;

    __asm__ volatile("sgdt %0" : "=m"(gdtr));
    gdt = (uint64_t *)(uintptr_t)gdtr.base;
    /* Present, DPL 0, execute/read, D = 0 and L = 0: 16-bit; limit 0xFFFFF, bytes. */
    gdt[CODE16_SEL / 8] = 0xFFFFull | (base & 0xFFFFFF) << 16 | 0x9Aull << 40 | 0xFull << 48 |
                          ((base >> 24) & 0xFF) << 56;
    code16_marker_and_return(code16, 0x1111);           /* IP 0: right */
    code16_marker_and_return(code16 + 0x10000, 0x2222); /* IP 0x10000: wrong */
    code16[0xFFFE] = 0x0F;                              /* cpuid */
    code16[0xFFFF] = 0xA2;
    __asm__ volatile("cli\n\t"
                     "lea 1f(%%rip), %%rax\n\t"
                     "mov %%eax, 5(%[at0])\n\t"
                     "mov %%eax, 5(%[at64k])\n\t"
                     "xor %%esi, %%esi\n\t"
                     "xor %%eax, %%eax\n\t"
                     "pushq %[sel]\n\t"
                     "pushq $0xFFFE\n\t"
                     "lretq\n"
                     "1:"
                     : "=S"(si)
                     : [at0] "r"(code16), [at64k] "r"(code16 + 0x10000), [sel] "i"(CODE16_SEL)
                     : "rax", "rbx", "rcx", "rdx", "memory");
    check((uint16_t)si == 0x1111, "16-bit code: CPUID at IP 0xFFFE resumes at IP 0");
}

/* A hypercall from 32-bit code (compatibility mode, GDT selector 0x20): Xen's 32-bit ABI. */
#define HYPERCALL32(insn)                                       \
    __asm__ volatile("pushq $0x20\n\t"                          \
                     "lea 2f(%%rip), %%rax\n\t"                 \
                     "push %%rax\n\t"                           \
                     "mov %[nr], %%eax\n\t"                     \
                     "lretq\n"                                  \
                     ".code32\n"                                \
                     "2: " insn "\n\t"                          \
                     "ljmp $0x08, $3f\n"                        \
                     ".code64\n"                                \
                     "3:"                                       \
                     : "=&a"(ret), "+b"(a1), "+c"(a2), "+d"(a3) \
                     : [nr] "r"(nr)                             \
                     : "rsi", "rdi", "memory")

uint32_t abi_hypercall32(uint32_t nr, uint32_t a1, uint32_t a2, uint32_t a3)
{
    uint64_t ret;

    if (on_intel())
        HYPERCALL32("vmcall");
    else
        HYPERCALL32("vmmcall");
    return (uint32_t)ret;
}

/* 32-bit guests pass Xen's compat layouts (32-bit handles and unsigned longs). */
static void check_compat_layouts(void)
{
    static uint32_t port = 1;
    static struct {
        uint32_t ports, nr_ports;
        uint64_t timeout;
    } __attribute__((packed)) poll;
    static struct {
        uint16_t domid, size;
        uint32_t space, idx, gpfn;
    } map;
    static volatile struct {
        int32_t state;
        uint64_t state_entry_time, time[4];
    } __attribute__((packed)) rs32;
    static uint32_t rs32_handle;
    uint64_t entry;

    rs32.state = -1;
    rs32_handle = (uint32_t)(uintptr_t)&rs32;
    check(abi_hypercall32(__HYPERVISOR_vcpu_op, VCPUOP_register_runstate_memory_area, 0,
                          (uint32_t)(uintptr_t)&rs32_handle) == 0 &&
              rs32.state == RUNSTATE_running && rs32.state_entry_time > 0 &&
              rs32.state_entry_time <= system_time_ns(),
          "32-bit register_runstate_memory_area: 32-bit handle, compat layout");
    entry = rs32.state_entry_time;
    yield();
    check(rs32.state == RUNSTATE_running && rs32.state_entry_time > entry &&
              rs32.time[RUNSTATE_running] > 0,
          "32-bit runstate area: still the compat layout after a switch");
    check(register_runstate(0, 0) == 0, "32-bit runstate area unregistered");

    poll.ports = (uint32_t)(uintptr_t)&port;
    poll.nr_ports = 1;
    poll.timeout = 1; /* long past: returns at once */
    check(abi_hypercall32(__HYPERVISOR_sched_op, SCHEDOP_poll, (uint32_t)(uintptr_t)&poll, 0) == 0,
          "32-bit sched_op poll (compat layout)");
    map = (typeof(map)){ DOMID_SELF, 0, XENMAPSPACE_shared_info, 0,
                         (uint32_t)((uintptr_t)&shinfo_page >> 12) };
    check(abi_hypercall32(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, (uint32_t)(uintptr_t)&map,
                          0) == 0,
          "32-bit add_to_physmap of shared info (compat layout)");
}

/* The MSRs Xen-aware kernels touch, answered as Xen answers a PVH guest: no #GP. */
static void check_xen_aware_kernel_msrs(void)
{
    static const uint32_t amd_model_msrs[] = { 0xC0010015u, 0xC0011029u, 0xC0011020u, 0xC0010055u };
    uint32_t vector, cpuid_regs[4];
    uint64_t v;
    unsigned int i;

    for (i = 0; i < sizeof(amd_model_msrs) / sizeof(amd_model_msrs[0]); i++) {
        rdmsr_checked(amd_model_msrs[i], &vector);
        check(vector == NO_FAULT, "AMD model MSR (HWCR, DE_CFG, LS_CFG, INT_PENDING) reads");
    }
    v = rdmsr_checked(0x1D9u, &vector);
    check(vector == NO_FAULT && v == 0, "DEBUGCTL reads 0");
    check(wrmsr_checked(0x1D9u, 0) == NO_FAULT, "DEBUGCTL write of 0");
    check(wrmsr_checked(0x1D9u, 1u << 6) == 13, "DEBUGCTL reserved bit: #GP");
    v = rdmsr_checked(0xCEu, &vector);
    check(vector == NO_FAULT && (v & (1u << 31)), "PLATFORM_INFO: CPUID faulting offered");
    check(wrmsr_checked(0x140u, 1) == NO_FAULT, "MISC_FEATURES_ENABLES: CPUID faulting on");
    v = rdmsr_checked(0x140u, &vector);
    check(vector == NO_FAULT && v == 1, "MISC_FEATURES_ENABLES reads back");
    /* CPUID at CPL 0 is not affected by faulting. */
    __asm__ volatile("cpuid"
                     : "=a"(cpuid_regs[0]), "=b"(cpuid_regs[1]), "=c"(cpuid_regs[2]),
                       "=d"(cpuid_regs[3])
                     : "a"(0), "c"(0));
    check(cpuid_regs[1] != 0, "CPUID at CPL 0 with faulting on");
    check(wrmsr_checked(0x140u, 2) == 13, "MISC_FEATURES_ENABLES reserved bit: #GP");
    check(wrmsr_checked(0x140u, 0) == NO_FAULT, "MISC_FEATURES_ENABLES: faulting off");
}

static void check_msrs_and_instructions(void)
{
    uint32_t vector;
    uint64_t efer = rdmsr_checked(0xC0000080u, &vector);

    check(vector == NO_FAULT && (efer & (1u << 10)) && !(efer & (1u << 12)),
          "EFER: LMA set, SVME hidden");
    check(wrmsr_checked(0xC0000080u, efer | (1u << 12)) == 13, "setting EFER.SVME: #GP");
    rdmsr_checked(0x12345678u, &vector);
    check(vector == 13, "unknown MSR: #GP");
    rdmsr_checked(0xC0010114u, &vector);
    check(vector == 13, "VM_CR: #GP");
    check_xen_aware_kernel_msrs();
    fault_vector = NO_FAULT;
    fault_skip = 3;
    __asm__ volatile("vmrun" : : "a"(0) : "memory");
    check(fault_vector == 6, "VMRUN: #UD");
    fault_vector = NO_FAULT;
    fault_skip = 3;
    __asm__ volatile("stgi" : : : "memory");
    check(fault_vector == 6, "STGI: #UD");
    /* Port 0xE9 goes to the domain's console. */
    for (const char *p = "e9: debug port output\n"; *p; p++)
        __asm__ volatile("outb %0, $0xe9" : : "a"(*p));
}

/* VCPUOP_is_up answers for every vCPU id the domain has, -ENOENT beyond. */
static uint32_t vcpu_count(void)
{
    uint32_t n = 0;

    while (n < 1024 && hypercall(__HYPERVISOR_vcpu_op, VCPUOP_is_up, n, 0) >= 0)
        n++;
    return n;
}

/*
 * A runstate area registered where nothing is mapped (taken, as Xen does),
 * then mapped by the guest onto shared memory (a 2 MiB page of lib/trap-entry.S's
 * pd1, which maps guest-virtual 1 GiB): the copies made at each switch must
 * not go there.
 */
static void check_runstate_remapped_to_shared(uint64_t shm_gpa)
{
    extern uint64_t pd1[512];
    volatile uint64_t *shared = (volatile uint64_t *)(uintptr_t)shm_gpa;
    uint64_t was = pd1[0];
    unsigned int i;
    bool untouched = true;

    for (i = 0; i < 8; i++)
        shared[i] = 0x5A5A5A5A5A5A5A5Aull;
    check(register_runstate(0, OUTSIDE_GVA) == 0, "runstate area outside the domain: taken");
    pd1[0] = shm_gpa | 0x83;
    __asm__ volatile("invlpg (%0)" : : "r"(OUTSIDE_GVA) : "memory");
    for (i = 0; i < 5; i++)
        yield();
    register_runstate(0, 0);
    pd1[0] = was;
    __asm__ volatile("invlpg (%0)" : : "r"(OUTSIDE_GVA) : "memory");
    for (i = 0; i < 8; i++)
        untouched &= shared[i] == 0x5A5A5A5A5A5A5A5Aull;
    check(untouched, "runstate area later mapped onto shared memory: not written there");
}

/*
 * The hypervisor keeps the shared info, vcpu_info and runstate areas only in
 * the domain's own RAM: never in static shared memory (the tree gives this
 * domain "abi-shm") nor in the PV console ring it serves. Each refused call
 * leaves the areas where they were; the shared info is mapped back anyway,
 * so that a hypervisor that took one does not break the checks after it.
 */
static void check_areas_only_in_own_ram(const struct hvm_start_info *si)
{
    const struct tessera_shm_entry *shm = guest_shm_find(si, "abi-shm");
    struct xen_hvm_param p = { .domid = DOMID_SELF, .index = HVM_PARAM_CONSOLE_PFN };
    struct xen_add_to_physmap map = { .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info };
    struct vcpu_register_vcpu_info rvi = { .offset = 64 };
    uint64_t frames[2], shinfo_gfn = (uintptr_t)&shinfo >> 12;
    static const char *const what[2] = { "static shared memory", "the console ring page" };
    unsigned int i;

    check(shm && (shm->flags & TESSERA_SHM_WRITABLE), "shared memory abi-shm, writable");
    check(hypercall(__HYPERVISOR_hvm_op, HVMOP_get_param, (uintptr_t)&p, 0) == 0 && p.value,
          "console ring frame");
    if (!shm || !p.value)
        return;
    frames[0] = shm->gpa >> 12;
    frames[1] = p.value;
    for (i = 0; i < 2; i++) {
        long rc;

        guest_puts("areas in ");
        guest_puts(what[i]);
        guest_puts(": refused\n");
        map.gpfn = frames[i];
        rc = hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, (uintptr_t)&map, 0);
        check(rc == -22, "add_to_physmap shared_info there: -EINVAL");
        if (rc == 0) {
            map.gpfn = shinfo_gfn;
            hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, (uintptr_t)&map, 0);
        }
        rvi.mfn = frames[i];
        check(hypercall(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 0, (uintptr_t)&rvi) == -22,
              "register_vcpu_info there: -EINVAL");
        check(register_runstate(0, frames[i] << 12) == -22,
              "register_runstate_memory_area there (identity-mapped): -EINVAL");
        check(abi_register_time_area(0, frames[i] << 12) == -22,
              "register_vcpu_time_memory_area there: -EINVAL");
        check(abi_fifo_init_control(0, frames[i], 0) == -22, "FIFO init_control there: -EINVAL");
        register_runstate(0, 0);
    }
    check_runstate_remapped_to_shared(shm->gpa);
}

/* No performance counters are offered: RDPMC raises #GP, whatever counter it names. */
static void check_rdpmc(void)
{
    uint32_t lo, hi;

    fault_vector = NO_FAULT;
    fault_skip = 2;
    __asm__ volatile("rdpmc" : "=a"(lo), "=d"(hi) : "c"(0) : "memory");
    check(fault_vector == 13, "RDPMC of counter 0: #GP");
    fault_vector = NO_FAULT;
    __asm__ volatile("rdpmc" : "=a"(lo), "=d"(hi) : "c"(0x80000000u) : "memory");
    check(fault_vector == 13, "RDPMC of a counter that does not exist: #GP");
}

/*
 * Guest-physical memory that is neither RAM nor a device (the domain's
 * default tessera,unmapped-access, "ignore"): as Xen's PVH domU, a read
 * returns all ones and a write is dropped.
 */
static void check_unmapped_access(void)
{
    volatile uint64_t *outside = (volatile uint64_t *)(uintptr_t)OUTSIDE_GVA;
    volatile uint32_t *outside32 = (volatile uint32_t *)(uintptr_t)(OUTSIDE_GVA + 0x1004);

    check(*outside == ~0ull, "unmapped guest-physical memory reads all ones (64-bit mov)");
    *outside32 = 0x12345678;
    check(*outside32 == 0xFFFFFFFFu, "a write to unmapped guest-physical memory is dropped");
}

static void run_abi(const struct hvm_start_info *si)
{
    check_cpuid();
    check_hypercall_page();
    check_hypercalls();
    check_acpi(si, vcpu_count());
    check_sse_state_kept();
    check_memory_and_params();
    check_events();
    check_runstate_area();
    check_reservation();
    check_time_area();
    check_msrs_and_instructions();
    check_ip_wraps_in_16bit_code();
    check_compat_layouts();
    check_rdpmc();
    check_areas_only_in_own_ram(si);
    check_unmapped_access();
    check_fifo(); /* last: the domain stays on the FIFO ABI */
    finish();
}

void finish(void)
{
    guest_puts("abi-test: ");
    guest_puts(failures ? "FAIL" : "PASS");
    guest_puts(" (");
    guest_put_dec(checks);
    guest_puts(" checks, ");
    guest_put_dec(failures);
    guest_puts(" failed)\n");
    shutdown(failures ? SHUTDOWN_crash : SHUTDOWN_poweroff);
}

void yield(void)
{
    hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
}

/*
 * One step of the PV console ring, with interrupts off in the hypervisor:
 * the notify (EVTCHNOP_send on the console port) of an empty ring, and one
 * that takes a full step (a 255-byte line and its newline) to the serial
 * port, against the same line through console_io. 50 lines each: twice
 * that is within the domain's serial burst, so every one is printed.
 */
static void bench_console_ring(uint64_t khz)
{
    const uint64_t n = 50;
    struct xen_hvm_param p = { .domid = DOMID_SELF, .index = HVM_PARAM_CONSOLE_PFN };
    volatile struct xencons_interface *r;
    struct evtchn_send send;
    char line[256];
    uint64_t t, step, total = 0, longest = 0, i, j;

    hypercall(__HYPERVISOR_hvm_op, HVMOP_get_param, (uintptr_t)&p, 0);
    r = (volatile struct xencons_interface *)(uintptr_t)(p.value << 12);
    p = (struct xen_hvm_param){ .domid = DOMID_SELF, .index = HVM_PARAM_CONSOLE_EVTCHN };
    hypercall(__HYPERVISOR_hvm_op, HVMOP_get_param, (uintptr_t)&p, 0);
    send.port = (uint32_t)p.value;
    t = rdtsc();
    for (i = 0; i < 20000; i++)
        hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_send, (uintptr_t)&send, 0);
    guest_put_bench("console ring notify, empty ring", rdtsc() - t, 20000, khz);
    for (j = 0; j < sizeof(line) - 1; j++)
        line[j] = (char)('a' + j % 26);
    line[sizeof(line) - 1] = '\n';
    for (i = 0; i < n; i++) {
        XENCONS_RING_IDX prod = r->out_prod;

        for (j = 0; j < sizeof(line); j++)
            r->out[MASK_XENCONS_IDX(prod + j, r->out)] = line[j];
        __atomic_store_n(&r->out_prod, prod + (XENCONS_RING_IDX)sizeof(line), __ATOMIC_RELEASE);
        t = rdtsc();
        hypercall(__HYPERVISOR_event_channel_op, EVTCHNOP_send, (uintptr_t)&send, 0);
        step = rdtsc() - t;
        total += step;
        longest = step > longest ? step : longest;
    }
    guest_put_bench("console ring notify taking a 256-byte line", total, n, khz);
    guest_put_bench("console ring notify taking a 256-byte line, the longest", longest, 1, khz);
    t = rdtsc();
    for (i = 0; i < n; i++)
        hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, sizeof(line), (uintptr_t)line);
    guest_put_bench("console_io write of the same line", rdtsc() - t, n, khz);
}

/*
 * A hypercall's round trip against CPUID's, the cheapest exit, in one run:
 * blocks of each, alternated, so that a host busy with other work slows
 * both alike; the fastest block of each is the figure (the least disturbed).
 */
static void bench_hypercall_vs_cpuid(uint64_t khz)
{
    const uint64_t blocks = 40, n = 500;
    uint64_t best_cpuid = ~0ull, best_call = ~0ull, t, i, b;
    uint32_t a, bx, c, d;

    for (b = 0; b < blocks; b++) {
        t = rdtsc();
        for (i = 0; i < n; i++)
            cpuid(0, &a, &bx, &c, &d);
        t = rdtsc() - t;
        best_cpuid = t < best_cpuid ? t : best_cpuid;
        t = rdtsc();
        for (i = 0; i < n; i++)
            hypercall(__HYPERVISOR_xen_version, XENVER_version, 0, 0);
        t = rdtsc() - t;
        best_call = t < best_call ? t : best_call;
    }
    guest_put_bench("CPUID exit, fastest of 40 alternated blocks", best_cpuid, n, khz);
    guest_put_bench("hypercall xen_version (hypercall page), fastest of 40 alternated blocks",
                    best_call, n, khz);
    guest_puts("bench: hypercall / CPUID round trip, alternated blocks: ");
    guest_put_dec(best_call * 1000 / best_cpuid);
    guest_puts(" per mille (bound: 1100)\n");
}

/*
 * Round trips from inside the guest: the cheapest exits (CPUID, whose length
 * the hypervisor reads from guest memory; IN, whose next RIP the CPU gives)
 * and hypercalls; console output by ring and by console_io.
 */
static void run_bench(void)
{
    const uint64_t n = 20000;
    uint32_t a, b, c, d;
    uint64_t khz, t, i;

    cpuid(XEN_CPUID_FIRST_LEAF + 3, &a, &b, &c, &d);
    khz = c ? c : 1;
    t = rdtsc();
    for (i = 0; i < n; i++)
        cpuid(0, &a, &b, &c, &d);
    guest_put_bench("CPUID exit", rdtsc() - t, n, khz);
    t = rdtsc();
    for (i = 0; i < n; i++)
        __asm__ volatile("inb $0x80, %%al" : "=a"(a) : : "memory");
    guest_put_bench("port I/O exit (next RIP from the CPU, no instruction fetch)", rdtsc() - t, n,
                    khz);
    t = rdtsc();
    for (i = 0; i < n; i++)
        hypercall(__HYPERVISOR_xen_version, XENVER_version, 0, 0);
    guest_put_bench("hypercall xen_version (hypercall page)", rdtsc() - t, n, khz);
    t = rdtsc();
    for (i = 0; i < n; i++)
        direct_hypercall(__HYPERVISOR_xen_version, XENVER_version, 0, 0);
    guest_put_bench("hypercall xen_version (direct vmmcall)", rdtsc() - t, n, khz);
    t = rdtsc();
    for (i = 0; i < n; i++)
        direct_hypercall(63, 0, 0, 0);
    guest_put_bench("unknown hypercall (-ENOSYS)", rdtsc() - t, n, khz);
    bench_hypercall_vs_cpuid(khz);
    bench_console_ring(khz);
    shutdown(SHUTDOWN_poweroff);
}

/* Shared info and the callback vector, for the modes that only use events. */
static bool events_setup(void)
{
    struct xen_add_to_physmap map = { .domid = DOMID_SELF,
                                      .space = XENMAPSPACE_shared_info,
                                      .idx = 0,
                                      .gpfn = (uintptr_t)&shinfo >> 12 };
    struct xen_hvm_param cb = { .domid = DOMID_SELF,
                                .index = HVM_PARAM_CALLBACK_IRQ,
                                .value = (2ull << 56) | ABI_TEST_UPCALL_VECTOR };

    return hypercall(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, (uintptr_t)&map, 0) == 0 &&
           hypercall(__HYPERVISOR_hvm_op, HVMOP_set_param, (uintptr_t)&cb, 0) == 0;
}

/*
 * mode=virq-debug: binds VIRQ_DEBUG and waits for it (the hypervisor's
 * debug key 'q' sends it), then PASS.
 */
static void run_virq_debug(void)
{
    struct evtchn_bind_virq virq = { .virq = VIRQ_DEBUG, .vcpu = 0 };

    if (!events_setup() || evtchn_op(EVTCHNOP_bind_virq, &virq) != 0 || virq.port >= 64) {
        say("virq-debug: FAIL: cannot bind VIRQ_DEBUG");
        shutdown(SHUTDOWN_crash);
        return;
    }
    __asm__ volatile("sti");
    say("virq-debug: waiting for VIRQ_DEBUG");
    wait_hits(virq.port, 1);
    say("virq-debug: VIRQ_DEBUG arrived: PASS");
    shutdown(SHUTDOWN_poweroff);
}

static uint32_t parse_u32(const char *p)
{
    uint32_t v = 0;

    while (*p >= '0' && *p <= '9')
        v = v * 10 + (uint32_t)(*p++ - '0');
    return v;
}

/*
 * mode=ping port=N: sends on static channel N and waits for the echo, 20
 * times, then prints the mean round trip. mode=pong port=N: echoes 20 events.
 * The pong domain may not listen yet when the first ping goes out: the event
 * stays pending in its shared info until it maps it.
 */
#define PING_ROUNDS 20

static void run_ping_pong(const struct hvm_start_info *si, bool ping)
{
    char buf[16];
    uint32_t port, i;
    uint64_t t0 = 0;

    if (!cmdline_word(si, "port", buf, sizeof(buf)) || !(port = parse_u32(buf)) || port >= 64 ||
        !events_setup()) {
        say("evtchn: FAIL: no port=N (1-63) or no shared info");
        shutdown(SHUTDOWN_crash);
        return;
    }
    /* Absolute counts: an event may arrive as soon as interrupts are on. */
    __asm__ volatile("sti");
    for (i = 0; i < PING_ROUNDS; i++) {
        uint32_t p = port;

        if (ping) {
            if (i == 1)
                t0 = system_time_ns(); /* round 0 includes the peer's start-up */
            evtchn_op(EVTCHNOP_send, &p);
        }
        wait_hits(port, i + 1);
        if (!ping)
            evtchn_op(EVTCHNOP_send, &p);
    }
    __asm__ volatile("cli");
    if (ping) {
        guest_puts("evtchn: ");
        guest_put_dec(PING_ROUNDS);
        guest_puts(" round trips to the other domain, ");
        guest_put_dec((system_time_ns() - t0) / 1000 / (PING_ROUNDS - 1));
        guest_puts(" us each after the first: PASS\n");
    } else {
        guest_puts("evtchn: echoed ");
        guest_put_dec(PING_ROUNDS);
        guest_puts(" events: PASS\n");
    }
    shutdown(SHUTDOWN_poweroff);
}

static void run_probe(void)
{
    volatile uint64_t *outside = (volatile uint64_t *)(uintptr_t)OUTSIDE_GVA;
    uint64_t v;

    say("probe: reading guest-physical 0x40000000, outside this domain's memory");
    v = *outside;
    guest_puts("probe: FAIL: the read returned ");
    guest_put_hex(v);
    guest_puts("\n");
    shutdown(SHUTDOWN_poweroff);
}

static void run_crash(void)
{
    static const struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) no_idt = { 0, 0 };

    say("crash: triple fault now");
    __asm__ volatile("lidt %0; int3" : : "m"(no_idt));
    say("crash: FAIL: still running");
    shutdown(SHUTDOWN_poweroff);
}

/*
 * The exit the hypervisor's retry of entries QEMU sets up wrongly recognises
 * (decisions.md #20, its second shape): an exit (CPUID), then a triple fault
 * on the very next instruction, so at the RIP, RSP and CR3 the vCPU was
 * entered with. The hypervisor must treat it as the guest's own fault.
 */
static void run_forge(void)
{
    static const struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) no_idt = { 0, 0 };

    say("forge: triple fault on the first instruction after an exit");
    __asm__ volatile("lidt %0; cpuid; ud2"
                     :
                     : "m"(no_idt), "a"(0), "c"(0)
                     : "rbx", "rdx", "memory");
    say("forge: FAIL: still running");
    shutdown(SHUTDOWN_poweroff);
}

static void run_victim(const struct hvm_start_info *si)
{
    char buf[16];
    uint32_t a, b, c, d;
    uint64_t ms = 3000, khz, start, now, t0;

    if (cmdline_word(si, "victim-ms", buf, sizeof(buf))) {
        ms = 0;
        for (const char *p = buf; *p >= '0' && *p <= '9'; p++)
            ms = ms * 10 + (uint64_t)(*p - '0');
    }
    cpuid(XEN_CPUID_FIRST_LEAF + 3, &a, &b, &c, &d);
    khz = c ? c : 1000000;
    say("victim: running");
    __asm__ volatile("rdtsc; shl $32, %%rdx; or %%rdx, %%rax" : "=a"(start) : : "rdx");
    do {
        hypercall(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
        __asm__ volatile("rdtsc; shl $32, %%rdx; or %%rdx, %%rax" : "=a"(now) : : "rdx");
        t0 = (now - start) / khz;
    } while (t0 < ms);
    say("victim: still running after the others: PASS");
    shutdown(SHUTDOWN_poweroff);
}

void guest_main(const struct hvm_start_info *si)
{
    char mode[16] = "abi";
    uint64_t page = (uintptr_t)hypercall_page;

    guest_set_output(guest_write_e9); /* until the hypercall page exists */
    /* First, before anything writes memory or maps a page; in the verdict of the modes with one. */
    checks++;
    if (!check_ram_zeroed(si))
        failures++;
    cmdline_word(si, "mode", mode, sizeof(mode));
    if (streq(mode, "abi")) {
        run_abi(si);
        return;
    }
    /* The other modes only need the hypercall page for output and shutdown. */
    __asm__ volatile("wrmsr"
                     :
                     : "c"(XEN_HYPERCALL_PAGE_MSR), "a"((uint32_t)page),
                       "d"((uint32_t)(page >> 32)));
    guest_set_output(console_write);
    if (streq(mode, "probe"))
        run_probe();
    else if (streq(mode, "crash"))
        run_crash();
    else if (streq(mode, "forge"))
        run_forge();
    else if (streq(mode, "victim"))
        run_victim(si);
    else if (streq(mode, "bench"))
        run_bench();
    else if (streq(mode, "ping") || streq(mode, "pong"))
        run_ping_pong(si, streq(mode, "ping"));
    else if (streq(mode, "cpuid"))
        run_cpuid(si);
    else if (streq(mode, "virq-debug"))
        run_virq_debug();
    else if (streq(mode, "balloon"))
        run_balloon();
    else
        say("FAIL: unknown mode");
}
