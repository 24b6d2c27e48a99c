// SPDX-License-Identifier: MIT
/*
 * db-layout: what the domain builder would make of a kernel, on the host.
 * Prepares and builds one domain into host memory and prints the memory
 * map, where every structure went and the initial vCPU state; or the
 * builder's refusal with its reason (exit status 1). With --acpi-dump it also
 * writes each ACPI table of an HVM domain to its own file, for iasl -d.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <domain-builder/builder.h>

static const char usage[] =
    "usage: db-layout [options] KERNEL\n"
    "  -m, --memory MIB     domain memory in MiB (default 256)\n"
    "  -i, --initrd FILE    module 0 (the initrd)\n"
    "  -c, --cmdline TEXT   kernel command line\n"
    "  -M, --mode MODE      auto (default), pvh, pv or linux\n"
    "  -v, --vcpus N        vCPUs (default 1)\n"
    "  -A, --acpi-dump DIR  write the ACPI tables to DIR/<signature>.dat (RSDP.dat, ...)\n"
    "  -h, --help           this text\n";

static uint8_t *read_file(const char *path, uint64_t *size)
{
    FILE *f = fopen(path, "rb");
    uint8_t *b = NULL;
    long n;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        b = malloc((size_t)n + 1);
        if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
            free(b);
            b = NULL;
        }
        *size = (uint64_t)n;
    }
    fclose(f);
    return b;
}

static void region(const char *what, struct db_region r)
{
    if (r.size)
        printf("  %-16s 0x%010llx - 0x%010llx (%llu bytes)\n", what, (unsigned long long)r.gpa,
               (unsigned long long)(r.gpa + r.size), (unsigned long long)r.size);
}

static int dump(const char *dir, const char *name, const uint8_t *guest, uint64_t gpa, uint64_t len,
                uint64_t nr_frames)
{
    char path[4096];
    FILE *f;

    if (!gpa || gpa + len < gpa || gpa + len > nr_frames * 4096) {
        fprintf(stderr, "db-layout: ACPI %s at 0x%llx + 0x%llx is outside guest memory\n", name,
                (unsigned long long)gpa, (unsigned long long)len);
        return -1;
    }
    snprintf(path, sizeof(path), "%s/%s.dat", dir, name);
    f = fopen(path, "wb");
    if (!f || fwrite(guest + gpa, 1, len, f) != len || fclose(f)) {
        perror(path);
        return -1;
    }
    return 0;
}

static uint64_t rd(const uint8_t *p, int n)
{
    uint64_t v = 0;

    while (n--)
        v = v << 8 | p[n];
    return v;
}

/* A header-carrying table at gpa, saved under its signature. */
static int dump_table(const char *dir, const uint8_t *guest, uint64_t gpa, uint64_t nr_frames)
{
    char sig[5] = { 0 };

    if (!gpa || gpa + 36 > nr_frames * 4096)
        return dump(dir, "table", guest, gpa, 36, nr_frames);
    memcpy(sig, guest + gpa, 4);
    return dump(dir, sig, guest, gpa, rd(guest + gpa + 4, 4), nr_frames);
}

/* What a guest finds from the RSDP: XSDT, its tables, the FADT's FACS and DSDT. */
static int dump_acpi(const char *dir, const struct db_layout *l, const uint8_t *guest)
{
    uint64_t xsdt, len;

    if (!l->rsdp) {
        fprintf(stderr, "db-layout: a %s domain has no ACPI tables\n", db_mode_name(l->mode));
        return -1;
    }
    if (dump(dir, "RSDP", guest, l->rsdp, 36, l->nr_frames) ||
        dump_table(dir, guest, xsdt = rd(guest + l->rsdp + 24, 8), l->nr_frames))
        return -1;
    len = rd(guest + xsdt + 4, 4);
    for (uint64_t off = 36; off + 8 <= len; off += 8) {
        uint64_t t = rd(guest + xsdt + off, 8);

        if (dump_table(dir, guest, t, l->nr_frames))
            return -1;
        if (!memcmp(guest + t, "FACP", 4) && rd(guest + t + 4, 4) >= 148 &&
            (dump_table(dir, guest, rd(guest + t + 132, 8), l->nr_frames) ||
             dump_table(dir, guest, rd(guest + t + 140, 8), l->nr_frames)))
            return -1;
    }
    return 0;
}

