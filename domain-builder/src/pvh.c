// SPDX-License-Identifier: MIT
/*
 * PVH: PT_LOADs at their physical addresses, struct hvm_start_info version 1
 * with the memory map, the module list and the command lines below 1 GiB,
 * entry at XEN_ELFNOTE_PHYS32_ENTRY in 32-bit protected mode.
 */
#include <string.h>

#include <public/arch-x86/hvm/start_info.h>

#include "internal.h"

#define BOOT_LO  DB_PAGE_SIZE   /* keep guest page 0 free */
#define BOOT_HI  DB_GiB(1)

static int place_string(struct db_placer *p, const char *s, const char *what,
                        struct db_region *r, struct db_diag *diag)
{
    if (!s || !*s)
        return 0;
    r->size = strlen(s) + 1;
    return db_place(p, r->size, 8, BOOT_LO, BOOT_HI, false, what, &r->gpa, diag);
}

int db_pvh_prepare(const struct db_domain_spec *spec, struct db_layout *l,
                   struct db_diag *diag)
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
    l->kernel = (struct db_region){ elf->paddr_lo, elf->paddr_hi - elf->paddr_lo };
    l->entry = l->notes.phys32_entry;
    if (l->entry < elf->paddr_lo || l->entry >= elf->paddr_hi || l->entry > UINT32_MAX)
        return db_fail(diag, DB_ERR_NOTE,
                       "PHYS32_ENTRY 0x%lx outside the loaded kernel [0x%lx, 0x%lx)", l->entry,
                       elf->paddr_lo, elf->paddr_hi);

    if (db_place(&p, sizeof(struct hvm_start_info), 8, BOOT_LO, BOOT_HI, false,
                 "hvm_start_info", &l->start_info.gpa, diag))
        return -1;
    l->start_info.size = sizeof(struct hvm_start_info);
    l->memmap.size = l->nr_e820 * sizeof(struct hvm_memmap_table_entry);
    if (db_place(&p, l->memmap.size, 8, BOOT_LO, BOOT_HI, false, "memory map", &l->memmap.gpa,
                 diag))
        return -1;
    if (spec->nr_modules) {
        l->modlist.size = spec->nr_modules * sizeof(struct hvm_modlist_entry);
        if (db_place(&p, l->modlist.size, 8, BOOT_LO, BOOT_HI, false, "module list",
                     &l->modlist.gpa, diag))
            return -1;
    }
    l->gdt.size = DB_GDT_SIZE;
    if (db_place(&p, l->gdt.size, 16, BOOT_LO, BOOT_HI, false, "GDT", &l->gdt.gpa, diag) ||
        place_string(&p, spec->cmdline, "command line", &l->cmdline, diag))
        return -1;
    for (i = 0; i < spec->nr_modules; i++)
        if (place_string(&p, spec->modules[i].cmdline, "module command line",
                         &l->mod_cmdline[i], diag))
            return -1;
    /* Modules from the top of RAM below 4 GiB down, away from the kernel. */
    l->nr_modules = spec->nr_modules;
    for (i = 0; i < spec->nr_modules; i++) {
        l->modules[i].size = DB_ALIGN_UP(spec->modules[i].size, DB_PAGE_SIZE);
        if (db_place(&p, l->modules[i].size, DB_PAGE_SIZE, DB_MiB(1), DB_GiB(4), true, "module",
                     &l->modules[i].gpa, diag))
            return -1;
    }
    return 0;
}

int db_pvh_build(const struct db_domain_spec *spec, const struct db_layout *l,
                 const struct db_guest_mem *mem, struct db_vcpu_state *v,
                 struct db_diag *diag)
{
    struct hvm_start_info si = {
        .magic = XEN_HVM_START_MAGIC_VALUE,
        .version = 1,
        .flags = (spec->flags & DB_SPEC_PRIVILEGED) ? XEN_HVM_START_SIF_PRIVILEGED : 0,
        .nr_modules = l->nr_modules,
        .modlist_paddr = l->modlist.gpa,
        .cmdline_paddr = l->cmdline.gpa,
        .rsdp_paddr = spec->rsdp_gpa,
        .memmap_paddr = l->memmap.gpa,
        .memmap_entries = l->nr_e820,
    };
    uint32_t i;

    if (db_elf_load(&l->image.elf, 0, mem, diag) || db_write_modules(spec, l, mem, diag) ||
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
    if (db_mem_write(mem, l->start_info.gpa, &si, sizeof(si), diag) ||
        db_write_gdt(mem, l->gdt.gpa, diag))
        return -1;

    v->mode = DB_CPU_PROT32;
    v->rip = l->entry;
    v->rbx = l->start_info.gpa;
    v->cr0 = DB_CR0_PE | DB_CR0_ET;
    db_vcpu_flat_segments(v, l->gdt.gpa, false);
    return 0;
}
