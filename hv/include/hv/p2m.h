/* SPDX-License-Identifier: MIT */
/*
 * The P2M: a domain's guest-physical to host-physical map, which the
 * hardware walks on every guest memory access. Each entry has a type, so
 * the hypervisor knows what a guest-physical page is (the domain's RAM,
 * shared memory, a page to emulate, ...) from the P2M alone. Its table pages
 * come from a pool reserved when the domain is created (plan:
 * xen,domain-p2m-mem-mb), so a domain can never take page-table memory from
 * another; guest RAM comes from the page allocator and belongs to the domain
 * until p2m_destroy().
 */
#ifndef HV_P2M_H
#define HV_P2M_H

#include <hv/types.h>

struct p2m;

#define P2M_READ  (1u << 0)
#define P2M_WRITE (1u << 1)
#define P2M_EXEC  (1u << 2)
#define P2M_RWX   (P2M_READ | P2M_WRITE | P2M_EXEC)

/* What a guest-physical page is. */
enum p2m_type {
    P2M_NONE = 0,    /* nothing: outside the domain's memory */
    P2M_RAM,         /* the domain's own RAM: zeroed at a reset, freed with the P2M */
    P2M_SHARED_RW,   /* static shared memory, writable */
    P2M_SHARED_RO,   /* static shared memory the domain may only read */
    P2M_MMIO_EMUL,   /* no page: every access faults, for the hypervisor to emulate */
    P2M_GRANT,       /* another domain's page, granted to this one */
    P2M_PASSTHROUGH, /* MMIO of a device assigned to the domain */
};

#define INVALID_PADDR ((paddr_t){ ~0ull })

/* Reserves pool_bytes of table pages; NULL if the allocator cannot. */
struct p2m *p2m_create(uint64_t pool_bytes);
/* Frees the domain's RAM, then every table page and the pool. */
void p2m_destroy(struct p2m *p2m);
/*
 * For a restart: unmaps everything but the domain's own RAM (which stays
 * mapped where it was), table pages left empty going back to the pool, and
 * starts the scrub of that RAM (p2m_scrub_step). No vCPU of the domain may
 * be running, and none may use a translation cached from before when it
 * runs again.
 */
void p2m_reset(struct p2m *p2m);
/* Guest frames [gfn, gfn + nr). */
struct frame_range {
    uint64_t gfn, nr;
};

/*
 * The scrub after p2m_reset(): zeroes the next pages of the domain's RAM
 * (ram_zero()) except the frames of keep[] (which the domain builder is
 * about to fill whole), at least one leaf and at most max_pages unless one
 * 2 MiB leaf is more; true once every page is done (and at once when no
 * scrub is pending). Bounded steps, so that a restart can let other vCPUs
 * run between them. keep must be the same array on every step of a scrub.
 */
bool p2m_scrub_step(struct p2m *p2m, uint64_t max_pages, const struct frame_range *keep,
                    unsigned int nr_keep);
/* Whether every page [gpa, gpa + size) touches maps RAM the domain owns. */
bool p2m_owns_range(const struct p2m *p2m, gpaddr_t gpa, uint64_t size);

/*
 * Allocates RAM for [gpa, gpa + size) (page aligned) and maps it as P2M_RAM
 * with perms, zeroed. 0, or -ENOMEM (page allocator or pool exhausted: what
 * was mapped stays mapped and is freed by p2m_destroy), -EINVAL (bad range,
 * overlap).
 */
int p2m_populate_ram(struct p2m *p2m, gpaddr_t gpa, uint64_t size, unsigned int perms);
/*
 * The same, without clearing: the pages keep what they held, for a caller
 * that clears them before the domain can run (domain_ram_clear, on every CPU).
 */
int p2m_populate_ram_uncleared(struct p2m *p2m, gpaddr_t gpa, uint64_t size, unsigned int perms);
/*
 * The same, cleared lazily (a domain whose every access to its RAM goes
 * through this P2M: not a PV one, whose page tables map host frames). Each
 * leaf that holds a frame of keep[] (those the domain builder fills whole)
 * is zeroed now, less those frames; every other leaf is hidden from the
 * hardware until it is zeroed, by whichever comes first: the domain's first
 * access to it (p2m_clear_on_fault()), the hypervisor's first lookup in it
 * (p2m_query() and p2m_lookup() zero a hidden leaf before they answer), or
 * an idle CPU (p2m_clear_idle_step()). So every byte still reads as zero
 * or image before the domain or the hypervisor can read it.
 */
int p2m_populate_ram_lazy(struct p2m *p2m, gpaddr_t gpa, uint64_t size, unsigned int perms,
                          const struct frame_range *keep, unsigned int nr_keep);
/*
 * A nested page fault at gpa that found no page: if gpa is the domain's
 * RAM, its leaf is zeroed and shown if it was hidden (or another CPU did it
 * meanwhile), and the access can be retried: true. False if gpa is not RAM.
 */
