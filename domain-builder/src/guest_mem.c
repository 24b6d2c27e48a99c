// SPDX-License-Identifier: MIT
/* Guest memory access one frame at a time, and the host buffer backend. */
#include <string.h>

#include "internal.h"

static void *buffer_map(void *ctx, uint64_t gfn)
{
    struct db_buffer_mem *bm = ctx;

    if (gfn >= bm->nr_frames)
        return NULL;
    return bm->buf + (gfn << DB_PAGE_SHIFT);
}

void db_buffer_mem_init(struct db_guest_mem *mem, struct db_buffer_mem *bm, void *buf,
                        uint64_t nr_frames)
{
    bm->buf = buf;
    bm->nr_frames = nr_frames;
    mem->ctx = bm;
    mem->map = buffer_map;
    mem->gfn_to_mfn = NULL;
    mem->copy = NULL;
}

uint64_t db_mem_mfn(const struct db_guest_mem *mem, uint64_t gfn)
{
    return mem->gfn_to_mfn ? mem->gfn_to_mfn(mem->ctx, gfn) : gfn;
}

enum mem_op {
    OP_WRITE,
    OP_FILL,
    OP_READ
};

static int mem_access(const struct db_guest_mem *mem, uint64_t gpa, void *buf, uint8_t byte,
                      uint64_t len, enum mem_op op, struct db_diag *diag)
{
    uint8_t *p = buf;

    if (len && gpa + len < gpa)
        return db_fail(diag, DB_ERR_GUEST_MEM, "guest range 0x%lx + 0x%lx wraps", gpa, len);
    while (len) {
        uint64_t off = gpa & (DB_PAGE_SIZE - 1);
        uint64_t chunk = DB_PAGE_SIZE - off;
        uint8_t *frame = mem->map(mem->ctx, gpa >> DB_PAGE_SHIFT);

        if (!frame)
            return db_fail(diag, DB_ERR_GUEST_MEM, "guest frame 0x%lx is not backed",
                           gpa >> DB_PAGE_SHIFT);
        if (chunk > len)
            chunk = len;
        if (op == OP_WRITE)
            memcpy(frame + off, p, chunk);
        else if (op == OP_FILL)
            memset(frame + off, byte, chunk);
        else
            memcpy(p, frame + off, chunk);
        if (p)
            p += chunk;
        gpa += chunk;
        len -= chunk;
    }
    return 0;
}

int db_mem_write(const struct db_guest_mem *mem, uint64_t gpa, const void *src, uint64_t len,
                 struct db_diag *diag)
{
    return mem_access(mem, gpa, (void *)(uintptr_t)src, 0, len, OP_WRITE, diag);
}

int db_mem_place(const struct db_guest_mem *mem, uint64_t gpa, const void *src, uint64_t len,
                 struct db_diag *diag)
{
    if (!mem->copy)
        return db_mem_write(mem, gpa, src, len, diag);
    if (len && gpa + len < gpa)
        return db_fail(diag, DB_ERR_GUEST_MEM, "guest range 0x%lx + 0x%lx wraps", gpa, len);
    if (len && mem->copy(mem->ctx, gpa, src, len))
        return db_fail(diag, DB_ERR_GUEST_MEM, "guest range 0x%lx + 0x%lx is not backed", gpa, len);
    return 0;
}

int db_mem_fill(const struct db_guest_mem *mem, uint64_t gpa, uint8_t byte, uint64_t len,
                struct db_diag *diag)
{
    return mem_access(mem, gpa, NULL, byte, len, OP_FILL, diag);
}

int db_mem_read(const struct db_guest_mem *mem, uint64_t gpa, void *dst, uint64_t len,
                struct db_diag *diag)
{
    return mem_access(mem, gpa, dst, 0, len, OP_READ, diag);
}
