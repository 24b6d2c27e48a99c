// SPDX-License-Identifier: MIT
/* Host tests of the loader's option and path parsing and its memory-map conversion. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "loader.h"

#include "stubs.h"

static struct loader ld;

static int reset(void **state)
{
    (void)state;
    memset(&ld, 0, sizeof(ld));
    stubs_reset();
    return 0;
}

static void check_path(const char *in, const char *want)
{
    char out[LOADER_PATH_MAX];
    bool ok = path_normalise(in, out, sizeof(out));

    if (!want) {
        assert_false(ok);
        return;
    }
    assert_true(ok);
    assert_string_equal(out, want);
}

static void test_paths(void **state)
{
    (void)state;
    check_path("tessera/guests/x.bin", "\\tessera\\guests\\x.bin");
    check_path("/tessera//guests\\x.bin", "\\tessera\\guests\\x.bin");
    check_path("\\tessera\\launch.dtb", "\\tessera\\launch.dtb");
    check_path("..a/b..", "\\..a\\b..");
    check_path("", NULL);
    check_path("/", NULL);
    check_path("tessera/", NULL);
    check_path("a/../b", NULL);
    check_path("../b", NULL);
    check_path("./b", NULL);
    check_path("a/.", NULL);
    check_path("fs0:\\x", NULL);
    check_path("a\tb", NULL);
    check_path("a\x80", NULL);
}

/* LOADER_PATH_MAX - 1 characters fit; one more does not. */
static void test_path_limit(void **state)
{
    char in[LOADER_PATH_MAX + 2], out[LOADER_PATH_MAX];

    (void)state;
    memset(in, 'a', sizeof(in));
    in[LOADER_PATH_MAX - 2] = '\0';
    assert_true(path_normalise(in, out, sizeof(out)));
    assert_int_equal(strlen(out), LOADER_PATH_MAX - 1);
    in[LOADER_PATH_MAX - 2] = 'a';
    in[LOADER_PATH_MAX - 1] = '\0';
    assert_false(path_normalise(in, out, sizeof(out)));
}

static EFI_STATUS parse(const char *text, bool shell)
{
    static CHAR16 wide[4096];
    size_t n = strlen(text);

    for (size_t i = 0; i <= n; i++)
        wide[i] = (CHAR16)(unsigned char)text[i];
    return options_parse(&ld, wide, (uint32_t)((n + 1) * sizeof(CHAR16)), shell);
}

static void test_options_defaults(void **state)
{
    (void)state;
    assert_int_equal(options_parse(&ld, NULL, 0, false), EFI_SUCCESS);
    assert_string_equal(ld.tree_path, "\\tessera\\launch.dtb");
    assert_string_equal(ld.hv_path, "\\tessera\\tessera.elf");
    assert_string_equal(ld.cmdline, "");
    assert_int_equal(ld.cmdline_len, 0);
    assert_string_equal(stub_last_info, "");
}

static void test_options_words(void **state)
{
    (void)state;
    assert_int_equal(
        parse("  launch=/x/y.dtb console=com2\t hypervisor=\\h\\hv.elf  debug-exit ", false),
        EFI_SUCCESS);
    assert_string_equal(ld.tree_path, "\\x\\y.dtb");
    assert_string_equal(ld.hv_path, "\\h\\hv.elf");
    assert_string_equal(ld.cmdline, "console=com2 debug-exit");
    assert_int_equal(ld.cmdline_len, strlen("console=com2 debug-exit"));
    assert_false(ld.bench_blockio);
    /* bench-blockio is the loader's own: not passed on, and forgotten by the next parse. */
    assert_int_equal(parse("a bench-blockio b bench-blockiox", false), EFI_SUCCESS);
    assert_true(ld.bench_blockio);
    assert_string_equal(ld.cmdline, "a b bench-blockiox");
    assert_int_equal(parse("a", false), EFI_SUCCESS);
    assert_false(ld.bench_blockio);
}

static void test_options_shell_program_name(void **state)
{
    (void)state;
    assert_int_equal(parse("EFI\\BOOT\\BOOTX64.EFI launch=\\t\\o.dtb a", true), EFI_SUCCESS);
    assert_string_equal(ld.tree_path, "\\t\\o.dtb");
    assert_string_equal(ld.cmdline, "a");
    assert_int_equal(parse("loader", true), EFI_SUCCESS);
    assert_string_equal(ld.cmdline, "");
}

