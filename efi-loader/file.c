// SPDX-License-Identifier: MIT
/* Files on the volume the loader itself was loaded from. */
#include <string.h>

#include "cpu.h"
#include "loader.h"

static EFI_GUID simple_fs_guid = EFI_SIMPLE_FILE_SYSTEM_PROTOCOL_GUID;
static EFI_GUID file_info_guid = EFI_FILE_INFO_ID;

/*
 * "tessera/guests/x.bin", "/tessera//x.bin" and "\tessera\x.bin" all become
 * "\tessera\x.bin". Refused: empty paths, characters FAT cannot hold, and
 * "." or ".." components (paths are relative to the volume root, never above).
 */
bool path_normalise(const char *in, char *out, size_t out_size)
{
    size_t n = 0, component_start = 0;

    for (const char *p = in;; p++) {
        char c = *p == '/' ? '\\' : *p;

        if (c == '\\' || c == '\0') {
            size_t len = n - component_start;
            const char *comp = out + component_start;

            if (len == 1 && comp[0] == '.')
                return false;
            if (len == 2 && comp[0] == '.' && comp[1] == '.')
                return false;
            if (c == '\0')
                break;
            if (n > 0 && out[n - 1] == '\\')
                continue;
            if (n + 1 >= out_size)
                return false;
            out[n++] = '\\';
            component_start = n;
            continue;
        }
        if (c < 0x20 || c > 0x7e || strchr("\"*:<>?|", c))
            return false;
        if (n == 0) {
            out[n++] = '\\';
            component_start = n;
        }
        if (n + 1 >= out_size)
            return false;
        out[n++] = c;
    }
    if (n == 0 || out[n - 1] == '\\')
        return false;
    out[n] = '\0';
    return true;
}

EFI_STATUS volume_open(struct loader *ld, EFI_HANDLE device)
{
    EFI_FILE_IO_INTERFACE *fs;
    EFI_STATUS s;

    s = ld->bs->HandleProtocol(device, &simple_fs_guid, (void **)&fs);
    if (EFI_ERROR(s)) {
        con_error("the loader's volume has no file system: %s", efi_status_text(s));
        return s;
    }
    s = fs->OpenVolume(fs, &ld->root);
    if (EFI_ERROR(s)) {
        con_error("cannot open the loader's volume: %s", efi_status_text(s));
        return s;
    }
    return EFI_SUCCESS;
}

void volume_close(struct loader *ld)
{
    if (ld->root) {
        ld->root->Close(ld->root);
        ld->root = NULL;
    }
}

static void report(const char *path, const char *reason, const char *referrer)
{
    if (referrer)
        con_error("%s: %s (referenced by %s)", path, reason, referrer);
    else
        con_error("%s: %s", path, reason);
}

static EFI_STATUS file_size(EFI_FILE_HANDLE f, uint64_t *size, bool *is_dir)
{
    /* EFI_FILE_INFO ends in the file name; room for a long one. */
    union {
        EFI_FILE_INFO info;
        uint8_t bytes[sizeof(EFI_FILE_INFO) + 512 * sizeof(CHAR16)];
    } u;
    UINTN len = sizeof(u);
    EFI_STATUS s;

    s = f->GetInfo(f, &file_info_guid, &len, &u);
    if (EFI_ERROR(s))
        return s;
    *size = u.info.FileSize;
    *is_dir = (u.info.Attribute & EFI_FILE_DIRECTORY) != 0;
    return EFI_SUCCESS;
}

/* "read \x.bin: 65906612 bytes in 381.2 ms, 164 MiB/s", timed with the loader's TSC rate. */
static void report_speed(const struct loader *ld, const char *path, uint64_t len, uint64_t ticks)
{
    uint64_t khz = ld->stamps.loader_tsc_khz, us;

    if (!khz)
        return;
    us = ticks * 1000 / khz;
    if (us == 0)
        us = 1;
    con_info("read %s: %lu bytes in %lu.%lu ms, %lu MiB/s", path, (unsigned long)len,
             (unsigned long)(us / 1000), (unsigned long)(us % 1000 / 100),
             (unsigned long)(((len >> 10) * 1000000 / us) >> 10));
}

/*
 * Reads a whole file (path already normalised) into fresh pages of efi_type,
 * below max_addr unless it is 0, at a multiple of align if the file has at
 * least align bytes, in one Read request: the file system driver
 * turns it into as few block reads as the file's clusters allow. Errors are
 * reported here, naming the file and, if given, the tree node that referenced
 * it.
 */
EFI_STATUS file_load(struct loader *ld, const char *path, uint32_t efi_type, uint64_t max_addr,
                     uint64_t align, const char *referrer, uint64_t *addr, uint64_t *size)
{
    CHAR16 wide[LOADER_PATH_MAX];
    EFI_FILE_HANDLE f;
    uint64_t len, done = 0, base = max_addr, start;
    bool is_dir;
    EFI_STATUS s;
    size_t i;

    for (i = 0; path[i] && i + 1 < LOADER_PATH_MAX; i++)
        wide[i] = (CHAR16)path[i];
    wide[i] = 0;

    s = ld->root->Open(ld->root, &f, wide, EFI_FILE_MODE_READ, 0);
    if (s == EFI_NOT_FOUND) {
        report(path, "file not found", referrer);
        return s;
    }
    if (EFI_ERROR(s)) {
        con_error("%s: cannot open: %s%s%s", path, efi_status_text(s),
                  referrer ? " (referenced by " : "", referrer ? referrer : "");
        return s;
    }
    s = file_size(f, &len, &is_dir);
    if (EFI_ERROR(s)) {
        report(path, "cannot read file information", referrer);
        goto out;
    }
    if (is_dir) {
        report(path, "is a directory", referrer);
        s = EFI_NOT_FOUND;
        goto out;
    }
    if (len == 0) {
        report(path, "file is empty", referrer);
        s = EFI_LOAD_ERROR;
        goto out;
    }
    s = pages_alloc_aligned(max_addr ? AllocateMaxAddress : AllocateAnyPages, efi_type, len,
                            len >= align ? align : PAGE_SIZE, &base);
    if (EFI_ERROR(s)) {
        report(path, "out of memory", referrer);
        s = EFI_OUT_OF_RESOURCES;
        goto out;
    }
    start = rdtsc();
    /* A firmware may return less than asked for; keep asking for the rest. */
    while (done < len) {
        UINTN chunk = len - done;

        s = f->Read(f, &chunk, (void *)(uintptr_t)(base + done));
        if (EFI_ERROR(s) || chunk == 0) {
            report(path, "read error", referrer);
            pages_free(base);
            s = EFI_ERROR(s) ? s : EFI_DEVICE_ERROR;
            goto out;
        }
        done += chunk;
    }
    report_speed(ld, path, len, rdtsc() - start);
    /* Whole pages are handed over; the tail past the file is zero. */
    memset((void *)(uintptr_t)(base + len), 0, page_round_up(len) - len);
    *addr = base;
    *size = len;
    s = EFI_SUCCESS;
out:
    f->Close(f);
    return s;
}
