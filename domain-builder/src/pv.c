// SPDX-License-Identifier: MIT
/*
 * x86-64 PV: the bootstrap virtual region Xen's public xen.h describes,
 * packed page by page from VIRT_BASE (pfn 0):
 *   kernel | initrd | P2M list | start_info | xenstore | console |
 *   page tables | boot stack | >= 512 KiB mapped slack (to a 4 MiB boundary)
 * The page tables map [VIRT_BASE, map_end) onto pfn 0.. linearly with 4 KiB
 * pages, their own frames read-only. The hypercall page named by the note is
 * filled with Xen's 64-bit PV stubs (syscall into the hypervisor).
 */
#include <string.h>

#include <public/elfnote.h>
#include <public/features.h>
#include <public/xen.h>

#include "internal.h"

#define PAGE   DB_PAGE_SIZE
#define SLACK  DB_KiB(512)
#define EXTEND DB_MiB(4)

/* What the builder lays out for a kernel that requires it. */
#define SUPPORTED_FEATURES                                                               \
    ((1u << XENFEAT_writable_page_tables) | (1u << XENFEAT_writable_descriptor_tables) | \
     (1u << XENFEAT_pae_pgdir_above_4gb))

#define L1_PROT (XEN_PV_PTE_PRESENT | XEN_PV_PTE_RW | XEN_PV_PTE_USER | XEN_PV_PTE_ACCESSED)
#define LN_PROT (L1_PROT | XEN_PV_PTE_DIRTY)

static bool canonical(uint64_t va)
{
    return va < 0x0000800000000000ull || va >= 0xFFFF800000000000ull;
}

/* Page-table frames needed to map [start, end) with 4 KiB pages. */
static uint64_t count_tables(uint64_t start, uint64_t end)
{
    uint64_t n = 1;

    for (unsigned int shift = 39; shift >= 21; shift -= 9)
        n += ((end - 1) >> shift) - (start >> shift) + 1;
    return n;
}

static int check_notes(const struct db_domain_spec *spec, struct db_layout *l, struct db_diag *diag)
{
    const struct db_elf *elf = &l->image.elf;
    struct db_xen_notes *n = &l->notes;
    uint32_t supported = SUPPORTED_FEATURES;
    uint64_t kstart, kend;

    if (!elf->is64)
        return db_fail(diag, DB_ERR_UNSUPPORTED,
                       "PV: 32-bit PV kernels are not supported (only x86-64 PV: a 32-bit one "
                       "needs the whole compat PV ABI; Linux dropped 32-bit PV in 5.9): boot "
                       "the kernel as PVH");
    if (!DB_NOTE_SEEN(n, XEN_ELFNOTE_ENTRY))
        n->entry = elf->entry;
    if (!DB_NOTE_SEEN(n, XEN_ELFNOTE_PADDR_OFFSET))
        n->paddr_offset = n->virt_base; /* Xen's default */
    if (spec->flags & DB_SPEC_PRIVILEGED)
        supported |= 1u << XENFEAT_dom0;
    if (n->required_features & ~supported)
        return db_fail(diag, DB_ERR_UNSUPPORTED,
                       "PV: kernel requires XENFEAT bits 0x%x the builder does not provide",
                       n->required_features & ~supported);
    if (n->virt_base % PAGE)
        return db_fail(diag, DB_ERR_NOTE, "PV: VIRT_BASE 0x%lx not page aligned", n->virt_base);

    l->pv_virt_base = n->virt_base;
    l->pv_virt_offset = n->virt_base - n->paddr_offset;
    kstart = elf->paddr_lo + l->pv_virt_offset;
    kend = elf->paddr_hi + l->pv_virt_offset;
    if (kstart < n->virt_base || kend < kstart || kstart % PAGE)
        return db_fail(
            diag, DB_ERR_NOTE,
            "PV: kernel at virtual 0x%lx (paddr 0x%lx + VIRT_BASE 0x%lx - PADDR_OFFSET 0x%lx) "
            "is below VIRT_BASE, wraps or is not page aligned",
            kstart, elf->paddr_lo, n->virt_base, n->paddr_offset);
    if (n->entry < kstart || n->entry >= kend)
        return db_fail(diag, DB_ERR_NOTE, "PV: entry 0x%lx outside the kernel [0x%lx, 0x%lx)",
                       n->entry, kstart, kend);
    if (DB_NOTE_SEEN(n, XEN_ELFNOTE_HYPERCALL_PAGE) &&
        (n->hypercall_page % PAGE || n->hypercall_page < kstart || n->hypercall_page >= kend ||
         kend - n->hypercall_page < PAGE))
        return db_fail(diag, DB_ERR_NOTE,
                       "PV: HYPERCALL_PAGE 0x%lx not a page inside the kernel [0x%lx, 0x%lx)",
                       n->hypercall_page, kstart, kend);
    l->entry = n->entry;
    l->kernel = (struct db_region){ kstart - n->virt_base, DB_ALIGN_UP(kend - kstart, PAGE) };
    return 0;
}

