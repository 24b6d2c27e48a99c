/* SPDX-License-Identifier: MIT */
/*
 * The campaign guest's model of what the hypervisor writes (own_state.c),
 * for campaign.c: before each hypercall, every guest range the call would
 * write, register for later writes or unmap, read as the hypervisor reads
 * it; a call that would touch the guest's own state is made a yield.
 */
#ifndef GUESTS_CAMPAIGN_H
#define GUESTS_CAMPAIGN_H

#include <stdbool.h>
#include <stdint.h>

struct hvm_start_info;

/* What to record once a call is made (own_state_call_done()). */
struct call_plan {
    bool modeled;      /* the model knows the call (else it must fail) */
    bool registers;    /* [start, end) is an area the hypervisor writes if it returns 0 */
    unsigned int kind; /* which area (own_state.c) */
    uint64_t start, end;
    int64_t first_extent; /* decrease_reservation's first extent, else -1 */
};

/*
 * The guest's memory from its start info; its domain id; its image [image_start,
 * image_end), of which [work, work + work_bytes) is the scratch area the
 * hypervisor may write; the areas the hypervisor writes from the start (the
 * shared info page, the console ring's frame).
 */
void own_state_init(const struct hvm_start_info *si, uint16_t domid, uint64_t image_start,
                    uint64_t image_end, uint64_t work, uint64_t work_bytes, uint64_t shared_info,
                    uint64_t console_gfn);
/*
 * Whether hypercall nr with args, from 32-bit code if compat, leaves the
 * guest's own state alone (image but the scratch area; for an unmap, all of
 * it), read as the hypervisor will read it; the entries of a multicall
 * included, which must also not end or block the domain. plan says what to
 * record once the call is made (own_state_call_done()).
 */
bool own_state_call_safe(uint64_t nr, const uint64_t *args, bool compat, struct call_plan *plan);
/* After a call own_state_call_safe() let through: the frames it gave back, its registration. */
void own_state_call_done(const struct call_plan *plan, int64_t ret);
/* Whether the hypervisor may write [addr, addr + len) (the scratch area, or not the image). */
bool own_state_writable(uint64_t addr, uint64_t len);
/* Whether the call would end the domain or block it without end (the caller makes it a yield). */
bool call_ends_or_blocks(uint64_t nr, uint64_t cmd, uint64_t arg1);

#endif