static void test_options_not_text(void **state)
{
    static const uint8_t junk[] = { 0x4e, 0xac, 0x08, 0x81, 0x11, 0x9f, 0x59, 0x4d };
    static const CHAR16 inner_nul[] = { 'a', 0, 'b', 0 };

    (void)state;
    assert_int_equal(options_parse(&ld, junk, sizeof(junk), false), EFI_SUCCESS);
    assert_string_equal(ld.cmdline, "");
    assert_string_equal(stub_last_info, "load options are not text; ignored");
    assert_int_equal(options_parse(&ld, "abc", 3, false), EFI_SUCCESS); /* odd size */
    assert_string_equal(ld.cmdline, "");
    assert_int_equal(options_parse(&ld, inner_nul, sizeof(inner_nul), false), EFI_SUCCESS);
    assert_string_equal(ld.cmdline, "");
}

static void test_options_errors(void **state)
{
    char big[LOADER_CMDLINE_MAX + 16];

    (void)state;
    assert_int_equal(parse("launch=", false), EFI_INVALID_PARAMETER);
    assert_string_equal(stub_last_error, "load options: launch=: bad path");
    assert_int_equal(parse("hypervisor=a/../b", false), EFI_INVALID_PARAMETER);
    assert_string_equal(stub_last_error, "load options: hypervisor=a/../b: bad path");

    for (size_t i = 0; i < sizeof(big) - 1; i++)
        big[i] = i % 10 == 9 ? ' ' : 'x';
    big[sizeof(big) - 1] = '\0';
    assert_int_equal(parse(big, false), EFI_INVALID_PARAMETER);
    assert_string_equal(stub_last_error,
                        "load options: hypervisor command line longer than 1023 bytes");
}

/* Builds a firmware map with a descriptor size larger than the struct, as firmware does. */
#define DESC_SIZE 48
static uint8_t raw[64 * DESC_SIZE];

static void add(struct memmap *mm, uint32_t type, uint64_t base, uint64_t pages, uint64_t attr)
{
    EFI_MEMORY_DESCRIPTOR d = {
        .Type = type, .PhysicalStart = base, .NumberOfPages = pages, .Attribute = attr
    };

    memcpy(raw + mm->raw_size, &d, sizeof(d));
    mm->raw_size += DESC_SIZE;
}

static void init_map(struct memmap *mm)
{
    memset(mm, 0, sizeof(*mm));
    memset(raw, 0, sizeof(raw));
    mm->raw = raw;
    mm->raw_capacity = sizeof(raw);
    mm->desc_size = DESC_SIZE;
}

static void expect(const struct tessera_mem_range *r, uint64_t base, uint64_t size, uint32_t type,
                   uint32_t flags)
{
    assert_int_equal(r->base, base);
    assert_int_equal(r->size, size);
    assert_int_equal(r->type, type);
    assert_int_equal(r->flags, flags);
}

static void test_memmap_types(void **state)
{
    struct memmap mm;
    struct tessera_mem_range out[64];
    uint32_t n;

    (void)state;
    init_map(&mm);
    /* Unsorted on purpose; adjacent RAM-like types merge. */
    add(&mm, EfiLoaderData, 0x3000, 1, EFI_MEMORY_WB);
    add(&mm, EfiConventionalMemory, 0x0, 2, EFI_MEMORY_WB);
    add(&mm, EfiBootServicesData, 0x2000, 1, EFI_MEMORY_WB);
    add(&mm, EfiRuntimeServicesCode, 0x4000, 1, EFI_MEMORY_WB | EFI_MEMORY_RUNTIME);
    add(&mm, EfiRuntimeServicesData, 0x5000, 1, EFI_MEMORY_WB | EFI_MEMORY_RUNTIME);
    add(&mm, EfiACPIReclaimMemory, 0x6000, 1, EFI_MEMORY_WB);
    add(&mm, EfiACPIMemoryNVS, 0x7000, 1, EFI_MEMORY_WB);
    add(&mm, EfiUnusableMemory, 0x8000, 1, EFI_MEMORY_WB);
    add(&mm, 14 /* EfiPersistentMemory */, 0x9000, 1, EFI_MEMORY_WB);
    add(&mm, TESSERA_EFI_MEMTYPE(TESSERA_MEM_MODULE), 0xa000, 2, EFI_MEMORY_WB);
    add(&mm, TESSERA_EFI_MEMTYPE(TESSERA_MEM_TRAMPOLINE), 0xc000, 1, EFI_MEMORY_WB);
    add(&mm, 0x80000099u, 0xd000, 1, EFI_MEMORY_WB);
    add(&mm, EfiPalCode, 0xe000, 1, EFI_MEMORY_WB);
    add(&mm, EfiConventionalMemory, 0xf000, 0, EFI_MEMORY_WB); /* empty: dropped */
    add(&mm, EfiConventionalMemory, 0x10000, 1, EFI_MEMORY_WB | EFI_MEMORY_RUNTIME);
    add(&mm, EfiMemoryMappedIO, 0xfec00000, 1, EFI_MEMORY_UC);
    add(&mm, EfiMemoryMappedIOPortSpace, 0xfec01000, 1, EFI_MEMORY_UC);
    add(&mm, EfiReservedMemoryType, 0xfec02000, 1, EFI_MEMORY_UC | EFI_MEMORY_WB);

    n = memmap_convert(&ld, &mm, out, 64);
    assert_int_equal(n, 12);
    expect(&out[0], 0x0, 0x4000, TESSERA_MEM_RAM, 0);
    expect(&out[1], 0x4000, 0x2000, TESSERA_MEM_RESERVED, TESSERA_MEMF_RUNTIME);
    expect(&out[2], 0x6000, 0x1000, TESSERA_MEM_ACPI_RECLAIM, 0);
    expect(&out[3], 0x7000, 0x1000, TESSERA_MEM_ACPI_NVS, 0);
    expect(&out[4], 0x8000, 0x1000, TESSERA_MEM_UNUSABLE, 0);
    expect(&out[5], 0x9000, 0x1000, TESSERA_MEM_PERSISTENT, 0);
    expect(&out[6], 0xa000, 0x2000, TESSERA_MEM_MODULE, 0);
    expect(&out[7], 0xc000, 0x1000, TESSERA_MEM_TRAMPOLINE, 0);
    expect(&out[8], 0xd000, 0x2000, TESSERA_MEM_RESERVED, 0); /* unknown OEM + PAL code */
    expect(&out[9], 0x10000, 0x1000, TESSERA_MEM_RESERVED, TESSERA_MEMF_RUNTIME);
    expect(&out[10], 0xfec00000, 0x2000, TESSERA_MEM_MMIO, TESSERA_MEMF_UNCACHEABLE);
    expect(&out[11], 0xfec02000, 0x1000, TESSERA_MEM_RESERVED, 0);
}

