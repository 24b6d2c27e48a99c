/* SPDX-License-Identifier: MIT */
/*
 * The boot-time domain builder: one domain of the boot plan plus its modules
 * -> guest memory contents and an initial vCPU state.
 *
 * Two steps, so nothing is half done:
 *   db_prepare()  validates the spec and the images and computes the whole
 *                 layout (memory map, where every structure goes, the frames
 *                 to back) without touching guest memory;
 *   db_build()    writes the layout into guest memory through struct
 *                 db_guest_mem and fills the initial vCPU state.
 * The hypervisor's glue backs the frames of layout.populate[] between the
 * two. Both return 0 or -1 with diag->code and diag->msg set.
 */
#ifndef DOMAIN_BUILDER_BUILDER_H
#define DOMAIN_BUILDER_BUILDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bzimage.h"
#include "diag.h"
#include "elf.h"
#include "guest_mem.h"
#include "vcpu.h"

enum db_mode {
    DB_MODE_AUTO = 0, /* from the image: PHYS32_ENTRY -> PVH, PV notes -> PV, bzImage -> Linux */
    DB_MODE_PVH,
    DB_MODE_PV,
    DB_MODE_LINUX, /* bzImage through the Linux 64-bit boot protocol */
};

#define DB_MAX_MODULES  8
#define DB_MAX_RESERVED 16
#define DB_E820_MAX     32
/* Ranges the caller maps: each module, each kernel segment's whole pages. */
#define DB_MAX_MAPPED (DB_MAX_MODULES + DB_ELF_MAX_LOAD)
/* The memory map's three backed ranges, each split at most once per mapped range. */
#define DB_MAX_POPULATE (4 + DB_MAX_MAPPED)
/* Frames db_build() fills whole: each module's pages, and each PVH ELF segment's. */
#define DB_MAX_FILLED (DB_MAX_MODULES + DB_ELF_MAX_LOAD)
#define DB_MAX_SHM    16
/*
 * vCPU n gets local APIC id 2n, as Xen assigns them; the MADT's local APIC
 * entries hold 8-bit ids and 0xFF is the broadcast id: at most 128 vCPUs.
 */
#define DB_MAX_VCPUS 128

/* e820 types (the same values as XEN_HVM_MEMMAP_TYPE_*). */
#define DB_E820_RAM      1
#define DB_E820_RESERVED 2
#define DB_E820_ACPI     3
#define DB_E820_NVS      4

#define DB_SPEC_PRIVILEGED (1u << 0)

struct db_module {
    const uint8_t *data;
    uint64_t size;
    const char *cmdline; /* may be NULL; PVH only */
    /*
     * Set by a caller that gives the domain the module's own pages instead
     * of a copy (the hypervisor, for a ramdisk only one domain uses and that
     * domain never restarts: docs/performance.md). data starts a page at
     * host address host_addr. A PVH domain then gets the module at a guest
     * address congruent to host_addr modulo 2 MiB where there is room (so
     * the caller can map 2 MiB leaves), else modulo 4 KiB; its frames are
     * left out of layout.populate and its bit set in layout.mapped_modules,
     * and db_build() writes only the zeros after its end in its last page.
     * Other modes copy it as usual (their bit stays clear).
     */
    bool map;
    uint64_t host_addr;
};

/*
 * A static shared memory region mapped into the domain (by the caller): its
 * range is reserved in the memory map and, for PVH, described in the shared
 * memory table (public/tessera/shm.h).
 */
struct db_shm {
    const char *id;     /* at most 15 characters */
    uint64_t gpa, size; /* guest-physical, 4 KiB aligned */
    bool writable;
    bool owner;
};

struct db_guest_range {
    uint64_t base, size; /* guest-physical bytes */
    uint32_t type;       /* DB_E820_*; 0 means reserved */
};

struct db_domain_spec {
    const char *name;
    uint16_t domid;
    uint32_t flags;        /* DB_SPEC_* */
    enum db_mode mode;     /* DB_MODE_AUTO unless the plan forces one */
    uint64_t memory_bytes; /* RAM, a multiple of 4 KiB */
    uint32_t nr_vcpus;
    const uint8_t *kernel;
    uint64_t kernel_size;
    /*
     * As db_module.map, for an ELF kernel in PVH mode (kernel starts a page
     * at host address kernel_host_addr): the whole pages of each PT_LOAD
     * whose file offset and physical address agree modulo 4 KiB are left to
     * the caller to map from the file (layout.mapped[]); db_build() copies
     * only the partial first and last pages of their bytes. Ignored for a
     * bzImage and for PV.
     */
    bool kernel_map;
    uint64_t kernel_host_addr;
    const struct db_module *modules; /* modules[0] is the initrd */
    uint32_t nr_modules;
    const char *cmdline;                   /* may be NULL */
    const struct db_guest_range *reserved; /* other ranges to reserve */
    uint32_t nr_reserved;
    const struct db_shm *shm;
    uint32_t nr_shm;
    /* PV only: what the hypervisor provides, written into start_info. */
    uint64_t pv_shared_info_maddr;
    uint32_t pv_store_evtchn, pv_console_evtchn;
};