/* Next free page of the bootstrap region. */
static int take(struct db_placer *p, uint64_t *next, uint64_t size, const char *what,
                struct db_region *r, struct db_diag *diag)
{
    r->gpa = *next;
    r->size = DB_ALIGN_UP(size, PAGE);
    *next += r->size;
    return db_claim(p, r->gpa, r->size, what, diag);
}

int db_pv_prepare(const struct db_domain_spec *spec, struct db_layout *l, struct db_diag *diag)
{
    const struct db_elf *elf = &l->image.elf;
    uint64_t next, nr_pt = 1, map_end = 0, vb;
    struct db_region pt_try;
    struct db_placer p;

    if (check_notes(spec, l, diag) || db_e820_build(spec, true, l, diag))
        return -1;
    if (spec->nr_modules > 1)
        return db_fail(diag, DB_ERR_UNSUPPORTED, "PV start_info takes one module, %u given",
                       spec->nr_modules);
    if (spec->cmdline && strlen(spec->cmdline) >= MAX_GUEST_CMDLINE)
        return db_fail(diag, DB_ERR_SPEC, "PV: command line of %lu bytes, start_info holds %u",
                       (unsigned long)strlen(spec->cmdline), MAX_GUEST_CMDLINE - 1);
    l->pv_nr_pages = spec->memory_bytes / PAGE;
    vb = l->pv_virt_base;
    db_placer_init(&p, l);
    for (uint32_t i = 0; i < elf->nr_load; i++)
        if (db_claim(&p, elf->load[i].paddr + l->pv_virt_offset - vb, elf->load[i].memsz,
                     "kernel segment", diag))
            return -1;
    if (DB_NOTE_SEEN(&l->notes, XEN_ELFNOTE_HYPERCALL_PAGE))
        l->hypercall_page = (struct db_region){ l->notes.hypercall_page - vb, PAGE };

    next = l->kernel.gpa + l->kernel.size;
    l->nr_modules = spec->nr_modules;
    if (spec->nr_modules && take(&p, &next, spec->modules[0].size, "initrd", &l->modules[0], diag))
        return -1;
    if (take(&p, &next, l->pv_nr_pages * 8, "P2M list", &l->p2m, diag) ||
        take(&p, &next, PAGE, "start_info", &l->start_info, diag) ||
        take(&p, &next, PAGE, "xenstore page", &l->xenstore, diag) ||
        take(&p, &next, PAGE, "console page", &l->console, diag))
        return -1;

    /* The tables map themselves and the stack: grow until the count is stable. */
    for (;;) {
        uint64_t end = next + nr_pt * PAGE + PAGE; /* + boot stack */
        uint64_t need;

        if (end > (UINT64_MAX - vb) || !canonical(vb + end))
            return db_fail(diag, DB_ERR_NO_MEMORY, "PV: bootstrap region wraps past 0x%lx", vb);
        map_end = DB_ALIGN_UP(vb + end + SLACK, EXTEND);
        if (map_end <= vb)
            return db_fail(diag, DB_ERR_NO_MEMORY, "PV: bootstrap mapping wraps past 0x%lx", vb);
        need = count_tables(vb, map_end);
        if (need <= nr_pt)
            break;
        nr_pt = need;
    }
    if (take(&p, &next, nr_pt * PAGE, "page tables", &pt_try, diag) ||
        take(&p, &next, PAGE, "boot stack", &l->stack, diag))
        return -1;
    l->page_tables = pt_try;
    l->pv_map_end = map_end;
    if ((map_end - vb) / PAGE > l->pv_nr_pages)
        return db_fail(diag, DB_ERR_NO_MEMORY,
                       "PV: the bootstrap mapping needs 0x%lx pages, the domain has 0x%lx",
                       (map_end - vb) / PAGE, l->pv_nr_pages);
    if (db_overlaps(vb, map_end - vb, HYPERVISOR_VIRT_START,
                    HYPERVISOR_VIRT_END - HYPERVISOR_VIRT_START) ||
        !canonical(vb))
        return db_fail(diag, DB_ERR_NOTE,
                       "PV: mapping [0x%lx, 0x%lx) is not canonical or hits Xen's area", vb,
                       map_end);
    if (spec->cmdline && *spec->cmdline)
        l->cmdline = (struct db_region){ l->start_info.gpa + offsetof(struct start_info, cmd_line),
                                         strlen(spec->cmdline) + 1 };
    return 0;
}

