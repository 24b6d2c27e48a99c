/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: any byte string as a launch tree. The validator must
 * never read outside the blob, crash or hang, and must report at least one
 * error for anything it does not accept.
 *
 * Two modes, so that mutations reach the validator and not only libfdt's
 * structure check: an input that starts with the FDT magic is the tree
 * itself; any other input is a list of edits (set, delete, add a node)
 * applied with libfdt to a valid base tree that uses every feature. Built with clang by CMake when clang
 * is found; ctest runs it for 30 s (fuzz.hyperlaunch), scripts/fuzz-hyperlaunch
 * for longer.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>
#include <hyperlaunch/hyperlaunch.h>

static struct hl_plan plan;
static unsigned reported_errors;

static void report(void *ctx, const struct hl_diag *d)
{
    (void)ctx;
    char line[HL_DIAG_LINE_MAX];
    size_t n = hl_diag_format(d, line, sizeof(line));
    if (n >= sizeof(line) || line[n] != '\0')
        abort();
    if (d->severity == HL_ERROR)
        reported_errors++;
}

/* The machine's free RAM: 1 MiB up to 1 GiB. */
static bool ram_free(void *ctx, uint64_t base, uint64_t size)
{
    (void)ctx;
    return base >= (1u << 20) && size <= (1u << 30) && base <= (1u << 30) - size;
}

/* Every file "exists", with a size derived from its name. */
static int locate_file(void *ctx, const char *name, uint64_t *size)
{
    (void)ctx;
    size_t len = strlen(name);
    if (len % 5 == 0)
        return -1;
    *size = (uint64_t)len << 12;
    return 0;
}

/* Names the edits use: the binding's, so that edits hit what is validated. */
static const char *const names[] = {
    "compatible",
    "domid",
    "mode",
    "memory",
    "mem-min",
    "mem-max",
    "cpus",
    "capabilities",
    "reg",
    "module-index",
    "xen,uefi-binary",
    "bootargs",
    "domain-cpupool",
    "cpupool-cpus",
    "cpupool-sched",
    "id",
    "hard-affinity",
    "xen,evtchn",
    "xen,shm-id",
    "xen,shared-mem",
    "role",
    "xen,domain-p2m-mem-mb",
    "tessera,name",
    "tessera,console",
    "tessera,console-input",
    "tessera,on-poweroff",
    "tessera,on-crash",
    "tessera,unmapped-access",
    "tessera,ram-clear",
    "tessera,after-started",
    "tessera,after-ready",
    "tessera,cpuid-hide",
    "tessera,cpuid-force",
    "phandle",
    "#address-cells",
    "#size-cells",
    "device_type",
    "security-id",
    "acme,x",
    "bogus",
};
#define NR_NAMES (sizeof(names) / sizeof(names[0]))

static const char base_dts_strings[] =
    "hypervisor,xen\0xen,domain\0multiboot,kernel\0xen,cpupool\0xen,vcpu\0"
    "xen,evtchn-v1\0xen,domain-shared-memory-v1\0";

#define CHECK(x)      \
    do {              \
        if ((x) != 0) \
            abort();  \
    } while (0)