static void seg(const char *name, const struct db_segment *s)
{
    printf("  %-4s sel 0x%04x attr 0x%03x base 0x%llx limit 0x%x\n", name, s->selector, s->attrib,
           (unsigned long long)s->base, s->limit);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "memory", required_argument, NULL, 'm' },  { "initrd", required_argument, NULL, 'i' },
        { "cmdline", required_argument, NULL, 'c' }, { "mode", required_argument, NULL, 'M' },
        { "vcpus", required_argument, NULL, 'v' },   { "acpi-dump", required_argument, NULL, 'A' },
        { "help", no_argument, NULL, 'h' },          { NULL, 0, NULL, 0 },
    };
    static const char *const e820_names[] = { "?",   "RAM",      "reserved", "ACPI",
                                              "NVS", "unusable", "disabled", "persistent" };
    struct db_domain_spec spec = { .name = "db-layout",
                                   .memory_bytes = 256ull << 20,
                                   .nr_vcpus = 1 };
    struct db_layout *l = calloc(1, sizeof(*l));
    struct db_module mod = { 0 };
    struct db_vcpu_state v;
    struct db_guest_mem mem;
    struct db_buffer_mem bm;
    struct db_diag diag;
    const char *acpi_dir = NULL;
    uint8_t *guest;
    int c;

    while ((c = getopt_long(argc, argv, "m:i:c:M:v:A:h", opts, NULL)) != -1) {
        switch (c) {
        case 'm': spec.memory_bytes = strtoull(optarg, NULL, 0) << 20; break;
        case 'i':
            mod.data = read_file(optarg, &mod.size);
            if (!mod.data) {
                perror(optarg);
                return 2;
            }
            spec.modules = &mod;
            spec.nr_modules = 1;
            break;
        case 'c': spec.cmdline = optarg; break;
        case 'v': spec.nr_vcpus = (uint32_t)strtoul(optarg, NULL, 0); break;
        case 'A': acpi_dir = optarg; break;
        case 'M':
            if (!strcmp(optarg, "pvh"))
                spec.mode = DB_MODE_PVH;
            else if (!strcmp(optarg, "pv"))
                spec.mode = DB_MODE_PV;
            else if (!strcmp(optarg, "linux"))
                spec.mode = DB_MODE_LINUX;
            else if (strcmp(optarg, "auto")) {
                fputs(usage, stderr);
                return 2;
            }
            break;
        case 'h': fputs(usage, stdout); return 0;
        default: fputs(usage, stderr); return 2;
        }
    }
    if (optind != argc - 1) {
        fputs(usage, stderr);
        return 2;
    }
    spec.kernel = read_file(argv[optind], &spec.kernel_size);
    if (!spec.kernel) {
        perror(argv[optind]);
        return 2;
    }
    if (db_prepare(&spec, l, &diag)) {
        fprintf(stderr, "db-layout: %s: %s: %s\n", argv[optind], db_err_name(diag.code), diag.msg);
        return 1;
    }
    guest = calloc(l->nr_frames, 4096);
    if (!guest) {
        perror("guest memory");
        return 2;
    }
    db_buffer_mem_init(&mem, &bm, guest, l->nr_frames);
    if (db_build(&spec, l, &mem, &v, &diag)) {
        fprintf(stderr, "db-layout: %s: %s: %s\n", argv[optind], db_err_name(diag.code), diag.msg);
        return 1;
    }

    printf("%s: mode %s, entry 0x%llx\n", argv[optind], db_mode_name(l->mode),
           (unsigned long long)l->entry);
    printf("memory map (%u entries):\n", l->nr_e820);
    for (uint32_t i = 0; i < l->nr_e820; i++)
        printf("  0x%010llx - 0x%010llx %s\n", (unsigned long long)l->e820[i].addr,
               (unsigned long long)(l->e820[i].addr + l->e820[i].size),
               e820_names[l->e820[i].type < 8 ? l->e820[i].type : 0]);
    printf("placed (guest-physical):\n");
    region("kernel", l->kernel);
    for (uint32_t i = 0; i < l->nr_modules; i++)
        region("module", l->modules[i]);
    region("command line", l->cmdline);
    region(l->mode == DB_MODE_LINUX ? "zero page" : "start info", l->start_info);
    region("module list", l->modlist);
    region("memory map", l->memmap);
    region("GDT", l->gdt);
    region("page tables", l->page_tables);
    region("stack", l->stack);
    region("P2M list", l->p2m);
    region("xenstore", l->xenstore);
    region("console", l->console);
    region("hypercall page", l->hypercall_page);
    region("ACPI tables", l->acpi);
    if (l->rsdp)
        printf("  RSDP at 0x%llx, %u vCPUs\n", (unsigned long long)l->rsdp, spec.nr_vcpus);
    if (l->mode == DB_MODE_PV)
        printf("  virtual base 0x%llx, initial mapping to 0x%llx\n",
               (unsigned long long)l->pv_virt_base, (unsigned long long)l->pv_map_end);
    printf("vCPU: rip 0x%llx rsp 0x%llx rsi 0x%llx rbx 0x%llx rflags 0x%llx\n",
           (unsigned long long)v.rip, (unsigned long long)v.rsp, (unsigned long long)v.rsi,
           (unsigned long long)v.rbx, (unsigned long long)v.rflags);
    printf("  cr0 0x%llx cr3 0x%llx cr4 0x%llx efer 0x%llx gdtr 0x%llx/0x%x\n",
           (unsigned long long)v.cr0, (unsigned long long)v.cr3, (unsigned long long)v.cr4,
           (unsigned long long)v.efer, (unsigned long long)v.gdtr.base, v.gdtr.limit);
    seg("cs", &v.cs);
    seg("ds", &v.ds);
    seg("ss", &v.ss);
    seg("tr", &v.tr);
    if (acpi_dir && dump_acpi(acpi_dir, l, guest))
        return 1;
    free(guest);
    free(l);
    return 0;
}
