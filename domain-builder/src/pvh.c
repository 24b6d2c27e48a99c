// SPDX-License-Identifier: MIT
/*
 * PVH: PT_LOADs at their physical addresses, struct hvm_start_info version 1
 * with the memory map, the module list, the command lines and the shared
 * memory table below 1 GiB, the RSDP of the domain's ACPI tables (acpi.c), entry at XEN_ELFNOTE_PHYS32_ENTRY in 32-bit
 * protected mode.
 */
#include <string.h>

#include <public/arch-x86/hvm/start_info.h>
#include <public/tessera/shm.h>

#include "internal.h"

#define BOOT_LO DB_PAGE_SIZE /* keep guest page 0 free */
#define BOOT_HI DB_GiB(1)

static int place_string(struct db_placer *p, const char *s, const char *what, struct db_region *r,
                        struct db_diag *diag)
{
    if (!s || !*s)
        return 0;
    r->size = strlen(s) + 1;
    return db_place(p, r->size, 8, BOOT_LO, BOOT_HI, false, what, &r->gpa, diag);
}

/*
 * Module i, from the top of RAM below 4 GiB down, away from the kernel. A
 * module the caller maps goes where its host pages can be mapped with the
 * largest leaves: congruent to them modulo 2 MiB if there is room, else
 * modulo a page (which any page-aligned address is).
 */
static int place_module(struct db_placer *p, const struct db_module *m, uint32_t i,
                        struct db_layout *l, struct db_diag *diag)
{
    const char *what = i ? "module" : "the initramfs (module 0)";
    struct db_region *r = &l->modules[i];

    r->size = DB_ALIGN_UP(m->size, DB_PAGE_SIZE);
    if (!m->map)
        return db_place(p, r->size, DB_PAGE_SIZE, DB_MiB(1), DB_GiB(4), true, what, &r->gpa, diag);
    if (m->host_addr % DB_PAGE_SIZE)
        return db_fail(diag, DB_ERR_SPEC, "module %u to map at host 0x%lx: not page aligned", i,
                       m->host_addr);
    if (db_place_phase(p, r->size, DB_MiB(2), m->host_addr % DB_MiB(2), DB_MiB(1), DB_GiB(4), true,
                       what, &r->gpa, diag) &&
        db_place(p, r->size, DB_PAGE_SIZE, DB_MiB(1), DB_GiB(4), true, what, &r->gpa, diag))
        return -1;
    l->mapped_modules |= 1u << i;
    return db_add_mapped(l, r->gpa, m->host_addr, r->size, diag);
}

/* The whole pages of each segment the file's own pages can back (spec->kernel_map). */
static int map_segments(const struct db_domain_spec *spec, struct db_layout *l,
                        struct db_diag *diag)
{
    const struct db_elf *elf = &l->image.elf;

    if (spec->kernel_host_addr % DB_PAGE_SIZE)
        return db_fail(diag, DB_ERR_SPEC, "kernel to map at host 0x%lx: not page aligned",
                       spec->kernel_host_addr);
    for (uint32_t i = 0; i < elf->nr_load; i++) {
        const struct db_elf_seg *s = &elf->load[i];
        uint64_t lo, hi;

        if (!db_elf_seg_mappable(s, s->paddr, spec->kernel_host_addr, &lo, &hi))
            continue;
        if (db_add_mapped(l, lo, spec->kernel_host_addr + s->offset + (lo - s->paddr), hi - lo,
                          diag))
            return -1;
        l->mapped_segments |= 1u << i;
    }
    return 0;
}

int db_pvh_prepare(const struct db_domain_spec *spec, struct db_layout *l, struct db_diag *diag)
{
    const struct db_elf *elf = &l->image.elf;
    struct db_placer p;
    uint32_t i;

    if (db_e820_build(spec, false, l, diag))
        return -1;
    db_placer_init(&p, l);
    for (i = 0; i < elf->nr_load; i++)
        if (db_claim(&p, elf->load[i].paddr, elf->load[i].memsz, "kernel segment", diag))
            return -1;
    if (spec->kernel_map && map_segments(spec, l, diag))
        return -1;
    l->kernel = (struct db_region){ elf->paddr_lo, elf->paddr_hi - elf->paddr_lo };
    l->entry = l->notes.phys32_entry;
    if (l->entry < elf->paddr_lo || l->entry >= elf->paddr_hi || l->entry > UINT32_MAX)
        return db_fail(diag, DB_ERR_NOTE,
                       "PHYS32_ENTRY 0x%lx outside the loaded kernel [0x%lx, 0x%lx)", l->entry,
                       elf->paddr_lo, elf->paddr_hi);

    if (db_place(&p, sizeof(struct hvm_start_info), 8, BOOT_LO, BOOT_HI, false, "hvm_start_info",
                 &l->start_info.gpa, diag))
        return -1;
    l->start_info.size = sizeof(struct hvm_start_info);
    l->memmap.size = l->nr_e820 * sizeof(struct hvm_memmap_table_entry);
    if (db_place(&p, l->memmap.size, 8, BOOT_LO, BOOT_HI, false, "memory map", &l->memmap.gpa,
                 diag))
        return -1;
    /*
     * The shared memory table is the last module, never entry 0 (Linux's
     * initrd): without a ramdisk, entry 0 stays empty.
     */
    l->nr_modlist = spec->nr_modules;
    if (spec->nr_shm) {
        l->nr_modlist = (spec->nr_modules ? spec->nr_modules : 1) + 1;
        l->shm_table.size =
            sizeof(struct tessera_shm_table) + spec->nr_shm * sizeof(struct tessera_shm_entry);
        if (db_place(&p, l->shm_table.size, 8, BOOT_LO, BOOT_HI, false, "shared memory table",
                     &l->shm_table.gpa, diag) ||
            place_string(&p, TESSERA_SHM_TABLE_CMDLINE, "shared memory table command line",
                         &l->shm_table_cmdline, diag))
            return -1;
    }
    if (l->nr_modlist) {
        l->modlist.size = l->nr_modlist * sizeof(struct hvm_modlist_entry);
        if (db_place(&p, l->modlist.size, 8, BOOT_LO, BOOT_HI, false, "module list",
                     &l->modlist.gpa, diag))
            return -1;
    }
    l->gdt.size = DB_GDT_SIZE;
    if (db_place(&p, l->gdt.size, 16, BOOT_LO, BOOT_HI, false, "GDT", &l->gdt.gpa, diag) ||
        place_string(&p, spec->cmdline, "command line", &l->cmdline, diag))
        return -1;
    for (i = 0; i < spec->nr_modules; i++)
        if (place_string(&p, spec->modules[i].cmdline, "module command line", &l->mod_cmdline[i],
                         diag))
            return -1;
    l->nr_modules = spec->nr_modules;
    for (i = 0; i < spec->nr_modules; i++)
        if (place_module(&p, &spec->modules[i], i, l, diag))
            return -1;
    return 0;
}

