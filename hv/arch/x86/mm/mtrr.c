// SPDX-License-Identifier: MIT
/*
 * The host's MTRRs (asm/mtrr.h): read once at boot, then asked for the
 * memory type of each EPT leaf's host-physical range (Intel SDM vol. 3A,
 * 12.11 "Memory Type Range Registers"). Nothing here touches the CPU but
 * through the reader it is given, so the host tests run it on tables of
 * MTRR settings.
 */
#include <arch/x86-defs.h>
#include <asm/mtrr.h>

#define MTRR_CAP_VCNT(cap)   ((unsigned int)((cap)&0xFF))
#define MTRR_CAP_FIX         (1ull << 8)
#define MTRR_DEF_TYPE_FE     (1ull << 10)
#define MTRR_DEF_TYPE_E      (1ull << 11)
#define MTRR_PHYSMASK_VALID  (1ull << 11)
#define MTRR_ADDR_BITS       0x000FFFFFFFFFF000ull
#define MTRR_FIXED_END       0x100000ull /* the fixed ranges cover the first MiB */
#define MTRR_FIXED_16K_START 0x80000ull
#define MTRR_FIXED_4K_START  0xC0000ull

static uint8_t valid_type(uint64_t raw)
{
    uint8_t t = (uint8_t)raw;

    return t == MTRR_TYPE_WC || t == MTRR_TYPE_WT || t == MTRR_TYPE_WP || t == MTRR_TYPE_WB
               ? t
               : MTRR_TYPE_UC;
}

void mtrr_read(struct mtrr_state *s, bool present, uint64_t (*read_msr)(uint32_t msr))
{
    static const uint32_t fixed_msrs[MTRR_FIXED_RANGES / 8] = {
        MSR_MTRR_FIX64K_00000,    MSR_MTRR_FIX16K_80000,    MSR_MTRR_FIX16K_A0000,
        MSR_MTRR_FIX4K_C0000,     MSR_MTRR_FIX4K_C0000 + 1, MSR_MTRR_FIX4K_C0000 + 2,
        MSR_MTRR_FIX4K_C0000 + 3, MSR_MTRR_FIX4K_C0000 + 4, MSR_MTRR_FIX4K_C0000 + 5,
        MSR_MTRR_FIX4K_C0000 + 6, MSR_MTRR_FIX4K_C0000 + 7,
    };
    uint64_t cap, def;

    *s = (struct mtrr_state){ .present = present };
    if (!present)
        return;
    cap = read_msr(MSR_MTRR_CAP);
    def = read_msr(MSR_MTRR_DEF_TYPE);
    s->enabled = (def & MTRR_DEF_TYPE_E) != 0;
    s->fixed_enabled = (def & MTRR_DEF_TYPE_FE) && (cap & MTRR_CAP_FIX);
    s->default_type = valid_type(def);
    s->var_cap = MTRR_CAP_VCNT(cap);
    if (s->fixed_enabled) {
        for (unsigned int i = 0; i < MTRR_FIXED_RANGES / 8; i++) {
            uint64_t types = read_msr(fixed_msrs[i]);

            for (unsigned int j = 0; j < 8; j++)
                s->fixed[i * 8 + j] = valid_type(types >> (8 * j));
        }
    }
    for (unsigned int n = 0; n < s->var_cap && n < MTRR_VAR_MAX; n++) {
        uint64_t mask = read_msr(MSR_MTRR_PHYSMASK(n)), base;

        if (!(mask & MTRR_PHYSMASK_VALID))
            continue;
        base = read_msr(MSR_MTRR_PHYSBASE(n));
        s->var[s->nr_var++] =
            (struct mtrr_range){ base & MTRR_ADDR_BITS, mask & MTRR_ADDR_BITS, valid_type(base) };
    }
}

static uint32_t type_bit(uint8_t type)
{
    return 1u << type;
}

/*
 * One type for every type in the set (bit n: type n): the type itself when
 * there is one, WT for WT and WB, UC otherwise; the SDM's rule for
 * overlapping variable ranges (12.11.4.1) and what is safe for a page whose
 * parts have those types.
 */
static uint8_t conservative(uint32_t types)
{
    if (types == (type_bit(MTRR_TYPE_WT) | type_bit(MTRR_TYPE_WB)))
        return MTRR_TYPE_WT;
    for (uint8_t t = 0; t < 8; t++)
        if (types == type_bit(t))
            return t;
    return MTRR_TYPE_UC;
}

/* The fixed range holding addr (below 1 MiB): its index in fixed[] and its end. */
static unsigned int fixed_index(uint64_t addr, uint64_t *end)
{
    uint64_t from = 0, shift = 16;
    unsigned int first = 0;

    if (addr >= MTRR_FIXED_4K_START) {
        from = MTRR_FIXED_4K_START;
        shift = 12;
        first = 24;
    } else if (addr >= MTRR_FIXED_16K_START) {
        from = MTRR_FIXED_16K_START;
        shift = 14;
        first = 8;
    }
    *end = ((addr >> shift) + 1) << shift;
    return first + (unsigned int)((addr - from) >> shift);
}

/*
 * The types in naturally aligned [start, start + size) (size a power of
 * two) under the variable ranges. A range matches address a when
 * (a & mask) == (base & mask): it covers the whole block when its mask has
 * no bit below size, none of it when the bits above differ, else part.
 * Addresses in no range take the default type.
 */
static uint32_t var_block_types(const struct mtrr_state *s, uint64_t start, uint64_t size)
{
    uint32_t whole = 0, part = 0;

    for (unsigned int i = 0; i < s->nr_var; i++) {
        const struct mtrr_range *r = &s->var[i];

        if ((start ^ r->base) & r->mask & ~(size - 1))
            continue;
        if (r->mask & (size - 1))
            part |= type_bit(r->type);
        else
            whole |= type_bit(r->type);
    }
    return (whole ? whole : type_bit(s->default_type)) | part;
}

uint8_t mtrr_range_type(const struct mtrr_state *s, paddr_t from, uint64_t size)
{
    uint64_t start = paddr_val(from), end = start + size;
    uint32_t types = 0;

    if (!s->present)
        return MTRR_TYPE_WB;
    if (!s->enabled)
        return MTRR_TYPE_UC;
    /* Walked in blocks of one type's rule: each fixed range, then naturally aligned blocks. */
    while (start < end) {
        uint64_t next;

        if (s->fixed_enabled && start < MTRR_FIXED_END) {
            types |= type_bit(s->fixed[fixed_index(start, &next)]);
        } else {
            uint64_t block = start ? start & -start : 1ull << 63;

            while (block > end - start)
                block >>= 1;
            types |= var_block_types(s, start, block);
            next = start + block;
        }
        start = next;
    }
    return conservative(types);
}

const char *mtrr_type_name(uint8_t type)
{
    switch (type) {
    case MTRR_TYPE_WC: return "WC";
    case MTRR_TYPE_WT: return "WT";
    case MTRR_TYPE_WP: return "WP";
    case MTRR_TYPE_WB: return "WB";
    default: return "UC";
    }
}
