// SPDX-License-Identifier: MIT
/*
 * Load options: "launch=\path\x.dtb" and "hypervisor=\path\hv.elf" choose the
 * files, "bench-blockio" times the volume's block I/O; every other word goes,
 * in order, into the hypervisor's command line.
 */
#include <string.h>

#include "loader.h"

/*
 * A boot entry without options may still pass bytes (firmware fills in its
 * own data for default boot entries), so options are used only if they are
 * printable UCS-2 text; anything else is ignored as if there were none.
 */
static bool looks_like_text(const CHAR16 *w, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (w[i] == 0)
            return i > 0 && i + 1 == n;
        if (w[i] != '\t' && (w[i] < 0x20 || w[i] > 0x7e))
            return false;
    }
    return true;
}

static EFI_STATUS set_path(char *dst, const char *opt, const char *value)
{
    if (!path_normalise(value, dst, LOADER_PATH_MAX)) {
        con_error("load options: %s%s: bad path", opt, value);
        return EFI_INVALID_PARAMETER;
    }
    return EFI_SUCCESS;
}

EFI_STATUS options_parse(struct loader *ld, const void *opts, uint32_t size, bool skip_program_name)
{
    const CHAR16 *w = opts;
    size_t n = size / sizeof(CHAR16), i = 0;
    char word[LOADER_CMDLINE_MAX];
    EFI_STATUS s;

    memcpy(ld->tree_path, DEFAULT_TREE_PATH, sizeof(DEFAULT_TREE_PATH));
    memcpy(ld->hv_path, DEFAULT_HV_PATH, sizeof(DEFAULT_HV_PATH));
    ld->cmdline[0] = '\0';
    ld->cmdline_len = 0;
    ld->bench_blockio = false;

    if (!opts || size % sizeof(CHAR16) || !looks_like_text(w, n)) {
        if (opts && size)
            con_info("load options are not text; ignored");
        return EFI_SUCCESS;
    }

    while (i < n && w[i]) {
        size_t len = 0;

        while (i < n && (w[i] == ' ' || w[i] == '\t'))
            i++;
        while (i < n && w[i] && w[i] != ' ' && w[i] != '\t') {
            if (len + 1 >= sizeof(word)) {
                con_error("load options: a word is longer than %u characters",
                          (unsigned)sizeof(word) - 1);
                return EFI_INVALID_PARAMETER;
            }
            word[len++] = (char)w[i++];
        }
        word[len] = '\0';
        if (len == 0)
            break;

        if (skip_program_name) {
            skip_program_name = false;
            continue;
        }

        if (!strncmp(word, "launch=", 7)) {
            s = set_path(ld->tree_path, "launch=", word + 7);
        } else if (!strncmp(word, "hypervisor=", 11)) {
            s = set_path(ld->hv_path, "hypervisor=", word + 11);
        } else if (!strcmp(word, "bench-blockio")) {
            ld->bench_blockio = true;
            s = EFI_SUCCESS;
        } else {
            size_t need = ld->cmdline_len + (ld->cmdline_len ? 1 : 0) + len;

            if (need >= sizeof(ld->cmdline)) {
                con_error("load options: hypervisor command line longer than %u bytes",
                          (unsigned)sizeof(ld->cmdline) - 1);
                return EFI_INVALID_PARAMETER;
            }
            if (ld->cmdline_len)
                ld->cmdline[ld->cmdline_len++] = ' ';
            memcpy(ld->cmdline + ld->cmdline_len, word, len + 1);
            ld->cmdline_len = (uint32_t)need;
            s = EFI_SUCCESS;
        }
        if (EFI_ERROR(s))
            return s;
    }
    return EFI_SUCCESS;
}
