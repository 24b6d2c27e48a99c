// SPDX-License-Identifier: MIT
/*
 * Copies between the hypervisor and a domain's memory, page by page, each
 * page translated through the guest's page tables (virtual forms) and the
 * domain's P2M. Never touches a page the domain does not own; never faults.
 */
#include <string.h>
#include <public/errno.h>
#include <hv/domain.h>
#include <hv/guest_access.h>
#include <hv/p2m.h>
#include <hv/page_alloc.h>

/* Host-virtual address of [gpa, gpa + len) within one page, or NULL. */
static void *guest_phys_page(struct domain *d, gpaddr_t gpa, unsigned int need)
{
    unsigned int perms;
    paddr_t pa = p2m_lookup(d->p2m, gpa, &perms);

    if (paddr_eq(pa, INVALID_PADDR) || (perms & need) != need)
        return NULL;
    return phys_to_virt(pa);
}

/* Bytes of len from an address at offset into its page, up to the page's end. */
static size_t page_chunk(uint64_t offset, size_t len)
{
    return (size_t)MIN((uint64_t)len, PAGE_SIZE - offset);
}

int copy_from_guest_phys(struct domain *d, void *dst, gpaddr_t gpa, size_t len)
{
    uint8_t *out = dst;

    if (len > GUEST_COPY_MAX || gpaddr_val(gpa) + len < gpaddr_val(gpa))
        return -XEN_EFAULT;
    while (len) {
        size_t n = page_chunk(gpaddr_offset(gpa), len);
        const void *src = guest_phys_page(d, gpa, P2M_READ);

        if (!src)
            return -XEN_EFAULT;
        memcpy(out, src, n);
        out += n;
        gpa = gpaddr_add(gpa, n);
        len -= n;
    }
    return 0;
}

int copy_to_guest_phys(struct domain *d, gpaddr_t gpa, const void *src, size_t len)
{
    const uint8_t *in = src;

    if (len > GUEST_COPY_MAX || gpaddr_val(gpa) + len < gpaddr_val(gpa))
        return -XEN_EFAULT;
    while (len) {
        size_t n = page_chunk(gpaddr_offset(gpa), len);
        void *dst = guest_phys_page(d, gpa, P2M_READ | P2M_WRITE);

        if (!dst)
            return -XEN_EFAULT;
        memcpy(dst, in, n);
        in += n;
        gpa = gpaddr_add(gpa, n);
        len -= n;
    }
    return 0;
}

int copy_from_guest(struct vcpu *v, void *dst, gvaddr_t gva, size_t len)
{
    uint8_t *out = dst;
    gpaddr_t gpa;

    if (len > GUEST_COPY_MAX)
        return -XEN_EFAULT;
    while (len) {
        size_t n = page_chunk(gvaddr_offset(gva), len);

        if (guest_virt_to_phys(v, gva, false, &gpa) || copy_from_guest_phys(v->domain, out, gpa, n))
            return -XEN_EFAULT;
        out += n;
        gva = gvaddr_add(gva, n);
        len -= n;
    }
    return 0;
}

static int copy_to_guest_as(struct vcpu *v, gvaddr_t gva, const void *src, size_t len,
                            bool as_kernel)
{
    const uint8_t *in = src;
    gpaddr_t gpa;

    if (len > GUEST_COPY_MAX)
        return -XEN_EFAULT;
    while (len) {
        size_t n = page_chunk(gvaddr_offset(gva), len);
        int rc = as_kernel ? guest_kernel_virt_to_phys(v, gva, true, &gpa)
                           : guest_virt_to_phys(v, gva, true, &gpa);

        if (rc || copy_to_guest_phys(v->domain, gpa, in, n))
            return -XEN_EFAULT;
        in += n;
        gva = gvaddr_add(gva, n);
        len -= n;
    }
    return 0;
}

int copy_to_guest(struct vcpu *v, gvaddr_t gva, const void *src, size_t len)
{
    return copy_to_guest_as(v, gva, src, len, false);
}

int copy_to_guest_kernel(struct vcpu *v, gvaddr_t gva, const void *src, size_t len)
{
    return copy_to_guest_as(v, gva, src, len, true);
}