static void base_domain(void *fdt, unsigned i)
{
    char name[16] = "domain@0";
    name[7] = (char)('1' + i);
    CHECK(fdt_begin_node(fdt, name));
    CHECK(fdt_property_string(fdt, "compatible", "xen,domain"));
    CHECK(fdt_property_u32(fdt, "domid", i + 1));
    CHECK(fdt_property_u64(fdt, "memory", 0x4000));
    CHECK(fdt_property_u32(fdt, "cpus", 2));
    CHECK(fdt_property_u32(fdt, "phandle", 0x100 + i));
    CHECK(fdt_property_u32(fdt, "domain-cpupool", 0x10 + i % 2));
    if (i)
        CHECK(fdt_property_u32(fdt, "tessera,after-started", 0x100 + i - 1));
    CHECK(fdt_property_string(fdt, "tessera,cpuid-hide", "virt-ssbd"));
    CHECK(fdt_begin_node(fdt, "kernel"));
    CHECK(fdt_property_string(fdt, "compatible", "multiboot,kernel"));
    fdt32_t reg[3] = { 0, cpu_to_fdt32(0x1000000 * (i + 1)), cpu_to_fdt32(0x1000) };
    CHECK(fdt_property(fdt, "reg", reg, sizeof(reg)));
    CHECK(fdt_end_node(fdt));
    CHECK(fdt_begin_node(fdt, "vcpu"));
    CHECK(fdt_property_string(fdt, "compatible", "xen,vcpu"));
    CHECK(fdt_property_u32(fdt, "id", 1));
    CHECK(fdt_property_string(fdt, "hard-affinity", i % 2 ? "2-3" : "0,1"));
    CHECK(fdt_end_node(fdt));
    CHECK(fdt_begin_node(fdt, "evtchn"));
    CHECK(fdt_property_string(fdt, "compatible", "xen,evtchn-v1"));
    fdt32_t ev[2] = { cpu_to_fdt32(5), cpu_to_fdt32(0x200 + (i ^ 1)) };
    CHECK(fdt_property(fdt, "xen,evtchn", ev, sizeof(ev)));
    CHECK(fdt_property_u32(fdt, "phandle", 0x200 + i));
    CHECK(fdt_end_node(fdt));
    CHECK(fdt_begin_node(fdt, "shm"));
    CHECK(fdt_property_string(fdt, "compatible", "xen,domain-shared-memory-v1"));
    CHECK(fdt_property_string(fdt, "xen,shm-id", "ring"));
    CHECK(fdt_property_string(fdt, "role", i ? "borrower" : "owner"));
    fdt32_t shm[5] = { 0, cpu_to_fdt32(0x60000000), 0, cpu_to_fdt32(0x80000000),
                       cpu_to_fdt32(0x2000) };
    CHECK(fdt_property(fdt, "xen,shared-mem", shm, sizeof(shm)));
    CHECK(fdt_end_node(fdt));
    CHECK(fdt_end_node(fdt));
}

/* Two pools of two CPUs, two linked domains; valid against 4 CPUs. */
static size_t base_tree(void *fdt, size_t cap)
{
    CHECK(fdt_create(fdt, (int)cap));
    CHECK(fdt_finish_reservemap(fdt));
    CHECK(fdt_begin_node(fdt, ""));
    CHECK(fdt_begin_node(fdt, "cpus"));
    for (unsigned c = 0; c < 4; c++) {
        char name[8] = "cpu@0";
        name[4] = (char)('0' + c);
        CHECK(fdt_begin_node(fdt, name));
        CHECK(fdt_property_string(fdt, "device_type", "cpu"));
        CHECK(fdt_property_u32(fdt, "reg", c));
        CHECK(fdt_property_u32(fdt, "phandle", 1 + c));
        CHECK(fdt_end_node(fdt));
    }
    CHECK(fdt_end_node(fdt));
    CHECK(fdt_begin_node(fdt, "chosen"));
    CHECK(fdt_begin_node(fdt, "hypervisor"));
    CHECK(fdt_property_string(fdt, "compatible", "hypervisor,xen"));
    for (unsigned p = 0; p < 2; p++) {
        char name[8] = "pool0";
        name[4] = (char)('0' + p);
        CHECK(fdt_begin_node(fdt, name));
        CHECK(fdt_property_string(fdt, "compatible", "xen,cpupool"));
        fdt32_t cpus[2] = { cpu_to_fdt32(1 + 2 * p), cpu_to_fdt32(2 + 2 * p) };
        CHECK(fdt_property(fdt, "cpupool-cpus", cpus, sizeof(cpus)));
        CHECK(fdt_property_u32(fdt, "phandle", 0x10 + p));
        CHECK(fdt_end_node(fdt));
    }
    base_domain(fdt, 0);
    base_domain(fdt, 1);
    CHECK(fdt_end_node(fdt));
    CHECK(fdt_end_node(fdt));
    CHECK(fdt_end_node(fdt));
    CHECK(fdt_finish(fdt));
    CHECK(fdt_open_into(fdt, fdt, (int)cap));
    return cap;
}

