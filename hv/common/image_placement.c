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

void image_placement_bench_memcpy(void)
{
    uint64_t bytes = PAGE_SIZE << BENCH_ORDER, best = ~0ull;
    paddr_t src, dst;
    unsigned int i;

    if (!cmdline_has("bench-memcpy"))
        return;
    src = page_alloc(BENCH_ORDER);
    dst = page_alloc(BENCH_ORDER);
    if (!paddr_val(src) || !paddr_val(dst)) {
        printk("tessera: memcpy: no two free blocks of %llu MiB to time it\n",
               (unsigned long long)(bytes >> 20));
    } else {
        /* Touched first: under an emulator a page's first write costs more than the copy. */
        memset(phys_to_virt(src), 0x5A, bytes);
        memset(phys_to_virt(dst), 0, bytes);
        for (i = 0; i < BENCH_RUNS; i++) {
            uint64_t t = rdtsc();

            memcpy(phys_to_virt(dst), phys_to_virt(src), bytes);
            t = rdtsc() - t;
            best = MIN(best, t);
        }
        printk("tessera: memcpy: %llu MiB in %llu us, %llu MiB/s (one CPU, fastest of %u)\n",
               (unsigned long long)(bytes >> 20), (unsigned long long)ticks_to_us(best),
               (unsigned long long)mib_per_s(bytes, best), BENCH_RUNS);
    }
    if (paddr_val(src))
        page_free(src, BENCH_ORDER);
    if (paddr_val(dst))
        page_free(dst, BENCH_ORDER);
}
