// SPDX-License-Identifier: MIT
/*
 * Compiled once per case by check.sh: CASE 0 uses the address types as hv/
 * does and must compile; every other case mixes two kinds of address (or an
 * address and a plain integer) and must fail to compile with a type error.
 */
#include <hv/guest_access.h>
#include <hv/p2m.h>
#include <hv/page_alloc.h>

void *use(struct p2m *p2m, struct vcpu *v, paddr_t pa, gpaddr_t gpa, gvaddr_t gva, uint64_t raw);

void *use(struct p2m *p2m, struct vcpu *v, paddr_t pa, gpaddr_t gpa, gvaddr_t gva, uint64_t raw)
{
    (void)pa;
    (void)gpa;
    (void)gva;
    (void)raw;
#if CASE == 0 /* the named conversions */
    if (guest_virt_to_phys(v, gvaddr_add(gva, raw), false, &gpa))
        return NULL;
    pa = p2m_lookup(p2m, gpaddr_page(gpa), NULL);
    return paddr_eq(pa, INVALID_PADDR) ? NULL : phys_to_virt(paddr_add(pa, gpaddr_offset(gpa)));
#elif CASE == 1 /* guest-physical where host-physical is meant */
    return phys_to_virt(gpa);
#elif CASE == 2 /* host-physical where guest-physical is meant */
    (void)p2m_lookup(p2m, pa, NULL);
#elif CASE == 3 /* guest-virtual where guest-physical is meant */
    (void)p2m_lookup(p2m, gva, NULL);
#elif CASE == 4 /* guest-physical where guest-virtual is meant */
    (void)guest_virt_to_phys(v, gpa, false, &gpa);
#elif CASE == 5 /* a plain integer where an address is meant */
    return phys_to_virt(raw);
#elif CASE == 6 /* the result of a translation into the wrong kind */
    gpa = p2m_lookup(p2m, gpa, NULL);
#elif CASE == 7 /* comparing two kinds */
    return pa == gpa ? v : NULL;
#elif CASE == 8 /* arithmetic that would drop the kind */
    pa = pa + raw;
#elif CASE == 9 /* an address read as an integer without paddr_val() */
    raw = pa;
#endif
    (void)p2m;
    (void)v;
    return NULL;
}
