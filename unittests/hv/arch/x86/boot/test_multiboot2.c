/* SPDX-License-Identifier: MIT */
/*
 * The multiboot2 boot information builder (hv/arch/x86/boot/multiboot2.c) on
 * synthetic tag lists: the memory map GRUB would give under SeaBIOS, with the
 * hypervisor image, the modules and the AP trampoline carved out; the RSDP
 * copy, command line, module list and framebuffer; and what stays empty.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include "multiboot2.h"

/* Module contents must sit below 4 GiB (mod_start is 32 bits): a fixed low mapping. */
#define LOW_BASE 0x30000000ul
#define LOW_SIZE 0x10000ul
#define HV_BASE  0x1000000ull
#define HV_SIZE  0x123456ull

static uint8_t mbi[8192] __attribute__((aligned(8)));
static uint32_t mbi_len;
static uint8_t scratch[MB2_SCRATCH_SIZE] __attribute__((aligned(4096)));
static uint8_t *low;

static void *add_tag(uint32_t type, uint32_t size)
{
    struct mb2_tag *t = (void *)(mbi + mbi_len);

    memset(t, 0, size);
    t->type = type;
    t->size = size;
    mbi_len += (size + 7) & ~7u;
    return t;
}

static void start_mbi(void)
{
    memset(mbi, 0, sizeof(mbi));
    mbi_len = 8;
}

static struct tessera_bootinfo *finish(void)
{
    add_tag(MB2_TAG_END, 8);
    *(uint32_t *)mbi = mbi_len;
    const struct mb2_boot b = { mbi, HV_BASE, HV_SIZE, 1234, scratch, 0x1100000, sizeof(scratch) };
    return multiboot2_bootinfo(&b);
}

static void add_mmap(const struct mb2_mmap_entry *e, unsigned n)
{
    struct mb2_tag_mmap *t = add_tag(MB2_TAG_MMAP, sizeof(*t) + n * sizeof(*e));

    t->entry_size = sizeof(*e);
    memcpy(t + 1, e, n * sizeof(*e));
}

static void add_module(uint32_t start, uint32_t end, const char *s)
{
    struct mb2_tag_module *t = add_tag(MB2_TAG_MODULE, sizeof(*t) + strlen(s) + 1);

    t->mod_start = start;
    t->mod_end = end;
    strcpy(t->string, s);
}

/* SeaBIOS's e820 under QEMU with 512 MiB, in the order it gives it. */
static const struct mb2_mmap_entry seabios[] = {
    { 0, 0x9fc00, MB2_MEM_AVAILABLE, 0 }, { 0x9fc00, 0x400, 2, 0 },
    { 0xf0000, 0x10000, 2, 0 },           { 0x100000, 0x1fee0000, MB2_MEM_AVAILABLE, 0 },
    { 0x1ffe0000, 0x20000, 2, 0 },        { 0xfffc0000, 0x40000, 2, 0 },
};

static const struct tessera_mem_range *ranges(const struct tessera_bootinfo *bi)
{
    return (const void *)(scratch + (bi->memmap_paddr - 0x1100000));
}

/* The type the map gives addr; 0 if no range holds it. */
static uint32_t type_at(const struct tessera_bootinfo *bi, uint64_t addr)
{
    const struct tessera_mem_range *r = ranges(bi);

    for (uint32_t i = 0; i < bi->memmap_entries; i++)
        if (addr >= r[i].base && addr < r[i].base + r[i].size)
            return r[i].type;
    return 0;
}

static struct tessera_bootinfo *seabios_boot(void)
{
    static const uint8_t fdt_magic[4] = { 0xd0, 0x0d, 0xfe, 0xed };
    const char *cmd = "debug-exit console=com1";
    uint8_t *t;

    memcpy(low, fdt_magic, 4);
    start_mbi();
    t = add_tag(MB2_TAG_CMDLINE, 8 + strlen(cmd) + 1);
    memcpy(t + 8, cmd, strlen(cmd) + 1);
    add_module(LOW_BASE, LOW_BASE + 917, "launch-tree");
    add_module(LOW_BASE + 0x1000, LOW_BASE + 0x1000 + 26312, "guests/hello.elf");
    add_mmap(seabios, sizeof(seabios) / sizeof(seabios[0]));
    t = add_tag(MB2_TAG_ACPI_OLD, 8 + 20);
    memcpy(t + 8, "RSD PTR old", 11);
    t = add_tag(MB2_TAG_ACPI_NEW, 8 + 36);
    memcpy(t + 8, "RSD PTR new", 11);
    return finish();
}

