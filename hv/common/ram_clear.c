// SPDX-License-Identifier: MIT
/*
 * A new domain's RAM cleared, and its images copied in, on every online CPU
 * (hv/ram_clear.h): the boot CPU would otherwise do every byte alone while
 * the others idle.
 */
#include <string.h>
#include <asm/cpu.h>
#include <hv/page_alloc.h>
#include <hv/p2m.h>
#include <hv/panic.h>
#include <hv/ram_clear.h>
#include <hv/smp.h>

#define PIECE MiB(2)

struct ram_job {
    struct p2m *p2m;
    gpaddr_t gpa;
    const uint8_t *src; /* NULL: zero */
    uint64_t size, pieces;
    const struct frame_range *keep; /* zeroing: frames left as they are */
    unsigned int nr_keep;
    uint64_t next;             /* the next piece to take */
    unsigned int helpers_left; /* other CPUs still in do_pieces() */
};

/*
 * Where the stretch of [off, end) that starts at off ends: at the end of the
 * kept range off is in (*kept true), else at the start of the next one.
 */
static uint64_t stretch_end(const struct ram_job *j, uint64_t off, uint64_t end, bool *kept)
{
    uint64_t at = gpaddr_val(j->gpa) + off, stop = gpaddr_val(j->gpa) + end;

    *kept = false;
    for (unsigned int i = 0; i < j->nr_keep; i++) {
        uint64_t lo = j->keep[i].gfn << PAGE_SHIFT, hi = lo + (j->keep[i].nr << PAGE_SHIFT);

        if (at >= lo && at < hi) {
            *kept = true;
            return MIN(hi, stop) - gpaddr_val(j->gpa);
        }
        if (lo > at)
            stop = MIN(stop, lo);
    }
    return stop - gpaddr_val(j->gpa);
}

/* Fills or copies [off, end) of the job, a host-contiguous run of its pages at a time. */
static void do_stretch(const struct ram_job *j, uint64_t off, uint64_t end)
{
    while (off < end) {
        gpaddr_t at = gpaddr_add(j->gpa, off);
        paddr_t pa = p2m_lookup(j->p2m, at, NULL);
        uint64_t len = MIN(PAGE_SIZE - (gpaddr_val(at) & (PAGE_SIZE - 1)), end - off);

        CHECK(!paddr_eq(pa, INVALID_PADDR));
        /* From the second page on, each step starts a page. */
        while (off + len < end &&
               paddr_eq(p2m_lookup(j->p2m, gpaddr_add(at, len), NULL), paddr_add(pa, len)))
            len += MIN(PAGE_SIZE, end - off - len);
        if (j->src)
            memcpy(phys_to_virt(pa), j->src + off, len);
        else
            ram_zero(phys_to_virt(pa), len);
        off += len;
    }
}

/* One piece, less the kept frames. */
static void do_piece(const struct ram_job *j, uint64_t i)
{
    uint64_t off = i * PIECE, end = MIN(off + PIECE, j->size);

    while (off < end) {
        bool kept;
        uint64_t stop = stretch_end(j, off, end, &kept);

        if (!kept)
            do_stretch(j, off, stop);
        off = stop;
    }
}

static void do_pieces(struct ram_job *j)
{
    uint64_t i;

    while ((i = __atomic_fetch_add(&j->next, 1, __ATOMIC_RELAXED)) < j->pieces)
        do_piece(j, i);
}

/* On every other CPU; its last touch of the job (on the caller's stack) is the count. */
static void helper(void *arg)
{
    struct ram_job *j = arg;

    do_pieces(j);
    __atomic_sub_fetch(&j->helpers_left, 1, __ATOMIC_RELEASE);
}

/* Other CPUs join only when there is more than one piece: waking them costs more than a piece. */
static void run(struct p2m *p2m, gpaddr_t gpa, const void *src, uint64_t size, bool all_cpus,
                const struct frame_range *keep, unsigned int nr_keep)
{
    struct ram_job j = {
        .p2m = p2m,
        .gpa = gpa,
        .src = src,
        .size = size,
        .keep = keep,
        .nr_keep = nr_keep,
        .pieces = (size + PIECE - 1) / PIECE,
    };

    all_cpus = all_cpus && j.pieces > 1;
    j.helpers_left = all_cpus ? nr_cpus_online - 1 : 0; /* whom smp_call_others() calls */
    if (all_cpus)
        smp_call_others(helper, &j, false);
    do_pieces(&j);
    while (__atomic_load_n(&j.helpers_left, __ATOMIC_ACQUIRE))
        cpu_relax();
}

void domain_ram_clear(struct p2m *p2m, gpaddr_t gpa, uint64_t size, const struct frame_range *keep,
                      unsigned int nr_keep)
{
    run(p2m, gpa, NULL, size, true, keep, nr_keep);
}

void domain_ram_copy(struct p2m *p2m, gpaddr_t gpa, const void *src, uint64_t size, bool all_cpus)
{
    run(p2m, gpa, src, size, all_cpus, NULL, 0);
}
