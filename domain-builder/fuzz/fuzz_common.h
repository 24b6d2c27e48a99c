/* SPDX-License-Identifier: MIT */
/*
 * Shared by the libFuzzer targets: prepare a domain from the input as its
 * kernel (with an initrd and a shared memory region, so PVH kernels get a
 * shared memory table) and, if that is accepted, build it into a fixed 32 MiB
 * buffer.
 * Sanitizers (address, undefined) catch any access outside the input or the
 * buffer; the map callback refuses frames past the buffer.
 */
#ifndef DOMAIN_BUILDER_FUZZ_COMMON_H
#define DOMAIN_BUILDER_FUZZ_COMMON_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <domain-builder/builder.h>

#define FUZZ_MEM (32ull << 20)

static void fuzz_build(const uint8_t *data, size_t size)
{
    static struct db_layout layout;
    static uint8_t *guest;
    static const uint8_t initrd[8192] = { 1 };
    const struct db_module mod = { initrd, sizeof(initrd), "initrd", false, 0 };
    const struct db_shm shm = { "ring0", 0xE0000000ull, 0x10000, false, false };
    /* A private copy of exactly size bytes: reads past it are caught. */
    uint8_t *copy = malloc(size ? size : 1);
    struct db_domain_spec spec = {
        .name = "fuzz",
        .memory_bytes = FUZZ_MEM,
        .nr_vcpus = 1,
        .kernel = copy,
        .kernel_size = size,
        .modules = &mod,
        .nr_modules = 1,
        .shm = &shm,
        .nr_shm = 1,
        .cmdline = "console=hvc0",
    };
    struct db_vcpu_state vcpu;
    struct db_guest_mem mem;
    struct db_buffer_mem bm;
    struct db_diag diag;

    if (!copy)
        return;
    memcpy(copy, data, size);
    if (!guest)
        guest = calloc(1, FUZZ_MEM);
    if (db_prepare(&spec, &layout, &diag) == 0 && layout.nr_frames <= FUZZ_MEM >> 12) {
        db_buffer_mem_init(&mem, &bm, guest, FUZZ_MEM >> 12);
        if (db_build(&spec, &layout, &mem, &vcpu, &diag) != 0 && diag.code != DB_ERR_GUEST_MEM)
            abort(); /* a prepared layout must build */
    }
    free(copy);
}

#endif
