// SPDX-License-Identifier: MIT
/*
 * Linux bzImage through the x86 boot protocol's 64-bit entry: the
 * protected-mode kernel at an aligned address with init_size bytes free
 * behind it, the boot_params zero page (setup header, e820, command line,
 * initrd, the RSDP of the domain's ACPI tables), an identity map of the
 * low 4 GiB, a flat GDT, entry at load + 0x200 in long mode with RSI = zero
 * page.
 */
#include <string.h>

#include "bootparam.h"
#include "internal.h"

#define LOW_LO     DB_PAGE_SIZE
#define LOW_HI     DB_MiB(1)
#define STACK_SIZE DB_PAGE_SIZE

static int place_kernel(struct db_placer *p, const struct db_bzimage *bz, struct db_layout *l,
                        struct db_diag *diag)
{
    uint64_t size = DB_ALIGN_UP((uint64_t)bz->init_size, DB_PAGE_SIZE);
    uint64_t align = bz->kernel_alignment;
    struct db_diag first;

    l->kernel.size = size;
    if (!bz->relocatable) {
        l->kernel.gpa = bz->pref_address;
        return db_claim(p, l->kernel.gpa, size, "kernel (init_size)", diag);
    }
    /* Where the kernel would decompress itself anyway, else the lowest fit. */
    if (bz->pref_address % align == 0 && bz->pref_address >= DB_MiB(1) &&
        db_claim(p, bz->pref_address, size, "kernel (init_size)", &first) == 0) {
        l->kernel.gpa = bz->pref_address;
        return 0;
    }
    return db_place(p, size, align, DB_MiB(1), DB_GiB(4), false, "kernel (init_size)",
                    &l->kernel.gpa, diag);
}

int db_linux_prepare(const struct db_domain_spec *spec, struct db_layout *l, struct db_diag *diag)
{
    const struct db_bzimage *bz = &l->image.bz;
    struct db_placer p;
    uint64_t initrd_hi;

    if (spec->nr_modules > 1)
        return db_fail(diag, DB_ERR_UNSUPPORTED,
                       "the Linux boot protocol takes one initrd, %u modules given",
                       spec->nr_modules);
    if (db_e820_build(spec, false, l, diag))
        return -1;
    if (l->nr_e820 > BP_E820_MAX)
        return db_fail(diag, DB_ERR_SPEC, "memory map of %u entries, boot_params holds %u",
                       l->nr_e820, BP_E820_MAX);
    db_placer_init(&p, l);
    if (place_kernel(&p, bz, l, diag))
        return -1;
    l->entry = l->kernel.gpa + BP_ENTRY64_OFFSET;

    l->start_info.size = BP_SIZE;
    l->page_tables.size = DB_IDMAP_FRAMES * DB_PAGE_SIZE;
    l->stack.size = STACK_SIZE;
    l->gdt.size = DB_GDT_SIZE;
    if (db_place(&p, BP_SIZE, DB_PAGE_SIZE, LOW_LO, LOW_HI, false, "boot_params",
                 &l->start_info.gpa, diag) ||
        db_place(&p, l->page_tables.size, DB_PAGE_SIZE, LOW_LO, LOW_HI, false, "page tables",
                 &l->page_tables.gpa, diag) ||
        db_place(&p, STACK_SIZE, DB_PAGE_SIZE, LOW_LO, LOW_HI, false, "boot stack", &l->stack.gpa,
                 diag) ||
        db_place(&p, l->gdt.size, 16, LOW_LO, LOW_HI, false, "GDT", &l->gdt.gpa, diag))
        return -1;
    if (spec->cmdline && *spec->cmdline) {
        uint64_t len = strlen(spec->cmdline);

        if (len > bz->cmdline_size)
            return db_fail(diag, DB_ERR_SPEC,
                           "command line of %lu bytes, the kernel accepts at most %u", len,
                           bz->cmdline_size);
        l->cmdline.size = len + 1;
        if (db_place(&p, l->cmdline.size, 16, LOW_LO, DB_GiB(4), false, "command line",
                     &l->cmdline.gpa, diag))
            return -1;
    }
    if (spec->nr_modules) {
        /* initrd_addr_max is the highest address the initrd's last byte may have. */
        initrd_hi = (uint64_t)bz->initrd_addr_max + 1;
        if (initrd_hi > DB_GiB(4))
            initrd_hi = DB_GiB(4);
        l->nr_modules = 1;
        l->modules[0].size = DB_ALIGN_UP(spec->modules[0].size, DB_PAGE_SIZE);
        if (db_place(&p, l->modules[0].size, DB_PAGE_SIZE, l->kernel.gpa + l->kernel.size,
                     initrd_hi, true, "the initramfs (initrd)", &l->modules[0].gpa, diag))
            return -1;
    }
    return 0;
}

