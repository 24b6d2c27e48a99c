// SPDX-License-Identifier: MIT
/* The boot report (docs/boot-report.md; its last line is a stable interface). */
#include <libfdt.h>
#include <boot/bootinfo.h>
#include <hv/boot_modules.h>
#include <hv/boot_report.h>
#include <hv/boot_tree.h>
#include <hv/cmdline.h>
#include <hv/page_alloc.h>
#include <hv/percpu.h>
#include <hv/printk.h>
#include <hv/smp.h>
#include <hv/timeline.h>

#define MAX_MEM_TYPE    32
#define PAGES_TO_MIB(p) ((unsigned long long)((p) >> (20 - PAGE_SHIFT)))

static const char *const mem_type_names[MAX_MEM_TYPE] = {
    [TESSERA_MEM_RAM] = "RAM",
    [TESSERA_MEM_RESERVED] = "reserved",
    [TESSERA_MEM_ACPI_RECLAIM] = "ACPI tables",
    [TESSERA_MEM_ACPI_NVS] = "ACPI NVS",
    [TESSERA_MEM_MMIO] = "MMIO",
    [TESSERA_MEM_UNUSABLE] = "unusable",
    [TESSERA_MEM_PERSISTENT] = "persistent",
    [TESSERA_MEM_HV_IMAGE] = "hypervisor image",
    [TESSERA_MEM_BOOTINFO] = "boot information",
    [TESSERA_MEM_LAUNCH_TREE] = "launch tree",
    [TESSERA_MEM_MODULE] = "modules",
    [TESSERA_MEM_TRAMPOLINE] = "AP trampoline",
};

/* RAM, whether free or holding what the loader handed over. */
static bool mem_type_is_ram(uint32_t type)
{
    return type == TESSERA_MEM_RAM ||
           (type >= TESSERA_MEM_HV_IMAGE && type <= TESSERA_MEM_TRAMPOLINE);
}

static void report_cpus(void)
{
    char ids[256];
    size_t len = 0;

    ids[0] = '\0';
    for (unsigned int cpu = 0; cpu < HV_MAX_CPUS; cpu++) {
        const struct percpu *pc = percpu_of(cpu);

        if (pc && pc->online && len < sizeof(ids))
            len += (size_t)snprintf(ids + len, sizeof(ids) - len, " %u", pc->apic_id);
    }
    printk("  cpus: %u online of %u possible; APIC ids:%s\n", nr_cpus_online, nr_cpus_possible,
           ids);
}

/* Returns the MiB of RAM in the map. */
static uint64_t report_memory(const struct tessera_bootinfo *bi)
{
    const uint8_t *map = phys_to_virt(mk_paddr(bi->memmap_paddr));
    uint64_t bytes[MAX_MEM_TYPE] = { 0 }, other_bytes = 0, ram = 0;
    unsigned int count[MAX_MEM_TYPE] = { 0 }, other_count = 0;

    for (uint32_t i = 0; i < bi->memmap_entries; i++) {
        const struct tessera_mem_range *r =
            (const void *)(map + (uint64_t)i * bi->memmap_entry_size);

        if (r->type < MAX_MEM_TYPE && mem_type_names[r->type]) {
            bytes[r->type] += r->size;
            count[r->type]++;
        } else {
            other_bytes += r->size;
            other_count++;
        }
        if (mem_type_is_ram(r->type))
            ram += r->size;
    }
    printk("  memory: %llu MiB RAM; allocator: %llu of %llu pages free (%llu MiB), "
           "%llu allocations\n",
           (unsigned long long)(ram >> 20), (unsigned long long)page_alloc_free_pages(),
           (unsigned long long)page_alloc_total_pages(), PAGES_TO_MIB(page_alloc_free_pages()),
           (unsigned long long)page_alloc_count());
    printk("  memory map: %u ranges\n", bi->memmap_entries);
    for (unsigned int t = 0; t < MAX_MEM_TYPE; t++) {
        if (count[t])
            printk("    %-18s %4u ranges %10llu KiB\n", mem_type_names[t], count[t],
                   (unsigned long long)(bytes[t] >> 10));
    }
    if (other_count)
        printk("    %-18s %4u ranges %10llu KiB\n", "unknown type", other_count,
               (unsigned long long)(other_bytes >> 10));
    return ram >> 20;
}

/* The tree's module nodes, each marked if its reg is not a module the loader placed. */
static void report_tree(const struct tessera_bootinfo *bi, const void *fdt)
{
    char path[256];

    printk("  launch tree: %.*s at %#llx, %u bytes\n", (int)sizeof(bi->loader_tree_path),
           bi->loader_tree_path, (unsigned long long)bi->launch_tree_paddr, fdt_totalsize(fdt));
    for (int node = fdt_node_offset_by_compatible(fdt, -1, BOOT_TREE_MODULE_COMPAT); node >= 0;
         node = fdt_node_offset_by_compatible(fdt, node, BOOT_TREE_MODULE_COMPAT)) {
        uint64_t base, size;

        if (fdt_get_path(fdt, node, path, sizeof(path)) != 0)
            snprintf(path, sizeof(path), "(node at offset %d)", node);
        if (boot_tree_module_reg(fdt, node, &base, &size))
            printk("  module %s: %#llx, %llu bytes%s\n", path, (unsigned long long)base,
                   (unsigned long long)size,
                   boot_module_placed(bi, base, size) ? "" : " (not placed by the loader)");
        else
            printk("  module %s: no reg (not loaded)\n", path);
    }
}

void boot_report(const struct tessera_bootinfo *bi)
{
    const void *fdt = phys_to_virt(mk_paddr(bi->launch_tree_paddr));

    printk("tessera: boot report\n");
    report_cpus();
    boot_report_mitigations();
    uint64_t ram_mib = report_memory(bi);
    unsigned int domains = boot_tree_count_in_chosen(fdt, BOOT_TREE_DOMAIN_COMPAT);

    report_tree(bi, fdt);
    printk("  command line: \"%s\"\n", cmdline_full());
    timeline_print();
    printk("tessera: boot complete: cpus=%u/%u mem=%lluMiB free=%lluMiB modules=%u domains=%u\n",
           nr_cpus_online, nr_cpus_possible, (unsigned long long)ram_mib,
           PAGES_TO_MIB(page_alloc_free_pages()), bi->nr_modules, domains);
}
