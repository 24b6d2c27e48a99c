/* SPDX-License-Identifier: MIT */
/*
 * The check both P2M encoders' tests make of a hidden leaf (decision 33):
 * nothing the hardware would use (hw_mask: the bits that make an entry
 * present to it), yet its page, type and permissions come back unchanged
 * when it is shown again, at either leaf level and for every permission set.
 */
#ifndef TEST_HIDDEN_LEAF_CHECK_H
#define TEST_HIDDEN_LEAF_CHECK_H

static void check_hidden_leaves(const struct p2m_format *fmt, uint64_t hw_mask)
{
    static const unsigned int perms[] = { P2M_READ, P2M_READ | P2M_WRITE, P2M_READ | P2M_EXEC,
                                          P2M_RWX };

    for (unsigned int level = 1; level <= 2; level++)
        for (unsigned int i = 0; i < 4; i++) {
            uint64_t leaf = fmt->leaf(mk_paddr(0x40000000ull), level, P2M_RAM, perms[i]);
            uint64_t e = fmt->hide(leaf);

            assert_int_equal(e & hw_mask, 0);
            assert_true(fmt->hidden(e));
            assert_false(fmt->hidden(leaf));
            assert_false(fmt->is_table(e, level));
            assert_int_equal(fmt->perms(e), 0);
            assert_int_equal(fmt->type(e), P2M_RAM);
            assert_int_equal(paddr_val(fmt->addr(e, level)), 0x40000000ull);
            assert_true(fmt->show(e) == leaf);
        }
}

#endif
