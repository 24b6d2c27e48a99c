// SPDX-License-Identifier: MIT
/*
 * multiboot2_start(): called by the multiboot2 entry in long mode on its
 * early stack, before .bss is cleared; builds the boot information in the
 * image's .bootdata (kept: the memory map calls the whole image HV_IMAGE).
 */
#include "multiboot2.h"

uint64_t multiboot2_start(uint32_t mbi, uint64_t entry_tsc);

extern const char __image_start[], __image_end[];

static uint8_t scratch[MB2_SCRATCH_SIZE] __attribute__((section(".bootdata"), aligned(4096)));

uint64_t multiboot2_start(uint32_t mbi, uint64_t entry_tsc)
{
    const struct mb2_boot b = {
        .mbi = (const void *)(uintptr_t)mbi,
        .hv_image_base = (uint64_t)(uintptr_t)__image_start,
        .hv_image_size = (uint64_t)(__image_end - __image_start),
        .entry_tsc = entry_tsc,
        .scratch = scratch,
        .scratch_pa = (uint64_t)(uintptr_t)scratch,
        .scratch_size = sizeof(scratch),
    };

    return (uint64_t)(uintptr_t)multiboot2_bootinfo(&b);
}
