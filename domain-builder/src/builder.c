// SPDX-License-Identifier: MIT
/*
 * db_prepare() / db_build(): checks the spec, tells the image kind and entry
 * ABI apart, and hands over to pvh.c, pv.c or linux.c.
 */
#include <string.h>

#include <public/elfnote.h>
#include <public/tessera/shm.h>

#include "internal.h"

#define MAX_CMDLINE DB_KiB(64)

const char *db_mode_name(enum db_mode mode)
{
    switch (mode) {
    case DB_MODE_AUTO: return "auto";
    case DB_MODE_PVH: return "pvh";
    case DB_MODE_PV: return "pv";
    case DB_MODE_LINUX: return "linux";
    }
    return "?";
}

static int check_spec(const struct db_domain_spec *s, struct db_diag *diag)
{
    if (!s->kernel || !s->kernel_size)
        return db_fail(diag, DB_ERR_SPEC, "no kernel image");
    if (s->nr_vcpus == 0 || s->nr_vcpus > DB_MAX_VCPUS)
        return db_fail(diag, DB_ERR_SPEC,
                       "%u vCPUs (want 1..%u: APIC ids are 2 x vCPU id, 8 bits in the MADT)",
                       s->nr_vcpus, DB_MAX_VCPUS);
    if (s->nr_modules > DB_MAX_MODULES || (s->nr_modules && !s->modules))
        return db_fail(diag, DB_ERR_SPEC, "%u modules (at most %u)", s->nr_modules, DB_MAX_MODULES);
    for (uint32_t i = 0; i < s->nr_modules; i++) {
        if (!s->modules[i].data || !s->modules[i].size)
            return db_fail(diag, DB_ERR_SPEC, "module %u is empty", i);
        if (s->modules[i].cmdline && strnlen(s->modules[i].cmdline, MAX_CMDLINE) == MAX_CMDLINE)
            return db_fail(diag, DB_ERR_SPEC, "module %u command line longer than 0x%lx", i,
                           MAX_CMDLINE);
    }
    if (s->cmdline && strnlen(s->cmdline, MAX_CMDLINE) == MAX_CMDLINE)
        return db_fail(diag, DB_ERR_SPEC, "command line longer than 0x%lx bytes", MAX_CMDLINE);
    if (s->nr_reserved && !s->reserved)
        return db_fail(diag, DB_ERR_SPEC, "reserved ranges missing");
    if (s->nr_shm > DB_MAX_SHM || (s->nr_shm && !s->shm))
        return db_fail(diag, DB_ERR_SPEC, "%u shared memory regions (at most %u)", s->nr_shm,
                       DB_MAX_SHM);
    for (uint32_t i = 0; i < s->nr_shm; i++) {
        const struct db_shm *m = &s->shm[i];

        if (!m->id || !*m->id || strnlen(m->id, TESSERA_SHM_ID_SIZE) == TESSERA_SHM_ID_SIZE)
            return db_fail(diag, DB_ERR_SPEC, "shared memory %u: id empty or longer than %u", i,
                           TESSERA_SHM_ID_SIZE - 1);
        if (!m->size || (m->gpa | m->size) % DB_PAGE_SIZE || m->gpa + m->size < m->gpa)
            return db_fail(diag, DB_ERR_SPEC,
                           "shared memory '%s' [0x%lx + 0x%lx): empty, unaligned or wrapping",
                           m->id, m->gpa, m->size);
    }
    return 0;
}

/* The entry ABI an ELF kernel asks for. */
static int elf_mode(const struct db_domain_spec *s, const struct db_layout *l, enum db_mode *mode,
                    struct db_diag *diag)
{
    const struct db_xen_notes *n = &l->notes;
    bool pvh = DB_NOTE_SEEN(n, XEN_ELFNOTE_PHYS32_ENTRY);
    bool pv = DB_NOTE_SEEN(n, XEN_ELFNOTE_ENTRY) || DB_NOTE_SEEN(n, XEN_ELFNOTE_VIRT_BASE) ||
              DB_NOTE_SEEN(n, XEN_ELFNOTE_HYPERCALL_PAGE) || n->legacy;

    if (s->mode == DB_MODE_LINUX)
        return db_fail(diag, DB_ERR_SPEC, "mode linux needs a bzImage, the kernel is ELF");
    if (s->mode == DB_MODE_PVH && !pvh)
        return db_fail(diag, DB_ERR_UNSUPPORTED,
                       "mode pvh: the ELF kernel has no XEN_ELFNOTE_PHYS32_ENTRY (18)");
    if (s->mode == DB_MODE_PV && !pv)
        return db_fail(diag, DB_ERR_UNSUPPORTED, "mode pv: the ELF kernel has no Xen PV notes");
    if (s->mode != DB_MODE_AUTO) {
        *mode = s->mode;
        return 0;
    }
    if (!pvh && !pv)
        return db_fail(diag, DB_ERR_UNSUPPORTED,
                       "the ELF kernel has neither a PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY) "
                       "nor Xen PV notes: not bootable as PVH");
    *mode = pvh ? DB_MODE_PVH : DB_MODE_PV;
    return 0;
}

