// SPDX-License-Identifier: MIT
/*
 * mode=cpuid: checks what the domain's CPUID policy (tessera,cpuid-hide and
 * tessera,cpuid-force in the tree) makes of CPUID and the MSRs behind it.
 * The tree passes what it expects on the command line:
 *   cpuid-clear=LEAF.SUBLEAF.REG.BIT   that bit is 0 (LEAF decimal or 0x hex;
 *   cpuid-set=LEAF.SUBLEAF.REG.BIT     REG eax/ebx/ecx/edx): repeatable
 *   msr-gp=0xMSR                       RDMSR and WRMSR of it #GP (repeatable)
 *   virt-ssbd                          VIRT_SPEC_CTRL.SSBD reads back, other bits #GP
 *   tsc-aux=N                          TSC_AUX starts as the vCPU id (0); after writing
 *                                      N, RDTSCP and RDPID return N across yields
 *                                      (another domain on the CPU writes its own)
 *   xsave=N                            XSAVE with x87, SSE and AVX offered (leaf 0xD),
 *                                      OSXSAVE following CR4, invalid XSETBVs fault,
 *                                      XCR0 = 7 taken, and ymm7 set from N kept
 *                                      across yields (another domain sets its own)
 * and it always checks the leaves derived from other features (XSAVE, AVX).
 */
#include <stdbool.h>
#include <stdint.h>

#include "abi-test.h"
#include "guest.h"

#define MSR_TSC_AUX         0xC0000103u
#define MSR_VIRT_SPEC_CTRL  0xC001011Fu
#define VIRT_SPEC_CTRL_SSBD 4u
#define TSC_AUX_ROUNDS      200
#define X86_CR4_OSXSAVE     (1u << 18)

struct regs {
    uint32_t r[4]; /* EAX, EBX, ECX, EDX */
};

static struct regs cpuid2(uint32_t leaf, uint32_t subleaf)
{
    struct regs o;

    __asm__ volatile("cpuid"
                     : "=a"(o.r[0]), "=b"(o.r[1]), "=c"(o.r[2]), "=d"(o.r[3])
                     : "a"(leaf), "c"(subleaf));
    return o;
}

static bool has(uint32_t leaf, unsigned int reg, unsigned int bit)
{
    return (cpuid2(leaf, 0).r[reg] >> bit) & 1;
}

/* Number at *p (decimal, or hex after 0x); *p moves past it. */
static uint64_t parse_number(const char **p)
{
    const char *s = *p;
    unsigned int base = 10, d;
    uint64_t v = 0;

    if (s[0] == '0' && s[1] == 'x') {
        base = 16;
        s += 2;
    }
    for (;; s++) {
        if (*s >= '0' && *s <= '9')
            d = (unsigned int)(*s - '0');
        else if (base == 16 && *s >= 'a' && *s <= 'f')
            d = (unsigned int)(*s - 'a' + 10);
        else
            break;
        v = v * base + d;
    }
    *p = s;
    return v;
}

/* "LEAF.SUBLEAF.REG.BIT" at p; false if malformed. */
static bool parse_bit(const char *p, uint32_t *leaf, uint32_t *subleaf, unsigned int *reg,
                      unsigned int *bit)
{
    static const char names[4][4] = { "eax", "ebx", "ecx", "edx" };

    *leaf = (uint32_t)parse_number(&p);
    if (*p++ != '.')
        return false;
    *subleaf = (uint32_t)parse_number(&p);
    if (*p++ != '.')
        return false;
    for (*reg = 0; *reg < 4; (*reg)++)
        if (p[0] == names[*reg][0] && p[1] == names[*reg][1] && p[2] == names[*reg][2])
            break;
    if (*reg == 4 || p[3] != '.')
        return false;
    p += 4;
    *bit = (unsigned int)parse_number(&p);
    return *bit < 32 && (*p == ' ' || !*p);
}

