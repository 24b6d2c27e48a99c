// SPDX-License-Identifier: MIT
/*
 * Page allocations are remembered so that any failure before the hypervisor
 * starts can hand all of them back to the firmware.
 */
#include "loader.h"

/* Room for MAX_MODULES modules, the hypervisor ranges, their staging and the rest. */
#define MAX_ALLOCATIONS (MAX_MODULES + 384)

struct allocation {
    uint64_t addr;
    UINTN pages;
};

static EFI_BOOT_SERVICES *boot_services;
static struct allocation allocations[MAX_ALLOCATIONS];
static unsigned allocation_count;

void alloc_init(EFI_BOOT_SERVICES *bs)
{
    boot_services = bs;
    allocation_count = 0;
}

EFI_STATUS pages_alloc(EFI_ALLOCATE_TYPE how, uint32_t efi_type, uint64_t bytes, uint64_t *addr)
{
    EFI_PHYSICAL_ADDRESS a = *addr;
    UINTN pages = page_round_up(bytes) / PAGE_SIZE;
    EFI_STATUS s;

    if (allocation_count == MAX_ALLOCATIONS || pages == 0)
        return EFI_OUT_OF_RESOURCES;
    s = boot_services->AllocatePages(how, (EFI_MEMORY_TYPE)efi_type, pages, &a);
    if (EFI_ERROR(s))
        return s;
    allocations[allocation_count++] = (struct allocation){ a, pages };
    *addr = a;
    return EFI_SUCCESS;
}

EFI_STATUS pages_alloc_aligned(EFI_ALLOCATE_TYPE how, uint32_t efi_type, uint64_t bytes,
                               uint64_t align, uint64_t *addr)
{
    EFI_PHYSICAL_ADDRESS a = *addr;
    UINTN pages = page_round_up(bytes) / PAGE_SIZE, slack = align / PAGE_SIZE - 1;
    uint64_t base, end;
    EFI_STATUS s;

    if (allocation_count == MAX_ALLOCATIONS || pages == 0)
        return EFI_OUT_OF_RESOURCES;
    s = boot_services->AllocatePages(how, (EFI_MEMORY_TYPE)efi_type, pages + slack, &a);
    if (EFI_ERROR(s))
        return s;
    base = (a + align - 1) & ~(align - 1);
    end = base + pages * PAGE_SIZE;
    /* The slack on both sides goes back at once. */
    if (base > a)
        boot_services->FreePages(a, (base - a) / PAGE_SIZE);
    if (a + (pages + slack) * PAGE_SIZE > end)
        boot_services->FreePages(end, (a + (pages + slack) * PAGE_SIZE - end) / PAGE_SIZE);
    allocations[allocation_count++] = (struct allocation){ base, pages };
    *addr = base;
    return EFI_SUCCESS;
}

void pages_free(uint64_t addr)
{
    for (unsigned i = 0; i < allocation_count; i++) {
        if (allocations[i].addr != addr)
            continue;
        boot_services->FreePages(addr, allocations[i].pages);
        allocations[i] = allocations[--allocation_count];
        return;
    }
}

void pages_free_all(void)
{
    while (allocation_count) {
        struct allocation *a = &allocations[--allocation_count];

        boot_services->FreePages(a->addr, a->pages);
    }
}