static void test_header_and_lists(void **state)
{
    (void)state;
    struct tessera_bootinfo *bi = seabios_boot();
    const struct tessera_module *m = (const void *)(scratch + (bi->modules_paddr - 0x1100000));

    assert_true(bi->magic == TESSERA_BOOTINFO_MAGIC);
    assert_int_equal(bi->version, TESSERA_BOOTINFO_VERSION);
    assert_int_equal(bi->size, sizeof(*bi));
    assert_int_equal(bi->boot_path, TESSERA_BOOT_MULTIBOOT2);
    assert_true(bi->stamps.loader_start_tsc == 1234);
    assert_true(bi->hv_image_paddr == HV_BASE && bi->hv_image_size == HV_SIZE);
    assert_int_equal(bi->cmdline_len, strlen("debug-exit console=com1"));
    assert_string_equal((char *)scratch + (bi->cmdline_paddr - 0x1100000),
                        "debug-exit console=com1");
    /* The new RSDP tag wins, and is pointed at in its copy (the tags are not kept). */
    assert_memory_equal(scratch + (bi->rsdp_paddr - 0x1100000), "RSD PTR new", 11);
    assert_int_equal(bi->nr_modules, 2);
    assert_true(m[0].base == LOW_BASE && m[0].size == 917);
    assert_true(m[1].base == LOW_BASE + 0x1000 && m[1].size == 26312);
    assert_true(bi->launch_tree_paddr == LOW_BASE && bi->launch_tree_size == 917);
    assert_int_equal(bi->framebuffer.format, TESSERA_FB_NONE);
}

static void test_memory_map(void **state)
{
    (void)state;
    struct tessera_bootinfo *bi = seabios_boot();
    const struct tessera_mem_range *r = ranges(bi);
    uint64_t prev_end = 0;

    for (uint32_t i = 0; i < bi->memmap_entries; i++) {
        assert_true(r[i].base >= prev_end);
        assert_true(r[i].base % 4096 == 0 && r[i].size % 4096 == 0 && r[i].size);
        if (i && r[i].base == prev_end)
            assert_true(r[i].type != r[i - 1].type); /* merged */
        prev_end = r[i].base + r[i].size;
    }
    /* RAM shrinks to whole pages, reserved grows: 0x9f000 is no longer RAM. */
    assert_int_equal(type_at(bi, 0x9e000 - 1), TESSERA_MEM_TRAMPOLINE);
    assert_int_equal(type_at(bi, 0x9f000), TESSERA_MEM_RESERVED);
    assert_int_equal(bi->trampoline_paddr, 0x9b000);
    assert_int_equal(bi->trampoline_size, 0x4000);
    assert_int_equal(type_at(bi, 0x9afff), TESSERA_MEM_RAM);
    assert_int_equal(type_at(bi, 0xa0000), 0);
    assert_int_equal(type_at(bi, HV_BASE - 1), TESSERA_MEM_RAM);
    assert_int_equal(type_at(bi, HV_BASE), TESSERA_MEM_HV_IMAGE);
    assert_int_equal(type_at(bi, 0x1123fff), TESSERA_MEM_HV_IMAGE);
    assert_int_equal(type_at(bi, 0x1124000), TESSERA_MEM_RAM);
    assert_int_equal(type_at(bi, 0x1ffdffff), TESSERA_MEM_RAM);
    assert_int_equal(type_at(bi, 0x1ffe0000), TESSERA_MEM_RESERVED);
    assert_int_equal(type_at(bi, 0xfffff000), TESSERA_MEM_RESERVED);
}

