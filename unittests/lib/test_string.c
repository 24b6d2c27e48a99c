// SPDX-License-Identifier: MIT
/*
 * lib/src/string.c's memcpy and memset (rep movsq/stosq plus a byte tail)
 * against a byte-at-a-time reference, for every size 0..300 and every
 * alignment 0..15 of source and destination, with guard bytes around the
 * destination so that a write past either end is caught.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

void *lib_memcpy(void *restrict dst, const void *restrict src, size_t n);
void *lib_memset(void *dst, int c, size_t n);

#define MAX_SIZE   300
#define MAX_OFFSET 16
#define GUARD      32
#define BUF        (GUARD + MAX_OFFSET + MAX_SIZE + GUARD)

static void fill_pattern(uint8_t *buf, size_t n, uint8_t seed)
{
    for (size_t i = 0; i < n; i++)
        buf[i] = (uint8_t)(seed + i * 7);
}

static void test_memcpy_every_size_and_alignment(void **state)
{
    _Alignas(16) uint8_t src[BUF], dst[BUF], expect[BUF];

    (void)state;
    fill_pattern(src, sizeof(src), 1);
    for (size_t n = 0; n <= MAX_SIZE; n++) {
        for (size_t so = 0; so < MAX_OFFSET; so++) {
            for (size_t d_off = 0; d_off < MAX_OFFSET; d_off++) {
                uint8_t *d = dst + GUARD + d_off;
                const uint8_t *s = src + GUARD + so;

                fill_pattern(dst, sizeof(dst), 0xa5);
                fill_pattern(expect, sizeof(expect), 0xa5);
                for (size_t i = 0; i < n; i++)
                    expect[GUARD + d_off + i] = s[i];
                assert_ptr_equal(lib_memcpy(d, s, n), d);
                assert_memory_equal(dst, expect, sizeof(dst));
            }
        }
    }
}

static void test_memset_every_size_and_alignment(void **state)
{
    _Alignas(16) uint8_t dst[BUF], expect[BUF];
    static const int values[] = { 0, 0xff, 0x5a, 0x17f }; /* 0x17f: only the low byte counts */

    (void)state;
    for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
        for (size_t n = 0; n <= MAX_SIZE; n++) {
            for (size_t d_off = 0; d_off < MAX_OFFSET; d_off++) {
                uint8_t *d = dst + GUARD + d_off;

                fill_pattern(dst, sizeof(dst), 0x3c);
                fill_pattern(expect, sizeof(expect), 0x3c);
                for (size_t i = 0; i < n; i++)
                    expect[GUARD + d_off + i] = (uint8_t)values[v];
                assert_ptr_equal(lib_memset(d, values[v], n), d);
                assert_memory_equal(dst, expect, sizeof(dst));
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memcpy_every_size_and_alignment),
        cmocka_unit_test(test_memset_every_size_and_alignment),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