bool p2m_clear_on_fault(struct p2m *p2m, gpaddr_t gpa);
/*
 * For an idle CPU: zeroes at most max_bytes (at least a page) of the next
 * hidden leaf, showing it once it is whole; false if no leaf is hidden.
 * Holds the P2M's lock for that long.
 */
bool p2m_clear_idle_step(struct p2m *p2m, uint64_t max_bytes);
/* RAM still hidden, not zeroed yet: in p2m, and whether in any P2M. */
uint64_t p2m_hidden_bytes(const struct p2m *p2m);
bool p2m_any_hidden(void);

/*
 * Maps [pa, pa + size) (page aligned: a module the loader placed, which
 * the page allocator never had) at gpa as the domain's RAM (P2M_RAM, read,
 * write, execute), in 2 MiB leaves where gpa and pa are both 2 MiB aligned:
 * it is scrubbed at a reset like the rest of the domain's RAM, and left out
 * of the allocator by p2m_destroy(). 0, -ENOMEM (pool exhausted: what was
 * mapped stays mapped), -EINVAL (bad range, something mapped there, pages
 * the allocator manages).
 */
int p2m_map_boot_ram(struct p2m *p2m, gpaddr_t gpa, paddr_t pa, uint64_t size);

/*
 * Ballooning within the domain's static budget (XENMEM_decrease_reservation
 * and friends): the RAM a guest gives back stays the domain's, in a list of
 * released pages that only this P2M maps again and p2m_destroy() frees.
 *
 * p2m_release_ram() unmaps [gpa, gpa + size) (page aligned, all P2M_RAM,
 * 2 MiB leaves split as needed) into that list: 0, -EINVAL (bad range, a
 * page not RAM: nothing released) or -ENOMEM (no pool page for a split:
 * nothing released). Cached translations are stale from then on
 * (p2m_unmap_gen()).
 */
int p2m_release_ram(struct p2m *p2m, gpaddr_t gpa, uint64_t size);
/*
 * Maps released pages, zeroed, as P2M_RAM (read, write, execute) at the
 * unmapped [gpa, gpa + size): 0, -EINVAL (bad range, something mapped) or
 * -ENOMEM (too few released pages not held, or no pool page): nothing mapped.
 */
int p2m_populate_released(struct p2m *p2m, gpaddr_t gpa, uint64_t size);
/*
 * XENMEM_increase_reservation for a translated guest: pages released
 * earlier go back to the domain's reservation without a mapping (as Xen
 * allocates them); held until a restart. 0 or -ENOMEM.
 */
int p2m_claim_released(struct p2m *p2m, uint64_t pages);
/*
 * For a restart, before p2m_reset(): maps released pages into every
 * unmapped page of [gpa, gpa + size), a RAM range of the domain's memory
 * map, while any remain, and forgets the held count.
 */
void p2m_refill_ram(struct p2m *p2m, gpaddr_t gpa, uint64_t size);
/* Pages released and not mapped again, and how many of them are held. */
void p2m_reservation(const struct p2m *p2m, uint64_t *released, uint64_t *held);
/* Changes whenever a mapping is removed; a vCPU seeing a new value flushes its guest TLB. */
uint64_t p2m_unmap_gen(const struct p2m *p2m);

/*
 * Maps [pa, pa + size) at gpa (page aligned, 4 KiB leaves) as type with
 * perms: memory the domain does not own, left alone by p2m_destroy (pa is
 * ignored for P2M_MMIO_EMUL). 0, -ENOMEM (pool exhausted: what was mapped
 * stays mapped until a reset), -EINVAL (bad range, overlap, P2M_RAM or
 * P2M_NONE, write permission on P2M_SHARED_RO).
 */
int p2m_map(struct p2m *p2m, gpaddr_t gpa, paddr_t pa, uint64_t size, enum p2m_type type,
            unsigned int perms);

/*
 * What guest-physical gpa is: its type (P2M_NONE if nothing), *pa its host
 * address (INVALID_PADDR if it has no page) and *perms, each if non-NULL.
 * A hidden leaf of RAM is zeroed and shown first (p2m_populate_ram_lazy()).
 */
enum p2m_type p2m_query(struct p2m *p2m, gpaddr_t gpa, paddr_t *pa, unsigned int *perms);

/*
 * Host address of guest-physical gpa, INVALID_PADDR if it has no page; *perms
 * if non-NULL; as p2m_query() for hidden RAM.
 */
paddr_t p2m_lookup(struct p2m *p2m, gpaddr_t gpa, unsigned int *perms);

/* Host address of the root table, which the virtualization back-end hands the hardware. */
paddr_t p2m_root(const struct p2m *p2m);

/* Pool pages used and reserved, for reports. */
void p2m_pool_usage(const struct p2m *p2m, uint64_t *used, uint64_t *total);

/* Xen's default pool: 1 MiB per vCPU + 4 KiB per MiB of RAM + 512 KiB. */
uint64_t p2m_default_pool_bytes(unsigned int nr_vcpus, uint64_t ram_bytes);

#endif
