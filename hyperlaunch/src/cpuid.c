/* SPDX-License-Identifier: MIT */
/*
 * CPUID features a domain's policy may hide or force, by Xen's names
 * (xen/include/public/arch-x86/cpufeatureset.h). The index in this table is
 * the bit in struct hl_cpuid_policy: append only.
 */
#include <string.h>
#include "internal.h"

#define F(n, l, s, r, b)         \
    {                            \
        n, l, s, HL_CPUID_##r, b \
    }

static const struct hl_cpuid_feature features[] = {
    /* Speculation controls (Xen 4.17 made these settable for dom0 at boot). */
    F("virt-ssbd", 0x80000008, 0, EBX, 25), /* AMD VIRT_SPEC_CTRL.SSBD */
    F("amd-ssbd", 0x80000008, 0, EBX, 24),
    F("ibpb", 0x80000008, 0, EBX, 12),
    F("ibrs", 0x80000008, 0, EBX, 14),
    F("psfd", 0x80000008, 0, EBX, 28),
    F("ibrsb", 7, 0, EDX, 26), /* SPEC_CTRL MSR: IBRS and IBPB */
    F("stibp", 7, 0, EDX, 27),
    F("l1d-flush", 7, 0, EDX, 28),
    F("arch-caps", 7, 0, EDX, 29),
    F("ssbd", 7, 0, EDX, 31),
    F("md-clear", 7, 0, EDX, 10),
    /* Leaf 1 ECX */
    F("sse3", 1, 0, ECX, 0),
    F("pclmulqdq", 1, 0, ECX, 1),
    F("ssse3", 1, 0, ECX, 9),
    F("fma", 1, 0, ECX, 12),
    F("cx16", 1, 0, ECX, 13),
    F("pcid", 1, 0, ECX, 17),
    F("sse4-1", 1, 0, ECX, 19),
    F("sse4-2", 1, 0, ECX, 20),
    F("x2apic", 1, 0, ECX, 21),
    F("movbe", 1, 0, ECX, 22),
    F("popcnt", 1, 0, ECX, 23),
    F("tsc-deadline", 1, 0, ECX, 24),
    F("aesni", 1, 0, ECX, 25),
    F("xsave", 1, 0, ECX, 26),
    F("avx", 1, 0, ECX, 28),
    F("f16c", 1, 0, ECX, 29),
    F("rdrand", 1, 0, ECX, 30),
    /* Leaf 7.0 EBX / ECX */
    F("fsgsbase", 7, 0, EBX, 0),
    F("bmi1", 7, 0, EBX, 3),
    F("hle", 7, 0, EBX, 4),
    F("avx2", 7, 0, EBX, 5),
    F("smep", 7, 0, EBX, 7),
    F("bmi2", 7, 0, EBX, 8),
    F("erms", 7, 0, EBX, 9),
    F("invpcid", 7, 0, EBX, 10),
    F("rtm", 7, 0, EBX, 11),
    F("avx512f", 7, 0, EBX, 16),
    F("rdseed", 7, 0, EBX, 18),
    F("adx", 7, 0, EBX, 19),
    F("smap", 7, 0, EBX, 20),
    F("sha", 7, 0, EBX, 29),
    F("umip", 7, 0, ECX, 2),
    F("pku", 7, 0, ECX, 3),
    /* Extended leaves */
    F("itsc", 0x80000007, 0, EDX, 8), /* invariant TSC */
    /* Appended later */
    F("amd-stibp", 0x80000008, 0, EBX, 15),
    F("rdtscp", 0x80000001, 0, EDX, 27),
    F("rdpid", 7, 0, ECX, 22),
};

_Static_assert(sizeof(features) / sizeof(features[0]) <= 64, "policy masks are 64 bits");

/* Other names users know the same bits by. */
static const struct {
    const char *alias, *name;
} aliases[] = {
    { "spec-ctrl", "ibrsb" },
    { "invtsc", "itsc" },
};

const struct hl_cpuid_feature *hl_cpuid_features(unsigned *count)
{
    *count = sizeof(features) / sizeof(features[0]);
    return features;
}

int hl_cpuid_lookup(const char *name)
{
    for (unsigned i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
        if (strcmp(name, aliases[i].alias) == 0)
            name = aliases[i].name;
    for (unsigned i = 0; i < sizeof(features) / sizeof(features[0]); i++)
        if (strcmp(name, features[i].name) == 0)
            return (int)i;
    return -1;
}
