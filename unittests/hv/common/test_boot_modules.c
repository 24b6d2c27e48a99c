// SPDX-License-Identifier: MIT
/*
 * boot_module_placed() (hv/common/boot_modules.c): a range is a module's only
 * when it lies wholly inside one module the loader listed; nothing else
 * (neighbouring memory, a range straddling two modules, one that wraps
 * around) passes. The multiboot2 list module-index counts in exists only on
 * that path (boot_modules_indexed(), boot_module_at()). A module's pages may
 * become a domain's (boot_module_exclusive()) only when no other module
 * shares one of them and the memory map calls them all module memory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <hv/boot_modules.h>
#include "fake_hv.h"

#define PAGE 4096ull

static struct tessera_module list[2];
static struct tessera_bootinfo bi;

static int setup(void **state)
{
    (void)state;
    fake_phys_offset = 0;
    list[0] = (struct tessera_module){ .base = 0x200000, .size = 5000 };
    list[1] = (struct tessera_module){ .base = 0x200000 + 2 * PAGE, .size = PAGE };
    bi.modules_paddr = (uint64_t)(uintptr_t)list;
    bi.nr_modules = 2;
    bi.module_entry_size = sizeof(list[0]);
    return 0;
}

static void test_inside_one_module(void **state)
{
    (void)state;
    assert_true(boot_module_placed(&bi, 0x200000, 5000));       /* exactly */
    assert_true(boot_module_placed(&bi, 0x200000 + 100, 4900)); /* its tail */
    assert_true(boot_module_placed(&bi, 0x200000 + 2 * PAGE, PAGE));
}

static void test_anything_else_refused(void **state)
{
    (void)state;
    assert_false(boot_module_placed(&bi, 0x200000, 5001));        /* one byte past */
    assert_false(boot_module_placed(&bi, 0x200000 - 1, 2));       /* one byte before */
    assert_false(boot_module_placed(&bi, 0x1000000, PAGE));       /* elsewhere (the image) */
    assert_false(boot_module_placed(&bi, 0x200000, 3 * PAGE));    /* across both */
    assert_false(boot_module_placed(&bi, 0x200000 + 100, ~0ull)); /* wraps around */
    assert_false(boot_module_placed(&bi, ~0ull - 10, 100));
    bi.nr_modules = 0;
    assert_false(boot_module_placed(&bi, 0x200000, 1)); /* no list: nothing */
    bi.nr_modules = 2;
}

/* Entries are module_entry_size apart, so a later, larger struct still reads right. */
static void test_entry_size_respected(void **state)
{
    static uint64_t wide[2][3] = { { 0x400000, PAGE, 0xdead }, { 0x800000, PAGE, 0xbeef } };

    (void)state;
    bi.modules_paddr = (uint64_t)(uintptr_t)wide;
    bi.module_entry_size = sizeof(wide[0]);
    assert_true(boot_module_placed(&bi, 0x800000, PAGE));
    assert_false(boot_module_placed(&bi, 0xdead, 1));
    setup(NULL);
}

static void test_exclusive_pages(void **state)
{
    struct tessera_mem_range map[2] = {
        { .base = 0x100000, .size = 0x100000, .type = TESSERA_MEM_RAM },
        { .base = 0x200000, .size = 3 * PAGE, .type = TESSERA_MEM_MODULE },
    };

    (void)state;
    bi.memmap_paddr = (uint64_t)(uintptr_t)map;
    bi.memmap_entries = 2;
    bi.memmap_entry_size = sizeof(map[0]);
    assert_true(boot_module_exclusive(&bi, 0x200000, 5000));
    assert_true(boot_module_exclusive(&bi, 0x200000 + 2 * PAGE, PAGE));
    assert_false(boot_module_exclusive(&bi, 0x200000, 3 * PAGE));     /* both modules */
    assert_false(boot_module_exclusive(&bi, 0x200000 + 100, 100));    /* not a page start */
    assert_false(boot_module_exclusive(&bi, 0x100000, PAGE));         /* RAM, no module */
    assert_false(boot_module_exclusive(&bi, 0x200000 + 2 * PAGE, 0)); /* empty */
    /* A module sharing the last page of another: neither may be given away. */
    list[1].base = 0x200000 + 5000;
    assert_false(boot_module_exclusive(&bi, 0x200000, 5000));
    assert_false(boot_module_exclusive(&bi, 0x200000 + PAGE, 5000));
    list[1].base = 0x200000 + 2 * PAGE;
    /* The memory map must call every page module memory. */
    map[1].type = TESSERA_MEM_RAM;
    assert_false(boot_module_exclusive(&bi, 0x200000, 5000));
    map[1] =
        (struct tessera_mem_range){ .base = 0x200000, .size = PAGE, .type = TESSERA_MEM_MODULE };
    assert_false(boot_module_exclusive(&bi, 0x200000, 5000));
    bi.memmap_entries = 0;
}

static void test_index_list_multiboot2_only(void **state)
{
    const struct hl_boot_module *l;
    uint64_t base, size;
    uint32_t nr = 99;

    (void)state;
    bi.boot_path = TESSERA_BOOT_UEFI;
    assert_null(boot_modules_indexed(&bi, &nr));
    assert_int_equal(nr, 0);
    assert_false(boot_module_at(&bi, 0, &base, &size));

    bi.boot_path = TESSERA_BOOT_MULTIBOOT2;
    l = boot_modules_indexed(&bi, &nr);
    assert_non_null(l);
    assert_int_equal(nr, 2);
    assert_true(l[0].base == 0x200000 && l[0].size == 5000);
    assert_true(l[1].base == 0x200000 + 2 * PAGE && l[1].size == PAGE);
    assert_true(boot_module_at(&bi, 1, &base, &size));
    assert_true(base == 0x200000 + 2 * PAGE && size == PAGE);
    assert_false(boot_module_at(&bi, 2, &base, &size));
    bi.boot_path = TESSERA_BOOT_UEFI;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_inside_one_module),
        cmocka_unit_test(test_anything_else_refused),
        cmocka_unit_test(test_entry_size_respected),
        cmocka_unit_test(test_exclusive_pages),
        cmocka_unit_test(test_index_list_multiboot2_only),
    };

    return cmocka_run_group_tests(tests, setup, NULL);
}
