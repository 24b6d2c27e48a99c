// SPDX-License-Identifier: MIT
/*
 * A new domain's RAM cleared on every online CPU (hv/ram_clear.h): the
 * boot CPU would otherwise zero every byte alone while the others idle.
 */
#include <string.h>
#include <asm/cpu.h>
#include <hv/page_alloc.h>
#include <hv/p2m.h>
#include <hv/panic.h>
#include <hv/ram_clear.h>
#include <hv/smp.h>

#define PIECE MiB(2)

struct clear_job {
    const struct p2m *p2m;
    gpaddr_t gpa;
    uint64_t size, pieces;
    uint64_t next;             /* the next piece to take */
    unsigned int helpers_left; /* other CPUs still in clear_pieces() */
};

/* Zeroes one piece, a host-contiguous run of its pages at a time. */
static void clear_piece(const struct clear_job *j, uint64_t i)
{
    uint64_t off = i * PIECE, end = MIN(off + PIECE, j->size);

    while (off < end) {
        paddr_t pa = p2m_lookup(j->p2m, gpaddr_add(j->gpa, off), NULL);
        uint64_t len = PAGE_SIZE;

        CHECK(!paddr_eq(pa, INVALID_PADDR));
        while (off + len < end && paddr_eq(p2m_lookup(j->p2m, gpaddr_add(j->gpa, off + len), NULL),
                                           paddr_add(pa, len)))
            len += PAGE_SIZE;
        memset(phys_to_virt(pa), 0, len);
        off += len;
    }
}

static void clear_pieces(struct clear_job *j)
{
    uint64_t i;

    while ((i = __atomic_fetch_add(&j->next, 1, __ATOMIC_RELAXED)) < j->pieces)
        clear_piece(j, i);
}

/* On every other CPU; its last touch of the job (on the caller's stack) is the count. */
static void helper(void *arg)
{
    struct clear_job *j = arg;

    clear_pieces(j);
    __atomic_sub_fetch(&j->helpers_left, 1, __ATOMIC_RELEASE);
}

void domain_ram_clear(const struct p2m *p2m, gpaddr_t gpa, uint64_t size)
{
    struct clear_job j = {
        .p2m = p2m,
        .gpa = gpa,
        .size = size,
        .pieces = (size + PIECE - 1) / PIECE,
        .helpers_left = nr_cpus_online - 1, /* whom smp_call_others() calls */
    };

    smp_call_others(helper, &j, false);
    clear_pieces(&j);
    while (__atomic_load_n(&j.helpers_left, __ATOMIC_ACQUIRE))
        cpu_relax();
}
