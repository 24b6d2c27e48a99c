/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's page tables (docs/hypervisor-core.md): the image
 * identity-mapped with 4 KiB pages and W^X, and every range of the boot memory
 * map at DIRECTMAP_BASE + pa with the largest pages that fit. The image's
 * alias in the direct map is read-only: write its data through the identity
 * mapping (plain pointers to statics).
 */
#ifndef ASM_PAGING_H
#define ASM_PAGING_H

#include <hv/types.h>

#define DIRECTMAP_BASE 0xFFFF800000000000ull

struct tessera_bootinfo;

/*
 * Builds the tables (page-table pages come from page_alloc_early()) and
 * switches CR3 to them. bi is the loader's pointer (firmware identity map).
 * Afterwards only the image is identity-mapped: reach everything else with
 * phys_to_virt().
 */
void paging_init(const struct tessera_bootinfo *bi);

/* The CR3 value every CPU runs with. */
paddr_t paging_root(void);

/*
 * Maps [pa, pa + size) uncached (UC) in the direct map and returns
 * phys_to_virt(pa). Ranges the memory map already lists keep their mapping.
 * For MMIO: LAPIC, IOAPIC, HPET.
 */
void *ioremap(paddr_t pa, uint64_t size);

#define PAGING_WRITE (1u << 0)
#define PAGING_EXEC  (1u << 1)
/* Identity-maps [pa, pa + size) (4 KiB pages), e.g. the AP trampoline while paging turns on. */
void paging_map_identity(paddr_t pa, uint64_t size, unsigned int flags);

/* Removes the 4 KiB mapping of va (splitting a large page); guard pages. */
void paging_unmap_page(const void *va);

#endif