/* Every word key=... of the command line, checked against want (bit set or clear). */
static void check_bits(const struct hvm_start_info *si, const char *key, bool want)
{
    const char *start = guest_cmdline(si), *p;
    size_t k = guest_strlen(key);

    for (p = start; p && (p = guest_cmdline_find(start, p, key)); p++) {
        uint32_t leaf, subleaf;
        unsigned int reg, bit;
        char word[48];

        guest_copy_word(p, word, sizeof(word));
        if (!parse_bit(p + k, &leaf, &subleaf, &reg, &bit)) {
            check(false, word);
            continue;
        }
        check(((cpuid2(leaf, subleaf).r[reg] >> bit) & 1) == want, word);
    }
}

static void check_msrs_gp(const struct hvm_start_info *si)
{
    const char *start = guest_cmdline(si), *p;

    for (p = start; p && (p = guest_cmdline_find(start, p, "msr-gp=")); p++) {
        const char *q = p + 7;
        uint32_t msr = (uint32_t)parse_number(&q), vector;
        char word[32];

        guest_copy_word(p, word, sizeof(word));
        rdmsr_checked(msr, &vector);
        check(vector == 13, word);
        check(wrmsr_checked(msr, 0) == 13, word);
    }
}

/* Leaves that follow from others: no XSAVE, no OSXSAVE nor leaf 0xD; no AVX, no FMA/F16C/AVX2. */
static void check_derived(void)
{
    struct regs l1 = cpuid2(1, 0), d = cpuid2(0xD, 0);

    if (!((l1.r[2] >> 26) & 1))
        check(!((l1.r[2] >> 27) & 1) && !(d.r[0] | d.r[1] | d.r[2] | d.r[3]),
              "no XSAVE: no OSXSAVE, leaf 0xD empty");
    if (!((l1.r[2] >> 28) & 1))
        check(!((l1.r[2] >> 12) & 1) && !((l1.r[2] >> 29) & 1) && !has(7, 1, 5),
              "no AVX: no FMA, F16C, AVX2");
}

static void check_virt_ssbd(void)
{
    uint32_t vector;
    uint64_t v = rdmsr_checked(MSR_VIRT_SPEC_CTRL, &vector);

    check(vector == NO_FAULT && v == 0, "VIRT_SPEC_CTRL reads 0 at start");
    check(wrmsr_checked(MSR_VIRT_SPEC_CTRL, VIRT_SPEC_CTRL_SSBD) == NO_FAULT,
          "VIRT_SPEC_CTRL.SSBD written");
    yield();
    v = rdmsr_checked(MSR_VIRT_SPEC_CTRL, &vector);
    check(vector == NO_FAULT && v == VIRT_SPEC_CTRL_SSBD, "VIRT_SPEC_CTRL.SSBD reads back");
    check(wrmsr_checked(MSR_VIRT_SPEC_CTRL, 1) == 13, "VIRT_SPEC_CTRL reserved bit: #GP");
    check(wrmsr_checked(MSR_VIRT_SPEC_CTRL, 0) == NO_FAULT &&
              rdmsr_checked(MSR_VIRT_SPEC_CTRL, &vector) == 0,
          "VIRT_SPEC_CTRL cleared");
}

static uint32_t rdtscp_aux(void)
{
    uint32_t lo, hi, aux;

    __asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
    return aux;
}

static uint64_t rdpid(void)
{
    uint64_t v;

    __asm__ volatile(".byte 0xf3, 0x0f, 0xc7, 0xf8" : "=a"(v)); /* rdpid %rax */
    return v;
}

