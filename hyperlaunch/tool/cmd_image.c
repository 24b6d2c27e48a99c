/* SPDX-License-Identifier: MIT */
/*
 * tessera image TREE -o disk.img: a whole-disk image a USB stick can be
 * written with: a GPT (sgdisk, from gdisk) with one EFI system partition,
 * FAT32 (mkfs.fat, from dosfstools), holding the ESP `tessera esp` assembles
 * (copied in with mtools). No root needed: every step works on a plain file.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tool.h"

#define MIB               (1ull << 20)
#define PART_START_SECTOR 2048u /* 1 MiB: the usual alignment */
#define SECTOR            512u
/* FAT32 needs at least 65525 clusters: with 512-byte clusters, about 33 MiB. */
#define MIN_ESP_BYTES (64 * MIB)

static const char image_usage[] =
    "usage: tessera image TREE -o IMAGE [options]\n"
    "       tessera image --grub TREE -o ISO [options]\n"
    "\n"
    "Validates TREE and writes IMAGE, a disk image with a GPT and one EFI system\n"
    "partition (FAT32, label TESSERA) holding what tessera esp assembles. Write it\n"
    "to a USB stick (e.g. dd if=IMAGE of=/dev/sdX bs=4M conv=fsync) and boot the\n"
    "stick from the firmware's boot menu. Made without root, with sgdisk (gdisk),\n"
    "mkfs.fat (dosfstools) and mcopy (mtools).\n"
    "\n"
    "With --grub, ISO is a BIOS-bootable GRUB image (grub-mkrescue: grub-pc-bin,\n"
    "xorriso, mtools) booting the hypervisor through multiboot2: the tree goes in\n"
    "as module 0, each xen,uefi-binary module becomes module-index = <N> and the\n"
    "Nth module2 line of boot/grub/grub.cfg (docs/tool.md).\n"
    "\n"
    "options:\n"
    "  -o, --output IMAGE   the image file to write (replaced if it exists)\n"
    "  --grub               a GRUB ISO (multiboot2) instead of a UEFI disk image\n"
    "  --size SIZE          the whole image (e.g. 256M; default: the ESP's files\n"
    "                       plus 32 MiB, at least 64 MiB for the partition);\n"
    "                       not with --grub\n"
    "  --loader FILE, --hypervisor FILE, --module-path DIR, --cpus N, --mem SIZE\n"
    "                       as for tessera esp\n"
    "  -h, --help           this text\n"
    "\n"
    "exit status: 0 written, 1 invalid tree, a file missing or a tool failed,\n"
    "2 usage error (--size too small included) or unreadable tree\n";

enum {
    OPT_LOADER = 256,
    OPT_HV,
    OPT_SIZE,
    OPT_GRUB
};

static uint64_t esp_bytes;

static int add_size(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)path;
    (void)ftw;
    /* Each file rounded up to 4 KiB, each directory a cluster chain of its own. */
    if (flag == FTW_F)
        esp_bytes += (st->st_size + 4095) & ~4095ull;
    else
        esp_bytes += 4096;
    return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/*
 * Runs argv[0] (from PATH, or /usr/sbin and /sbin where Debian puts these).
 * With stderr_log, its standard error goes there and is shown only if it fails.
 */
int run_tool(char *const argv[], const char *package, const char *stderr_log)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0)
            dup2(null, STDOUT_FILENO); /* their chatter; errors stay on stderr */
        int log = stderr_log ? open(stderr_log, O_WRONLY | O_CREAT | O_TRUNC, 0600) : -1;
        if (log >= 0)
            dup2(log, STDERR_FILENO);
        setenv("MTOOLS_SKIP_CHECK", "1", 1);
        const char *path = getenv("PATH");
        char full[8192];
        snprintf(full, sizeof(full), "%s:/usr/sbin:/sbin", path ? path : "/usr/bin:/bin");
        setenv("PATH", full, 1);
        execvp(argv[0], argv);
        fprintf(stderr,
                "tessera: image: %s not found: install the %s package "
                "(scripts/setup does)\n",
                argv[0], package);
        _exit(127);
    }
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) < 0) {
        perror("tessera: image");
        return -1;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        FILE *log = stderr_log ? fopen(stderr_log, "r") : NULL;
        char line[1024];
        while (log && fgets(line, sizeof(line), log))
            fputs(line, stderr);
        if (log)
            fclose(log);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 127)
            fprintf(stderr, "tessera: image: %s failed\n", argv[0]);
        return -1;
    }
    return 0;
}

/* Copies all of src to dst at offset. */
static int copy_into(const char *src, const char *dst, uint64_t offset)
{
    int in = open(src, O_RDONLY), out = open(dst, O_WRONLY);
    static char buf[1 << 16];
    ssize_t n = 0;
    if (in >= 0 && out >= 0 && lseek(out, (off_t)offset, SEEK_SET) >= 0)
        while ((n = read(in, buf, sizeof(buf))) > 0)
            if (write(out, buf, (size_t)n) != n) {
                n = -1;
                break;
            }
    int err = in < 0 || out < 0 || n < 0 || close(out) != 0;
    if (err)
        fprintf(stderr, "tessera: image: copying the partition into %s: %s\n", dst,
                strerror(errno));
    if (in >= 0)
        close(in);
    if (out >= 0 && err)
        close(out);
    return err ? -1 : 0;
}

