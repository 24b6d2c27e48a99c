// SPDX-License-Identifier: MIT
/*
 * The P2M's entries in Intel EPT tables: 4 levels, read/write/execute
 * permission bits instead of a present bit, and in each leaf its memory
 * type. EPT takes the MTRRs' place for guest accesses, so memory gets the
 * type the host's MTRRs give its host-physical range (asm/mtrr.h; a 2 MiB
 * leaf over ranges of different types the conservative one), a device's
 * MMIO uncacheable. IPAT stays clear: the guest's PAT combines with the
 * type as with an MTRR's on bare metal (UC wins whatever the guest says).
 * The entry's type lives in bits the hardware ignores (52-54); a type that
 * maps no page (P2M_MMIO_EMUL) is a leaf with no permission, so every
 * access is an EPT violation. A hidden leaf has no permission either (the
 * hardware ignores its other bits); its write and execute permissions wait
 * in two ignored bits (55, 56) and read is implied, every mapped page being
 * readable.
 */
#include <asm/mtrr.h>
#include <asm/p2m_format.h>

#define EPT_R          (1ull << 0)
#define EPT_W          (1ull << 1)
#define EPT_X          (1ull << 2)
#define EPT_RWX        (EPT_R | EPT_W | EPT_X)
#define EPT_MT_SHIFT   3
#define EPT_MT_UC      ((uint64_t)MTRR_TYPE_UC << EPT_MT_SHIFT)
#define EPT_LARGE      (1ull << 7) /* at levels 2 and 3 */
#define EPT_TYPE_SHIFT 52
#define EPT_TYPE_MASK  (7ull << EPT_TYPE_SHIFT)
#define EPT_HIDDEN_W   (1ull << 55)
#define EPT_HIDDEN_X   (1ull << 56)
#define EPT_ADDR_MASK  0x000FFFFFFFFFF000ull

_Static_assert(P2M_PASSTHROUGH <= 7, "every type fits the software bits");

static const struct mtrr_state *host_mtrrs;

void p2m_ept_use_host_mtrrs(const struct mtrr_state *mtrrs)
{
    host_mtrrs = mtrrs;
}

static uint64_t ept_table(paddr_t table)
{
    return paddr_val(table) | EPT_RWX;
}

static uint64_t ept_leaf(paddr_t pa, unsigned int level, enum p2m_type t, unsigned int perms)
{
    uint64_t e = (uint64_t)t << EPT_TYPE_SHIFT;

    if (t == P2M_MMIO_EMUL)
        return e;
    /* Every page the P2M maps is readable: write or execute without read is a misconfiguration. */
    e |= (paddr_val(pa) & EPT_ADDR_MASK) | EPT_R | (level > 1 ? EPT_LARGE : 0);
    if (t == P2M_PASSTHROUGH)
        e |= EPT_MT_UC;
    else
        e |= (uint64_t)mtrr_range_type(host_mtrrs, mk_paddr(paddr_val(pa) & EPT_ADDR_MASK),
                                       PAGE_SIZE << (9 * (level - 1)))
             << EPT_MT_SHIFT;
    if (perms & P2M_WRITE)
        e |= EPT_W;
    if (perms & P2M_EXEC)
        e |= EPT_X;
    return e;
}

static bool ept_is_table(uint64_t e, unsigned int level)
{
    return level > 1 && (e & EPT_RWX) && !(e & EPT_LARGE);
}

static paddr_t ept_addr(uint64_t e, unsigned int level)
{
    uint64_t large = (PAGE_SIZE << (9 * (level - 1))) - 1;

    return mk_paddr(e & EPT_ADDR_MASK & ((level > 1 && (e & EPT_LARGE)) ? ~large : ~0ull));
}

static enum p2m_type ept_type(uint64_t e)
{
    return (enum p2m_type)((e & EPT_TYPE_MASK) >> EPT_TYPE_SHIFT);
}

static unsigned int ept_perms(uint64_t e)
{
    if (!(e & EPT_R))
        return 0;
    return P2M_READ | ((e & EPT_W) ? P2M_WRITE : 0) | ((e & EPT_X) ? P2M_EXEC : 0);
}

static uint64_t ept_hide(uint64_t e)
{
    return (e & ~EPT_RWX) | ((e & EPT_W) ? EPT_HIDDEN_W : 0) | ((e & EPT_X) ? EPT_HIDDEN_X : 0);
}

static uint64_t ept_show(uint64_t e)
{
    return (e & ~(EPT_HIDDEN_W | EPT_HIDDEN_X)) | EPT_R | ((e & EPT_HIDDEN_W) ? EPT_W : 0) |
           ((e & EPT_HIDDEN_X) ? EPT_X : 0);
}

static bool ept_hidden(uint64_t e)
{
    return !(e & EPT_RWX);
}

const struct p2m_format p2m_ept_format = {
    .levels = 4,
    .gpa_limit = 1ull << 48,
    .table = ept_table,
    .leaf = ept_leaf,
    .is_table = ept_is_table,
    .addr = ept_addr,
    .type = ept_type,
    .perms = ept_perms,
    .hide = ept_hide,
    .show = ept_show,
    .hidden = ept_hidden,
};
