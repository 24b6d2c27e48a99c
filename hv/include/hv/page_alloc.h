/* SPDX-License-Identifier: MIT */
/*
 * Physical page allocator, fed from the boot memory map. It never hands out
 * the hypervisor image, the boot information, the launch tree, the modules,
 * the trampoline, or anything the firmware did not report as RAM.
 */
#ifndef HV_PAGE_ALLOC_H
#define HV_PAGE_ALLOC_H

#include <hv/types.h>

struct tessera_bootinfo;

/*
 * Before the hypervisor's own page tables exist: reserves `pages` contiguous
 * pages of RAM below 4 GiB (bi is the loader's pointer, through the firmware's
 * identity map) for those tables. page_alloc_init() keeps them out.
 */
paddr_t page_alloc_early(const struct tessera_bootinfo *bi, uint64_t pages);

/* bi through the direct map. */
void page_alloc_init(const struct tessera_bootinfo *bi);

/*
 * 2^order contiguous, naturally aligned pages, the free block at the lowest
 * address; 0 when none are left. UEFI allocates from the top down, so the
 * pages its code ran in are taken last (under an emulator a store into a
 * page it holds translated code for is slow: docs/performance.md).
 */
paddr_t page_alloc(unsigned int order);
void page_free(paddr_t pa, unsigned int order);
/*
 * Takes the pages of [pa, pa + size) (page aligned) out of the allocator for
 * good, e.g. a static shared memory region at its declared host address; false
 * (and nothing taken) unless every page is free RAM.
 */
bool page_alloc_claim(paddr_t pa, uint64_t size);

/* Zeroed single page mapped in the direct map, or NULL. */
void *page_alloc_zeroed_virt(void);

/*
 * Whether pa is RAM the allocator manages (free or handed out), as against
 * pages it never had: a module the loader placed, mapped into a domain.
 */
bool page_alloc_manages(paddr_t pa);

uint64_t page_alloc_free_pages(void);
uint64_t page_alloc_total_pages(void);
/* Successful page_alloc() calls since boot (proves none happen after boot). */
uint64_t page_alloc_count(void);

/*
 * After the last domain starts the hypervisor allocates nothing, restarts
 * included (they reuse the domain's own pages): the seal makes every later
 * page_alloc() count as an allocation after boot, and the first one is
 * reported with its order and caller.
 */
void page_alloc_seal(void);
/* Attempts after the seal (failed ones too). */
uint64_t page_alloc_after_boot(void);

/* Direct map of all physical memory. */
void *phys_to_virt(paddr_t pa);
paddr_t virt_to_phys(const void *va);

#endif
