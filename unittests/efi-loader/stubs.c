// SPDX-License-Identifier: MIT
#include <stdarg.h>
#include <stdio.h>

#include "loader.h"
#include "stubs.h"

char stub_last_error[512];
char stub_last_info[512];

void stubs_reset(void)
{
    stub_last_error[0] = stub_last_info[0] = '\0';
}

void con_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(stub_last_error, sizeof(stub_last_error), fmt, ap);
    va_end(ap);
}

void con_info(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(stub_last_info, sizeof(stub_last_info), fmt, ap);
    va_end(ap);
}

const char *efi_status_text(EFI_STATUS s)
{
    (void)s;
    return "stub";
}

/* No firmware: every allocation fails, so nothing is ever written to "physical" memory. */
EFI_STATUS pages_alloc(EFI_ALLOCATE_TYPE how, uint32_t efi_type, uint64_t bytes, uint64_t *addr)
{
    (void)how, (void)efi_type, (void)bytes, (void)addr;
    return EFI_OUT_OF_RESOURCES;
}

EFI_STATUS pages_alloc_aligned(EFI_ALLOCATE_TYPE how, uint32_t efi_type, uint64_t bytes,
                               uint64_t align, uint64_t *addr)
{
    (void)how, (void)efi_type, (void)bytes, (void)align, (void)addr;
    return EFI_OUT_OF_RESOURCES;
}

void pages_free(uint64_t addr)
{
    (void)addr;
}

EFI_STATUS place_reserve(struct loader *ld, uint64_t start, uint64_t end)
{
    (void)ld, (void)start, (void)end;
    return EFI_OUT_OF_RESOURCES;
}

void place_write(struct loader *ld, uint64_t dest, const void *src, uint64_t len)
{
    (void)ld, (void)dest, (void)src, (void)len;
}

bool place_still_reclaimable(const struct loader *ld, const struct memmap *mm)
{
    (void)ld, (void)mm;
    return true;
}
