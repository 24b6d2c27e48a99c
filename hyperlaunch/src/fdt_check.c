/* SPDX-License-Identifier: MIT */
/*
 * hl_fdt_check(): the structure of a flattened device tree, checked without
 * libfdt. libfdt 1.6.1's fdt_check_full() computes the next token's offset in
 * an int from a property length the blob chooses, and a blob can make that
 * walk go backwards and loop forever (docs/security.md). Here every offset is
 * 64-bit, every length is compared with what is left of its block before it
 * is used, and each step moves forward by at least one 4-byte token: the walk
 * takes at most size_dt_struct / 4 + 1 steps, a bound it also enforces.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <hyperlaunch/fdt_check.h>

#define MAGIC         0xd00dfeedu
#define HEADER_V16    36u /* up to size_dt_strings */
#define HEADER_V17    40u /* + size_dt_struct */
#define LAST_COMP_MAX 17u /* what libfdt reads */

enum token {
    BEGIN_NODE = 1,
    END_NODE = 2,
    PROP = 3,
    NOP = 4,
    END = 9
};

/* Big-endian, byte by byte: nothing assumes the blob's alignment. */
static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be64(const uint8_t *p)
{
    return (uint64_t)be32(p) << 32 | be32(p + 4);
}

/* Length of the NUL-terminated string at p, or -1 if no NUL within n bytes. */
static int64_t bounded_strlen(const uint8_t *p, uint64_t n)
{
    const uint8_t *nul = memchr(p, 0, (size_t)n);
    return nul ? nul - p : -1;
}

#define FAIL(...)                             \
    do {                                      \
        snprintf(why, why_size, __VA_ARGS__); \
        return -1;                            \
    } while (0)

/* The header and the three blocks' places; on success *s / *str describe the blocks. */
static int check_header(const uint8_t *b, size_t size, uint64_t *s_off, uint64_t *s_size,
                        uint64_t *str_off, uint64_t *str_size, char *why, size_t why_size)
{
    if (!b || size < HEADER_V16)
        FAIL("%zu bytes, too small for a header", b ? size : 0);
    if (be32(b) != MAGIC)
        FAIL("bad magic 0x%08x (expected 0x%08x)", be32(b), MAGIC);
    uint64_t total = be32(b + 4);
    uint32_t version = be32(b + 20), last_comp = be32(b + 24);
    if (version < 16)
        FAIL("format version %u (16 or later expected)", version);
    if (last_comp > LAST_COMP_MAX || last_comp > version)
        FAIL("last compatible version %u (at most %u and the version %u expected)", last_comp,
             LAST_COMP_MAX, version);
    uint64_t header = version >= 17 ? HEADER_V17 : HEADER_V16;
    if (total < header || total > size)
        FAIL("header says %llu bytes, %zu present (at least %llu needed)",
             (unsigned long long)total, size, (unsigned long long)header);

    uint64_t rsv = be32(b + 16);
    *s_off = be32(b + 8);
    *str_off = be32(b + 12);
    *str_size = be32(b + 32);
    /* Version 16 does not give the structure block's size: up to what follows it. */
    *s_size = version >= 17 ? be32(b + 36) : (*str_off > *s_off ? *str_off : total) - *s_off;
    if (rsv < header || rsv % 8 || rsv > total)
        FAIL("memory reservation map offset 0x%llx (8-byte aligned, after the header, "
             "inside the %llu bytes expected)",
             (unsigned long long)rsv, (unsigned long long)total);
    if (*s_off < header || *s_off % 4 || *s_off > total || *s_size > total - *s_off)
        FAIL("structure block 0x%llx+0x%llx (4-byte aligned, after the header, inside the "
             "%llu bytes expected)",
             (unsigned long long)*s_off, (unsigned long long)*s_size, (unsigned long long)total);
    if (*str_off < header || *str_off > total || *str_size > total - *str_off)
        FAIL("strings block 0x%llx+0x%llx (after the header, inside the %llu bytes expected)",
             (unsigned long long)*str_off, (unsigned long long)*str_size,
             (unsigned long long)total);
    if (*s_off < *str_off + *str_size && *str_off < *s_off + *s_size)
        FAIL("structure block 0x%llx+0x%llx overlaps strings block 0x%llx+0x%llx",
             (unsigned long long)*s_off, (unsigned long long)*s_size, (unsigned long long)*str_off,
             (unsigned long long)*str_size);

    /* The reservation map: 16-byte entries up to one of size 0, all inside the blob. */
    for (uint64_t at = rsv;; at += 16) {
        if (total - at < 16)
            FAIL("memory reservation map at 0x%llx has no end inside the blob",
                 (unsigned long long)rsv);
        if (be64(b + at + 8) == 0)
            break;
    }
    return 0;
}