static void test_memmap_staged_hypervisor(void **state)
{
    struct memmap mm;
    struct tessera_mem_range out[64];
    uint32_t n;

    (void)state;
    init_map(&mm);
    add(&mm, EfiConventionalMemory, 0x100000, 0x800, EFI_MEMORY_WB); /* 1-9 MiB */
    add(&mm, EfiBootServicesData, 0x900000, 0xc00, EFI_MEMORY_WB);   /* 9-21 MiB */
    add(&mm, TESSERA_EFI_MEMTYPE(TESSERA_MEM_HV_IMAGE), 0x1500000, 0x10, EFI_MEMORY_WB);
    add(&mm, EfiConventionalMemory, 0x1510000, 0x100, EFI_MEMORY_WB);
    ld.hv_ranges[0] = (struct hv_range){ 0x1000000, 0x100b000, 0x30000000 };
    ld.hv_ranges[1] = (struct hv_range){ 0x100b000, 0x100e000, 0 };
    ld.hv_ranges[2] = (struct hv_range){ 0x14ff000, 0x1510000, 0x31000000 };
    ld.hv_range_count = 3;

    n = memmap_convert(&ld, &mm, out, 64);
    assert_int_equal(n, 5);
    expect(&out[0], 0x100000, 0xf00000, TESSERA_MEM_RAM, 0);
    expect(&out[1], 0x1000000, 0xb000, TESSERA_MEM_HV_IMAGE, 0);
    /* The range allocated in place is in the firmware's map already: not marked here. */
    expect(&out[2], 0x100b000, 0x14ff000 - 0x100b000, TESSERA_MEM_RAM, 0);
    expect(&out[3], 0x14ff000, 0x11000, TESSERA_MEM_HV_IMAGE, 0);
    expect(&out[4], 0x1510000, 0x100000, TESSERA_MEM_RAM, 0);
}

static void test_memmap_reclaimable(void **state)
{
    struct memmap mm;
    uint64_t bad_addr;
    uint32_t bad_type;

    (void)state;
    init_map(&mm);
    add(&mm, EfiBootServicesData, 0x900000, 0xc00, EFI_MEMORY_WB);
    add(&mm, EfiConventionalMemory, 0x1500000, 0x10, EFI_MEMORY_WB);
    add(&mm, EfiACPIMemoryNVS, 0x1510000, 0x10, EFI_MEMORY_WB);
    assert_true(memmap_reclaimable(&mm, 0x1000000, 0x1510000, &bad_addr, &bad_type));
    assert_false(memmap_reclaimable(&mm, 0x1000000, 0x1511000, &bad_addr, &bad_type));
    assert_int_equal(bad_addr, 0x1510000);
    assert_int_equal(bad_type, EfiACPIMemoryNVS);
    assert_false(memmap_reclaimable(&mm, 0x800000, 0x901000, &bad_addr, &bad_type));
    assert_int_equal(bad_addr, 0x800000);
    assert_string_equal(memmap_type_name(bad_type), "unmapped");
}

