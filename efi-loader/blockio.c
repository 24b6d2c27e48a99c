// SPDX-License-Identifier: MIT
/*
 * Load option bench-blockio: the firmware's raw block-I/O rate on the
 * loader's own volume, the reference for the file reads' rates
 * (docs/performance.md, "Loader reads"). The same bytes from block 0 are
 * read once in one ReadBlocks request and once in 64 KiB requests.
 */
#include "cpu.h"
#include "loader.h"

#define BENCH_BYTES (64ull << 20)
#define SMALL_BYTES (64ull << 10)

static EFI_GUID block_io_guid = EFI_BLOCK_IO_PROTOCOL_GUID;

/* Reads len bytes from block 0 into buf in requests of at most chunk; ticks, or 0 on an error. */
static uint64_t timed_read(EFI_BLOCK_IO *bio, void *buf, uint64_t len, uint64_t chunk)
{
    uint64_t start = rdtsc(), done;

    for (done = 0; done < len; done += chunk) {
        uint64_t n = len - done < chunk ? len - done : chunk;
        EFI_STATUS s = bio->ReadBlocks(bio, bio->Media->MediaId, done / bio->Media->BlockSize, n,
                                       (uint8_t *)buf + done);

        if (EFI_ERROR(s)) {
            con_info("bench-blockio: ReadBlocks at byte %lu: %s", (unsigned long)done,
                     efi_status_text(s));
            return 0;
        }
    }
    return rdtsc() - start;
}

static void report(const struct loader *ld, const char *how, uint64_t len, uint64_t ticks)
{
    uint64_t us = ticks * 1000 / ld->stamps.loader_tsc_khz;

    if (!us)
        us = 1;
    con_info("block I/O: %lu bytes in %lu.%lu ms, %lu MiB/s (%s)", (unsigned long)len,
             (unsigned long)(us / 1000), (unsigned long)(us % 1000 / 100),
             (unsigned long)(((len >> 10) * 1000000 / us) >> 10), how);
}

void blockio_bench(struct loader *ld, EFI_HANDLE device)
{
    EFI_BLOCK_IO *bio;
    uint64_t len, buf = 0, ticks;
    EFI_STATUS s;

    s = ld->bs->HandleProtocol(device, &block_io_guid, (void **)&bio);
    if (EFI_ERROR(s) || !bio->Media->MediaPresent || !bio->Media->BlockSize ||
        !ld->stamps.loader_tsc_khz || bio->Media->IoAlign > PAGE_SIZE) {
        con_info("bench-blockio: the volume's device has no usable block I/O, or no TSC rate");
        return;
    }
    len = (bio->Media->LastBlock + 1) * bio->Media->BlockSize;
    if (len > BENCH_BYTES)
        len = BENCH_BYTES;
    len -= len % SMALL_BYTES; /* whole blocks in both runs (block sizes divide 64 KiB) */
    if (!len || SMALL_BYTES % bio->Media->BlockSize ||
        EFI_ERROR(pages_alloc(AllocateAnyPages, EfiLoaderData, len, &buf))) {
        con_info("bench-blockio: no room to read the volume's first %lu bytes", (unsigned long)len);
        return;
    }
    ticks = timed_read(bio, (void *)(uintptr_t)buf, len, len);
    if (ticks)
        report(ld, "one ReadBlocks request", len, ticks);
    ticks = timed_read(bio, (void *)(uintptr_t)buf, len, SMALL_BYTES);
    if (ticks)
        report(ld, "64 KiB requests", len, ticks);
    pages_free(buf);
}