/* The whole pages of [gpa, gpa + size) as layout->filled[]'s next entry, if any. */
static void add_filled(struct db_layout *l, uint64_t gpa, uint64_t size)
{
    uint64_t first = (gpa + DB_PAGE_SIZE - 1) / DB_PAGE_SIZE, end = (gpa + size) / DB_PAGE_SIZE;

    if (end > first && l->nr_filled < DB_MAX_FILLED)
        l->filled[l->nr_filled++] = (struct db_frame_range){ first, end - first };
}

/*
 * What db_build() writes whole: every module's region (its bytes, then zeros
 * to the region's end: db_write_modules()) and, in PVH mode, every segment's
 * [paddr, paddr + memsz) (file bytes, then the bss's zeros: db_elf_load()).
 */
static void list_filled(struct db_layout *l)
{
    for (uint32_t i = 0; i < l->nr_modules; i++)
        add_filled(l, l->modules[i].gpa, l->modules[i].size);
    if (l->mode == DB_MODE_PVH)
        for (uint32_t i = 0; i < l->image.elf.nr_load; i++)
            add_filled(l, l->image.elf.load[i].paddr, l->image.elf.load[i].memsz);
}

int db_prepare(const struct db_domain_spec *spec, struct db_layout *layout, struct db_diag *diag)
{
    enum db_mode mode = DB_MODE_AUTO;

    diag->code = DB_OK;
    diag->msg[0] = 0;
    diag->domain = spec->name ? spec->name : "?";
    memset(layout, 0, sizeof(*layout));
    if (check_spec(spec, diag))
        return -1;

    if (db_elf_probe(spec->kernel, spec->kernel_size)) {
        if (db_elf_parse(spec->kernel, spec->kernel_size, &layout->image.elf, diag) ||
            db_xen_notes_parse(&layout->image.elf, &layout->notes, diag) ||
            elf_mode(spec, layout, &mode, diag))
            return -1;
    } else if (db_bzimage_probe(spec->kernel, spec->kernel_size)) {
        if (spec->mode == DB_MODE_PVH)
            return db_fail(diag, DB_ERR_UNSUPPORTED,
                           "mode pvh: a bzImage's PVH entry is inside its compressed payload; "
                           "give the vmlinux ELF, or boot the bzImage in mode linux");
        if (spec->mode == DB_MODE_PV)
            return db_fail(diag, DB_ERR_UNSUPPORTED, "mode pv: PV needs the vmlinux ELF");
        if (db_bzimage_parse(spec->kernel, spec->kernel_size, &layout->image.bz, diag))
            return -1;
        mode = DB_MODE_LINUX;
    } else {
        return db_fail(diag, DB_ERR_FORMAT,
                       "the kernel (0x%lx bytes) is neither ELF nor a Linux bzImage: not "
                       "bootable as PVH (an ELF with XEN_ELFNOTE_PHYS32_ENTRY) or by the "
                       "Linux boot protocol",
                       spec->kernel_size);
    }
    layout->mode = mode;

    switch (mode) {
    case DB_MODE_PVH:
        if (db_pvh_prepare(spec, layout, diag))
            return -1;
        break;
    case DB_MODE_PV:
        if (db_pv_prepare(spec, layout, diag))
            return -1;
        list_filled(layout);
        return 0;
    case DB_MODE_LINUX:
        if (db_linux_prepare(spec, layout, diag))
            return -1;
        break;
    default: return db_fail(diag, DB_ERR_SPEC, "mode %u", mode);
    }
    list_filled(layout);
    /* HVM domains: ACPI tables. */
    return db_acpi_prepare(spec, layout, diag);
}

int db_build(const struct db_domain_spec *spec, const struct db_layout *layout,
             const struct db_guest_mem *mem, struct db_vcpu_state *vcpu, struct db_diag *diag)
{
    diag->code = DB_OK;
    diag->msg[0] = 0;
    diag->domain = spec->name ? spec->name : "?";
    memset(vcpu, 0, sizeof(*vcpu));
    vcpu->rflags = X86_RFLAGS_FIXED;
    /*
     * An HVM domain's console ring starts empty (PV zeroes its own in pv.c);
     * HVM domains get ACPI tables, PV domains none.
     */
    if (layout->mode != DB_MODE_PV &&
        (db_mem_fill(mem, layout->console.gpa, 0, layout->console.size, diag) ||
         db_acpi_build(spec, layout, mem, diag)))
        return -1;
    switch (layout->mode) {
    case DB_MODE_PVH: return db_pvh_build(spec, layout, mem, vcpu, diag);
    case DB_MODE_PV: return db_pv_build(spec, layout, mem, vcpu, diag);
    case DB_MODE_LINUX: return db_linux_build(spec, layout, mem, vcpu, diag);
    default: return db_fail(diag, DB_ERR_SPEC, "layout not prepared (mode %u)", layout->mode);
    }
}
