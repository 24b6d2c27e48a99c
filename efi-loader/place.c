// SPDX-License-Identifier: MIT
/*
 * Putting the hypervisor at its link address. Each PT_LOAD page range is
 * allocated where it belongs if the firmware has it free. OVMF, though, keeps
 * its DXE firmware volume in boot-services memory at 9-21 MiB, where a
 * hypervisor linked at 16 MiB wants to be. Boot-services memory is free once
 * ExitBootServices returns, so such a range is staged in a buffer now and
 * moved into place after ExitBootServices, provided nothing the loader still
 * runs on lives there: the stack, the page tables, the GDT and the IDT.
 */
#include <string.h>

#include "cpu.h"
#include "loader.h"

struct desc_table_reg {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

#define PTE_PRESENT   (1ull << 0)
#define PTE_LARGE     (1ull << 7)
#define PTE_ADDR_MASK 0x000FFFFFFFFFF000ull
#define CR4_LA57      (1ull << 12)

static bool overlaps(uint64_t a, uint64_t a_end, uint64_t b, uint64_t b_end)
{
    return a < b_end && b < a_end;
}

/* Does any page-table page of the live hierarchy lie in [start, end)? */
static bool tables_in(uint64_t table, int level, uint64_t start, uint64_t end)
{
    const uint64_t *e = (const uint64_t *)(uintptr_t)table;

    if (overlaps(table, table + PAGE_SIZE, start, end))
        return true;
    if (level == 1)
        return false;
    for (int i = 0; i < 512; i++) {
        if (!(e[i] & PTE_PRESENT) || ((level == 2 || level == 3) && (e[i] & PTE_LARGE)))
            continue;
        if (tables_in(e[i] & PTE_ADDR_MASK, level - 1, start, end))
            return true;
    }
    return false;
}

static const char *live_firmware_data_in(struct loader *ld, uint64_t start, uint64_t end)
{
    struct desc_table_reg gdtr, idtr;
    uint64_t cr3, cr4, sp_base, sp_end;

    __asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    __asm__ volatile("sgdt %0" : "=m"(gdtr));
    __asm__ volatile("sidt %0" : "=m"(idtr));

    if (tables_in(cr3 & PTE_ADDR_MASK, cr4 & CR4_LA57 ? 5 : 4, start, end))
        return "the firmware's page tables";
    if (overlaps(gdtr.base, gdtr.base + gdtr.limit + 1, start, end))
        return "the firmware's GDT";
    if (overlaps(idtr.base, idtr.base + idtr.limit + 1, start, end))
        return "the firmware's IDT";
    if (memmap_region_of(ld, (uint64_t)(uintptr_t)__builtin_frame_address(0), &sp_base, &sp_end) &&
        overlaps(sp_base, sp_end, start, end))
        return "the loader's stack";
    return NULL;
}

EFI_STATUS place_reserve(struct loader *ld, uint64_t start, uint64_t end)
{
    struct hv_range *r;
    uint64_t addr = start, bad_addr;
    uint32_t bad_type;
    const char *in_use;

    if (ld->hv_range_count == HV_MAX_RANGES) {
        con_error("%s: more than %u PT_LOAD segments", ld->hv_path, HV_MAX_RANGES);
        return EFI_LOAD_ERROR;
    }
    r = &ld->hv_ranges[ld->hv_range_count];
    *r = (struct hv_range){ start, end, 0 };

    if (!EFI_ERROR(pages_alloc(AllocateAddress, TESSERA_EFI_MEMTYPE(TESSERA_MEM_HV_IMAGE),
                               end - start, &addr))) {
        memset((void *)(uintptr_t)start, 0, end - start);
        ld->hv_range_count++;
        return EFI_SUCCESS;
    }
    if (!memmap_reclaimable_now(ld, start, end, &bad_addr, &bad_type)) {
        con_error("%s: segment at 0x%lx-0x%lx: memory there is not free (%s memory at 0x%lx)",
                  ld->hv_path, (unsigned long)start, (unsigned long)end - 1,
                  memmap_type_name(bad_type), (unsigned long)bad_addr);
        return EFI_LOAD_ERROR;
    }
    in_use = live_firmware_data_in(ld, start, end);
    if (in_use) {
        con_error("%s: segment at 0x%lx-0x%lx: memory there holds %s", ld->hv_path,
                  (unsigned long)start, (unsigned long)end - 1, in_use);
        return EFI_LOAD_ERROR;
    }
    /* The free parts must stay free for the move, and not receive the staging buffer. */
    if (EFI_ERROR(memmap_claim_free(ld, start, end, TESSERA_EFI_MEMTYPE(TESSERA_MEM_HV_IMAGE)))) {
        con_error("%s: segment at 0x%lx-0x%lx: cannot reserve its free pages", ld->hv_path,
                  (unsigned long)start, (unsigned long)end - 1);
        return EFI_LOAD_ERROR;
    }
    addr = 0;
    if (EFI_ERROR(pages_alloc(AllocateAnyPages, EfiLoaderData, end - start, &addr))) {
        con_error("%s: out of memory staging 0x%lx-0x%lx", ld->hv_path, (unsigned long)start,
                  (unsigned long)end - 1);
        return EFI_OUT_OF_RESOURCES;
    }
    memset((void *)(uintptr_t)addr, 0, end - start);
    r->staged = addr;
    ld->hv_range_count++;
    con_info("hypervisor range 0x%lx-0x%lx is boot-services memory now: staged at 0x%lx",
             (unsigned long)start, (unsigned long)end - 1, (unsigned long)addr);
    return EFI_SUCCESS;
}

/* Copies into the hypervisor's address range, wherever it is held for now. */
void place_write(struct loader *ld, uint64_t dest, const void *src, uint64_t len)
{
    const uint8_t *s = src;
    unsigned i = 0;

    while (len && i < ld->hv_range_count) {
        const struct hv_range *r = &ld->hv_ranges[i];
        uint64_t chunk;

        if (dest < r->start || dest >= r->end) {
            i++;
            continue;
        }
        chunk = r->end - dest < len ? r->end - dest : len;
        memcpy((void *)(uintptr_t)(r->staged ? r->staged + (dest - r->start) : dest), s, chunk);
        dest += chunk;
        s += chunk;
        len -= chunk;
        i = 0;
    }
}

/* Between the final GetMemoryMap and ExitBootServices: computation only. */
bool place_still_reclaimable(const struct loader *ld, const struct memmap *mm)
{
    for (unsigned i = 0; i < ld->hv_range_count; i++) {
        const struct hv_range *r = &ld->hv_ranges[i];
        uint64_t bad_addr;
        uint32_t bad_type;

        if (r->staged && !memmap_reclaimable(mm, r->start, r->end, &bad_addr, &bad_type))
            return false;
    }
    return true;
}

/* After ExitBootServices: boot-services memory is ours to overwrite. */
void place_finish(const struct loader *ld)
{
    for (unsigned i = 0; i < ld->hv_range_count; i++) {
        const struct hv_range *r = &ld->hv_ranges[i];

        if (r->staged)
            memcpy((void *)(uintptr_t)r->start, (const void *)(uintptr_t)r->staged,
                   r->end - r->start);
    }
}