static void check_tsc_aux(uint32_t value)
{
    bool rdpid_offered = has(7, 2, 22), same = true;
    uint32_t vector;
    unsigned int i;

    check(has(0x80000001u, 3, 27), "RDTSCP offered");
    check(rdtscp_aux() == 0 && rdmsr_checked(MSR_TSC_AUX, &vector) == 0 && vector == NO_FAULT,
          "TSC_AUX starts as the vCPU id");
    check(wrmsr_checked(MSR_TSC_AUX, value) == NO_FAULT, "TSC_AUX written");
    check(wrmsr_checked(MSR_TSC_AUX, 1ull << 32) == 13, "TSC_AUX bits 63:32: #GP");
    for (i = 0; i < TSC_AUX_ROUNDS; i++) {
        yield();
        same &= rdtscp_aux() == value;
        if (rdpid_offered)
            same &= rdpid() == value;
    }
    check(same, "RDTSCP/RDPID return this vCPU's TSC_AUX across switches");
}

static uint64_t xgetbv0(void)
{
    uint32_t lo, hi;

    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

static void check_xsave(uint64_t n)
{
    struct regs d;
    uint64_t cr4, in[4], out[4];
    bool same = true;
    unsigned int i;

    check(has(1, 2, 26) && has(1, 2, 28), "XSAVE and AVX offered");
    check(!has(1, 2, 27), "OSXSAVE clear while CR4.OSXSAVE is");
    check(xsetbv_checked(0, 1) == 6, "XSETBV without CR4.OSXSAVE: #UD");
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    __asm__ volatile("mov %0, %%cr4" : : "r"(cr4 | X86_CR4_OSXSAVE));
    check(has(1, 2, 27), "OSXSAVE set with CR4.OSXSAVE");
    d = cpuid2(0xD, 0);
    /* The standard format's AVX component: 256 bytes at 576 on every CPU. */
    check(d.r[0] == 7 && d.r[3] == 0 && d.r[1] == 576 && d.r[2] == 832,
          "leaf 0xD.0: x87, SSE, AVX; 576 bytes for XCR0 = 1, 832 for all");
    d = cpuid2(0xD, 2);
    check(d.r[0] == 256 && d.r[1] == 576, "leaf 0xD.2: AVX's 256 bytes at 576");
    d = cpuid2(0xD, 5);
    check(!(d.r[0] | d.r[1] | d.r[2] | d.r[3]), "leaf 0xD.5 (AVX-512) empty");
    check(xsetbv_checked(0, 0) == 13, "XSETBV of XCR0 without x87: #GP");
    check(xsetbv_checked(0, 5) == 13, "XSETBV of AVX without SSE: #GP");
    check(xsetbv_checked(0, 0xE7) == 13, "XSETBV of AVX-512 (not offered): #GP");
    check(xsetbv_checked(1, 1) == 13, "XSETBV of XCR1: #GP");
    check(xgetbv0() == 1, "XCR0 still 1");
    check(xsetbv_checked(0, 7) == NO_FAULT && xgetbv0() == 7, "XCR0 = x87|SSE|AVX");
    check(cpuid2(0xD, 0).r[1] == 832, "leaf 0xD.0 EBX: 832 bytes for XCR0 = 7");
    for (i = 0; i < 4; i++)
        in[i] = n * 0x0101010101010101ull + i;
    __asm__ volatile("vmovdqu %0, %%ymm7" : : "m"(in));
    for (i = 0; i < TSC_AUX_ROUNDS; i++) {
        yield();
        __asm__ volatile("vmovdqu %%ymm7, %0" : "=m"(out));
        same &= out[0] == in[0] && out[1] == in[1] && out[2] == in[2] && out[3] == in[3];
    }
    check(same, "ymm7 (both halves) kept across switches");
}

void run_cpuid(const struct hvm_start_info *si)
{
    check_bits(si, "cpuid-clear=", false);
    check_bits(si, "cpuid-set=", true);
    check_derived();
    check_msrs_gp(si);
    if (guest_cmdline_has(si, "virt-ssbd"))
        check_virt_ssbd();
    if (guest_cmdline_u64(si, "tsc-aux", 0))
        check_tsc_aux((uint32_t)guest_cmdline_u64(si, "tsc-aux", 0));
    if (guest_cmdline_u64(si, "xsave", 0))
        check_xsave(guest_cmdline_u64(si, "xsave", 0));
    finish();
}