int hl_fdt_check(const void *blob, size_t size, char *why, size_t why_size)
{
    const uint8_t *b = blob;
    uint64_t s_off, end, str_off, str_size;
    if (check_header(b, size, &s_off, &end, &str_off, &str_size, why, why_size))
        return -1;
    const uint8_t *s = b + s_off, *strings = b + str_off;

    uint64_t off = 0, steps = 0, max_steps = end / 4 + 1;
    unsigned depth = 0;
    bool root_done = false;
    for (;;) {
        if (++steps > max_steps)
            FAIL("structure block: more than %llu tokens", (unsigned long long)max_steps);
        if (off > end || end - off < 4)
            FAIL("structure block (0x%llx bytes) ends without FDT_END", (unsigned long long)end);
        uint64_t at = off;
        uint32_t token = be32(s + off);
        off += 4;
        if (root_done && token != NOP && token != END)
            FAIL("structure offset 0x%llx: token %u after the root node (FDT_END expected)",
                 (unsigned long long)at, token);
        switch (token) {
        case BEGIN_NODE: {
            int64_t len = bounded_strlen(s + off, end - off);
            if (len < 0)
                FAIL("structure offset 0x%llx: node name not terminated inside the "
                     "structure block",
                     (unsigned long long)at);
            if (depth == 0 && len != 0)
                FAIL("structure offset 0x%llx: the root node has a name", (unsigned long long)at);
            if (depth > 0 && len == 0)
                FAIL("structure offset 0x%llx: a node without a name", (unsigned long long)at);
            if (++depth > HL_FDT_MAX_DEPTH)
                FAIL("structure offset 0x%llx: nodes nested more than %u deep",
                     (unsigned long long)at, HL_FDT_MAX_DEPTH);
            off = (off + (uint64_t)len + 1 + 3) & ~3ull;
            break;
        }
        case END_NODE:
            if (depth == 0)
                FAIL("structure offset 0x%llx: end of a node that was not begun",
                     (unsigned long long)at);
            root_done = --depth == 0;
            break;
        case PROP: {
            if (depth == 0)
                FAIL("structure offset 0x%llx: a property outside any node",
                     (unsigned long long)at);
            if (end - off < 8)
                FAIL("structure offset 0x%llx: property header past the structure block",
                     (unsigned long long)at);
            uint64_t len = be32(s + off), name = be32(s + off + 4);
            off += 8;
            if (len > end - off)
                FAIL("structure offset 0x%llx: property of %llu bytes runs past the structure "
                     "block (%llu bytes left)",
                     (unsigned long long)at, (unsigned long long)len,
                     (unsigned long long)(end - off));
            /* A bounded scan: many properties naming one long string stay linear. */
            uint64_t room = name < str_size ? str_size - name : 0;
            uint64_t scan = room < HL_FDT_MAX_NAME + 1 ? room : HL_FDT_MAX_NAME + 1;
            int64_t name_len = bounded_strlen(strings + name, scan);
            if (name_len < 0 && room > HL_FDT_MAX_NAME)
                FAIL("structure offset 0x%llx: property name at strings offset 0x%llx is longer "
                     "than %u characters",
                     (unsigned long long)at, (unsigned long long)name, HL_FDT_MAX_NAME);
            if (name_len <= 0)
                FAIL("structure offset 0x%llx: property name offset 0x%llx is not a name in "
                     "the strings block (0x%llx bytes)",
                     (unsigned long long)at, (unsigned long long)name,
                     (unsigned long long)str_size);
            off = (off + len + 3) & ~3ull;
            break;
        }
        case NOP: break;
        case END:
            if (!root_done)
                FAIL("structure offset 0x%llx: FDT_END %s", (unsigned long long)at,
                     depth ? "inside a node" : "before any node");
            return 0;
        default: FAIL("structure offset 0x%llx: unknown token 0x%x", (unsigned long long)at, token);
        }
    }
}
