// SPDX-License-Identifier: MIT
/*
 * The hypervisor command line (hv/cmdline.h, docs/command-line.md): the tree's
 * bootargs, a space, the loader's options. Kept twice: as given (for the boot
 * report) and split into NUL-terminated words for lookups.
 */
#include <string.h>
#include <hv/cmdline.h>
#include <hv/printk.h>

#define CMDLINE_MAX 2048

static char full[CMDLINE_MAX];
static char words[CMDLINE_MAX];
static size_t words_len;
static bool truncated;

static void append(const char *s)
{
    size_t len = strlen(full);

    if (!s || !*s)
        return;
    if (len > 0 && len + 1 < sizeof(full))
        full[len++] = ' ';
    for (; *s && len + 1 < sizeof(full); s++)
        full[len++] = *s;
    if (*s)
        truncated = true;
    full[len] = '\0';
}

void cmdline_init(const char *tree_bootargs, const char *loader_options)
{
    full[0] = '\0';
    truncated = false;
    append(tree_bootargs);
    append(loader_options);

    words_len = strlen(full);
    for (size_t i = 0; i <= words_len; i++) {
        char c = full[i];

        words[i] = (c == ' ' || c == '\t' || c == '\n' || c == '\r') ? '\0' : c;
    }
    if (truncated)
        printk("tessera: command line longer than %d bytes: the rest is ignored\n",
               CMDLINE_MAX - 1);
}

const char *cmdline_full(void)
{
    return full;
}

const char *cmdline_get(const char *key)
{
    size_t key_len = strlen(key);
    const char *value = NULL;

    for (size_t i = 0; i < words_len; i += strlen(words + i) + 1) {
        const char *w = words + i;

        if (strncmp(w, key, key_len) != 0)
            continue;
        if (w[key_len] == '\0')
            value = w + key_len;
        else if (w[key_len] == '=')
            value = w + key_len + 1;
    }
    return value;
}

bool cmdline_has(const char *key)
{
    return cmdline_get(key) != NULL;
}

uint64_t cmdline_get_u64(const char *key, uint64_t def)
{
    const char *s = cmdline_get(key);
    unsigned int base = 10;
    uint64_t v = 0;

    if (!s || !*s)
        return def;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
        if (!*s)
            return def;
    }
    for (; *s; s++) {
        unsigned int d;

        if (*s >= '0' && *s <= '9')
            d = (unsigned int)(*s - '0');
        else if (base == 16 && *s >= 'a' && *s <= 'f')
            d = (unsigned int)(*s - 'a' + 10);
        else if (base == 16 && *s >= 'A' && *s <= 'F')
            d = (unsigned int)(*s - 'A' + 10);
        else
            return def;
        if (v > (UINT64_MAX - d) / base)
            return def; /* overflow */
        v = v * base + d;
    }
    return v;
}