static void test_modules_kept_out_of_ram(void **state)
{
    (void)state;
    /* 1 GiB of RAM: the modules GRUB placed at LOW_BASE lie inside it. */
    static const struct mb2_mmap_entry big[] = {
        { 0, 0x9fc00, MB2_MEM_AVAILABLE, 0 },
        { 0x100000, 0x3ff00000, MB2_MEM_AVAILABLE, 0 },
    };
    struct tessera_bootinfo *bi;

    memcpy(low, "\xd0\x0d\xfe\xed", 4);
    start_mbi();
    add_module(LOW_BASE, LOW_BASE + 917, "launch-tree");
    add_module(LOW_BASE + 0x1000, LOW_BASE + 0x1000 + 26312, "k");
    add_mmap(big, 2);
    bi = finish();
    /* The map says these ranges are not RAM, so the page allocator never reuses them. */
    assert_int_equal(type_at(bi, LOW_BASE - 1), TESSERA_MEM_RAM);
    assert_int_equal(type_at(bi, LOW_BASE), TESSERA_MEM_LAUNCH_TREE);
    assert_int_equal(type_at(bi, LOW_BASE + 0x1000), TESSERA_MEM_MODULE);
    assert_int_equal(type_at(bi, LOW_BASE + 0x7000),
                     TESSERA_MEM_MODULE); /* last page, partly used */
    assert_int_equal(type_at(bi, LOW_BASE + 0x8000), TESSERA_MEM_RAM);
}

static void test_nothing_given(void **state)
{
    (void)state;
    start_mbi();
    add_module(LOW_BASE + 0x2000, LOW_BASE + 0x3000, "not a tree");
    memset(low + 0x2000, 0, 4);
    struct tessera_bootinfo *bi = finish();

    /* hv_main() reports these: an empty map halts, no tree panics. */
    assert_int_equal(bi->memmap_entries, 0);
    assert_int_equal(bi->launch_tree_paddr, 0);
    assert_int_equal(bi->nr_modules, 1);
    assert_int_equal(bi->rsdp_paddr, 0);
    assert_int_equal(bi->cmdline_len, 0);
    assert_int_equal(bi->trampoline_paddr, 0);
}

static void test_long_cmdline_cut(void **state)
{
    (void)state;
    char *t;

    start_mbi();
    t = add_tag(MB2_TAG_CMDLINE, 8 + 2000);
    memset(t + 8, 'x', 1999);
    struct tessera_bootinfo *bi = finish();

    assert_int_equal(bi->cmdline_len, MB2_CMDLINE_MAX - 1);
    assert_int_equal(strlen((char *)scratch + (bi->cmdline_paddr - 0x1100000)),
                     MB2_CMDLINE_MAX - 1);
}

static void test_framebuffer(void **state)
{
    (void)state;
    struct mb2_tag_framebuffer *fb;

    start_mbi();
    fb = add_tag(MB2_TAG_FRAMEBUFFER, sizeof(*fb));
    *fb = (struct mb2_tag_framebuffer){ fb->tag, 0xfd000000, 4096, 1024, 768, 32, MB2_FB_TYPE_RGB,
                                        0,       16,         8,    8,    8,   0,  8 };
    struct tessera_bootinfo *bi = finish();

    assert_int_equal(bi->framebuffer.format, TESSERA_FB_BGRX8888);
    assert_true(bi->framebuffer.base == 0xfd000000);
    assert_int_equal(bi->framebuffer.size, 4096 * 768);
    assert_int_equal(bi->framebuffer.pixels_per_line, 1024);

    start_mbi();
    fb = add_tag(MB2_TAG_FRAMEBUFFER, sizeof(*fb));
    *fb = (struct mb2_tag_framebuffer){ fb->tag, 0xfd000000, 3072, 1024, 768, 24, MB2_FB_TYPE_RGB,
                                        0,       16,         8,    8,    8,   0,  8 };
    bi = finish();
    assert_int_equal(bi->framebuffer.format, TESSERA_FB_NONE); /* 24 bpp: not drawn on */
}

int main(void)
{
    low = mmap((void *)LOW_BASE, LOW_SIZE, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (low != (void *)LOW_BASE)
        return 1;

    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_and_lists),        cmocka_unit_test(test_memory_map),
        cmocka_unit_test(test_modules_kept_out_of_ram), cmocka_unit_test(test_nothing_given),
        cmocka_unit_test(test_long_cmdline_cut),        cmocka_unit_test(test_framebuffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