/* The n-th node in tree order (wrapping). */
static int nth_node(const void *fdt, unsigned n)
{
    int count = 0, node;
    for (node = 0; node >= 0; node = fdt_next_node(fdt, node, NULL))
        count++;
    n %= (unsigned)count;
    for (node = 0; n--; node = fdt_next_node(fdt, node, NULL))
        ;
    return node;
}

/* Edits: [op][node][name][len][value...]; op 0-1 set, 2 delete, 3 add a node. */
static size_t edited_tree(void *fdt, size_t cap, const uint8_t *data, size_t size)
{
    base_tree(fdt, cap);
    while (size >= 4) {
        unsigned op = data[0] % 4, len = data[3];
        int node = nth_node(fdt, data[1]);
        const char *name = names[data[2] % NR_NAMES];
        data += 4;
        size -= 4;
        if (len > size)
            len = (unsigned)size;
        if (op <= 1) {
            /* Values: raw bytes, or (op 1) a string from the compatible list. */
            if (op == 1 && len) {
                const char *str = base_dts_strings;
                for (unsigned k = data[0] % 7; k; k--)
                    str += strlen(str) + 1;
                fdt_setprop_string(fdt, node, name, str);
            } else {
                fdt_setprop(fdt, node, name, data, (int)len);
            }
        } else if (op == 2) {
            fdt_delprop(fdt, node, name);
        } else {
            char sub[8] = "n0";
            sub[1] = (char)('0' + (len % 10));
            fdt_add_subnode(fdt, node, sub);
        }
        data += len;
        size -= len;
    }
    CHECK(fdt_pack(fdt));
    return fdt_totalsize(fdt);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct hl_boot_module mods[] = {
        { 0x100000, 0x2000 },
        { 0x200000, 0x800000 },
        { 0x1000000, 0 },
    };
    void *blob;
    bool base_only = size == 0;
    if (size >= 4 && fdt_magic(data) == FDT_MAGIC) {
        /* A private copy: nothing may assume the input's alignment. */
        blob = malloc(size);
        if (!blob)
            return 0;
        memcpy(blob, data, size);
    } else {
        size_t cap = 16384 + size * 2;
        blob = malloc(cap);
        if (!blob)
            return 0;
        size = edited_tree(blob, cap, data, size);
    }

    /* Once as the hypervisor sees it, once as the tool does. */
    for (int pass = 0; pass < 2; pass++) {
        struct hl_input in = {
            .fdt = blob,
            .fdt_size = size,
            .report = report,
        };
        if (pass == 0) {
            in.machine.cpus = 4;
            in.machine.ram_bytes = 256ull << 20;
            in.boot_modules = mods;
            in.nr_boot_modules = 3;
        } else {
            in.locate_file = locate_file;
            in.modules_by_file = true; /* the UEFI loader's boot, as the tool models it */
            in.ram_free = ram_free;
        }
        reported_errors = 0;
        unsigned errors = hl_build_plan(&in, &plan);
        if (base_only && pass == 0 && errors)
            abort(); /* the unedited base tree must be valid */
        if (errors != reported_errors || plan.valid != (errors == 0))
            abort();
        if (plan.valid) {
            /* A valid plan's indices are all in range. */
            for (uint32_t i = 0; i < plan.nr_domains; i++) {
                const struct hl_domain *d = &plan.domains[i];
                if (d->kernel >= plan.nr_modules || d->pool >= plan.nr_pools ||
                    (d->ramdisk != HL_NONE && d->ramdisk >= plan.nr_modules) ||
                    plan.start_order[i] >= plan.nr_domains)
                    abort();
            }
            for (uint32_t i = 0; i < plan.nr_evtchns; i++)
                if (plan.evtchns[plan.evtchns[i].peer].peer != i)
                    abort();
        }
    }
    free(blob);
    return 0;
}