/* Xen's 64-bit PV hypercall page: one 32-byte stub per hypercall. */
static int write_hypercall_page(const struct db_guest_mem *mem, uint64_t gpa, struct db_diag *diag)
{
    uint8_t *page = mem->map(mem->ctx, gpa >> DB_PAGE_SHIFT);

    if (!page)
        return db_fail(diag, DB_ERR_GUEST_MEM, "hypercall page frame 0x%lx is not backed",
                       gpa >> DB_PAGE_SHIFT);
    memset(page, 0xCC, PAGE); /* int3 between stubs */
    for (uint32_t i = 0; i < PAGE / XEN_HYPERCALL_STUB_SIZE; i++) {
        uint8_t *s = page + i * XEN_HYPERCALL_STUB_SIZE;

        s[0] = 0x51;              /* push %rcx */
        s[1] = 0x41, s[2] = 0x53; /* push %r11 */
        if (i == __HYPERVISOR_iret) {
            s[3] = 0x50; /* push %rax */
            s[4] = 0xB8; /* mov $iret, %eax */
            db_put32(s + 5, i);
            s[9] = 0x0F, s[10] = 0x05; /* syscall (does not return) */
            continue;
        }
        s[3] = 0xB8; /* mov $i, %eax */
        db_put32(s + 4, i);
        s[8] = 0x0F, s[9] = 0x05;   /* syscall */
        s[10] = 0x41, s[11] = 0x5B; /* pop %r11 */
        s[12] = 0x59;               /* pop %rcx */
        s[13] = 0xC3;               /* ret */
    }
    return 0;
}

static int write_p2m(const struct db_layout *l, const struct db_guest_mem *mem,
                     struct db_diag *diag)
{
    for (uint64_t pfn = 0; pfn < l->pv_nr_pages; pfn += 512) {
        uint64_t gfn = (l->p2m.gpa >> DB_PAGE_SHIFT) + pfn / 512;
        uint8_t *frame = mem->map(mem->ctx, gfn);

        if (!frame)
            return db_fail(diag, DB_ERR_GUEST_MEM, "P2M frame 0x%lx is not backed", gfn);
        for (uint64_t i = 0; i < 512 && pfn + i < l->pv_nr_pages; i++)
            db_put64(frame + i * 8, db_mem_mfn(mem, pfn + i));
    }
    return 0;
}

struct pt_writer {
    const struct db_guest_mem *mem;
    uint64_t next_gfn, end_gfn; /* page-table frames still free */
    uint64_t table[4];          /* gfn of the current table per level (0 = L1) */
    uint64_t index[4];          /* which slot of the level above it serves */
};

/* Gives the L1 table for va, creating the levels above as needed. */
static int pt_l1_for(struct pt_writer *w, uint64_t va, uint64_t *l1_gfn, struct db_diag *diag)
{
    for (int level = 2; level >= 0; level--) {
        unsigned int shift = 12 + 9 * (level + 1); /* slot in the parent table */
        uint64_t slot = (va >> shift) & 511, parent = w->table[level + 1];
        uint8_t *frame;

        if (w->table[level] && w->index[level] == (va >> shift))
            continue;
        if (w->next_gfn == w->end_gfn)
            return db_fail(diag, DB_ERR_NO_MEMORY, "PV: ran out of page-table frames");
        w->table[level] = w->next_gfn++;
        w->index[level] = va >> shift;
        for (int below = level - 1; below >= 0; below--)
            w->table[below] = 0;
        frame = w->mem->map(w->mem->ctx, parent);
        if (!frame)
            return db_fail(diag, DB_ERR_GUEST_MEM, "page-table frame 0x%lx is not backed", parent);
        db_put64(frame + slot * 8, db_mem_mfn(w->mem, w->table[level]) << DB_PAGE_SHIFT | LN_PROT);
    }
    *l1_gfn = w->table[0];
    return 0;
}

static int write_page_tables(const struct db_layout *l, const struct db_guest_mem *mem,
                             struct db_diag *diag)
{
    uint64_t vb = l->pv_virt_base, pt_first = l->page_tables.gpa >> DB_PAGE_SHIFT;
    uint64_t pt_end = pt_first + (l->page_tables.size >> DB_PAGE_SHIFT);
    struct pt_writer w = { .mem = mem, .next_gfn = pt_first + 1, .end_gfn = pt_end };

