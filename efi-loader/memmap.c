// SPDX-License-Identifier: MIT
/* The UEFI memory map, ExitBootServices, and the map handed to the hypervisor. */
#include <string.h>

#include "cpu.h"
#include "loader.h"

/* Descriptors the allocations made after sizing the map may add. */
#define MAP_SLACK_DESCRIPTORS 32
#define EBS_TRIES             8

#define EFI_PERSISTENT_MEMORY 14 /* EfiPersistentMemory, newer than gnu-efi's enum */

EFI_STATUS memmap_prepare(struct loader *ld, struct memmap *mm, uint32_t *max_ranges)
{
    UINTN size = 0;
    EFI_STATUS s;

    memset(mm, 0, sizeof(*mm));
    s = ld->bs->GetMemoryMap(&size, NULL, &mm->key, &mm->desc_size, &mm->desc_version);
    if (s != EFI_BUFFER_TOO_SMALL || mm->desc_size < sizeof(EFI_MEMORY_DESCRIPTOR)) {
        con_error("cannot read the firmware memory map: %s", efi_status_text(s));
        return EFI_ERROR(s) ? s : EFI_DEVICE_ERROR;
    }
    mm->raw_capacity = size + MAP_SLACK_DESCRIPTORS * mm->desc_size;
    s = ld->bs->AllocatePool(EfiLoaderData, mm->raw_capacity, &mm->raw);
    if (EFI_ERROR(s)) {
        con_error("out of memory for the memory map (%lu bytes)", (unsigned long)mm->raw_capacity);
        return s;
    }
    /* Each hypervisor range marked in the converted map may split two entries. */
    *max_ranges = (uint32_t)(mm->raw_capacity / mm->desc_size) + 2 * HV_MAX_RANGES;
    return EFI_SUCCESS;
}

const char *memmap_type_name(uint32_t type)
{
    static const char *const names[] = {
        "reserved",
        "LoaderCode",
        "LoaderData",
        "BootServicesCode",
        "BootServicesData",
        "RuntimeServicesCode",
        "RuntimeServicesData",
        "free",
        "unusable",
        "ACPI reclaim",
        "ACPI NVS",
        "MMIO",
        "MMIO port space",
        "PAL code",
        "persistent",
    };

    if (type == MEMMAP_NO_TYPE)
        return "unmapped";
    if (type < sizeof(names) / sizeof(names[0]))
        return names[type];
    return type >= TESSERA_EFI_MEMTYPE_BASE ? "loader" : "unknown";
}

static const EFI_MEMORY_DESCRIPTOR *find(const struct memmap *mm, uint64_t addr)
{
    for (UINTN off = 0; off + mm->desc_size <= mm->raw_size; off += mm->desc_size) {
        const EFI_MEMORY_DESCRIPTOR *d = (const void *)((const uint8_t *)mm->raw + off);

        if (addr >= d->PhysicalStart && addr - d->PhysicalStart < d->NumberOfPages * PAGE_SIZE)
            return d;
    }
    return NULL;
}

/*
 * Is all of [start, end) free, boot-services memory (free after
 * ExitBootServices) or already claimed for the hypervisor image?
 */
bool memmap_reclaimable(const struct memmap *mm, uint64_t start, uint64_t end, uint64_t *bad_addr,
                        uint32_t *bad_type)
{
    for (uint64_t addr = start; addr < end;) {
        const EFI_MEMORY_DESCRIPTOR *d = find(mm, addr);

        if (!d || (d->Type != EfiConventionalMemory && d->Type != EfiBootServicesCode &&
                   d->Type != EfiBootServicesData &&
                   d->Type != TESSERA_EFI_MEMTYPE(TESSERA_MEM_HV_IMAGE))) {
            *bad_addr = addr;
            *bad_type = d ? d->Type : MEMMAP_NO_TYPE;
            return false;
        }
        addr = d->PhysicalStart + d->NumberOfPages * PAGE_SIZE;
    }
    return true;
}

static EFI_STATUS snapshot(struct loader *ld, struct memmap *mm)
{
    EFI_STATUS s;

    memset(mm, 0, sizeof(*mm));
    s = ld->bs->GetMemoryMap(&mm->raw_size, NULL, &mm->key, &mm->desc_size, &mm->desc_version);
    if (s != EFI_BUFFER_TOO_SMALL || mm->desc_size < sizeof(EFI_MEMORY_DESCRIPTOR))
        return EFI_ERROR(s) ? s : EFI_DEVICE_ERROR;
    mm->raw_capacity = mm->raw_size + 8 * mm->desc_size;
    s = ld->bs->AllocatePool(EfiLoaderData, mm->raw_capacity, &mm->raw);
    if (EFI_ERROR(s))
        return s;
    mm->raw_size = mm->raw_capacity;
    s = ld->bs->GetMemoryMap(&mm->raw_size, mm->raw, &mm->key, &mm->desc_size, &mm->desc_version);
    if (EFI_ERROR(s))
        ld->bs->FreePool(mm->raw);
    return s;
}

