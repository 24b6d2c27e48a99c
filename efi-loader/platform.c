// SPDX-License-Identifier: MIT
/* What the loader records about the machine for the hypervisor. */
#include <string.h>

#include "cpu.h"
#include "loader.h"

#define TRAMPOLINE_PAGES 4
#define TSC_STALL_US     10000

static EFI_GUID acpi20_guid = ACPI_20_TABLE_GUID;
static EFI_GUID acpi10_guid = ACPI_TABLE_GUID;
static EFI_GUID gop_guid = EFI_GRAPHICS_OUTPUT_PROTOCOL_GUID;

static uint64_t find_config_table(EFI_SYSTEM_TABLE *st, EFI_GUID *guid)
{
    for (UINTN i = 0; i < st->NumberOfTableEntries; i++) {
        EFI_CONFIGURATION_TABLE *t = &st->ConfigurationTable[i];

        if (!memcmp(&t->VendorGuid, guid, sizeof(*guid)))
            return (uint64_t)(uintptr_t)t->VendorTable;
    }
    return 0;
}

static void capture_framebuffer(struct loader *ld)
{
    EFI_GRAPHICS_OUTPUT_PROTOCOL *gop;
    EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *info;
    struct tessera_framebuffer *fb = &ld->fb;

    memset(fb, 0, sizeof(*fb));
    if (EFI_ERROR(ld->bs->LocateProtocol(&gop_guid, NULL, (void **)&gop)) || !gop->Mode ||
        !gop->Mode->Info)
        return;
    info = gop->Mode->Info;
    switch (info->PixelFormat) {
    case PixelRedGreenBlueReserved8BitPerColor: fb->format = TESSERA_FB_RGBX8888; break;
    case PixelBlueGreenRedReserved8BitPerColor: fb->format = TESSERA_FB_BGRX8888; break;
    case PixelBitMask:
        fb->format = TESSERA_FB_BITMASK;
        fb->red_mask = info->PixelInformation.RedMask;
        fb->green_mask = info->PixelInformation.GreenMask;
        fb->blue_mask = info->PixelInformation.BlueMask;
        fb->reserved_mask = info->PixelInformation.ReservedMask;
        break;
    default: return; /* BltOnly: no linear framebuffer */
    }
    fb->base = gop->Mode->FrameBufferBase;
    fb->size = gop->Mode->FrameBufferSize;
    fb->width = info->HorizontalResolution;
    fb->height = info->VerticalResolution;
    fb->pixels_per_line = info->PixelsPerScanLine;
}

void platform_capture(struct loader *ld)
{
    uint64_t t0, t1;

    ld->rsdp = find_config_table(ld->st, &acpi20_guid);
    if (!ld->rsdp)
        ld->rsdp = find_config_table(ld->st, &acpi10_guid);
    capture_framebuffer(ld);

    t0 = rdtsc();
    ld->bs->Stall(TSC_STALL_US);
    t1 = rdtsc();
    ld->stamps.loader_tsc_khz = (t1 - t0) / (TSC_STALL_US / 1000);

    con_info("ACPI RSDP 0x%lx, framebuffer 0x%lx %ux%u, TSC %lu kHz", (unsigned long)ld->rsdp,
             (unsigned long)ld->fb.base, ld->fb.width, ld->fb.height,
             (unsigned long)ld->stamps.loader_tsc_khz);
}

EFI_STATUS trampoline_reserve(struct loader *ld)
{
    uint64_t addr = 0xFFFFF;
    EFI_STATUS s;

    s = pages_alloc(AllocateMaxAddress, TESSERA_EFI_MEMTYPE(TESSERA_MEM_TRAMPOLINE),
                    TRAMPOLINE_PAGES * PAGE_SIZE, &addr);
    if (EFI_ERROR(s)) {
        con_error("no free memory below 1 MiB for the CPU start-up trampoline (%u pages)",
                  TRAMPOLINE_PAGES);
        return EFI_OUT_OF_RESOURCES;
    }
    ld->trampoline = addr;
    ld->trampoline_size = TRAMPOLINE_PAGES * PAGE_SIZE;
    return EFI_SUCCESS;
}
