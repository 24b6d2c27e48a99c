/* SPDX-License-Identifier: MIT */
/*
 * How the builder reaches guest memory: one frame at a time.
 *
 * map(ctx, gfn) returns a host pointer to the 4 KiB guest frame gfn, or NULL
 * if that frame is not backed. The builder never assumes two frames are
 * contiguous in the host, so a domain whose P2M is scattered over host memory
 * works the same as one host buffer; the pointer is used only until the next
 * call. gfn_to_mfn, only used for PV domains (their page tables and P2M list
 * hold machine frames), may be NULL: then MFN = GFN.
 *
 * copy, optional, places len bytes of an image (a kernel segment, a module)
 * at gpa in one call: the hypervisor's copies host-contiguous runs on every
 * CPU. 0, or -1 if part of the range is not backed (nothing need be
 * undone: the build fails). NULL: the builder copies frame by frame.
 */
#ifndef DOMAIN_BUILDER_GUEST_MEM_H
#define DOMAIN_BUILDER_GUEST_MEM_H

#include <stdint.h>

#include "diag.h"

#define DB_PAGE_SHIFT 12
#define DB_PAGE_SIZE  ((uint64_t)4096)

struct db_guest_mem {
    void *ctx;
    void *(*map)(void *ctx, uint64_t gfn);
    uint64_t (*gfn_to_mfn)(void *ctx, uint64_t gfn);
    int (*copy)(void *ctx, uint64_t gpa, const void *src, uint64_t len);
};

/* Guest memory backed by one host buffer of nr_frames frames (host tests). */
struct db_buffer_mem {
    uint8_t *buf;
    uint64_t nr_frames;
};
void db_buffer_mem_init(struct db_guest_mem *mem, struct db_buffer_mem *bm, void *buf,
                        uint64_t nr_frames);

/* Copy-in/out helpers over the interface; 0 or -1 with diag filled. */
int db_mem_write(const struct db_guest_mem *mem, uint64_t gpa, const void *src, uint64_t len,
                 struct db_diag *diag);
int db_mem_fill(const struct db_guest_mem *mem, uint64_t gpa, uint8_t byte, uint64_t len,
                struct db_diag *diag);
/* An image's bytes: through mem->copy when there is one, else db_mem_write(). */
int db_mem_place(const struct db_guest_mem *mem, uint64_t gpa, const void *src, uint64_t len,
                 struct db_diag *diag);
int db_mem_read(const struct db_guest_mem *mem, uint64_t gpa, void *dst, uint64_t len,
                struct db_diag *diag);
uint64_t db_mem_mfn(const struct db_guest_mem *mem, uint64_t gfn);

#endif
