// SPDX-License-Identifier: MIT
/*
 * The P2M's entries in AMD nested page tables: 4 levels, the format of
 * long-mode page tables, every entry user-accessible (the hardware treats
 * nested walks as user accesses). The entry's type lives in the three bits
 * the hardware leaves to software (9-11); a type that maps no page
 * (P2M_MMIO_EMUL) is a leaf without the present bit, so every access faults;
 * a hidden leaf is a page's leaf with the present bit clear (the hardware
 * ignores every other bit of it).
 */
#include <asm/p2m_format.h>

#define NPT_P          (1ull << 0)
#define NPT_RW         (1ull << 1)
#define NPT_US         (1ull << 2)
#define NPT_PS         (1ull << 7) /* at levels 2 and 3; PAT at level 1 */
#define NPT_TYPE_SHIFT 9
#define NPT_TYPE_MASK  (7ull << NPT_TYPE_SHIFT)
#define NPT_NX         (1ull << 63)
#define NPT_ADDR_MASK  0x000FFFFFFFFFF000ull

_Static_assert(P2M_PASSTHROUGH <= 7, "every type fits the software bits");

static uint64_t npt_table(paddr_t table)
{
    return paddr_val(table) | NPT_P | NPT_RW | NPT_US;
}

static uint64_t npt_leaf(paddr_t pa, unsigned int level, enum p2m_type t, unsigned int perms)
{
    uint64_t e = (uint64_t)t << NPT_TYPE_SHIFT;

    if (t == P2M_MMIO_EMUL)
        return e;
    e |= (paddr_val(pa) & NPT_ADDR_MASK) | NPT_P | NPT_US | (level > 1 ? NPT_PS : 0);
    if (perms & P2M_WRITE)
        e |= NPT_RW;
    if (!(perms & P2M_EXEC))
        e |= NPT_NX;
    return e;
}

static bool npt_is_table(uint64_t e, unsigned int level)
{
    return level > 1 && (e & NPT_P) && !(e & NPT_PS);
}

static paddr_t npt_addr(uint64_t e, unsigned int level)
{
    uint64_t large = (PAGE_SIZE << (9 * (level - 1))) - 1;

    return mk_paddr(e & NPT_ADDR_MASK & ((level > 1 && (e & NPT_PS)) ? ~large : ~0ull));
}

static enum p2m_type npt_type(uint64_t e)
{
    return (enum p2m_type)((e & NPT_TYPE_MASK) >> NPT_TYPE_SHIFT);
}

static unsigned int npt_perms(uint64_t e)
{
    if (!(e & NPT_P))
        return 0;
    return P2M_READ | ((e & NPT_RW) ? P2M_WRITE : 0) | ((e & NPT_NX) ? 0 : P2M_EXEC);
}

static uint64_t npt_hide(uint64_t e)
{
    return e & ~NPT_P;
}

static uint64_t npt_show(uint64_t e)
{
    return e | NPT_P;
}

static bool npt_hidden(uint64_t e)
{
    return !(e & NPT_P);
}

const struct p2m_format p2m_npt_format = {
    .levels = 4,
    .gpa_limit = 1ull << 48,
    .table = npt_table,
    .leaf = npt_leaf,
    .is_table = npt_is_table,
    .addr = npt_addr,
    .type = npt_type,
    .perms = npt_perms,
    .hide = npt_hide,
    .show = npt_show,
    .hidden = npt_hidden,
};
