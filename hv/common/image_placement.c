// SPDX-License-Identifier: MIT
/* Placing domains' images, timed (hv/image_placement.h). */
#include <string.h>
#include <asm/tsc.h>
#include <hv/cmdline.h>
#include <hv/domain.h>
#include <hv/image_placement.h>
#include <hv/p2m.h>
#include <hv/page_alloc.h>
#include <hv/printk.h>
#include <hv/ram_clear.h>
#include <hv/time.h>

#define BENCH_ORDER 13 /* 32 MiB */
#define BENCH_RUNS  3

/* One domain's figures; under the domain builder's lock. */
static struct {
    bool all_cpus;
    uint64_t copied, copy_ticks;
    uint64_t mapped, map_ticks;
} placing;

void image_placement_begin(bool all_cpus)
{
    memset(&placing, 0, sizeof(placing));
    placing.all_cpus = all_cpus;
}

int image_placement_copy(void *ctx, uint64_t gpa, const void *src, uint64_t len)
{
    struct domain *d = ctx;
    uint64_t t;

    if (!p2m_owns_range(d->p2m, mk_gpaddr(gpa), len))
        return -1;
    t = rdtsc();
    domain_ram_copy(d->p2m, mk_gpaddr(gpa), src, len, placing.all_cpus);
    placing.copy_ticks += rdtsc() - t;
    placing.copied += len;
    return 0;
}

int image_placement_map(struct domain *d, gpaddr_t gpa, paddr_t pa, uint64_t size)
{
    uint64_t t = rdtsc();
    int rc = p2m_map_boot_ram(d->p2m, gpa, pa, size);

    placing.map_ticks += rdtsc() - t;
    if (!rc)
        placing.mapped += size;
    return rc;
}

static uint64_t ticks_to_us(uint64_t ticks)
{
    return ticks * 1000 / (tsc_khz() ? tsc_khz() : 1);
}

/* bytes over ticks in MiB/s: KiB per ms times 1000/1024. */
static uint64_t mib_per_s(uint64_t bytes, uint64_t ticks)
{
    return ticks ? (bytes >> 10) * tsc_khz() / ticks * 1000 / 1024 : 0;
}

void image_placement_report(const struct domain *d)
{
    if (!placing.copied && !placing.mapped)
        return;
    printk("tessera: domain %s (id %u): images placed: %llu KiB copied in %llu us (%llu MiB/s, "
           "%s), %llu KiB mapped in %llu us\n",
           d->name, d->domid, (unsigned long long)(placing.copied >> 10),
           (unsigned long long)ticks_to_us(placing.copy_ticks),
           (unsigned long long)mib_per_s(placing.copied, placing.copy_ticks),
           placing.all_cpus ? "all CPUs" : "one CPU", (unsigned long long)(placing.mapped >> 10),
           (unsigned long long)ticks_to_us(placing.map_ticks));
}

/* The fastest of runs copies of bytes from src into dst[0..runs) (the same dst if one). */
static uint64_t fastest_copy(paddr_t *dst, unsigned int nr_dst, paddr_t src, uint64_t bytes,
                             unsigned int runs)
{
    uint64_t best = ~0ull;

    for (unsigned int i = 0; i < runs; i++) {
        uint64_t t = rdtsc();

        memcpy(phys_to_virt(dst[i % nr_dst]), phys_to_virt(src), bytes);
        best = MIN(best, rdtsc() - t);
    }
    return best;
}

void image_placement_bench_memcpy(void)
{
    uint64_t bytes = PAGE_SIZE << BENCH_ORDER, fresh, written;
    paddr_t src, dst[BENCH_RUNS];
    unsigned int i, n = 0;

    if (!cmdline_has("bench-memcpy"))
        return;
    src = page_alloc(BENCH_ORDER);
    while (n < BENCH_RUNS && paddr_val(dst[n] = page_alloc(BENCH_ORDER)))
        n++;
    if (!paddr_val(src) || n < BENCH_RUNS) {
        printk("tessera: memcpy: no %u free blocks of %llu MiB to time it\n", BENCH_RUNS + 1,
               (unsigned long long)(bytes >> 20));
    } else {
        /*
         * The source written first, as the loader wrote the modules; each
         * destination is frames the hypervisor never wrote, the next ones
         * after the domains' RAM, as a placement's are: under an
         * emulator the first write into a page costs the host a page, on
         * silicon nothing. The copies into written frames after them are
         * the usual memcpy figure.
         */
        memset(phys_to_virt(src), 0x5A, bytes);
        fresh = fastest_copy(dst, BENCH_RUNS, src, bytes, BENCH_RUNS);
        written = fastest_copy(dst, 1, src, bytes, BENCH_RUNS);
        printk("tessera: memcpy: %llu MiB, one CPU, fastest of %u: into frames never written "
               "%llu us, %llu MiB/s; into written frames %llu us, %llu MiB/s\n",
               (unsigned long long)(bytes >> 20), BENCH_RUNS,
               (unsigned long long)ticks_to_us(fresh), (unsigned long long)mib_per_s(bytes, fresh),
               (unsigned long long)ticks_to_us(written),
               (unsigned long long)mib_per_s(bytes, written));
    }
    if (paddr_val(src))
        page_free(src, BENCH_ORDER);
    for (i = 0; i < n; i++)
        page_free(dst[i], BENCH_ORDER);
}
