/* SPDX-License-Identifier: MIT */
/* Control registers, CPUID, interrupt flag and other single-instruction helpers. */
#ifndef ASM_CPU_H
#define ASM_CPU_H

#include <hv/types.h>
#include <arch/x86-defs.h>

struct cpuid_result {
    uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_result cpuid(uint32_t leaf, uint32_t subleaf)
{
    struct cpuid_result r;

    __asm__ volatile("cpuid"
                     : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
                     : "a"(leaf), "c"(subleaf));
    return r;
}

static inline uint32_t cpuid_max_extended_leaf(void)
{
    return cpuid(0x80000000u, 0).eax;
}

/* CPUID 8000_0001 EDX: NX (bit 20) and 1 GiB pages (bit 26). */
static inline bool cpu_has_nx(void)
{
    return cpuid_max_extended_leaf() >= 0x80000001u && (cpuid(0x80000001u, 0).edx & (1u << 20));
}

static inline bool cpu_has_1g_pages(void)
{
    return cpuid_max_extended_leaf() >= 0x80000001u && (cpuid(0x80000001u, 0).edx & (1u << 26));
}

/*
 * Whether the CPU is QEMU's TCG emulator, which names itself in the
 * hypervisor CPUID leaves ("TCGTCGTCGTCG", its tcg-cpuid property, on by
 * default). The workarounds for its defects key on this.
 */
static inline bool cpu_is_qemu_tcg(void)
{
    struct cpuid_result r;

    if (!(cpuid(1, 0).ecx & (1u << 31)))
        return false;
    r = cpuid(0x40000000u, 0);
    return r.ebx == 0x54474354u && r.ecx == 0x43544743u && r.edx == 0x47435447u;
}

/* Initial APIC id of this CPU (CPUID.1:EBX[31:24]). */
static inline uint32_t cpu_initial_apic_id(void)
{
    return cpuid(1, 0).ebx >> 24;
}

/* The vendor string of CPUID 0 by its EBX ("Genu", "Auth", "Hygo"). */
static inline bool cpu_vendor_is_intel(void)
{
    return cpuid(0, 0).ebx == 0x756E6547u;
}

static inline bool cpu_vendor_is_amd_or_hygon(void)
{
    uint32_t ebx = cpuid(0, 0).ebx;

    return ebx == 0x68747541u || ebx == 0x6F677948u;
}

/* The display family of CPUID.1:EAX (base family, plus the extended one when it is 0xF). */
static inline uint32_t cpu_family(void)
{
    uint32_t eax = cpuid(1, 0).eax, family = (eax >> 8) & 0xF;

    return family == 0xF ? family + ((eax >> 20) & 0xFF) : family;
}

/* CPUID.1:ECX[31]: running under a hypervisor. */
static inline bool cpu_under_hypervisor(void)
{
    return cpuid(1, 0).ecx & (1u << 31);
}

#define DEFINE_CR_ACCESSORS(n)                                     \
    static inline uint64_t read_cr##n(void)                        \
    {                                                              \
        uint64_t v;                                                \
        __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));          \
        return v;                                                  \
    }                                                              \
    static inline void write_cr##n(uint64_t v)                     \
    {                                                              \
        __asm__ volatile("mov %0, %%cr" #n : : "r"(v) : "memory"); \
    }
DEFINE_CR_ACCESSORS(0)
DEFINE_CR_ACCESSORS(2)
DEFINE_CR_ACCESSORS(3)
DEFINE_CR_ACCESSORS(4)
#undef DEFINE_CR_ACCESSORS

static inline void invlpg(const void *va)
{
    __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static inline void cpu_relax(void)
{
    __asm__ volatile("pause" ::: "memory");
}

static inline void irq_disable(void)
{
    __asm__ volatile("cli" ::: "memory");
}

static inline void irq_enable(void)
{
    __asm__ volatile("sti" ::: "memory");
}

/* Disables interrupts; returns the previous RFLAGS for irq_restore(). */
static inline unsigned long irq_save(void)
{
    unsigned long flags;

    __asm__ volatile("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
    return flags;
}

static inline void irq_restore(unsigned long flags)
{
    if (flags & X86_RFLAGS_IF)
        irq_enable();
}

#endif
