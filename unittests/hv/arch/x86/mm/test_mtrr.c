// SPDX-License-Identifier: MIT
/*
 * The host MTRRs as EPT's memory types come from them (hv/arch/x86/mm/mtrr.c):
 * tables of MTRR settings, given as MSR values the way a CPU reports them,
 * and the type each range of host-physical memory must get (Intel SDM vol.
 * 3A, 12.11): fixed ranges below 1 MiB, variable ranges and their overlaps,
 * the default type, 2 MiB pages over ranges of different types, MTRRs
 * disabled or absent, reserved type values.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arch/x86-defs.h>
#include <asm/mtrr.h>

#define UC MTRR_TYPE_UC
#define WC MTRR_TYPE_WC
#define WT MTRR_TYPE_WT
#define WP MTRR_TYPE_WP
#define WB MTRR_TYPE_WB

#define KIB4 0x1000ull
#define MIB2 0x200000ull

#define CAP_FIX      (1ull << 8)
#define DEF_FE       (1ull << 10)
#define DEF_E        (1ull << 11)
#define MASK_VALID   (1ull << 11)
#define PHYS_BITS_36 0xFFFFFF000ull

/* A variable range of size bytes (a power of two) at base, in a 36-bit physical space. */
#define VAR(n, b, size, type)                                           \
    { MSR_MTRR_PHYSBASE(n), (b) | (type) },                             \
    {                                                                   \
        MSR_MTRR_PHYSMASK(n), (~((size)-1) & PHYS_BITS_36) | MASK_VALID \
    }
/* Eight fixed ranges of one type. */
#define FIXED8(type) (0x0101010101010101ull * (type))

struct msr_value {
    uint32_t msr;
    uint64_t value;
};

struct expect {
    uint64_t start, size;
    uint8_t type;
};

static const struct msr_value *msrs;
static size_t nr_msrs;

static uint64_t fake_read_msr(uint32_t msr)
{
    for (size_t i = 0; i < nr_msrs; i++)
        if (msrs[i].msr == msr)
            return msrs[i].value;
    return 0;
}

static void read_table(struct mtrr_state *s, const struct msr_value *table, size_t n)
{
    msrs = table;
    nr_msrs = n;
    mtrr_read(s, true, fake_read_msr);
}

static void check(const struct mtrr_state *s, const struct expect *e, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t got = mtrr_range_type(s, mk_paddr(e[i].start), e[i].size);

        if (got != e[i].type)
            fail_msg("[0x%llx, +0x%llx): %s, expected %s", (unsigned long long)e[i].start,
                     (unsigned long long)e[i].size, mtrr_type_name(got), mtrr_type_name(e[i].type));
    }
}

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/*
 * A PC's usual layout: default UC; below 1 MiB WB RAM, the legacy VGA
 * window UC, option ROMs and the BIOS WP; RAM WB in two variable ranges
 * (2 GiB + 1 GiB) and a 1 MiB one above 4 GiB, a frame buffer WC; devices
 * below 4 GiB UC by default.
 */
static void test_pc_layout(void **state)
{
    static const struct msr_value table[] = {
        { MSR_MTRR_CAP, CAP_FIX | (1u << 10) | 8 }, { MSR_MTRR_DEF_TYPE, DEF_E | DEF_FE | UC },
        { MSR_MTRR_FIX64K_00000, FIXED8(WB) },      { MSR_MTRR_FIX16K_80000, FIXED8(WB) },
        { MSR_MTRR_FIX16K_A0000, FIXED8(UC) },      { MSR_MTRR_FIX4K_C0000, FIXED8(WP) },
        { MSR_MTRR_FIX4K_C0000 + 7, FIXED8(WP) },   VAR(0, 0x0ull, 0x80000000ull, WB),
        VAR(1, 0x80000000ull, 0x40000000ull, WB),   VAR(2, 0xD0000000ull, 0x10000000ull, WC),
        VAR(3, 0x100100000ull, 0x100000ull, WB),
    };
    static const struct expect e[] = {
        { 0x1000, KIB4, WB },      /* fixed, 64 KiB ranges */
        { 0x9F000, KIB4, WB },     /* fixed, 16 KiB ranges */
        { 0xA0000, KIB4, UC },     /* VGA window */
        { 0xC0000, KIB4, WP },     /* option ROM, 4 KiB ranges */
        { 0xC8000, KIB4, UC },     /* a 4 KiB fixed range left 0 */
        { 0xFF000, KIB4, WP },     /* BIOS */
        { 0x100000, KIB4, WB },    /* above the fixed ranges: variable */
        { 0x0, MIB2, UC },         /* over WB, UC and WP fixed ranges */
        { 0x200000, MIB2, WB },    /* RAM */
        { 0xBFE00000, MIB2, WB },  /* the second RAM range's last 2 MiB */
        { 0xC0000000, MIB2, UC },  /* no range: the default */
        { 0xD0000000, MIB2, WC },  /* frame buffer */
        { 0xDFFFF000, KIB4, WC },  /* its last page */
        { 0xE0000000, KIB4, UC },  /* past it */
        { 0xFEE00000, KIB4, UC },  /* a device */
        { 0x100000000, KIB4, UC }, /* above 4 GiB: no range */
        { 0x100100000, KIB4, WB }, /* a 1 MiB WB range there */
        { 0x100000000, MIB2, UC }, /* half WB, half the default UC: UC */
        { 0x100200000, MIB2, UC },
    };
    struct mtrr_state s;

    (void)state;
    read_table(&s, table, ARRAY_LEN(table));
    assert_true(s.present && s.enabled && s.fixed_enabled);
    assert_int_equal(s.nr_var, 4);
    assert_int_equal(s.var_cap, 8);
    assert_int_equal(s.default_type, UC);
    check(&s, e, ARRAY_LEN(e));
}