/* The shared memory table and its module list entry, the list's last. */
static int write_shm_table(const struct db_domain_spec *spec, const struct db_layout *l,
                           const struct db_guest_mem *mem, struct db_diag *diag)
{
    struct tessera_shm_table t = {
        .magic = TESSERA_SHM_TABLE_MAGIC,
        .version = TESSERA_SHM_TABLE_VERSION,
        .entry_size = sizeof(struct tessera_shm_entry),
        .nr_entries = spec->nr_shm,
    };
    struct hvm_modlist_entry m = { l->shm_table.gpa, l->shm_table.size, l->shm_table_cmdline.gpa,
                                   0 };
    struct hvm_modlist_entry none = { 0, 0, 0, 0 };
    uint32_t i;

    if (db_mem_write(mem, l->shm_table.gpa, &t, sizeof(t), diag))
        return -1;
    for (i = 0; i < spec->nr_shm; i++) {
        const struct db_shm *s = &spec->shm[i];
        struct tessera_shm_entry e = {
            .gpa = s->gpa,
            .size = s->size,
            .flags = (s->writable ? TESSERA_SHM_WRITABLE : 0) | (s->owner ? TESSERA_SHM_OWNER : 0),
        };

        memcpy(e.id, s->id, strnlen(s->id, sizeof(e.id) - 1));
        if (db_mem_write(mem, l->shm_table.gpa + sizeof(t) + i * sizeof(e), &e, sizeof(e), diag))
            return -1;
    }
    if (!l->nr_modules && db_mem_write(mem, l->modlist.gpa, &none, sizeof(none), diag))
        return -1;
    if (db_write_string(mem, l->shm_table_cmdline, TESSERA_SHM_TABLE_CMDLINE, diag) ||
        db_mem_write(mem, l->modlist.gpa + (l->nr_modlist - 1) * sizeof(m), &m, sizeof(m), diag))
        return -1;
    return 0;
}

int db_pvh_build(const struct db_domain_spec *spec, const struct db_layout *l,
                 const struct db_guest_mem *mem, struct db_vcpu_state *v, struct db_diag *diag)
{
    struct hvm_start_info si = {
        .magic = XEN_HVM_START_MAGIC_VALUE,
        .version = 1,
        .flags = (spec->flags & DB_SPEC_PRIVILEGED) ? XEN_HVM_START_SIF_PRIVILEGED : 0,
        .nr_modules = l->nr_modlist,
        .modlist_paddr = l->modlist.gpa,
        .cmdline_paddr = l->cmdline.gpa,
        .rsdp_paddr = l->rsdp,
        .memmap_paddr = l->memmap.gpa,
        .memmap_entries = l->nr_e820,
    };
    uint32_t i;

    if (db_elf_load(&l->image.elf, 0, l->mapped_segments, mem, diag) ||
        db_write_modules(spec, l, mem, diag) ||
        db_write_string(mem, l->cmdline, spec->cmdline, diag))
        return -1;
    for (i = 0; i < l->nr_e820; i++) {
        struct hvm_memmap_table_entry e = { l->e820[i].addr, l->e820[i].size, l->e820[i].type, 0 };

        if (db_mem_write(mem, l->memmap.gpa + i * sizeof(e), &e, sizeof(e), diag))
            return -1;
    }
    for (i = 0; i < l->nr_modules; i++) {
        struct hvm_modlist_entry m = { l->modules[i].gpa, spec->modules[i].size,
                                       l->mod_cmdline[i].gpa, 0 };

        if (db_write_string(mem, l->mod_cmdline[i], spec->modules[i].cmdline, diag) ||
            db_mem_write(mem, l->modlist.gpa + i * sizeof(m), &m, sizeof(m), diag))
            return -1;
    }
    if (spec->nr_shm && write_shm_table(spec, l, mem, diag))
        return -1;
    if (db_mem_write(mem, l->start_info.gpa, &si, sizeof(si), diag) ||
        db_write_gdt(mem, l->gdt.gpa, diag))
        return -1;

    v->mode = DB_CPU_PROT32;
    v->rip = l->entry;
    v->rbx = l->start_info.gpa;
    v->cr0 = X86_CR0_PE | X86_CR0_ET;
    db_vcpu_flat_segments(v, l->gdt.gpa, false);
    return 0;
}
