/* SPDX-License-Identifier: MIT */
#ifndef HV_TYPES_H
#define HV_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1ull << PAGE_SHIFT)
#define PAGE_MASK  (~(PAGE_SIZE - 1))

/*
 * The three kinds of address are distinct types, so that passing one where
 * another is meant fails to compile (Xen's TYPE_SAFE, always on; a one-member
 * struct costs nothing once optimised and is passed in a register). Values
 * cross kinds only through named conversions: p2m_lookup() (guest-physical ->
 * host-physical), the guest page walk (guest-virtual -> guest-physical) and
 * phys_to_virt()/virt_to_phys() (host-physical <-> hypervisor pointer). Raw
 * integers come in and go out at the boundaries (boot information, hardware
 * registers, page-table entries, hypercall arguments, domain-builder/):
 * mk_paddr(x) makes one, paddr_val(a) gives it back, and likewise for gpaddr
 * and gvaddr. The helpers below are the arithmetic addresses need.
 */
typedef struct {
    uint64_t raw;
} paddr_t; /* host-physical address */
typedef struct {
    uint64_t raw;
} gpaddr_t; /* guest-physical address */
typedef struct {
    uint64_t raw;
} gvaddr_t; /* guest-virtual (linear) address */

/*
 * For each kind K: mk_K, K_val, K_add (plus a byte offset), K_page (rounded
 * down to its page), K_offset (within its page), K_frame (page frame number),
 * K_eq, K_is_aligned.
 */
#define ADDRESS_HELPERS(K)                                     \
    static inline K##_t mk_##K(uint64_t raw)                   \
    {                                                          \
        return (K##_t){ raw };                                 \
    }                                                          \
    static inline uint64_t K##_val(K##_t a)                    \
    {                                                          \
        return a.raw;                                          \
    }                                                          \
    static inline K##_t K##_add(K##_t a, uint64_t off)         \
    {                                                          \
        return (K##_t){ a.raw + off };                         \
    }                                                          \
    static inline K##_t K##_page(K##_t a)                      \
    {                                                          \
        return (K##_t){ a.raw & PAGE_MASK };                   \
    }                                                          \
    static inline uint64_t K##_offset(K##_t a)                 \
    {                                                          \
        return a.raw & ~PAGE_MASK;                             \
    }                                                          \
    static inline uint64_t K##_frame(K##_t a)                  \
    {                                                          \
        return a.raw >> PAGE_SHIFT;                            \
    }                                                          \
    static inline bool K##_eq(K##_t a, K##_t b)                \
    {                                                          \
        return a.raw == b.raw;                                 \
    }                                                          \
    static inline bool K##_is_aligned(K##_t a, uint64_t align) \
    {                                                          \
        return !(a.raw & (align - 1));                         \
    }
ADDRESS_HELPERS(paddr)
ADDRESS_HELPERS(gpaddr)
ADDRESS_HELPERS(gvaddr)
#undef ADDRESS_HELPERS

#define KiB(x) ((uint64_t)(x) << 10)
#define MiB(x) ((uint64_t)(x) << 20)
#define GiB(x) ((uint64_t)(x) << 30)

#define ALIGN_UP(x, a)   (((x) + ((a)-1)) & ~((uint64_t)(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a)-1))
#define IS_ALIGNED(x, a) (((x) & ((uint64_t)(a)-1)) == 0)
#define ARRAY_SIZE(a)    (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b)        ((a) < (b) ? (a) : (b))
#define MAX(a, b)        ((a) > (b) ? (a) : (b))

#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define __packed       __attribute__((packed))
#define __aligned(x)   __attribute__((aligned(x)))
#define __noreturn     _Noreturn
#define __printf(a, b) __attribute__((format(printf, a, b)))

#endif
