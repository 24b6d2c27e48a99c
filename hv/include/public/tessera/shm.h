/* SPDX-License-Identifier: MIT */
/*
 * Tessera's shared memory table: how a PVH domain finds the static shared
 * memory regions the launch tree maps into it (xen,domain-shared-memory-v1
 * nodes; docs/static-partitioning.md, "What the guest sees"). Tessera's own
 * definition: Xen has no x86 equivalent.
 *
 * Where it is: one entry of hvm_start_info's module list whose command line
 * is exactly TESSERA_SHM_TABLE_CMDLINE; paddr and size give the table. It is
 * never entry 0, which Linux takes as its initrd: entry 0 is the domain's
 * ramdisk or, when it has none, an empty entry (paddr 0, size 0, no command
 * line) that Linux ignores. A domain without shared memory has no table.
 *
 * The table lies in the domain's RAM below 1 GiB, like hvm_start_info, and is
 * for the guest to read: a guest that reuses that memory copies what it needs
 * first. Each region's range is also a reserved entry of the memory map.
 *
 * Layout: struct tessera_shm_table, then nr_entries entries, entry_size bytes
 * apart (a reader steps by entry_size: later versions may append fields).
 * Little-endian.
 */
#ifndef TESSERA_PUBLIC_TESSERA_SHM_H
#define TESSERA_PUBLIC_TESSERA_SHM_H

#include <stdint.h>

#define TESSERA_SHM_TABLE_CMDLINE "tessera,shm-table"
#define TESSERA_SHM_TABLE_MAGIC   0x4d485354u /* "TSHM" */
#define TESSERA_SHM_TABLE_VERSION 1u
#define TESSERA_SHM_ID_SIZE       16u /* xen,shm-id with its NUL */

/* struct tessera_shm_entry.flags */
#define TESSERA_SHM_WRITABLE (1u << 0) /* mapped read-write; else read-only */
#define TESSERA_SHM_OWNER    (1u << 1) /* role = "owner" */

struct tessera_shm_table {
    uint32_t magic;      /* TESSERA_SHM_TABLE_MAGIC */
    uint16_t version;    /* TESSERA_SHM_TABLE_VERSION */
    uint16_t entry_size; /* bytes from one entry to the next, >= 40 */
    uint32_t nr_entries;
    uint32_t reserved; /* 0 */
    /* struct tessera_shm_entry entries follow */
};

struct tessera_shm_entry {
    char id[TESSERA_SHM_ID_SIZE]; /* xen,shm-id, NUL-terminated and NUL-padded */
    uint64_t gpa;                 /* guest-physical base, 4 KiB aligned */
    uint64_t size;                /* bytes, a multiple of 4 KiB */
    uint32_t flags;               /* TESSERA_SHM_*; never executable */
    uint32_t reserved;            /* 0 */
};

#endif