/*
 * Default WB, fixed ranges off (the first MiB follows the variable ranges),
 * a 512 MiB UC hole below 4 GiB and a 1 MiB UC range inside RAM: a 2 MiB
 * page holding part of it is UC, its other pages WB.
 */
static void test_default_wb_with_uc_holes(void **state)
{
    static const struct msr_value table[] = {
        { MSR_MTRR_CAP, CAP_FIX | 4 },
        { MSR_MTRR_DEF_TYPE, DEF_E | WB },
        { MSR_MTRR_FIX64K_00000, FIXED8(UC) }, /* not used: FE is clear */
        VAR(0, 0xE0000000ull, 0x20000000ull, UC),
        VAR(1, 0x7FF00000ull, 0x100000ull, UC),
    };
    static const struct expect e[] = {
        { 0x0, KIB4, WB },        { 0x0, MIB2, WB },        { 0x7FE00000, KIB4, WB },
        { 0x7FEFF000, KIB4, WB }, { 0x7FF00000, KIB4, UC }, { 0x7FE00000, MIB2, UC },
        { 0xE0000000, MIB2, UC }, { 0xFFE00000, MIB2, UC }, { 0x100000000, MIB2, WB },
    };
    struct mtrr_state s;

    (void)state;
    read_table(&s, table, ARRAY_LEN(table));
    assert_false(s.fixed_enabled);
    check(&s, e, ARRAY_LEN(e));
}

/*
 * Overlapping variable ranges (SDM 12.11.4.1): UC wins, WT beats WB, any
 * other overlap is undefined and gets UC; a 2 MiB page over WB and part of
 * a WT range is WT (both are safe as WT), over WB and part of a WC one UC.
 */
static void test_overlaps_and_mixed_pages(void **state)
{
    static const struct msr_value table[] = {
        { MSR_MTRR_CAP, 8 },
        { MSR_MTRR_DEF_TYPE, DEF_E | UC },
        VAR(0, 0x0ull, 0x100000000ull, WB),
        VAR(1, 0x40000000ull, 0x40000000ull, WT),
        VAR(2, 0x80000000ull, 0x10000000ull, WC),
        VAR(3, 0x10100000ull, 0x100000ull, WT),
        VAR(4, 0x20100000ull, 0x100000ull, WC),
        VAR(5, 0x30000000ull, 0x1000ull, UC),
    };
    static const struct expect e[] = {
        { 0x40000000, MIB2, WT }, /* WB and WT over the whole page */
        { 0x80000000, MIB2, UC }, /* WB and WC: undefined, UC */
        { 0x10000000, MIB2, WT }, /* WB, half of it also WT */
        { 0x10000000, KIB4, WB }, { 0x10100000, KIB4, WT },
        { 0x20000000, MIB2, UC }, /* WB, half of it WC */
        { 0x20100000, KIB4, UC }, /* WC in WB: an undefined overlap */
        { 0x30000000, KIB4, UC }, { 0x30001000, KIB4, WB },
        { 0x30000000, MIB2, UC }, /* one UC page in it */
    };
    struct mtrr_state s;

    (void)state;
    read_table(&s, table, ARRAY_LEN(table));
    check(&s, e, ARRAY_LEN(e));
}