struct test_elf {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
    struct {
        uint32_t type, flags;
        uint64_t offset, vaddr, paddr, filesz, memsz, align;
    } ph[2];
    uint8_t payload[64];
};

static void good_elf(struct test_elf *e)
{
    memset(e, 0, sizeof(*e));
    memcpy(e->ident, "\177ELF\2\1\1", 7);
    e->type = 2;
    e->machine = 62;
    e->version = 1;
    e->entry = 0x1000010;
    e->phoff = offsetof(struct test_elf, ph);
    e->ehsize = 64;
    e->phentsize = sizeof(e->ph[0]);
    e->phnum = 2;
    e->ph[0].type = 1;
    e->ph[0].offset = offsetof(struct test_elf, payload);
    e->ph[0].paddr = 0x1000000;
    e->ph[0].filesz = 32;
    e->ph[0].memsz = 0x800;
    e->ph[1].type = 1;
    e->ph[1].offset = offsetof(struct test_elf, payload) + 32;
    e->ph[1].paddr = 0x1000800; /* shares a page with segment 0: allowed */
    e->ph[1].filesz = 32;
    e->ph[1].memsz = 0x2000;
}

static void test_elf_check(void **state)
{
    struct test_elf e;

    (void)state;
    assert_int_equal(sizeof(e.ph[0]), 56);
    good_elf(&e);
    assert_null(elf_check(&e, sizeof(e)));
    assert_string_equal(elf_check(&e, 63), "no ELF header");

#define REFUSED(change, why)                                \
    do {                                                    \
        good_elf(&e);                                       \
        change;                                             \
        assert_string_equal(elf_check(&e, sizeof(e)), why); \
    } while (0)
    REFUSED(e.ident[1] = 'X', "no ELF header");
    REFUSED(e.ident[4] = 1, "not ELF64");
    REFUSED(e.ident[5] = 2, "not little-endian ELF version 1");
    REFUSED(e.machine = 3, "machine is not x86-64");
    REFUSED(e.type = 3, "not an executable (ET_EXEC)");
    REFUSED(e.phentsize = 32, "program headers missing, misaligned or outside the file");
    REFUSED(e.phnum = 0, "program headers missing, misaligned or outside the file");
    REFUSED(e.phnum = 4, "program headers missing, misaligned or outside the file");
    REFUSED(e.phoff = ~0ull, "program headers missing, misaligned or outside the file");
    REFUSED(e.phoff = 65, "program headers missing, misaligned or outside the file");
    REFUSED(e.ph[1].offset = sizeof(e) - 16, "a PT_LOAD segment lies outside the file");
    REFUSED(e.ph[1].filesz = 0x3000, "a PT_LOAD segment lies outside the file");
    REFUSED(e.ph[1].paddr = ~0ull - 0x1000, "a PT_LOAD segment lies beyond the physical address "
                                            "space");
    REFUSED(e.ph[1].memsz = ~0ull, "a PT_LOAD segment lies beyond the physical address space");
    REFUSED(e.ph[1].paddr = 0x10007ff, "PT_LOAD segments overlap or are not in address order");
    REFUSED(e.ph[1].paddr = 0x800000, "PT_LOAD segments overlap or are not in address order");
    REFUSED((e.ph[0].type = 6, e.ph[1].type = 4), "no PT_LOAD segment");
    REFUSED(e.entry = 0x2000000, "entry point outside the loaded segments");
#undef REFUSED

    /* Segments that are not PT_LOAD, or empty, are ignored. */
    good_elf(&e);
    e.ph[1].type = 4;
    e.ph[1].paddr = 0;
    assert_null(elf_check(&e, sizeof(e)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_paths, reset),
        cmocka_unit_test_setup(test_path_limit, reset),
        cmocka_unit_test_setup(test_options_defaults, reset),
        cmocka_unit_test_setup(test_options_words, reset),
        cmocka_unit_test_setup(test_options_shell_program_name, reset),
        cmocka_unit_test_setup(test_options_not_text, reset),
        cmocka_unit_test_setup(test_options_errors, reset),
        cmocka_unit_test_setup(test_memmap_types, reset),
        cmocka_unit_test_setup(test_memmap_staged_hypervisor, reset),
        cmocka_unit_test_setup(test_memmap_reclaimable, reset),
        cmocka_unit_test_setup(test_elf_check, reset),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