    if (db_mem_fill(mem, l->page_tables.gpa, 0, l->page_tables.size, diag))
        return -1;
    w.table[3] = pt_first; /* the L4 */
    for (uint64_t va = vb; va < l->pv_map_end; va += PAGE) {
        uint64_t pfn = (va - vb) >> DB_PAGE_SHIFT, l1 = 0, pte;
        uint8_t *frame;

        if (pt_l1_for(&w, va, &l1, diag))
            return -1;
        pte = db_mem_mfn(mem, pfn) << DB_PAGE_SHIFT | L1_PROT;
        if (pfn >= pt_first && pfn < pt_end)
            pte &= ~(uint64_t)XEN_PV_PTE_RW; /* Xen requires page tables read-only */
        frame = mem->map(mem->ctx, l1);
        if (!frame)
            return db_fail(diag, DB_ERR_GUEST_MEM, "page-table frame 0x%lx is not backed", l1);
        db_put64(frame + ((va >> 12) & 511) * 8, pte);
    }
    return 0;
}

int db_pv_build(const struct db_domain_spec *spec, const struct db_layout *l,
                const struct db_guest_mem *mem, struct db_vcpu_state *v, struct db_diag *diag)
{
    uint64_t vb = l->pv_virt_base;
    struct start_info si;

    if (db_elf_load(&l->image.elf, l->pv_virt_offset - vb, 0, mem, diag) ||
        db_write_modules(spec, l, mem, diag) || write_p2m(l, mem, diag) ||
        db_mem_fill(mem, l->xenstore.gpa, 0, PAGE, diag) ||
        db_mem_fill(mem, l->console.gpa, 0, PAGE, diag) || write_page_tables(l, mem, diag) ||
        db_mem_fill(mem, l->stack.gpa, 0, PAGE, diag))
        return -1;
    if (l->hypercall_page.size && write_hypercall_page(mem, l->hypercall_page.gpa, diag))
        return -1;

    memset(&si, 0, sizeof(si));
    memcpy(si.magic, XEN_START_INFO_MAGIC_X86_64, sizeof(XEN_START_INFO_MAGIC_X86_64));
    si.nr_pages = l->pv_nr_pages;
    si.shared_info = spec->pv_shared_info_maddr;
    si.flags = (spec->flags & DB_SPEC_PRIVILEGED) ? SIF_PRIVILEGED : 0;
    si.store_mfn = db_mem_mfn(mem, l->xenstore.gpa >> DB_PAGE_SHIFT);
    si.store_evtchn = spec->pv_store_evtchn;
    si.console.domU.mfn = db_mem_mfn(mem, l->console.gpa >> DB_PAGE_SHIFT);
    si.console.domU.evtchn = spec->pv_console_evtchn;
    si.pt_base = vb + l->page_tables.gpa;
    si.nr_pt_frames = l->page_tables.size >> DB_PAGE_SHIFT;
    si.mfn_list = vb + l->p2m.gpa;
    if (l->nr_modules) {
        if (l->notes.mod_start_pfn) {
            si.flags |= SIF_MOD_START_PFN;
            si.mod_start = l->modules[0].gpa >> DB_PAGE_SHIFT;
        } else {
            si.mod_start = vb + l->modules[0].gpa;
        }
        si.mod_len = spec->modules[0].size;
    }
    if (spec->cmdline)
        memcpy(si.cmd_line, spec->cmdline, strlen(spec->cmdline));
    if (db_mem_fill(mem, l->start_info.gpa, 0, PAGE, diag) ||
        db_mem_write(mem, l->start_info.gpa, &si, sizeof(si), diag))
        return -1;

    v->mode = DB_CPU_PV64;
    v->rip = l->entry;
    v->rsp = vb + l->stack.gpa + PAGE;
    v->rsi = vb + l->start_info.gpa;
    v->rflags = X86_RFLAGS_FIXED | X86_RFLAGS_IF;
    v->cr0 = X86_CR0_PE | X86_CR0_ET | X86_CR0_NE | X86_CR0_WP | X86_CR0_PG;
    v->cr3 = db_mem_mfn(mem, l->page_tables.gpa >> DB_PAGE_SHIFT) << DB_PAGE_SHIFT;
    v->cr4 = X86_CR4_PAE;
    v->efer = EFER_LME | EFER_LMA;
    v->cs = (struct db_segment){ FLAT_KERNEL_CS64,
                                 X86_SEG_TYPE_CODE_XR_A | X86_SEG_ATTR_S | X86_SEG_ATTR_DPL(3) |
                                     X86_SEG_ATTR_P | X86_SEG_ATTR_L | X86_SEG_ATTR_G,
                                 0xFFFFFFFFu, 0 };
    v->ss = (struct db_segment){ FLAT_KERNEL_SS64,
                                 X86_SEG_TYPE_DATA_RW_A | X86_SEG_ATTR_S | X86_SEG_ATTR_DPL(3) |
                                     X86_SEG_ATTR_P | X86_SEG_ATTR_DB | X86_SEG_ATTR_G,
                                 0xFFFFFFFFu, 0 };
    v->ds = v->es = v->fs = v->gs = (struct db_segment){ FLAT_KERNEL_DS64, 0, 0, 0 };
    return 0;
}