/* MTRRs disabled (DEF_TYPE.E clear): every address is UC, whatever the ranges say. */
static void test_disabled_is_uncacheable(void **state)
{
    static const struct msr_value table[] = {
        { MSR_MTRR_CAP, CAP_FIX | 8 },
        { MSR_MTRR_DEF_TYPE, DEF_FE | WB },
        { MSR_MTRR_FIX64K_00000, FIXED8(WB) },
        VAR(0, 0x0ull, 0x80000000ull, WB),
    };
    static const struct expect e[] = {
        { 0x0, KIB4, UC },
        { 0x200000, MIB2, UC },
    };
    struct mtrr_state s;

    (void)state;
    read_table(&s, table, ARRAY_LEN(table));
    assert_false(s.enabled);
    check(&s, e, ARRAY_LEN(e));
}

/* No MTRRs at all (CPUID): memory is WB, as the hypervisor's own; nothing is read. */
static void test_absent_is_write_back(void **state)
{
    struct mtrr_state s;

    (void)state;
    msrs = NULL;
    nr_msrs = 0;
    mtrr_read(&s, false, NULL);
    assert_false(s.present);
    assert_int_equal(mtrr_range_type(&s, mk_paddr(0x200000), MIB2), WB);
    assert_int_equal(mtrr_range_type(&s, mk_paddr(0xA0000), KIB4), WB);
}

/*
 * Reserved type values (2, 3, 7 and up) read as UC; a range without its
 * valid bit is ignored; FE without fixed ranges in MTRRCAP reads none; a
 * CPU with more variable ranges than kept has the first 32 used.
 */
static void test_reserved_and_invalid(void **state)
{
    static const struct msr_value table[] = {
        { MSR_MTRR_CAP, 8 },
        { MSR_MTRR_DEF_TYPE, DEF_E | DEF_FE | 2 },
        { MSR_MTRR_FIX64K_00000, FIXED8(WB) },
        { MSR_MTRR_PHYSBASE(0), 0x0ull | WB },
        { MSR_MTRR_PHYSMASK(0), 0xF80000000ull }, /* no valid bit */
        VAR(1, 0x40000000ull, 0x40000000ull, 7),
        VAR(2, 0x100000000ull, 0x40000000ull, WB),
    };
    static const struct expect e[] = {
        { 0x0, KIB4, UC },         /* default 2 -> UC; fixed ranges not read */
        { 0x200000, MIB2, UC },    /* range 0 is not valid */
        { 0x40000000, MIB2, UC },  /* type 7 -> UC */
        { 0x100000000, MIB2, WB }, /* range 2 */
    };
    struct mtrr_state s;
    struct msr_value many[2 + 2 * 40];

    (void)state;
    read_table(&s, table, ARRAY_LEN(table));
    assert_false(s.fixed_enabled);
    assert_int_equal(s.nr_var, 2);
    assert_int_equal(s.default_type, UC);
    check(&s, e, ARRAY_LEN(e));

    many[0] = (struct msr_value){ MSR_MTRR_CAP, 40 };
    many[1] = (struct msr_value){ MSR_MTRR_DEF_TYPE, DEF_E | UC };
    for (unsigned int n = 0; n < 40; n++) {
        many[2 + 2 * n] = (struct msr_value){ MSR_MTRR_PHYSBASE(n), (n * 0x10000000ull) | WB };
        many[3 + 2 * n] =
            (struct msr_value){ MSR_MTRR_PHYSMASK(n), (~0xFFFFFFFull & PHYS_BITS_36) | MASK_VALID };
    }
    read_table(&s, many, ARRAY_LEN(many));
    assert_int_equal(s.var_cap, 40);
    assert_int_equal(s.nr_var, MTRR_VAR_MAX);
    assert_int_equal(mtrr_range_type(&s, mk_paddr(31 * 0x10000000ull), MIB2), WB);
    assert_int_equal(mtrr_range_type(&s, mk_paddr(32 * 0x10000000ull), MIB2), UC);
}

static void test_type_names(void **state)
{
    (void)state;
    assert_string_equal(mtrr_type_name(UC), "UC");
    assert_string_equal(mtrr_type_name(WC), "WC");
    assert_string_equal(mtrr_type_name(WT), "WT");
    assert_string_equal(mtrr_type_name(WP), "WP");
    assert_string_equal(mtrr_type_name(WB), "WB");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pc_layout),
        cmocka_unit_test(test_default_wb_with_uc_holes),
        cmocka_unit_test(test_overlaps_and_mixed_pages),
        cmocka_unit_test(test_disabled_is_uncacheable),
        cmocka_unit_test(test_absent_is_write_back),
        cmocka_unit_test(test_reserved_and_invalid),
        cmocka_unit_test(test_type_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