bool memmap_reclaimable_now(struct loader *ld, uint64_t start, uint64_t end, uint64_t *bad_addr,
                            uint32_t *bad_type)
{
    struct memmap mm;
    bool ok;

    *bad_addr = start;
    *bad_type = MEMMAP_NO_TYPE;
    if (EFI_ERROR(snapshot(ld, &mm)))
        return false;
    ok = memmap_reclaimable(&mm, start, end, bad_addr, bad_type);
    ld->bs->FreePool(mm.raw);
    return ok;
}

/* Allocates, as efi_type, every page of [start, end) that is free now. */
EFI_STATUS memmap_claim_free(struct loader *ld, uint64_t start, uint64_t end, uint32_t efi_type)
{
    struct memmap mm;
    EFI_STATUS s;

    s = snapshot(ld, &mm);
    if (EFI_ERROR(s))
        return s;
    for (UINTN off = 0; off + mm.desc_size <= mm.raw_size && !EFI_ERROR(s); off += mm.desc_size) {
        const EFI_MEMORY_DESCRIPTOR *d = (const void *)((const uint8_t *)mm.raw + off);
        uint64_t base = d->PhysicalStart, top = base + d->NumberOfPages * PAGE_SIZE;

        if (d->Type != EfiConventionalMemory || top <= start || base >= end)
            continue;
        base = base > start ? base : start;
        top = top < end ? top : end;
        s = pages_alloc(AllocateAddress, efi_type, top - base, &base);
    }
    ld->bs->FreePool(mm.raw);
    return s;
}

/* The firmware's descriptor holding addr, as [base, end). */
bool memmap_region_of(struct loader *ld, uint64_t addr, uint64_t *base, uint64_t *end)
{
    struct memmap mm;
    const EFI_MEMORY_DESCRIPTOR *d;

    if (EFI_ERROR(snapshot(ld, &mm)))
        return false;
    d = find(&mm, addr);
    if (d) {
        *base = d->PhysicalStart;
        *end = d->PhysicalStart + d->NumberOfPages * PAGE_SIZE;
    }
    ld->bs->FreePool(mm.raw);
    return d != NULL;
}

/*
 * Nothing may allocate between GetMemoryMap and ExitBootServices (that would
 * change the key). If the key is stale anyway, the firmware allows only
 * GetMemoryMap and another ExitBootServices, into the same buffer.
 */
EFI_STATUS memmap_exit_boot_services(struct loader *ld, struct memmap *mm)
{
    EFI_STATUS s = EFI_INVALID_PARAMETER;

    for (int tries = 0; tries < EBS_TRIES && s == EFI_INVALID_PARAMETER; tries++) {
        mm->raw_size = mm->raw_capacity;
        s = ld->bs->GetMemoryMap(&mm->raw_size, mm->raw, &mm->key, &mm->desc_size,
                                 &mm->desc_version);
        if (EFI_ERROR(s))
            break;
        if (!place_still_reclaimable(ld, mm)) {
            con_error("%s: the hypervisor's memory is no longer free at ExitBootServices",
                      ld->hv_path);
            return EFI_LOAD_ERROR;
        }
        ld->stamps.exit_boot_services_tsc = rdtsc();
        s = ld->bs->ExitBootServices(ld->image, mm->key);
    }
    if (EFI_ERROR(s))
        con_error("ExitBootServices failed: %s", efi_status_text(s));
    return s;
}