static int put32(const struct db_guest_mem *mem, uint64_t gpa, uint32_t v, struct db_diag *diag)
{
    uint8_t b[4];

    db_put32(b, v);
    return db_mem_write(mem, gpa, b, 4, diag);
}

static int write_zero_page(const struct db_domain_spec *spec, const struct db_layout *l,
                           const struct db_guest_mem *mem, struct db_diag *diag)
{
    const struct db_bzimage *bz = &l->image.bz;
    uint64_t zp = l->start_info.gpa;
    uint8_t b[8];

    if (db_mem_fill(mem, zp, 0, BP_SIZE, diag) ||
        db_mem_write(mem, zp + BP_SETUP_SECTS, bz->data + BP_SETUP_SECTS,
                     bz->hdr_end - BP_SETUP_SECTS, diag))
        return -1;
    b[0] = BP_LOADER_UNDEFINED;
    db_put16(b + 2, 0xFFFF);
    if (db_mem_write(mem, zp + BP_TYPE_OF_LOADER, b, 1, diag) ||
        db_mem_write(mem, zp + BP_VID_MODE, b + 2, 2, diag) ||
        put32(mem, zp + BP_CODE32_START, (uint32_t)l->kernel.gpa, diag) ||
        put32(mem, zp + BP_CMD_LINE_PTR, (uint32_t)l->cmdline.gpa, diag) ||
        put32(mem, zp + BP_EXT_CMD_LINE_PTR, (uint32_t)(l->cmdline.gpa >> 32), diag))
        return -1;
    if (l->nr_modules &&
        (put32(mem, zp + BP_RAMDISK_IMAGE, (uint32_t)l->modules[0].gpa, diag) ||
         put32(mem, zp + BP_RAMDISK_SIZE, (uint32_t)spec->modules[0].size, diag) ||
         put32(mem, zp + BP_EXT_RAMDISK_IMAGE, (uint32_t)(l->modules[0].gpa >> 32), diag) ||
         put32(mem, zp + BP_EXT_RAMDISK_SIZE, (uint32_t)(spec->modules[0].size >> 32), diag)))
        return -1;
    db_put64(b, l->rsdp);
    if (db_mem_write(mem, zp + BP_ACPI_RSDP_ADDR, b, 8, diag))
        return -1;
    b[0] = (uint8_t)l->nr_e820;
    if (db_mem_write(mem, zp + BP_E820_ENTRIES, b, 1, diag))
        return -1;
    for (uint32_t i = 0; i < l->nr_e820; i++) {
        uint8_t e[20];

        db_put64(e, l->e820[i].addr);
        db_put64(e + 8, l->e820[i].size);
        db_put32(e + 16, l->e820[i].type);
        if (db_mem_write(mem, zp + BP_E820_TABLE + i * 20, e, 20, diag))
            return -1;
    }
    return 0;
}

int db_linux_build(const struct db_domain_spec *spec, const struct db_layout *l,
                   const struct db_guest_mem *mem, struct db_vcpu_state *v, struct db_diag *diag)
{
    const struct db_bzimage *bz = &l->image.bz;

    if (db_mem_place(mem, l->kernel.gpa, bz->data + bz->pm_offset, bz->pm_size, diag) ||
        db_write_modules(spec, l, mem, diag) ||
        db_write_string(mem, l->cmdline, spec->cmdline, diag) ||
        write_zero_page(spec, l, mem, diag) ||
        db_write_identity_map(mem, l->page_tables.gpa, diag) || db_write_gdt(mem, l->gdt.gpa, diag))
        return -1;

    v->mode = DB_CPU_LONG64;
    v->rip = l->entry;
    v->rsi = l->start_info.gpa;
    v->rsp = l->stack.gpa + l->stack.size;
    v->cr0 = X86_CR0_PE | X86_CR0_ET | X86_CR0_NE | X86_CR0_PG;
    v->cr3 = l->page_tables.gpa;
    v->cr4 = X86_CR4_PAE;
    v->efer = EFER_LME | EFER_LMA;
    db_vcpu_flat_segments(v, l->gdt.gpa, true);
    return 0;
}