static int make_file(const char *path, uint64_t size)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || ftruncate(fd, (off_t)size) != 0 || close(fd) != 0) {
        fprintf(stderr, "tessera: %s: %s\n", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return 0;
}

/*
 * The partition is made as a file of its own (FAT32, then the ESP copied in),
 * then placed at 1 MiB in the image, where the GPT says it is.
 */
static int make_image(const char *esp, const char *fat, const char *image, uint64_t size)
{
    /* 1 MiB before the partition, 1 MiB after it for the backup GPT (33 sectors). */
    uint64_t part_bytes = size - 2 * MIB;
    char part[64];
    snprintf(part, sizeof(part), "1:%u:+%lluK", PART_START_SECTOR,
             (unsigned long long)(part_bytes / 1024));
    if (make_file(image, size) != 0 || make_file(fat, part_bytes) != 0)
        return -1;
    char *gpt[] = { "sgdisk",
                    "--clear",
                    "--new",
                    part,
                    "--typecode=1:ef00",
                    "--change-name=1:EFI system partition",
                    (char *)image,
                    NULL };
    char *mkfs[] = { "mkfs.fat", "-F", "32", "-n", "TESSERA", (char *)fat, NULL };
    if (run_tool(gpt, "gdisk", NULL) != 0 || run_tool(mkfs, "dosfstools", NULL) != 0)
        return -1;
    /* mcopy -s copies each top-level entry of the ESP with what is below it. */
    enum {
        MAX_TOP = 56
    };
    static char names[MAX_TOP][4200];
    char *copy[MAX_TOP + 6] = { "mcopy", "-s", "-i", (char *)fat };
    int n = 4, k = 0;
    DIR *d = opendir(esp);
    for (struct dirent *e; d && (e = readdir(d));) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (k == MAX_TOP) {
            fprintf(stderr, "tessera: image: more than %d entries at the ESP's top\n", MAX_TOP);
            closedir(d);
            return -1;
        }
        snprintf(names[k], sizeof(names[k]), "%s/%s", esp, e->d_name);
        copy[n++] = names[k++];
    }
    if (d)
        closedir(d);
    copy[n++] = "::/";
    copy[n] = NULL;
    if (run_tool(copy, "mtools", NULL) != 0)
        return -1;
    return copy_into(fat, image, (uint64_t)PART_START_SECTOR * SECTOR);
}

int cmd_image(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "output", required_argument, NULL, 'o' },
        { "size", required_argument, NULL, OPT_SIZE },
        { "grub", no_argument, NULL, OPT_GRUB },
        { "loader", required_argument, NULL, OPT_LOADER },
        { "hypervisor", required_argument, NULL, OPT_HV },
        { "module-path", required_argument, NULL, 'p' },
        { "cpus", required_argument, NULL, 'c' },
        { "mem", required_argument, NULL, 'm' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct tree t = { 0 };
    struct check_opts o = { 0 };
    struct esp_opts e = { tool_paths()->loader, tool_paths()->hypervisor };
    const char *out = NULL;
    uint64_t size = 0;
    bool grub = false;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'h': fputs(image_usage, stdout); return 0;
        case 'o': out = optarg; break;
        case OPT_LOADER: e.loader = optarg; break;
        case OPT_HV: e.hypervisor = optarg; break;
        case OPT_GRUB: grub = true; break;
        case OPT_SIZE:
            if (parse_size(optarg, &size) != 0 || size % MIB || size < MIN_ESP_BYTES + 2 * MIB) {
                fprintf(stderr,
                        "tessera image: --size: expected a whole number of MiB, at "
                        "least 66M, found \"%s\"\n",
                        optarg);
                return 2;
            }
            break;
        case 'c':
        case 'm':
        case 'p':
            if (parse_common_option(opt, optarg, &t, &o))
                return 2;
            break;
        default: fputs("tessera image --help describes the options\n", stderr); return 2;
        }
    }
    if (take_tree_operand("image", optind, argc, argv, &t, image_usage, ""))
        return 2;
    if (!out) {
        fputs("tessera image: no image file: -o IMAGE is required\n", stderr);
        return 2;
    }
    if (grub && size) {
        fputs("tessera image: --size is for disk images, not with --grub\n", stderr);
        return 2;
    }

    struct hl_plan *plan;
    int status = tree_load_checked(&t, &o, &plan, "refusing to write an image");
    if (grub && status == 0) {
        status = grub_image(&t, plan, e.hypervisor, out) == 0 ? 0 : 1;
        if (status == 0)
            printf("%s: GRUB ISO (BIOS, multiboot2) for %s\n", out, t.path);
        else
            unlink(out);
        free(plan);
        tree_free(&t);
        return status;
    }
    char dir[] = "/tmp/tessera-image.XXXXXX";
    bool made = false;
    if (status == 0) {
        made = mkdtemp(dir) != NULL;
        if (!made) {
            perror("tessera: mkdtemp");
            status = 1;
        }
    }
    if (status == 0 && esp_assemble(&t, plan, &e, dir) != 0)
        status = 1;
    if (status == 0) {
        esp_bytes = 0;
        nftw(dir, add_size, 16, FTW_PHYS);
        uint64_t need = esp_bytes + 32 * MIB;
        if (need < MIN_ESP_BYTES)
            need = MIN_ESP_BYTES;
        need = (need + MIB - 1) / MIB * MIB + 2 * MIB;
        if (!size)
            size = need;
        else if (size < need) {
            fprintf(stderr,
                    "tessera image: --size: the ESP needs an image of at least %llu "
                    "MiB\n",
                    (unsigned long long)(need / MIB));
            status = 2;
        }
    }
    char fat[4200];
    snprintf(fat, sizeof(fat), "%s.fat", dir);
    if (status == 0 && make_image(dir, fat, out, size) != 0) {
        unlink(out);
        status = 1;
    }
    if (made)
        unlink(fat);
    if (status == 0)
        printf("%s: %llu MiB disk image (GPT, FAT32 EFI system partition) for %s\n", out,
               (unsigned long long)(size / MIB), t.path);
    free(plan);
    tree_free(&t);
    if (made)
        nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    return status;
}