static void convert_one(const EFI_MEMORY_DESCRIPTOR *d, struct tessera_mem_range *r)
{
    uint32_t type;

    switch (d->Type) {
    case EfiConventionalMemory:
    case EfiBootServicesCode:
    case EfiBootServicesData:
    case EfiLoaderCode:
    case EfiLoaderData: type = TESSERA_MEM_RAM; break;
    case EfiACPIReclaimMemory: type = TESSERA_MEM_ACPI_RECLAIM; break;
    case EfiACPIMemoryNVS: type = TESSERA_MEM_ACPI_NVS; break;
    case EfiMemoryMappedIO:
    case EfiMemoryMappedIOPortSpace: type = TESSERA_MEM_MMIO; break;
    case EfiUnusableMemory: type = TESSERA_MEM_UNUSABLE; break;
    case EFI_PERSISTENT_MEMORY: type = TESSERA_MEM_PERSISTENT; break;
    case TESSERA_EFI_MEMTYPE(TESSERA_MEM_HV_IMAGE):
    case TESSERA_EFI_MEMTYPE(TESSERA_MEM_BOOTINFO):
    case TESSERA_EFI_MEMTYPE(TESSERA_MEM_LAUNCH_TREE):
    case TESSERA_EFI_MEMTYPE(TESSERA_MEM_MODULE):
    case TESSERA_EFI_MEMTYPE(TESSERA_MEM_TRAMPOLINE):
        type = d->Type - TESSERA_EFI_MEMTYPE_BASE;
        break;
    default: /* reserved, runtime services, PAL code, unknown */ type = TESSERA_MEM_RESERVED; break;
    }
    r->base = d->PhysicalStart;
    r->size = d->NumberOfPages * PAGE_SIZE;
    r->flags = 0;
    /* Runtime services keep using these ranges, whatever their type says. */
    if (d->Type == EfiRuntimeServicesCode || d->Type == EfiRuntimeServicesData ||
        (d->Attribute & EFI_MEMORY_RUNTIME)) {
        r->flags |= TESSERA_MEMF_RUNTIME;
        if (type == TESSERA_MEM_RAM)
            type = TESSERA_MEM_RESERVED;
    }
    if ((d->Attribute & EFI_MEMORY_UC) && !(d->Attribute & EFI_MEMORY_WB))
        r->flags |= TESSERA_MEMF_UNCACHEABLE;
    r->type = type;
}

/* Gives [base, end) the type `type`, splitting the entries it cuts through. */
static uint32_t carve(struct tessera_mem_range *r, uint32_t n, uint32_t max_ranges, uint64_t base,
                      uint64_t end, uint32_t type)
{
    uint32_t count = n;

    for (uint32_t i = 0; i < count; i++) {
        uint64_t r_end = r[i].base + r[i].size;
        struct tessera_mem_range piece = r[i];

        if (r[i].size == 0 || !(r[i].base < end && base < r_end))
            continue;
        if (r[i].base < base && n < max_ranges) {
            piece.base = r[i].base;
            piece.size = base - r[i].base;
            r[n++] = piece;
        }
        if (r_end > end && n < max_ranges) {
            piece.base = end;
            piece.size = r_end - end;
            r[n++] = piece;
        }
        r[i].base = r[i].base > base ? r[i].base : base;
        r[i].size = (r_end < end ? r_end : end) - r[i].base;
        r[i].type = type;
        r[i].flags = 0;
    }
    return n;
}

/*
 * Runs after ExitBootServices: no allocation, no firmware calls. Staged
 * hypervisor ranges were boot-services memory in the firmware's map; here
 * they become TESSERA_MEM_HV_IMAGE like the ranges allocated in place.
 */
uint32_t memmap_convert(const struct loader *ld, const struct memmap *mm,
                        struct tessera_mem_range *out, uint32_t max_ranges)
{
    uint32_t n = 0, merged = 0;

    for (UINTN off = 0; off + mm->desc_size <= mm->raw_size && n < max_ranges;
         off += mm->desc_size) {
        const EFI_MEMORY_DESCRIPTOR *d = (const void *)((const uint8_t *)mm->raw + off);

        if (d->NumberOfPages)
            convert_one(d, &out[n++]);
    }
    for (unsigned i = 0; i < ld->hv_range_count; i++)
        if (ld->hv_ranges[i].staged)
            n = carve(out, n, max_ranges, ld->hv_ranges[i].start, ld->hv_ranges[i].end,
                      TESSERA_MEM_HV_IMAGE);

    /* Insertion sort by base: the firmware's map is nearly sorted already. */
    for (uint32_t i = 1; i < n; i++) {
        struct tessera_mem_range r = out[i];
        uint32_t j;

        for (j = i; j > 0 && out[j - 1].base > r.base; j--)
            out[j] = out[j - 1];
        out[j] = r;
    }
    for (uint32_t i = 0; i < n; i++) {
        struct tessera_mem_range *last = merged ? &out[merged - 1] : NULL;

        if (last && last->base + last->size == out[i].base && last->type == out[i].type &&
            last->flags == out[i].flags)
            last->size += out[i].size;
        else
            out[merged++] = out[i];
    }
    return merged;
}
