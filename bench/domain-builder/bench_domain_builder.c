// SPDX-License-Identifier: MIT
/*
 * Domain-builder throughput: builds one domain (prepare + build) again and
 * again into host memory and reports MiB of images (kernel + initrd) placed
 * per second, next to a plain memcpy of the same bytes.
 *
 * usage: bench-domain-builder [VMLINUZ] [--initrd-mib N] [--seconds S]
 * Without VMLINUZ a synthetic 8 MiB bzImage is used.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <domain-builder/builder.h>

#include "bzimage_gen.h"

#define MiB (1024ull * 1024)

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint8_t *read_file(const char *path, uint64_t *size)
{
    FILE *f = fopen(path, "rb");
    uint8_t *b;

    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    *size = (uint64_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    b = malloc(*size);
    if (b && fread(b, 1, *size, f) != *size) {
        free(b);
        b = NULL;
    }
    fclose(f);
    return b;
}

/* The synthetic image, grown to 8 MiB of protected-mode kernel. */
static uint8_t *synthetic(uint64_t *size)
{
    uint64_t small, pm_off = (BZGEN_SETUP_SECTS + 1) * 512, pm = 8 * MiB;
    uint8_t *s = make_bzimage(true, &small), *b = malloc(pm_off + pm);

    memcpy(b, s, pm_off);
    for (uint64_t i = 0; i < pm; i++)
        b[pm_off + i] = (uint8_t)(i * 31 + 7);
    bzgen_put(b + 0x260, 16 * MiB, 4); /* init_size */
    free(s);
    *size = pm_off + pm;
    return b;
}

int main(int argc, char **argv)
{
    const char *path = NULL;
    uint64_t initrd_mib = 32, ksize, placed, iters = 0;
    double seconds = 2.0, t0, t_build, t_copy;
    struct db_layout *layout = calloc(1, sizeof(*layout));
    struct db_vcpu_state vcpu;
    struct db_guest_mem mem;
    struct db_buffer_mem bm;
    struct db_diag diag;
    uint8_t *kernel, *initrd, *guest, *dst;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--initrd-mib") && i + 1 < argc)
            initrd_mib = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
            seconds = strtod(argv[++i], NULL);
        else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            printf("usage: %s [VMLINUZ] [--initrd-mib N] [--seconds S]\n", argv[0]);
            return 0;
        } else
            path = argv[i];
    }
    kernel = path ? read_file(path, &ksize) : synthetic(&ksize);
    if (!kernel) {
        perror(path);
        return 1;
    }
    initrd = malloc(initrd_mib * MiB + 1);
    for (uint64_t i = 0; i < initrd_mib * MiB; i++)
        initrd[i] = (uint8_t)(i >> 7);

    struct db_module mod = { initrd, initrd_mib * MiB, NULL, false, 0 };
    struct db_domain_spec spec = {
        .name = "bench",
        .memory_bytes = 256 * MiB,
        .nr_vcpus = 1,
        .kernel = kernel,
        .kernel_size = ksize,
        .modules = &mod,
        .nr_modules = initrd_mib ? 1 : 0,
        .cmdline = "console=ttyS0 nokaslr",
    };
    if (db_prepare(&spec, layout, &diag)) {
        fprintf(stderr, "prepare: %s\n", diag.msg);
        return 1;
    }
    guest = calloc(layout->nr_frames, 4096);
    dst = malloc(ksize + mod.size);
    db_buffer_mem_init(&mem, &bm, guest, layout->nr_frames);
    placed = ksize + (initrd_mib ? mod.size : 0);

    /* Warm up both paths (first touch of every page), then time them. */
    db_build(&spec, layout, &mem, &vcpu, &diag);
    memcpy(dst, kernel, ksize);
    memcpy(dst + ksize, initrd, placed - ksize);
    t0 = now();
    do {
        if (db_prepare(&spec, layout, &diag) || db_build(&spec, layout, &mem, &vcpu, &diag)) {
            fprintf(stderr, "build: %s\n", diag.msg);
            return 1;
        }
        iters++;
    } while (now() - t0 < seconds);
    t_build = now() - t0;

    t0 = now();
    for (uint64_t i = 0; i < iters; i++) {
        memcpy(dst, kernel, ksize);
        memcpy(dst + ksize, initrd, placed - ksize);
        __asm__ volatile("" : : "r"(dst) : "memory");
    }
    t_copy = now() - t0;

    printf("domain-builder: %s (%s, %.1f MiB kernel + %lu MiB initrd), %lu builds\n",
           path ? path : "synthetic bzImage", db_mode_name(layout->mode), ksize / (double)MiB,
           (unsigned long)initrd_mib, (unsigned long)iters);
    printf("domain-builder: placed %.1f MiB in %.1f ms = %.0f MiB/s; memcpy of the same bytes: "
           "%.0f MiB/s\n",
           placed * iters / (double)MiB, t_build * 1e3, placed * iters / (double)MiB / t_build,
           placed * iters / (double)MiB / t_copy);
    free(dst);
    free(guest);
    free(initrd);
    free(kernel);
    free(layout);
    return 0;
}