struct db_e820_entry {
    uint64_t addr, size;
    uint32_t type;
};

struct db_region {
    uint64_t gpa, size; /* size 0: not present */
};

struct db_frame_range {
    uint64_t gfn, nr;
};

/* Guest range the caller maps from host pages of an image (page aligned, bytes). */
struct db_mapped_range {
    uint64_t gpa, host, size;
};

struct db_layout {
    enum db_mode mode;
    struct db_e820_entry e820[DB_E820_MAX];
    uint32_t nr_e820;
    struct db_frame_range populate[DB_MAX_POPULATE]; /* frames to back */
    uint32_t nr_populate;
    uint64_t nr_frames; /* highest backed gfn + 1 */

    struct db_region kernel; /* loaded image incl. bss / init_size */
    struct db_region modules[DB_MAX_MODULES];
    uint32_t nr_modules;
    uint32_t mapped_modules;  /* bit i: modules[i] is the caller's to map (db_module.map) */
    uint32_t mapped_segments; /* bit i: image.elf.load[i]'s whole pages are (kernel_map) */
    struct db_mapped_range mapped[DB_MAX_MAPPED]; /* all of them: out of populate[] */
    uint32_t nr_mapped;
    /*
     * Frames whose every byte db_build() writes (an image's bytes and the
     * zeros after them): each module's pages; in PVH mode each ELF segment's
     * whole pages, bss included. The caller need not clear those of
     * populate[] before db_build(); every other backed frame must be zero.
     */
    struct db_frame_range filled[DB_MAX_FILLED];
    uint32_t nr_filled;
    struct db_region cmdline;                     /* domain command line */
    struct db_region mod_cmdline[DB_MAX_MODULES]; /* PVH */
    struct db_region start_info;                  /* hvm_start_info / start_info / zero page */
    struct db_region modlist;                     /* PVH */
    uint32_t nr_modlist;                          /* PVH: module list entries */
    struct db_region shm_table;                   /* PVH, with shared memory */
    struct db_region shm_table_cmdline;
    struct db_region memmap;         /* PVH */
    struct db_region gdt;            /* PVH, Linux */
    struct db_region page_tables;    /* Linux identity map, PV bootstrap tables */
    struct db_region stack;          /* Linux, PV */
    struct db_region p2m;            /* PV */
    struct db_region xenstore;       /* PV */
    struct db_region console;        /* PV console ring page (all modes) */
    struct db_region hypercall_page; /* PV (from the note) */
    struct db_region acpi;           /* HVM: the ACPI tables' range (e820 ACPI) */
    uint64_t rsdp;                   /* HVM: the RSDP, inside acpi */
    uint64_t entry;                  /* physical (PVH, Linux) or virtual (PV) */

    /* Image facts, for the glue's report and for db_build(). */
    union {
        struct db_elf elf;    /* PVH, PV */
        struct db_bzimage bz; /* Linux */
    } image;
    struct db_xen_notes notes; /* PVH, PV */

    /* PV virtual layout. */
    uint64_t pv_virt_base;   /* virtual address of pfn 0 */
    uint64_t pv_virt_offset; /* virt = ELF paddr + this */
    uint64_t pv_map_end;     /* end of the initial mapping */
    uint64_t pv_nr_pages;
};

int db_prepare(const struct db_domain_spec *spec, struct db_layout *layout, struct db_diag *diag);
int db_build(const struct db_domain_spec *spec, const struct db_layout *layout,
             const struct db_guest_mem *mem, struct db_vcpu_state *vcpu, struct db_diag *diag);

/*
 * What `tessera check` and the hypervisor both refuse, with the same words:
 * db_prepare()'s checks (a kernel that is neither ELF nor a Linux bzImage,
 * an ELF without a PVH or PV entry, an initramfs or anything else that does
 * not fit the domain's RAM, a vCPU count the MADT's 8-bit APIC ids cannot
 * hold) and a PV kernel, which the hypervisor does not run yet. 0, or -1
 * with *diag filled; *layout as db_prepare() leaves it.
 */
int db_check_runnable(const struct db_domain_spec *spec, struct db_layout *layout,
                      struct db_diag *diag);
/* The line both print for a failed check: "domain NAME: CODE: MESSAGE"; its length. */
size_t db_diag_format(const struct db_diag *diag, char *buf, size_t size);

const char *db_mode_name(enum db_mode mode);

#endif
